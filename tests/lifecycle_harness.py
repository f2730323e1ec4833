"""Helpers of the lifecycle suites: an SDK client, waiting for statuses, logs and totals read from the database."""

import json
import time
import warnings

import huaweicloudsdkdrs.v3 as drs
from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.http.http_config import HttpConfig

from drs_harness import run_drs, sql

warnings.simplefilter("ignore", DeprecationWarning)  # the v3 lifecycle methods warn, and work

STATUSES = [
    "CREATING", "CREATE_FAILED", "CONFIGURATION", "STARTJOBING", "WAITING_FOR_START", "START_JOB_FAILED", "PAUSING",
    "FULL_TRANSFER_STARTED", "FULL_TRANSFER_FAILED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_FAILED",
    "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_FAILED", "RELEASE_RESOURCE_COMPLETE", "REBUILD_NODE_STARTED", "REBUILD_NODE_FAILED",
    "CHANGE_JOB_STARTED", "CHANGE_JOB_FAILED", "DELETED", "CHILD_TRANSFER_STARTING", "CHILD_TRANSFER_STARTED", "CHILD_TRANSFER_COMPLETE",
    "CHILD_TRANSFER_FAILED", "RELEASE_CHILD_TRANSFER_STARTED", "RELEASE_CHILD_TRANSFER_COMPLETE", "NODE_UPGRADE_START",
    "NODE_UPGRADE_COMPLETE", "NODE_UPGRADE_FAILED",
]


def project_with_credential(database, name="lifecycle"):
    project = run_drs("project", "create", "--name", name, database=database).stdout.strip()
    credential = json.loads(run_drs("credential", "create", "--project", project, database=database).stdout)["credential"]
    return project, credential


def client_for(base, project, credential):
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    credentials = BasicCredentials(credential["access"], credential["secret"], project)
    return drs.DrsClient.new_builder().with_http_config(config).with_credentials(credentials).with_endpoints([base]).build()


def endpoints(password="s3cret"):
    source = drs.Endpoint(db_type="mysql", ip="192.0.2.10", db_port=3306, db_user="root", db_password=password)
    target = drs.Endpoint(db_type="mysql", ip="198.51.100.7", db_port=3306, db_user="root", db_password=password,
                          region="eu-de", inst_id="e05a3679efe241d8b5dee80b17c1a863in01")
    return source, target


def create_job(client, name, use="migration", engine="mysql", task_type="FULL_INCR_TRANS", tags=None, password="s3cret"):
    source, target = endpoints(password)
    job = drs.CreateJobReq(name=name, db_use_type=use, engine_type=engine, job_direction="up", net_type="eip", bind_eip=True,
                           node_type="high", task_type=task_type, source_endpoint=source, target_endpoint=target,
                           customize_sutnet_id="352ad828-3467-4f03-987a-c55a5a9dd417", tags=tags)
    created = client.batch_create_jobs(drs.BatchCreateJobsRequest(body=drs.BatchCreateJobReq(jobs=[job])))
    assert created.results[0].error_code is None, created
    return created.results[0].id


def status_of(client, job_id):
    request = drs.BatchListJobStatusRequest(body=drs.BatchQueryJobReqPage(jobs=[job_id]))
    return client.batch_list_job_status(request).results[0].status


def wait_for(client, job_id, status, timeout=120):
    deadline = time.time() + timeout
    while (current := status_of(client, job_id)) != status:
        assert time.time() < deadline, f"{job_id} stayed {current}, expected {status}"
        time.sleep(0.05)


def precheck(client, job_id, timeout=120):
    client.batch_check_jobs(drs.BatchCheckJobsRequest(body=drs.BatchPrecheckReq(
        jobs=[drs.PreCheckInfo(job_id=job_id, precheck_mode="forStartJob")])))
    request = drs.BatchCheckResultsRequest(body=drs.BatchQueryPrecheckResultReq(jobs=[job_id]))
    deadline = time.time() + timeout
    while (check := client.batch_check_results(request).results[0]).process != "100%":
        assert time.time() < deadline
        time.sleep(0.05)
    return check


def start(client, job_id, start_time=None):
    info = drs.StartInfo(job_id=job_id, start_time=start_time)
    return client.batch_start_jobs(drs.BatchStartJobsRequest(body=drs.BatchStartJobReq(jobs=[info]))).results[0]


def pause(client, job_id):
    body = drs.BatchPauseJobReq(jobs=[drs.PauseInfo(job_id=job_id, pause_mode="all")])
    return client.batch_stop_jobs(drs.BatchStopJobsRequest(body=body)).results[0]


def retry(client, job_id):
    body = drs.BatchRetryReq(jobs=[drs.RetryInfo(job_id=job_id)])
    return client.batch_restore_task(drs.BatchRestoreTaskRequest(body=body)).results[0]


def end(client, job_id, delete_type):
    body = drs.BatchDeleteJobReq(jobs=[drs.DeleteJobReq(job_id=job_id, delete_type=delete_type)])
    return client.batch_delete_jobs(drs.BatchDeleteJobsRequest(body=body)).results[0]


def history(database, project, job_id):
    out = run_drs("jobs", "history", "--project", project, "--job", job_id, database=database).stdout
    return [json.loads(line) for line in out.splitlines()]


def statuses(database, project, job_id):
    return [line["status"] for line in history(database, project, job_id)]


def totals_from_logs(database):
    """Per (scenario, status): the number of top-level tasks whose latest log line has that status."""
    rows = sql(database, """
        SELECT t.scenario, l.status, count(*) FROM task_log l JOIN tasks t ON t.pk = l.pk
        WHERE t.parent_pk IS NULL AND l.seq = (SELECT max(seq) FROM task_log m WHERE m.pk = l.pk)
        GROUP BY t.scenario, l.status""")
    totals = {}
    for row in rows.splitlines():
        scenario, status, count = (int(value) for value in row.split("|"))
        totals[(["migration", "sync", "cloudDataGuard"][scenario], STATUSES[status])] = count
    return totals


def check_totals(client, database):
    """total_record, without a filter and per status, equals the count the logs give (DELETED only with its filter)."""
    expected = totals_from_logs(database)
    for use in ("migration", "sync", "cloudDataGuard"):
        listed = client.show_job_list(drs.ShowJobListRequest(body=drs.QueryJobsReq(db_use_type=use, engine_type="", per_page=1)))
        live = sum(count for (scenario, status), count in expected.items() if scenario == use and status != "DELETED")
        assert listed.total_record == live, (use, listed.total_record, expected)
        for status in {status for (scenario, status) in expected if scenario == use}:
            body = drs.QueryJobsReq(db_use_type=use, engine_type="", status=status, per_page=1)
            assert client.show_job_list(drs.ShowJobListRequest(body=body)).total_record == expected[(use, status)], (use, status)
