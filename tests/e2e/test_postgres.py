"""Several `drs serve` processes on one PostgreSQL database, and PostgreSQL restarting under load (issue 5).

Needs the server of scripts/with-postgres: DRS_TEST_POSTGRES_URL, and DRS_TEST_POSTGRES_CTL to restart it.
"""

import json
import os
import shlex
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

from drs_harness import POSTGRES_URL, Server, fresh_database, make_task, post_jobs, run_drs

CTL = os.environ.get("DRS_TEST_POSTGRES_CTL") or None
pytestmark = pytest.mark.skipif(not (POSTGRES_URL and CTL), reason="needs scripts/with-postgres")
PASSWORD = "two-processes-one-db"


@pytest.fixture
def pg(tmp_path):
    with fresh_database("postgres", tmp_path) as url:
        yield url


def login(server, project):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "ops", "password": PASSWORD, "domain": {"name": "acme"}}}}, "scope": {"project": {"id": project}}}}
    request = urllib.request.Request(f"{server.base}/v3/auth/tokens", data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        return response.headers["X-Subject-Token"]


def tasks(prefix, count, start=0):
    return {"jobs": [make_task(f"{prefix}-{index:05d}", f"{prefix} task {index}",
                               create_time=f"2022-{1 + index % 12:02d}-{1 + index % 28:02d} 00:{index % 60:02d}:00",
                               status="INCRE_TRANSFER_STARTED" if index % 3 else "CONFIGURATION",
                               tags={"env": "prod" if index % 2 else "dev"})
                     for index in range(start, start + count)]}


def test_two_processes_share_tokens_tasks_and_answers(pg):
    project = run_drs("project", "create", database=pg).stdout.strip()
    run_drs("user", "create", "--domain", "acme", "--name", "ops", "--project", project, database=pg, input=PASSWORD + "\n")
    run_drs("jobs", "import", "--project", project, "-", database=pg, input=json.dumps(tasks("first", 300)))
    one, two = Server(pg), Server(pg)
    try:
        # A token issued through one process is accepted by the other (the token secret lives in the database).
        token = login(one, project)
        status, _, body = post_jobs(two, project, token, {"db_use_type": "sync"})
        assert status == 200 and body["total_record"] == 300

        # Tasks imported while both run are visible to both.
        run_drs("jobs", "import", "--project", project, "-", database=pg, input=json.dumps(tasks("second", 200)))
        for server in (one, two):
            status, _, body = post_jobs(server, project, token, {"db_use_type": "sync", "per_page": 1})
            assert status == 200 and body["total_record"] == 500

        # Concurrent queries to both return identical pages.
        bodies = [{"db_use_type": "sync", "cur_page": page, "per_page": 20} for page in range(1, 8)]
        bodies += [{"db_use_type": "sync", "tags": {"env": "prod"}, "per_page": 50},
                   {"db_use_type": "sync", "status": "CONFIGURATION", "name": "second"},
                   {"db_use_type": "sync", "cur_page": 0}]
        answers = {}

        def ask(server, index, body):
            status, _, answer = post_jobs(server, project, token, body)
            answers[(server.base, index)] = (status, answer)

        threads = [threading.Thread(target=ask, args=(server, index, body))
                   for index, body in enumerate(bodies) for server in (one, two) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        for index, body in enumerate(bodies):
            first, second = answers[(one.base, index)], answers[(two.base, index)]
            assert first[0] == 200 and first == second, body
        assert len(answers[(one.base, len(bodies) - 1)][1]["jobs"]) == 500
    finally:
        one.stop()
        two.stop()


def test_a_postgres_restart_under_load_gives_503_then_recovers_by_itself(pg):
    project = run_drs("project", "create", database=pg).stdout.strip()
    token = run_drs("token", "issue", "--project", project, database=pg).stdout.strip()
    run_drs("jobs", "import", "--project", project, "-", database=pg, input=json.dumps(tasks("load", 200)))
    server = Server(pg)
    results = []  # (time, status, error code, seconds taken)
    stop = threading.Event()

    def load():
        while not stop.is_set():
            started = time.monotonic()
            try:
                status, _, body = post_jobs(server, project, token, {"db_use_type": "sync", "per_page": 5})
            except (urllib.error.URLError, ConnectionError) as error:
                status, body = -1, {"error_code": repr(error)}
            results.append((started, status, body.get("error_code"), time.monotonic() - started))
            time.sleep(0.02)

    workers = [threading.Thread(target=load) for _ in range(4)]
    try:
        for worker in workers:
            worker.start()
        time.sleep(1)
        ctl = shlex.split(CTL)
        subprocess.run(ctl + ["-m", "fast", "-w", "stop"], check=True, capture_output=True, timeout=60)
        down = time.monotonic()
        time.sleep(4)
        subprocess.run(ctl + ["-w", "start", "-l", os.devnull], check=True, capture_output=True, timeout=60)
        up = time.monotonic()
        # The server comes back without a restart of drs serve.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any(r[1] == 200 and r[0] > up for r in list(results)):
            time.sleep(0.2)
        time.sleep(3)
    finally:
        stop.set()
        for worker in workers:
            worker.join(30)
        server.stop()
    assert server.process.returncode == 0
    while_down = [r for r in results if down + 0.5 < r[0] < up - 0.5]
    recovered = min((r[0] for r in results if r[1] == 200 and r[0] > up), default=None)
    assert recovered is not None and recovered - up < 20, "drs serve did not recover"
    after = [r for r in results if r[0] > recovered + 0.5]
    assert while_down, "no request was sent while PostgreSQL was down"
    # While PostgreSQL is down every request fails fast, with the documented error.
    assert {(r[1], r[2]) for r in while_down} == {(503, "DRS.M00004")}, while_down[:5]
    # The first requests wait up to 3 seconds for a connection; once the database counts as down, a quarter second.
    assert max(r[3] for r in while_down) < 3.5
    assert sorted(r[3] for r in while_down)[len(while_down) // 2] < 1, while_down
    # Once it is back, every request succeeds again.
    assert len(after) > 10 and all(r[1] == 200 for r in after), [r for r in after if r[1] != 200][:5]
    # Nothing but 200 and 503 was ever answered: no 500, no dropped connection.
    assert {r[1] for r in results} <= {200, 503}


def test_a_project_moves_from_sqlite_to_postgres_with_export_and_import(pg, tmp_path):
    """The README's recipe: the same answers before and after the move."""
    sqlite = tmp_path / "drs.sqlite"
    project = run_drs("project", "create", "--name", "payments", database=sqlite).stdout.strip()
    document = tasks("moved", 120)
    document["jobs"][0]["children"] = [make_task("moved-child", "child", status="CHILD_TRANSFER_STARTED")]
    document["jobs"][1]["source_instance"] = {"id": "inst-9", "ip": "2001:db8::9"}
    run_drs("jobs", "import", "--project", project, "-", database=sqlite, input=json.dumps(document))
    exported = tmp_path / "tasks.json"
    exported.write_text(run_drs("jobs", "export", "--project", project, database=sqlite).stdout)
    run_drs("project", "create", "--id", project, "--name", "payments", database=pg)
    assert run_drs("jobs", "import", "--project", project, str(exported), database=pg).stdout.strip() == "imported 120 tasks"
    bodies = [{"db_use_type": "sync", "cur_page": 0}, {"db_use_type": "sync", "tags": {"env": "prod"}, "per_page": 7},
              {"db_use_type": "sync", "instance_ip": "2001:db8:0::9"}, {"db_use_type": "sync", "name": "MOVED TASK 1"}]
    answers = []
    for database in (sqlite, pg):
        token = run_drs("token", "issue", "--project", project, database=database).stdout.strip()
        server = Server(database)
        try:
            answers.append([post_jobs(server, project, token, body)[2] for body in bodies])
        finally:
            server.stop()
    assert answers[0] == answers[1]
    assert answers[0][0]["total_record"] == 120 and answers[0][2]["total_record"] == 1
