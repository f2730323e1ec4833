"""`drs serve`: the demo, the README's walk-through, request logs and graceful shutdown."""

import json
import os
import re
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

from drs_harness import REPO, Server, make_task, post_jobs, run_drs, sql

DEMO = "054ba152d480d55b2f5dc0069e7ddef0"

# The available actions the reference page's example responses show, by status.
REFERENCE_ACTIONS = {
    "INCRE_TRANSFER_FAILED": {"CREATE", "CHOOSE_OBJECT", "PRE_CHECK", "CHANGE_MODE", "FREE_RESOURCE", "MODIFY_DB_CONFIG", "RESET_DB_PWD",
                              "MODIFY_CONFIGURATION", "PAUSE", "RETRY", "RESET"},
    "CONFIGURATION": {"CREATE", "START", "CHANGE", "CHOOSE_OBJECT", "PRE_CHECK", "CHANGE_MODE", "FREE_RESOURCE", "MODIFY_DB_CONFIG",
                      "API_CONFIGURATION_ACTION"},
    "RELEASE_RESOURCE_COMPLETE": {"CREATE", "DELETE", "PRE_CHECK", "CHANGE_MODE", "MODIFY_DB_CONFIG", "CLONE"},
    "INCRE_TRANSFER_STARTED": {"CREATE", "CHOOSE_OBJECT", "PRE_CHECK", "CHANGE_MODE", "FREE_RESOURCE", "MODIFY_DB_CONFIG", "RESET_DB_PWD",
                               "MODIFY_CONFIGURATION", "PAUSE"},
    "CREATE_FAILED": {"CREATE", "DELETE", "START", "CHANGE", "CHOOSE_OBJECT", "PRE_CHECK", "CHANGE_MODE", "MODIFY_DB_CONFIG",
                      "API_CONFIGURATION_ACTION"},
}
REFERENCE_MIGRATION_IDS = [
    "24834eb6-be30-464e-a299-f7aa730jb101",
    "140b5236-88ad-43c8-811c-1268453jb101",
    "7f8e6f74-72d2-4ddd-bb8f-6c41397jb101",
    "14d88eeb-ee7e-4d30-a46e-a5ec8eajb101",
    "d54691d2-f105-434d-a75d-809b017jb101",
]
REFERENCE_SYNC_IDS = [
    "7994aac9-0a15-4fdb-bcc5-667f088jb20b",
    "f463331d-e079-4689-bbef-4553202jb20b",
    "7f13c511-c35b-4f82-92ae-83bcbf0jb201",
    "7686e879-46a4-4d6b-bda9-5540424jb201",
    "5b2c2ec8-430e-4de0-937b-9d9547ajb201",
]


def run_shell(command, env):
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True, env=dict(os.environ, **env), timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


def check_reference_jobs(answer, ids, total):
    assert answer["total_record"] == total
    assert [job["id"] for job in answer["jobs"]] == ids
    for job in answer["jobs"]:
        assert set(job["job_action"]["available_actions"]) == REFERENCE_ACTIONS[job["status"]], job["id"]


def test_demo_prints_a_token_and_a_curl_that_lists_the_reference_tasks(database):
    server = Server(database, "--demo")
    try:
        printed = server.stdout_text(wait_for="-d '")
        token = re.search(r"export DRS_TOKEN='([^']+)'", printed).group(1)
        curl = re.search(r"^curl .*?-d '[^']*'$", printed, re.S | re.M).group(0)
        answer = json.loads(run_shell(curl, {"DRS_TOKEN": token}))
        check_reference_jobs(answer, REFERENCE_MIGRATION_IDS, 7)
        # The page's other example: synchronization tasks, 18 of them.
        status, _, sync = post_jobs(server, DEMO, token, {"cur_page": 1, "per_page": 5, "db_use_type": "sync", "engine_type": ""})
        assert status == 200
        check_reference_jobs(sync, REFERENCE_SYNC_IDS, 18)
    finally:
        assert server.stop() == 0
    # A second start on the same database seeds nothing more, and still prints a working token.
    again = Server(database, "--demo")
    try:
        token = re.search(r"export DRS_TOKEN='([^']+)'", again.stdout_text(wait_for="-d '")).group(1)
        status, _, answer = post_jobs(again, DEMO, token, {"db_use_type": "migration", "engine_type": ""})
        assert (status, answer["total_record"]) == (200, 7)
    finally:
        again.stop()


def walkthrough_commands():
    """The shell blocks of the README's walk-through section."""
    readme = (REPO / "README.md").read_text()
    section = readme.split("<!-- walkthrough:start -->")[1].split("<!-- walkthrough:end -->")[0]
    return re.findall(r"```sh\n(.*?)```", section, re.S)


