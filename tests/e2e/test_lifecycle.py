"""The lifecycle's simulator end to end (lifecycle.md §13 tests 5, 6, 7, 8, 9): pace-0 determinism, catching up after
SIGTERM and after kill -9 under load, two processes on one PostgreSQL, exact totals, and secrets kept out of everything."""

import concurrent.futures
import json
import os
import re
import signal
import subprocess
import threading
import time

import huaweicloudsdkdrs.v3 as drs
import pytest

from drs_harness import BACKENDS, POSTGRES_URL, Server, fresh_database, make_task, run_drs, sql
from lifecycle_harness import (
    check_totals,
    client_for,
    create_job,
    end,
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

TICK = 0.25  # the contract's longest tick


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    with fresh_database(request.param, tmp_path) as database:
        yield database


def final(client, job_id, status, steps):
    """Waits for `status`, reached in at most `steps` steps of one tick each (with room for a busy machine)."""
    wait_for(client, job_id, status, timeout=(steps + 8) * TICK * 4)


def test_every_path_at_pace_zero_logs_the_same_sequence_every_run(database):
    project, credential = project_with_credential(database)
    run_drs("jobs", "import", "--project", project, "-", database=database, input=json.dumps({"jobs": [
        make_task(f"stuck-{run}", f"stuck {run}", db_use_type="migration", status="STARTJOBING") for run in range(2)]}))
    server = Server(database, "--pace", "0")
    try:
        client = client_for(server.base, project, credential)
        for run in range(2):
            def configured(name, **options):
                return create_and_configure(client, f"{name} {run}", **options)

            paths = {}
            job = create_job(client, f"created {run}")
            final(client, job, "CONFIGURATION", 1)
            paths[job] = ["CREATING", "CONFIGURATION"]
            job = create_job(client, f"create fault {run}", tags=[drs.ResourceTag(key="drs-fault", value="create")])
            final(client, job, "CREATE_FAILED", 1)
            paths[job] = ["CREATING", "CREATE_FAILED"]
            for task_type, tail in [
                ("FULL_INCR_TRANS", ["FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED"]),
                ("FULL_TRANS", ["FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE"]),
                ("INCR_TRANS", ["INCRE_TRANSFER_STARTED"]),
            ]:
                job = configured(f"start {task_type}", task_type=task_type)
                start(client, job)
                final(client, job, tail[-1], len(tail))
                paths[job] = ["CREATING", "CONFIGURATION", "STARTJOBING"] + tail
            job = configured("scheduled")
            start(client, job, start_time=str(int(time.time() * 1000) + 1500))
            assert status_of(client, job) == "WAITING_FOR_START"
            wait_for(client, job, "INCRE_TRANSFER_STARTED", timeout=15)
            paths[job] = ["CREATING", "CONFIGURATION", "WAITING_FOR_START", "STARTJOBING", "FULL_TRANSFER_STARTED",
                          "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED"]
            job = configured("pause resume end delete", task_type="INCR_TRANS")
            start(client, job)
            final(client, job, "INCRE_TRANSFER_STARTED", 1)
            pause(client, job)
            final(client, job, "PAUSING", 1)
            retry(client, job)
            final(client, job, "INCRE_TRANSFER_STARTED", 1)
            end(client, job, "terminate")
            final(client, job, "RELEASE_RESOURCE_COMPLETE", 1)
            end(client, job, "delete")
            paths[job] = ["CREATING", "CONFIGURATION", "STARTJOBING", "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_STARTED", "PAUSING",
                          "STARTJOBING", "INCRE_TRANSFER_STARTED", "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_COMPLETE", "DELETED"]
            for step, failed in [("start", "START_JOB_FAILED"), ("full", "FULL_TRANSFER_FAILED"), ("incremental", "INCRE_TRANSFER_FAILED")]:
                job = configured(f"{step} fault", tags=[drs.ResourceTag(key="drs-fault", value=step)])
                start(client, job)
                expected = {"start": ["START_JOB_FAILED"], "full": ["FULL_TRANSFER_STARTED", "FULL_TRANSFER_FAILED"],
                            "incremental": ["FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED",
                                            "INCRE_TRANSFER_FAILED"]}[step]
                final(client, job, failed, len(expected))
                paths[job] = ["CREATING", "CONFIGURATION", "STARTJOBING"] + expected
            job = configured("release fault", tags=[drs.ResourceTag(key="drs-fault", value="release")])
            end(client, job, "terminate")
            final(client, job, "RELEASE_RESOURCE_FAILED", 1)
            paths[job] = ["CREATING", "CONFIGURATION", "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_FAILED"]
            switched = job = configured("switchover", use="cloudDataGuard", engine="cloudDataGuard-mysql")
            start(client, job)
            final(client, job, "INCRE_TRANSFER_STARTED", 3)
            client.batch_switchover(drs.BatchSwitchoverRequest(body=drs.BatchSwitchoverReq(jobs=[job])))
            deadline = time.time() + 10
            while len(statuses(database, project, job)) < 8:
                assert time.time() < deadline
                time.sleep(0.05)
            paths[job] = ["CREATING", "CONFIGURATION", "STARTJOBING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE",
                          "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_STARTED"]
            # An imported task stuck in STARTJOBING is ended with force_terminate.
            end(client, f"stuck-{run}", "force_terminate")
            final(client, f"stuck-{run}", "RELEASE_RESOURCE_COMPLETE", 1)
            paths[f"stuck-{run}"] = ["STARTJOBING", "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_COMPLETE"]

            for job, expected in paths.items():
                log = history(database, project, job)
                assert [line["status"] for line in log] == expected, job
                assert [line["seq"] for line in log] == list(range(1, len(log) + 1))
            switch = history(database, project, switched)
            assert [line["current_action"] for line in switch[-2:]] == ["SWITCH_OVER", None]
            assert [line["cause"] for line in switch[-2:]] == ["switchover", "simulator"]
            stuck = history(database, project, f"stuck-{run}")
            assert [line["cause"] for line in stuck] == ["import", "force_terminate", "simulator"]
            check_totals(client, database)
    finally:
        server.stop()


def create_and_configure(client, name, task_type="FULL_INCR_TRANS", use="migration", engine="mysql", tags=None):
    job = create_job(client, name, use=use, engine=engine, task_type=task_type, tags=tags)
    wait_for(client, job, "CONFIGURATION")
    precheck(client, job)
    return job


PACE = "0.1"  # create, start, release, switch 300 ms; pause 200 ms; full 3 s
EXPECTED_GAPS = [300, None, 300, 3000, 300]  # CREATING→CONFIGURATION, →STARTJOBING (the request), →FULL…, →COMPLETE, →INCRE


def test_a_restart_after_sigterm_catches_up_with_the_stored_times(database):
    project, credential = project_with_credential(database)
    server = Server(database, "--pace", PACE)
    client = client_for(server.base, project, credential)
    jobs = [create_job(client, f"restart {index}") for index in range(12)]
    for job in jobs:
        wait_for(client, job, "CONFIGURATION")
        precheck(client, job)
    for job in jobs:
        assert start(client, job).status == "success"
    assert server.stop() == 0
    time.sleep(4.5)  # longer than every pending duration
    restarted = Server(database, "--pace", PACE)
    try:
        client = client_for(restarted.base, project, credential)
        # Caught up before the first request is served.
        assert {status_of(client, job) for job in jobs} == {"INCRE_TRANSFER_STARTED"}
        for job in jobs:
            log = history(database, project, job)
            assert [line["status"] for line in log] == [
                "CREATING", "CONFIGURATION", "STARTJOBING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE", "INCRE_TRANSFER_STARTED"]
            times = [int(line["time"]) for line in log]
            gaps = [later - earlier for earlier, later in zip(times, times[1:])]
            assert [gap if expected else None for gap, expected in zip(gaps, EXPECTED_GAPS)] == EXPECTED_GAPS, job
        check_totals(client, database)
    finally:
        restarted.stop()


def test_kill_9_under_load_loses_no_acknowledged_operation(database):
    project, credential = project_with_credential(database)
    server = Server(database, "--pace", PACE)
    client = client_for(server.base, project, credential)
    ready = [create_job(client, f"ready {index}") for index in range(20)]
    for job in ready:
        wait_for(client, job, "CONFIGURATION")
        precheck(client, job)
    created, started, stop = [], [], threading.Event()

    def load(worker):
        index = 0
        while not stop.is_set():
            try:
                created.append(create_job(client, f"load {worker} {index}"))
                index += 1
            except Exception:  # the server is gone
                return

    def starter():
        for job in ready:
            try:
                if start(client, job).status == "success":
                    started.append(job)
            except Exception:
                return

    threads = [threading.Thread(target=load, args=(worker,)) for worker in range(4)] + [threading.Thread(target=starter)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    server.process.send_signal(signal.SIGKILL)
    server.wait(30)
    stop.set()
    for thread in threads:
        thread.join(60)
    assert created and started
    time.sleep(4)
    restarted = Server(database, "--pace", PACE)
    try:
        client = client_for(restarted.base, project, credential)
        for job in created:
            assert status_of(client, job) == "CONFIGURATION", job
        for job in started:
            assert status_of(client, job) == "INCRE_TRANSFER_STARTED", job
        for job in created[:10] + started:
            log = history(database, project, job)
            assert [line["seq"] for line in log] == list(range(1, len(log) + 1))
            statuses_seen = [line["status"] for line in log]
            assert len(statuses_seen) == len(set(statuses_seen)), (job, statuses_seen)  # no step applied twice
        check_totals(client, database)
    finally:
        restarted.stop()


@pytest.mark.skipif(not POSTGRES_URL, reason="needs PostgreSQL")
def test_two_processes_on_one_postgres_share_the_simulation(tmp_path):
    with fresh_database("postgres", tmp_path) as database:
        project, credential = project_with_credential(database)
        one, two = Server(database, "--pace", "0"), Server(database, "--pace", "0")
        try:
            clients = [client_for(server.base, project, credential) for server in (one, two)]
            count = 200
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                jobs = list(pool.map(lambda index: create_job(clients[index % 2], f"shared {index}"), range(count)))

                def lifecycle(index):
                    job, mine, other = jobs[index], clients[index % 2], clients[1 - index % 2]
                    wait_for(other, job, "CONFIGURATION")
                    precheck(other, job)
                    assert start(mine, job).status == "success"
                    wait_for(other, job, "INCRE_TRANSFER_STARTED")
                    # The same operation through both processes at once: exactly one changes the task.
                    with concurrent.futures.ThreadPoolExecutor(2) as both:
                        answers = list(both.map(lambda client: pause(client, job), (mine, other)))
                    assert sorted(answer.status for answer in answers) == ["failed", "success"], answers
                    assert {answer.error_code for answer in answers} == {None, "DRS.M01504"}
                    wait_for(mine, job, "PAUSING")
                    assert retry(other, job).status == "success"
                    wait_for(mine, job, "INCRE_TRANSFER_STARTED")
                    assert end(mine, job, "terminate").status == "success"
                    wait_for(other, job, "RELEASE_RESOURCE_COMPLETE")
                    assert end(other, job, "delete").status == "success"

                list(pool.map(lifecycle, range(count)))
            expected = ["CREATING", "CONFIGURATION", "STARTJOBING", "FULL_TRANSFER_STARTED", "FULL_TRANSFER_COMPLETE",
                        "INCRE_TRANSFER_STARTED", "INCRE_TRANSFER_STARTED", "PAUSING", "STARTJOBING", "INCRE_TRANSFER_STARTED",
                        "RELEASE_RESOURCE_STARTED", "RELEASE_RESOURCE_COMPLETE", "DELETED"]
            rows = sql(database, "SELECT t.id, l.seq, l.status FROM task_log l JOIN tasks t ON t.pk = l.pk ORDER BY t.id, l.seq")
            logs = {}
            for row in rows.splitlines():
                job, seq, status = row.split("|")
                logs.setdefault(job, []).append((int(seq), int(status)))
            from lifecycle_harness import STATUSES
            assert set(logs) == set(jobs)
            for job, lines in logs.items():
                assert [seq for seq, _ in lines] == list(range(1, len(lines) + 1))
                assert [STATUSES[status] for _, status in lines] == expected, job
            check_totals(clients[0], database)
        finally:
            one.stop()
            two.stop()


MARKER = "Marker-Secret-9f2e"


def test_secrets_reach_no_answer_log_export_or_database(database, tmp_path):
    project, credential = project_with_credential(database)
    server = Server(database, "--pace", "0", env={"LOG_LEVEL": "trace"})
    answers = []
    try:
        client = client_for(server.base, project, credential)
        source = drs.Endpoint(db_type="kafka", ip="192.0.2.10", db_port=9092, db_user="root", db_password=MARKER,
                              ssl_cert_password=MARKER, ssl_cert_key=MARKER,
                              kafka_security_config=drs.KafkaSecurity(type="SASL_SSL", trust_store_key=MARKER,
                                                                      trust_store_password=MARKER, key_store_key=MARKER,
                                                                      key_store_password=MARKER, key_password=MARKER,
                                                                      trust_store_key_name="truststore"))
        target = drs.Endpoint(db_type="mysql", ip="198.51.100.7", db_port=3306, db_user="root", db_password=MARKER)
        job = drs.CreateJobReq(name="secret keeper", db_use_type="migration", engine_type="mysql", job_direction="up", net_type="vpc",
                               source_endpoint=source, target_endpoint=target, customize_sutnet_id="subnet")
        created = client.batch_create_jobs(drs.BatchCreateJobsRequest(body=drs.BatchCreateJobReq(jobs=[job])))
        answers.append(created.raw_content)
        job_id = created.results[0].id
        wait_for(client, job_id, "CONFIGURATION")
        modified = client.batch_update_job(drs.BatchUpdateJobRequest(body=drs.BatchModifyJobReq(jobs=[drs.ModifyJobReq(
            job_id=job_id, source_endpoint=drs.Endpoint(db_type="mysql", ip="192.0.2.11", db_password=MARKER))])))
        answers.append(modified.raw_content)
        assert modified.results[0].status == "success"
        sides = [drs.TestEndPoint(id=job_id, end_point_type="so", net_type="vpc", db_type="mysql", ip="192.0.2.11", db_user="root",
                                  db_password=MARKER, ssl_cert_key=MARKER, ssl_cert_password=MARKER)]
        answers.append(client.batch_validate_connections(drs.BatchValidateConnectionsRequest(
            body=drs.BatchTestConnectionReq(jobs=sides))).raw_content)
        for request in (drs.BatchListJobDetailsRequest(body=drs.BatchQueryJobReqPage(jobs=[job_id])),):
            answers.append(client.batch_list_job_details(request).raw_content)
        answers.append(client.batch_list_progresses(drs.BatchListProgressesRequest(body=drs.BatchQueryProgressReq(jobs=[job_id]))).raw_content)
        answers.append(client.show_job_list(drs.ShowJobListRequest(body=drs.QueryJobsReq(db_use_type="migration", per_page=0))).raw_content)
    finally:
        server.stop()
    texts = [answer.decode() if isinstance(answer, bytes) else str(answer) for answer in answers]
    assert all(MARKER not in text for text in texts)
    assert MARKER not in "".join(server.stderr_lines) + "".join(server.stdout_lines)
    exported = run_drs("jobs", "export", "--project", project, database=database).stdout
    assert MARKER not in exported
    if str(database).startswith("postgres"):
        dump = subprocess.run(["pg_dump", str(database)], capture_output=True, text=True, timeout=120)
        assert dump.returncode == 0 and "secret keeper" in dump.stdout
        assert MARKER not in dump.stdout
    else:
        raw = b"".join(path.read_bytes() for path in tmp_path.glob("drs.sqlite*"))
        assert b"secret keeper" in raw
        assert MARKER.encode() not in raw


def test_the_demo_moves_two_tasks_through_the_lifecycle(tmp_path):
    database = tmp_path / "drs.sqlite"
    live = "6c1e9a3b5d7f4e2a8c0b1d3f5a7e9c21"
    server = Server(database, "--demo", "--pace", "0")
    try:
        printed = server.stdout_text(wait_for="DRS_LIVE_TOKEN")
        assert live in printed
        credential = json.loads(run_drs("credential", "create", "--project", live, database=database).stdout)["credential"]
        client = client_for(server.base, live, credential)
        deadline = time.time() + 30
        while True:
            jobs = {job.name: job for use in ("migration", "sync") for job in client.show_job_list(
                drs.ShowJobListRequest(body=drs.QueryJobsReq(db_use_type=use, engine_type=""))).jobs}
            if {name: job.status for name, job in jobs.items()} == {
                    "DRS-demo-live-1": "INCRE_TRANSFER_STARTED", "DRS-demo-live-2": "START_JOB_FAILED"}:
                break
            assert time.time() < deadline, jobs
            time.sleep(0.1)
        failed = jobs["DRS-demo-live-2"].id
        assert retry(client, failed).status == "success"
        wait_for(client, failed, "INCRE_TRANSFER_STARTED")
    finally:
        assert server.stop() == 0
    # On a database that has it, the demo creates nothing more.
    again = Server(database, "--demo", "--pace", "0")
    try:
        time.sleep(1)
        client = client_for(again.base, live, credential)
        listed = client.show_job_list(drs.ShowJobListRequest(body=drs.QueryJobsReq(db_use_type="migration", engine_type="")))
        assert listed.total_record == 1
    finally:
        assert again.stop() == 0


def test_export_then_import_reproduces_the_detail_answers(database, tmp_path):
    """Exported from one database, imported into one of the other kind (when PostgreSQL runs)."""
    other_kind = "postgres" if POSTGRES_URL and not str(database).startswith("postgres") else "sqlite"
    (tmp_path / "other").mkdir()
    with fresh_database(other_kind, tmp_path / "other") as second:
        export_then_import(database, second)


def export_then_import(first, second):
    project, credential = project_with_credential(first)
    server = Server(first, "--pace", "0")
    try:
        client = client_for(server.base, project, credential)
        job = create_and_configure(client, "exported walk")
        client.batch_update_job(drs.BatchUpdateJobRequest(body=drs.BatchModifyJobReq(jobs=[drs.ModifyJobReq(
            job_id=job, description="moved", alarm_notify=drs.AlarmNotifyInfo(delay_time=30, alarm_to_user=True),
            tags=[drs.ResourceTag(key="team", value="dba")])])))
        start(client, job)
        wait_for(client, job, "INCRE_TRANSFER_STARTED")
        other = create_job(client, "exported new")
        wait_for(client, other, "CONFIGURATION")
        ids = [job, other]
        body = drs.BatchQueryJobReqPage(jobs=ids)
        before = client.batch_list_job_details(drs.BatchListJobDetailsRequest(body=body)).raw_content
    finally:
        server.stop()
    exported = run_drs("jobs", "export", "--project", project, database=first).stdout
    assert '"customize_sutnet_id"' in exported and '"update_time"' in exported and "s3cret" not in exported
    run_drs("project", "create", "--id", project, database=second)
    run_drs("jobs", "import", "--project", project, "-", database=second, input=exported)
    credential = json.loads(run_drs("credential", "create", "--project", project, database=second).stdout)["credential"]
    again = Server(second, "--pace", "0")
    try:
        client = client_for(again.base, project, credential)
        after = client.batch_list_job_details(drs.BatchListJobDetailsRequest(body=drs.BatchQueryJobReqPage(jobs=ids))).raw_content
        for old, new in zip(json.loads(before)["results"], json.loads(after)["results"]):
            assert {key: (old.get(key), new.get(key)) for key in set(old) | set(new) if old.get(key) != new.get(key)} == {}
        assert json.loads(after) == json.loads(before)
        # Imported tasks are inert until an operation moves them; the log starts with the import.
        assert [line["cause"] for line in history(second, project, job)] == ["import"]
        pause(client, job)
        wait_for(client, job, "PAUSING")
    finally:
        again.stop()
