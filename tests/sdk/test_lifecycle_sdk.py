"""The task lifecycle through the official Python SDK, unmodified (lifecycle.md §12, §13 tests 3, 4, 8)."""

import json
import time

import huaweicloudsdkdrs.v3 as drs
import pytest

from drs_harness import BACKENDS, Server, fresh_database, run_drs
from lifecycle_harness import (
    check_totals,
    client_for,
    create_job,
    end,
    endpoints,
    history,
    pause,
    precheck,
    project_with_credential,
    retry,
    start,
    status_of,
    statuses,
    wait_for,
)


@pytest.fixture(scope="module", params=BACKENDS)
def paced0(request, tmp_path_factory):
    """`drs serve --pace 0` on a fresh database of each kind, with a project and an AK/SK pair."""
    with fresh_database(request.param, tmp_path_factory.mktemp("lifecycle")) as database:
        project, credential = project_with_credential(database)
        server = Server(database, "--pace", "0")
        yield {"server": server, "database": database, "project": project,
               "client": client_for(server.base, project, credential)}
        server.stop()


def walk(client, name):
    """The walk of lifecycle.md §12: create, test connections, pre-check, start, incremental."""
    job_id = create_job(client, name)
    wait_for(client, job_id, "CONFIGURATION")
    source, target = endpoints()
    sides = [drs.TestEndPoint(id=job_id, end_point_type=side, net_type="eip", db_type="mysql", ip=endpoint.ip, db_port=3306,
                              db_user="root", db_password="s3cret") for side, endpoint in (("so", source), ("ta", target))]
    tested = client.batch_validate_connections(drs.BatchValidateConnectionsRequest(body=drs.BatchTestConnectionReq(jobs=sides)))
    assert all(result.success for result in tested.results)
    assert precheck(client, job_id).total_passed_rate == "100%"
    assert start(client, job_id).status == "success"
    wait_for(client, job_id, "INCRE_TRANSFER_STARTED")
    page = client.show_job_list(drs.ShowJobListRequest(body=drs.QueryJobsReq(db_use_type="migration", name=job_id)))
    assert page.total_record == 1 and page.jobs[0].status == "INCRE_TRANSFER_STARTED"
    assert "PAUSE" in page.jobs[0].job_action.available_actions
    return job_id


def test_the_walk_at_pace_zero(paced0):
    client, database, project = paced0["client"], paced0["database"], paced0["project"]
    job_id = walk(client, "walk at pace 0")
    assert statuses(database, project, job_id) == [
        "CREATING", "CONFIGURATION", "STARTJOBING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED"]
    check_totals(client, database)


def test_pause_resume_then_terminate_and_delete(paced0):
    client, database, project = paced0["client"], paced0["database"], paced0["project"]
    job_id = walk(client, "pause and resume")
    assert pause(client, job_id).status == "success"
    wait_for(client, job_id, "PAUSING")
    check_totals(client, database)
    assert retry(client, job_id).status == "success"
    wait_for(client, job_id, "INCRE_TRANSFER_STARTED")
    assert end(client, job_id, "terminate").status == "success"
    wait_for(client, job_id, "RELEASE_RESOURCE_COMPLETE")
    assert end(client, job_id, "delete").status == "success"
    assert status_of(client, job_id) == "DELETED"
    page = client.show_job_list(drs.ShowJobListRequest(body=drs.QueryJobsReq(db_use_type="migration", name=job_id)))
    assert page.total_record == 0
    deleted = client.show_job_list(drs.ShowJobListRequest(body=drs.QueryJobsReq(db_use_type="migration", name=job_id, status="DELETED")))
    assert [job.id for job in deleted.jobs] == [job_id]
    log = statuses(database, project, job_id)
    assert log[log.index("INCRE_TRANSFER_STARTED"):] == [
        "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_STARTED", "PAUSING", "STARTJOBING", "INCRE_TRANSFER_STARTED",
        "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_COMPLETE", "DELETED"]
    check_totals(client, database)