def test_readme_walkthrough_runs_as_printed(database):
    commands = walkthrough_commands()
    assert len(commands) >= 5
    server = Server(database, "--demo")
    try:
        token = re.search(r"export DRS_TOKEN='([^']+)'", server.stdout_text(wait_for="-d '")).group(1)
        for command in commands:
            output = run_shell(command.replace("127.0.0.1:8080", server.address), {"DRS_TOKEN": token})
            lines = [line for line in output.splitlines() if line.strip()]
            # Each example prints JSON (an answer or a documented error), possibly after a status line from curl -i.
            body = json.loads(lines[-1])
            assert "jobs" in body or "error_code" in body, command
    finally:
        server.stop()


def test_one_structured_log_line_per_request(database, project, token):
    server = Server(database)
    try:
        post_jobs(server, project, token, {"db_use_type": "sync"})
        post_jobs(server, project, None, {"db_use_type": "sync"})
        status, headers, _ = post_jobs(server, project, token, {"db_use_type": "sync"})
        request_id = headers["X-Request-Id"]
    finally:
        server.stop()
    lines = [line for line in server.stderr_lines if " request" in line and "request_id=" in line]
    assert len(lines) == 3
    for field in ["method=POST", f"path=/v3/{project}/jobs", "duration_ms=", f"project={project}"]:
        assert all(field in line for line in lines), field
    assert "status=401" in lines[1]
    assert f"request_id={request_id}" in lines[2] and "status=200" in lines[2]
    assert any("listening" in line and "address=http://" in line for line in server.stderr_lines)


def test_sigterm_finishes_in_flight_requests_then_exits(database, project, token, tmp_path):
    tasks = [make_task(f"g{index:06d}", f"generated {index}", create_time=f"2021-01-01 00:{index // 60 % 60:02d}:{index % 60:02d}")
             for index in range(3000)]
    (tmp_path / "tasks.json").write_text(json.dumps({"jobs": tasks}))
    run_drs("jobs", "import", "--project", project, str(tmp_path / "tasks.json"), database=database)
    server = Server(database)
    request = urllib.request.Request(
        f"{server.base}/v3/{project}/jobs",
        data=json.dumps({"db_use_type": "sync", "cur_page": 0}).encode(),
        method="POST",
        headers={"Content-Type": "application/json", "X-Auth-Token": token},
    )
    response = urllib.request.urlopen(request, timeout=120)
    first = response.read(64)
    # The response has started; ask the server to stop while it is still being written.
    server.process.send_signal(15)
    body = json.loads(first + response.read())
    assert body["total_record"] == 3000 and len(body["jobs"]) == 3000
    assert server.wait(60) == 0
    assert any("stopped" in line for line in server.stderr_lines)
    assert not any("time limit" in line for line in server.stderr_lines)


def test_a_request_that_never_ends_cannot_hold_a_shutdown_past_its_time_limit(database, project, token):
    server = Server(database, "--shutdown-timeout", "1")
    host, port = server.address.rsplit(":", 1)
    client = socket.create_connection((host, int(port)), timeout=30)
    # A body of 10,000 bytes sent a byte at a time: the request stays in flight for an hour, and each byte keeps the
    # connection from being idle.
    client.sendall(
        f"POST /v3/{project}/jobs HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"X-Auth-Token: {token}\r\nContent-Length: 10000\r\n\r\n{{".encode()
    )
    stop = threading.Event()

    def trickle():
        while not stop.wait(0.3):
            try:
                client.sendall(b" ")
            except OSError:
                return

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        time.sleep(1)
        signalled = time.monotonic()
        server.process.send_signal(15)
        status = server.wait(30)
        # One second of grace, then the request is cancelled and the process ends.
        assert time.monotonic() - signalled < 10
        assert status == 0, "".join(server.stderr_lines)
        assert any("stopped" in line for line in server.stderr_lines)
        assert any("reached its time limit" in line for line in server.stderr_lines), "".join(server.stderr_lines)
    finally:
        stop.set()
        client.close()
        if server.process.poll() is None:
            server.process.kill()


def test_unexpected_failures_are_logged_with_their_cause_and_never_sent(database, project, token, tmp_path):
    (tmp_path / "tasks.json").write_text(json.dumps({"jobs": [make_task("t1", "one")]}))
    run_drs("jobs", "import", "--project", project, str(tmp_path / "tasks.json"), database=database)
    server = Server(database)
    try:
        # A tag filter's total is read from the tenant's facet bits: without their table, the query cannot be answered.
        sql(database, "DROP TABLE task_bits")
        status, headers, body = post_jobs(server, project, token, {"db_use_type": "sync", "tags": {"env": "prod"}})
        assert (status, body) == (500, {"error_code": "DRS.M00004", "error_msg": "Service is abnormal."})
    finally:
        server.stop()
    failure = [line for line in server.stderr_lines if "request failed" in line]
    assert len(failure) == 1
    assert "task_bits" in failure[0], failure[0]
    assert headers["X-Request-Id"] in failure[0]
