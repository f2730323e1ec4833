"""The OpenAPI document against a live server (schemathesis).

`drs serve --demo --pace 0` runs on a fresh database (SQLite, and PostgreSQL when DRS_TEST_POSTGRES_URL is set); a few
more tasks are imported into the demo project so that answers carry every optional key (kept endpoints, alarm
settings, subtasks, an operation in progress, a period-charged task, a task created in year 1), and a user is created
for the identity example. schemathesis then loads the document the server serves at `GET /openapi.json` (the embedded
copy of Sources/DRSAPI/Resources/openapi.json, checked to be identical) and exercises every operation:

- the path's `project_id` and the `X-Project-Id` header are fixed to the token's project (otherwise every answer is a
  403), the token is sent as `X-Auth-Token`;
- task IDs in request bodies are drawn, half of the time, from the project's real tasks, so that items succeed and the
  per-item answers are checked too, not only "task not found";
- checks: no 5xx, answers conform to the documented status codes, content types, headers and schemas, and every
  operation that declares credentials refuses requests without them (`ignored_auth`). The checks that demand the server
  reject every schema-invalid input (or accept every schema-valid one) are not enabled: request schemas cannot express
  every rule (cross-field rules, uniqueness of task IDs in item lists, time-dependent ones), and the server accepts
  more than they describe (any `X-Language`, unknown members).

A second test checks the throttled answer (429 with `Retry-After`) on a server started with a tiny `--rate-limit`.

To run it against the document in the working tree with a server that does not serve it yet, replace `location` in
`run_schemathesis` by `str(DOCUMENT)` (schemathesis then needs `--url server.base`, which is always passed).
"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

import pytest

from drs_harness import REPO, Server, make_task, post_jobs, run_drs

DOCUMENT = REPO / "Sources" / "DRSAPI" / "Resources" / "openapi.json"
DEMO_PROJECT = "054ba152d480d55b2f5dc0069e7ddef0"
# The identity operation's example in the document logs in as this user.
DEMO_USER = ("acme", "alice", "correct-horse-battery")
MAX_EXAMPLES = 100
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "ignored_auth",
]


def schemathesis_command():
    """The `schemathesis` console script of the interpreter running the tests (the project's .venv)."""
    beside = Path(sys.executable).parent / "schemathesis"
    if beside.exists():
        return str(beside)
    found = shutil.which("schemathesis")
    if found is None:
        pytest.fail("schemathesis is not installed (pip install -r tests/requirements.txt)")
    return found


ENDPOINT = {
    "db_type": "mysql", "az_code": "az-1", "region": "eu-de", "inst_id": "src-instance-1", "vpc_id": "vpc-1",
    "subnet_id": "subnet-1", "security_group_id": "sg-1", "project_id": "project-1", "db_name": "orders",
    "db_port": 3306, "db_user": "root", "inst_name": "source-db", "ip": "192.0.2.10", "mongo_ha_mode": "ha",
    "safe_mode": 1, "ssl_cert_check_sum": "0a1b", "ssl_cert_name": "ca.pem", "ssl_link": True, "topic": "orders",
    "cluster_mode": "Sharding4.0+",
    "kafka_security_config": {
        "type": "SASL_SSL", "trust_store_key_name": "trust", "endpoint_algorithm": "HTTPS", "sasl_mechanism": "PLAIN",
        "delegation_tokens": False, "enable_key_store": True, "key_store_key_name": "keys",
        "set_private_key_password": False,
    },
}
KEPT = {
    "source_endpoint": ENDPOINT,
    "target_endpoint": dict(ENDPOINT, inst_id="dst-instance-1", inst_name="target-db", ip="db.example.com",
                            db_port="3307"),
    "node_type": "xlarge", "customize_sutnet_id": "352ad828-3467-4f03-987a-c55a5a9dd417", "node_num": 4,
    "master_az": "az-1", "slave_az": "az-2", "is_target_readonly": True,
    "alarm_notify": {"subscriptions": [{"endpoints": ["ops@example.com"], "protocol": "email"}],
                     "delay_time": 60, "rto_delay": 30, "rpo_delay": 30, "alarm_to_user": True},
    "public_ip_list": [{"id": "eip-1", "public_ip": "203.0.113.9", "type": "master"}],
    "update_time": "1683356889000", "actual_start_time": "1683356889000",
}


def extra_tasks():
    """Tasks whose answers carry what the demo's do not. Imported IDs are free-form (1–64 characters)."""
    return {"jobs": [
        make_task("openapi-kept", "openapi kept", db_use_type="migration", tags={"env": "prod", "team": "db"},
                  **KEPT, children=[
                      make_task("openapi-kept-child-1", "openapi kept child 1", db_use_type="migration",
                                status="INCRE_TRANSFER_FAILED", error_msg="Incremental migration failed."),
                      make_task("openapi-kept-child-2", "openapi kept child 2", db_use_type="migration",
                                status="INCRE_TRANSFER_STARTED"),
                  ]),
        make_task("openapi-dr", "openapi dr", db_use_type="cloudDataGuard", engine_type="cloudDataGuard-mysql",
                  status="INCRE_TRANSFER_STARTED", **KEPT),
        make_task("openapi-period", "openapi period", status="INCRE_TRANSFER_STARTED", charging_mode="period"),
        make_task("openapi-year-one", "openapi year one", db_use_type="migration", status="FULL_TRANSFER_COMPLETE",
                  create_time="0001-01-01 00:00:00"),
        make_task("openapi-stopping", "openapi stopping", status="FULL_TRANSFER_STARTED", current_action="STOP_JOB"),
        make_task("openapi-kafka", "openapi kafka", engine_type="mysql-to-kafka", task_type="FULL_TRANS",
                  status="PAUSING", net_type="vpc"),
        make_task("openapi-deleted", "openapi deleted", status="DELETED"),
        make_task("openapi-mongo", "openapi mongo", db_use_type="migration", engine_type="mongodb", net_type="vpn",
                  task_type="INCR_TRANS", source_endpoint={"db_type": "mongodb", "db_port": 0, "ip": "2001:db8::1"}),
        # Not hex at the ID's start: inst_info's simulated IP is derived from the first two hex pairs of the ID.
        make_task("-a-not-hex", "openapi not hex", db_use_type="migration", status="CONFIGURATION"),
    ]}


def task_ids(server, token):
    """Every task ID of the demo project, subtasks and DELETED tasks included."""
    ids = []
    for use in ("migration", "sync", "cloudDataGuard"):
        for status in ("", "DELETED"):
            code, _, body = post_jobs(server, DEMO_PROJECT, token,
                                      {"cur_page": 0, "db_use_type": use, "engine_type": "", "status": status})
            assert code == 200, body
            for job in body["jobs"]:
                ids.append(job["id"])
                ids.extend(child["id"] for child in job.get("children", []))
    return sorted(set(ids))


def toml_string(value):
    return json.dumps(value, ensure_ascii=False)  # a JSON string literal is a TOML basic string


def write_config(folder, project, ids=()):
    """schemathesis.toml: the project fixed, and its task IDs as a dictionary for the task IDs of request bodies."""
    lines = [
        "[parameters]",
        f'"path.project_id" = {toml_string(project)}',
        f'"header.X-Project-Id" = {toml_string(project)}',
    ]
    if ids:
        for path in ("body.jobs[*]", "body.jobs[*].job_id", "body.jobs[*].id"):
            lines.append(f'"{path}" = {{ dictionary = "task_ids", probability = 0.5 }}')
        lines += ["", "[dictionaries.task_ids]", "values = [" + ", ".join(toml_string(i) for i in ids) + "]"]
    lines.append("")
    config = folder / "schemathesis.toml"
    config.write_text("\n".join(lines))
    return config


def run_schemathesis(server, token, config, folder, *extra, max_examples=MAX_EXAMPLES, checks=CHECKS):
    # The document as the server serves it. (Before the server serves `/openapi.json`, use `str(DOCUMENT)`.)
    location = f"{server.base}/openapi.json"
    har = folder / "schemathesis.har"
    command = [
        schemathesis_command(), "--config-file", str(config), "run", location,
        "--url", server.base,
        "--header", f"X-Auth-Token: {token}",
        "--checks", ",".join(checks),
        "--max-examples", str(max_examples),
        "--generation-deterministic",
        "--generation-with-security-parameters", "false",
        "--suppress-health-check", "all",
        # One worker: several threads trip a CPython 3.11.7 bug in ast.parse (hypothesis describes strategies with it).
        "--workers", "1",
        "--request-timeout", "60",
        "--no-color",
        "--report", "har", "--report-har-path", str(har),
        *extra,
    ]
    started = time.monotonic()
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=1200,
                            env=dict(os.environ, PYTHONHASHSEED="0", COLUMNS="160"))
    return result, har, time.monotonic() - started