@pytest.mark.parametrize("pause_job", [False, True])
def test_a_disaster_recovery_switchover(paced0, pause_job):
    client, database = paced0["client"], paced0["database"]
    job_id = create_job(client, f"dr switchover {pause_job}", use="cloudDataGuard", engine="cloudDataGuard-mysql")
    wait_for(client, job_id, "CONFIGURATION")
    precheck(client, job_id)
    start(client, job_id)
    wait_for(client, job_id, "INCRE_TRANSFER_STARTED")
    answer = client.batch_switchover(drs.BatchSwitchoverRequest(body=drs.BatchSwitchoverReq(jobs=[job_id], is_pause_job=pause_job)))
    item = answer.results[0]
    assert (item.job_id, item.job_direction, item.is_target_readonly) == (job_id, "down", True)
    assert item.target_db.instance_id == "e05a3679efe241d8b5dee80b17c1a863in01"
    assert item.source_db.db_password is None
    wait_for(client, job_id, "PAUSING" if pause_job else "INCRE_TRANSFER_STARTED")
    deadline = time.time() + 30
    while (detail := client.batch_list_job_details(drs.BatchListJobDetailsRequest(
            body=drs.BatchQueryJobReqPage(jobs=[job_id]))).results[0]).job_direction != "down":
        assert time.time() < deadline
        time.sleep(0.05)
    assert detail.original_job_direction == "up" and detail.job_kernel_direction == "down"
    check_totals(client, database)


def test_a_fault_from_the_tag_then_retry(paced0):
    client, database, project = paced0["client"], paced0["database"], paced0["project"]
    job_id = create_job(client, "faulty start", tags=[drs.ResourceTag(key="drs-fault", value="start")])
    wait_for(client, job_id, "CONFIGURATION")
    detail = client.batch_list_job_details(drs.BatchListJobDetailsRequest(body=drs.BatchQueryJobReqPage(jobs=[job_id]))).results[0]
    assert detail.tags == []
    precheck(client, job_id)
    start(client, job_id)
    wait_for(client, job_id, "START_JOB_FAILED")
    detail = client.batch_list_job_details(drs.BatchListJobDetailsRequest(body=drs.BatchQueryJobReqPage(jobs=[job_id]))).results[0]
    assert detail.failed_reason == "Failed to start the task."
    assert retry(client, job_id).status == "success"
    wait_for(client, job_id, "INCRE_TRANSFER_STARTED")
    assert statuses(database, project, job_id) == [
        "CREATING", "CONFIGURATION", "STARTJOBING", "START_JOB_FAILED", "STARTJOBING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE",
        "INCRE_TRANSFER_STARTED"]
    check_totals(client, database)