def answered_operations(har, document, project):
    """(method, path template) -> the set of statuses the server answered, from schemathesis's HAR report."""
    templates = [(method.upper(), path) for path, item in document["paths"].items() for method in item
                 if method in ("get", "post", "put", "delete")]
    answered = defaultdict(set)
    for entry in json.loads(har.read_text())["log"]["entries"]:
        path = "/" + entry["request"]["url"].split("/", 3)[3].split("?")[0]
        method = entry["request"]["method"]
        for template_method, template in templates:
            concrete = template.replace("{project_id}", project)
            if method == template_method and path == concrete:
                answered[(method, template)].add(entry["response"]["status"])
    return templates, answered


def test_the_document_describes_every_answer_of_the_live_server(database, tmp_path):
    server = Server(database, "--pace", "0", "--demo")
    try:
        run_drs("jobs", "import", "--project", DEMO_PROJECT, "-", database=database, input=json.dumps(extra_tasks()))
        domain, name, password = DEMO_USER
        run_drs("user", "create", "--domain", domain, "--name", name, "--project", DEMO_PROJECT, database=database,
                input=password + "\n")
        token = run_drs("token", "issue", "--project", DEMO_PROJECT, database=database).stdout.strip()

        # schemathesis leaves out the operation that serves the document it loads: GET /openapi.json is checked here.
        with urllib.request.urlopen(f"{server.base}/openapi.json", timeout=30) as response:
            assert response.status == 200
            assert response.headers["Content-Type"].split(";")[0].strip() == "application/json"
            assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"] or "")
            served = json.loads(response.read())
        document = json.loads(DOCUMENT.read_text())
        assert served == document, "GET /openapi.json must serve Sources/DRSAPI/Resources/openapi.json"
        assert document["openapi"] == "3.1.0"

        config = write_config(tmp_path, DEMO_PROJECT, task_ids(server, token))
        result, har, seconds = run_schemathesis(server, token, config, tmp_path)
        print(result.stdout[-4000:])
        print(f"schemathesis took {seconds:.0f} s")
        assert result.returncode == 0, f"schemathesis failed:\n{result.stdout[-30000:]}\n{result.stderr[-5000:]}"

        # Every operation was exercised and answered its documented success status at least once.
        templates, answered = answered_operations(har, document, DEMO_PROJECT)
        assert templates  # every route; the Swift drift test checks that they are the server's routes
        for method, template in templates:
            if (method, template) == ("GET", "/openapi.json"):
                continue
            statuses = answered.get((method, template), set())
            success = {int(code) for code in document["paths"][template][method.lower()]["responses"]
                       if code.startswith("2")}
            assert statuses & success, f"{method} {template}: answered only {sorted(statuses)}"
    finally:
        server.stop()


def test_throttled_answers_are_documented(database, project, token, tmp_path):
    server = Server(database, "--rate-limit", "1")
    try:
        config = write_config(tmp_path, project)
        result, har, _ = run_schemathesis(server, token, config, tmp_path, "--include-operation-id", "ShowJobList",
                                          "--phases", "examples,fuzzing", max_examples=30,
                                          # A probe without credentials may be throttled rather than refused.
                                          checks=[check for check in CHECKS if check != "ignored_auth"])
        assert result.returncode == 0, f"schemathesis failed:\n{result.stdout[-30000:]}\n{result.stderr[-5000:]}"
        _, answered = answered_operations(har, json.loads(DOCUMENT.read_text()), project)
        assert 429 in answered[("POST", "/v3/{project_id}/jobs")], "a rate limit of 1 request a second never answered 429"
    finally:
        server.stop()