@pytest.mark.parametrize("step, status, message", [
    ("start", "START_JOB_FAILED", "Failed to start the task."),
    ("full", "FULL_TRANSFER_FAILED", "Full migration failed."),
    ("incremental", "INCRE_TRANSFER_FAILED", "Incremental migration failed."),
    ("release", "RELEASE_RESOURCE_FAILED", "Failed to release resources."),
])
def test_status_faults_armed_by_the_command(paced0, step, status, message):
    client, database, project = paced0["client"], paced0["database"], paced0["project"]
    job_id = create_job(client, f"command fault {step}")
    armed = run_drs("jobs", "fault", "--project", project, "--job", job_id, "--at", step, database=database)
    assert armed.stdout.strip() == f"armed {step} fault on {job_id}"
    wait_for(client, job_id, "CONFIGURATION")
    precheck(client, job_id)
    start(client, job_id)
    if step == "release":
        wait_for(client, job_id, "INCRE_TRANSFER_STARTED")
        end(client, job_id, "terminate")
    wait_for(client, job_id, status)
    # The query's error_msg (not a JobInfo attribute of the SDK: read raw) and the detail's failed_reason.
    raw = json.loads(client.show_job_list(drs.ShowJobListRequest(body=drs.QueryJobsReq(db_use_type="migration", name=job_id))).raw_content)
    assert raw["jobs"][0]["error_msg"] == message
    detail = client.batch_list_job_details(drs.BatchListJobDetailsRequest(body=drs.BatchQueryJobReqPage(jobs=[job_id]))).results[0]
    assert detail.failed_reason == message
    # One-shot: the next attempt succeeds.
    if step == "release":
        end(client, job_id, "terminate")
        wait_for(client, job_id, "RELEASE_RESOURCE_COMPLETE")
    else:
        retry(client, job_id)
        wait_for(client, job_id, "INCRE_TRANSFER_STARTED")
        if step == "full":
            progress = client.batch_list_progresses(drs.BatchListProgressesRequest(body=drs.BatchQueryProgressReq(jobs=[job_id])))
            assert progress.results[0].progress == "100"
    check_totals(client, database)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_create_fault_armed_by_the_command(backend, tmp_path):
    """At the default pace, so that the command arms it while the task is CREATING."""
    with fresh_database(backend, tmp_path) as database:
        project, credential = project_with_credential(database)
        server = Server(database)
        try:
            client = client_for(server.base, project, credential)
            job_id = create_job(client, "command fault create")
            run_drs("jobs", "fault", "--project", project, "--job", job_id, "--at", "create", database=database)
            wait_for(client, job_id, "CREATE_FAILED", timeout=30)
            detail = client.batch_list_job_details(drs.BatchListJobDetailsRequest(body=drs.BatchQueryJobReqPage(jobs=[job_id]))).results[0]
            assert detail.failed_reason == "Failed to create instance!"
            assert detail.inst_info is None
            # The next attempt: a pre-check, then a start.
            assert precheck(client, job_id).result is True
            assert start(client, job_id).status == "success"
            assert status_of(client, job_id) == "STARTJOBING"
        finally:
            server.stop()


def test_connection_and_precheck_faults_from_the_tag(paced0):
    client = paced0["client"]
    connection = create_job(client, "connection fault by tag", tags=[drs.ResourceTag(key="drs-fault", value="connection")])
    checked = create_job(client, "precheck fault by tag", tags=[drs.ResourceTag(key="drs-fault", value="precheck")])
    wait_for(client, connection, "CONFIGURATION")
    sides = [drs.TestEndPoint(id=connection, end_point_type="so", net_type="eip", db_type="mysql", ip="192.0.2.10", db_user="root",
                              db_password="s3cret")]
    request = drs.BatchValidateConnectionsRequest(body=drs.BatchTestConnectionReq(jobs=sides))
    failed = client.batch_validate_connections(request).results[0]
    assert (failed.success, failed.error_code, failed.error_msg) == (False, "DRS.KE0002", "The username or password is incorrect.")
    assert client.batch_validate_connections(request).results[0].success is True
    wait_for(client, checked, "CONFIGURATION")
    assert precheck(client, checked).result is False
    assert precheck(client, checked).result is True


def test_connection_and_precheck_faults(paced0):
    client, database, project = paced0["client"], paced0["database"], paced0["project"]
    job_id = create_job(client, "connection and precheck faults")
    wait_for(client, job_id, "CONFIGURATION")
    run_drs("jobs", "fault", "--project", project, "--job", job_id, "--at", "connection", database=database)
    sides = [drs.TestEndPoint(id=job_id, end_point_type=side, net_type="eip", db_type="mysql", ip="192.0.2.10", db_user="root",
                              db_password="s3cret") for side in ("so", "ta")]
    request = drs.BatchValidateConnectionsRequest(body=drs.BatchTestConnectionReq(jobs=sides), x_language="zh-cn")
    failed = client.batch_validate_connections(request).results
    assert [(item.status, item.success, item.error_code, item.error_msg) for item in failed] == [
        ("failed", False, "DRS.KE0002", "用户名或密码错误。")] * 2
    assert all(item.success for item in client.batch_validate_connections(request).results)

    run_drs("jobs", "fault", "--project", project, "--job", job_id, "--at", "precheck", "--message", "clock skew", database=database)
    check = precheck(client, job_id)
    assert (check.result, check.total_passed_rate) == (False, "60%")
    failed_items = [(item.item, item.result, item.failed_reason) for item in check.precheck_result if item.result != "PASSED"]
    assert failed_items == [("dbClockConsistency", "ALARM", "clock skew"), ("dbParamConsistency", "FAILED", "clock skew")]
    assert start(client, job_id).error_code == "DRS.M00304"
    assert precheck(client, job_id).result is True

    run_drs("jobs", "fault", "--project", project, "--job", job_id, "--at", "start", database=database)
    cleared = run_drs("jobs", "fault", "--project", project, "--job", job_id, "--clear", database=database)
    assert cleared.stdout.strip() == "cleared"
    start(client, job_id)
    wait_for(client, job_id, "INCRE_TRANSFER_STARTED")


def test_fault_and_history_commands_refuse_bad_input(paced0):
    database, project = paced0["database"], paced0["project"]
    cases = [
        (["--project", project, "--job", "no-such-task", "--at", "start"], "no task no-such-task"),
        (["--project", "0" * 32, "--job", "x", "--at", "start"], "does not exist"),
        (["--project", project, "--job", "x", "--at", "sometime"], "--at must be one of"),
        (["--project", project, "--job", "x", "--at", "start", "--message", "m" * 1025], "--message"),
    ]
    for arguments, message in cases:
        result = run_drs("jobs", "fault", *arguments, database=database, check=False)
        assert result.returncode != 0 and message in result.stderr, result.stderr
    missing = run_drs("jobs", "history", "--project", project, "--job", "no-such-task", database=database, check=False)
    assert missing.returncode != 0 and "no task no-such-task" in missing.stderr


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_walk_at_the_default_pace(backend, tmp_path):
    """§12 at the default durations: about 45 seconds."""
    with fresh_database(backend, tmp_path) as database:
        default_pace_walk(database)


def default_pace_walk(database):
    project, credential = project_with_credential(database)
    server = Server(database)
    try:
        client = client_for(server.base, project, credential)
        started = time.time()
        job_id = walk(client, "walk at the default pace")
        assert 38 < time.time() - started < 90
        times = [int(line["time"]) for line in history(database, project, job_id)]
        steps = [later - earlier for earlier, later in zip(times, times[1:])]
        assert steps[0] == 3000 and steps[2:] == [3000, 30000, 3000]
    finally:
        server.stop()


def test_the_readme_lifecycle_example_runs_as_printed(tmp_path):
    """The README's SDK program, against the demo's live project, with a fresh AK/SK pair and the server's address."""
    import os
    import re
    import subprocess
    import sys
    from drs_harness import REPO

    readme = (REPO / "README.md").read_text()
    example = re.search(r"<!-- lifecycle-example:start -->\n```python\n(.*?)```", readme, re.S).group(1)
    database = tmp_path / "drs.sqlite"
    server = Server(database, "--demo", "--pace", "0")
    try:
        live = "6c1e9a3b5d7f4e2a8c0b1d3f5a7e9c21"
        assert f'PROJECT = "{live}"' in example
        credential = json.loads(run_drs("credential", "create", "--project", live, database=database).stdout)["credential"]
        program = (example.replace('"<access>", "<secret>"', f'"{credential["access"]}", "{credential["secret"]}"')
                   .replace("http://127.0.0.1:8080", server.base))
        result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=120, env=dict(os.environ))
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("1 INCRE_TRANSFER_STARTED ['CREATE', 'CHOOSE_OBJECT', 'PRE_CHECK'"), result.stdout
    finally:
        server.stop()
