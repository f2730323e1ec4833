"""The official Huawei Cloud Python SDK, unmodified, against `drs serve` (auth.md)."""

import hashlib
import hmac
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

import pytest
from huaweicloudsdkcore.auth.credentials import BasicCredentials, GlobalCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcore.http.http_config import HttpConfig
from huaweicloudsdkdrs.v3 import DrsClient, QueryJobsReq, ShowJobListRequest
from huaweicloudsdkiam.v3 import (
    AuthScope,
    AuthScopeProject,
    IamClient,
    KeystoneCreateUserTokenByPasswordRequest,
    KeystoneCreateUserTokenByPasswordRequestBody,
    PwdAuth,
    PwdIdentity,
    PwdPassword,
    PwdPasswordUser,
    PwdPasswordUserDomain,
)

from drs_harness import BACKENDS, REPO, Server, fresh_database, make_task, run_drs, sql

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module", params=BACKENDS)
def env(request, tmp_path_factory):
    """A server with two projects: tasks, an AK/SK pair and an identity user for the first (on each database kind)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("sdk")) as database:
        yield from serve_sdk_fixture(database)


def serve_sdk_fixture(database):
    project = run_drs("project", "create", "--name", "sdk-project", database=database).stdout.strip()
    other = run_drs("project", "create", "--name", "other", database=database).stdout.strip()
    tasks = [
        make_task(f"sdk-{index:03d}", f"sdk task {index}", create_time=f"2021-01-{1 + index:02d} 00:00:00",
                  status="CONFIGURATION" if index % 2 else "INCRE_TRANSFER_STARTED", net_type="vpc" if index < 3 else "eip",
                  tags={"env": "prod" if index < 2 else "dev"},
                  source_instance={"id": f"inst-{index}", "ip": f"2001:db8::{index + 1}"})
        for index in range(12)
    ]
    tasks.append(make_task("sdk-parent", "parent with children", create_time="2020-06-01 00:00:00",
                           db_use_type="cloudDataGuard", engine_type="cloudDataGuard-mysql", status="INCRE_TRANSFER_STARTED",
                           node_newFramework=True, current_action="SWITCH_OVER",
                           children=[make_task("sdk-child", "child", db_use_type="cloudDataGuard", engine_type="cloudDataGuard-mysql",
                                               status="CHILD_TRANSFER_STARTED", error_msg="child error")]))
    run_drs("jobs", "import", "--project", project, "-", database=database, input=json.dumps({"jobs": tasks}))
    run_drs("jobs", "import", "--project", other, "-", database=database, input=json.dumps({"jobs": [make_task("other-1", "x")]}))
    credential = json.loads(run_drs("credential", "create", "--project", project, database=database).stdout)["credential"]
    other_credential = json.loads(run_drs("credential", "create", "--project", other, database=database).stdout)["credential"]
    run_drs("user", "create", "--domain", "acme", "--name", "alice", "--project", project, database=database, input=PASSWORD + "\n")
    # The most talkative log level: even then, no secret may reach the log.
    server = Server(database, env={"LOG_LEVEL": "trace"})
    yield {"server": server, "project": project, "other": other, "credential": credential, "other_credential": other_credential,
           "database": database}
    server.stop()


def drs_client(env, ak=None, sk=None, project=None):
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    credentials = BasicCredentials(ak or env["credential"]["access"], sk or env["credential"]["secret"], project or env["project"])
    return DrsClient.new_builder().with_http_config(config).with_credentials(credentials).with_endpoints([env["server"].base]).build()


def list_jobs(env, client=None, language=None, **query):
    request = ShowJobListRequest(body=QueryJobsReq(**query))
    if language:
        request.x_language = language
    return (client or drs_client(env)).show_job_list(request)


def test_paging_with_the_sdk(env):
    first = list_jobs(env, cur_page=1, per_page=5, db_use_type="sync")
    assert first.total_record == 12
    assert [job.id for job in first.jobs] == [f"sdk-{index:03d}" for index in (11, 10, 9, 8, 7)]
    last = list_jobs(env, cur_page=3, per_page=5, db_use_type="sync")
    assert [job.id for job in last.jobs] == ["sdk-001", "sdk-000"]
    everything = list_jobs(env, cur_page=0, per_page=0, db_use_type="sync")
    assert len(everything.jobs) == 12
    chinese = list_jobs(env, language="zh-cn", cur_page=2, per_page=5, db_use_type="sync")
    assert [job.id for job in chinese.jobs] == [f"sdk-{index:03d}" for index in (6, 5, 4, 3, 2)]


@pytest.mark.parametrize(
    "query, ids",
    [
        ({"status": "CONFIGURATION"}, ["sdk-011", "sdk-009", "sdk-007", "sdk-005", "sdk-003", "sdk-001"]),
        ({"net_type": "vpc"}, ["sdk-002", "sdk-001", "sdk-000"]),
        ({"name": "sdk task 1"}, ["sdk-011", "sdk-010", "sdk-001"]),
        ({"name": "sdk-003,sdk-004"}, ["sdk-004", "sdk-003"]),
        ({"tags": {"env": "prod"}}, ["sdk-001", "sdk-000"]),
        ({"instance_ids": ["inst-5", "inst-6"]}, ["sdk-006", "sdk-005"]),
        ({"instance_ip": "2001:DB8:0::4"}, ["sdk-003"]),
        ({"enterprise_project_id": "0", "per_page": 2}, ["sdk-011", "sdk-010"]),
        ({"engine_type": "mongodb"}, []),
        ({"service_name": "eps", "per_page": 1}, ["sdk-011"]),
    ],
)
def test_every_filter_with_the_sdk(env, query, ids):
    query.setdefault("per_page", 100)
    response = list_jobs(env, cur_page=1, db_use_type="sync", **query)
    assert [job.id for job in response.jobs] == ids


def test_parsed_models_carry_actions_children_and_the_new_framework_flag(env):
    response = list_jobs(env, cur_page=1, per_page=10, db_use_type="cloudDataGuard", engine_type="")
    job = response.jobs[0]
    assert job.id == "sdk-parent"
    assert job.node_new_framework is True
    assert job.job_action.available_actions == ["CREATE"]
    assert job.job_action.current_action == "SWITCH_OVER"
    assert len(job.job_action.unavailable_actions) == 33
    child = job.children[0]
    assert (child.id, child.status, child.error_msg) == ("sdk-child", "CHILD_TRANSFER_STARTED", "child error")
    assert child.job_action.available_actions == ["CREATE", "FREE_RESOURCE"]
    configured = list_jobs(env, cur_page=1, per_page=1, db_use_type="sync", status="CONFIGURATION").jobs[0]
    assert configured.job_action.available_actions == [
        "CREATE", "CHOOSE_OBJECT", "PRE_CHECK", "CHANGE_MODE", "FREE_RESOURCE", "MODIFY_DB_CONFIG", "START", "CHANGE",
        "API_CONFIGURATION_ACTION",
    ]


def test_errors_surface_as_client_request_exceptions(env):
    with pytest.raises(ClientRequestException) as raised:
        list_jobs(env, cur_page=1, per_page=500, db_use_type="sync")
    error = raised.value
    assert (error.status_code, error.error_code) == (400, "DRS.M00210")
    assert error.error_msg == "The value of Page is invalid, per_page must be between 0 and 100."
    assert len(error.request_id) == 32
    with pytest.raises(ClientRequestException) as chinese:
        list_jobs(env, language="zh-cn", cur_page=1, db_use_type="backup")
    assert (chinese.value.status_code, chinese.value.error_code) == (400, "DRS.M00202")
    assert chinese.value.error_msg == "参数db_use_type的值无效。"


def test_a_token_from_the_iam_sdk_lists_tasks(env):
    config = HttpConfig.get_default_config()
    config.retry_times = 0
    # The IAM SDK signs this call with whatever AK/SK it holds; drs authenticates by the password alone.
    credentials = GlobalCredentials("UNUSED-AK", "UNUSED-SK", "unused-domain-id")
    iam = IamClient.new_builder().with_http_config(config).with_credentials(credentials).with_endpoints([env["server"].base]).build()
    body = KeystoneCreateUserTokenByPasswordRequestBody(
        auth=PwdAuth(
            identity=PwdIdentity(
                methods=["password"],
                password=PwdPassword(user=PwdPasswordUser(domain=PwdPasswordUserDomain(name="acme"), name="alice", password=PASSWORD)),
            ),
            scope=AuthScope(project=AuthScopeProject(id=env["project"])),
        )
    )
    response = iam.keystone_create_user_token_by_password(KeystoneCreateUserTokenByPasswordRequest(body=body))
    assert response.token.project.id == env["project"]
    assert response.token.user.name == "alice"
    token = response.x_subject_token
    request = urllib.request.Request(
        f"{env['server'].base}/v3/{env['project']}/jobs",
        data=json.dumps({"db_use_type": "sync", "per_page": 3}).encode(),
        headers={"Content-Type": "application/json", "X-Auth-Token": token},
        method="POST",
    )
    with urllib.request.urlopen(request) as answer:
        assert [job["id"] for job in json.loads(answer.read())["jobs"]] == ["sdk-011", "sdk-010", "sdk-009"]
    body.auth.identity.password.user.password = "wrong password"
    with pytest.raises(ClientRequestException) as wrong:
        iam.keystone_create_user_token_by_password(KeystoneCreateUserTokenByPasswordRequest(body=body))
    assert wrong.value.status_code == 401


def test_wrong_secret_key_is_refused(env):
    with pytest.raises(ClientRequestException) as raised:
        list_jobs(env, client=drs_client(env, sk="not-the-secret"), db_use_type="sync")
    assert (raised.value.status_code, raised.value.error_code) == (401, "APIGW.0301")
    assert "verify aksk signature fail" in raised.value.error_msg


def test_another_projects_key_is_refused(env):
    other = env["other_credential"]
    with pytest.raises(ClientRequestException) as raised:
        list_jobs(env, client=drs_client(env, ak=other["access"], sk=other["secret"]), db_use_type="sync")
    assert (raised.value.status_code, raised.value.error_code) == (403, "DRS.M00261")


def sign_by_hand(env, body, date, sent_body=None):
    """A request signed the SDK's way, so that one part can be changed after signing."""
    project = env["project"]
    host = env["server"].address
    path = f"/v3/{project}/jobs"
    headers = {"content-type": "application/json", "host": host, "x-project-id": project, "x-sdk-date": date}
    signed = sorted(headers)
    canonical = "\n".join(["POST", path + "/", "", "".join(f"{name}:{headers[name]}\n" for name in signed), ";".join(signed),
                           hashlib.sha256(body).hexdigest()])
    string_to_sign = "\n".join(["SDK-HMAC-SHA256", date, hashlib.sha256(canonical.encode()).hexdigest()])
    signature = hmac.new(env["credential"]["secret"].encode(), string_to_sign.encode(), hashlib.sha256).hexdigest()
    request = urllib.request.Request(f"{env['server'].base}{path}", data=sent_body if sent_body is not None else body, method="POST")
    for name in signed:
        if name != "host":
            request.add_header(name, headers[name])
    request.add_header("Authorization",
                       f"SDK-HMAC-SHA256 Access={env['credential']['access']}, SignedHeaders={';'.join(signed)}, Signature={signature}")
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def sdk_date(delta=timedelta()):
    return (datetime.now(timezone.utc) + delta).strftime("%Y%m%dT%H%M%SZ")


def test_hand_signed_requests_match_the_sdk(env):
    status, body = sign_by_hand(env, b'{"db_use_type":"sync","per_page":1}', sdk_date())
    assert status == 200 and body["total_record"] == 12


def test_a_stale_sdk_date_is_refused(env):
    status, body = sign_by_hand(env, b'{"db_use_type":"sync"}', sdk_date(timedelta(minutes=-16)))
    assert (status, body["error_code"]) == (401, "APIGW.0301")
    assert body["error_msg"].endswith("signature expired")


def test_a_tampered_body_is_refused(env):
    status, body = sign_by_hand(env, b'{"db_use_type":"sync"}', sdk_date(), sent_body=b'{"db_use_type":"migration"}')
    assert (status, body["error_code"]) == (401, "APIGW.0301")
    assert body["error_msg"].endswith("verify aksk signature fail")


def test_the_readme_sdk_example_runs_as_printed(tmp_path):
    readme = (REPO / "README.md").read_text()
    example = re.search(r"<!-- sdk-example:start -->\n```python\n(.*?)```", readme, re.S).group(1)
    database = tmp_path / "drs.sqlite"
    Server(database, "--demo").stop()
    demo = "054ba152d480d55b2f5dc0069e7ddef0"
    credential = json.loads(run_drs("credential", "create", "--project", demo, database=database).stdout)["credential"]
    server = Server(database)
    try:
        env = dict(os.environ, DRS_AK=credential["access"], DRS_SK=credential["secret"], DRS_PROJECT=demo, DRS_ENDPOINT=server.base)
        result = subprocess.run([sys.executable, "-c", example], capture_output=True, text=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("7 [('DRS-3999-lws', 'INCRE_TRANSFER_FAILED', ['CREATE', 'CHOOSE_OBJECT'")
    finally:
        server.stop()


def test_secrets_never_reach_logs_or_answers(env):
    """Runs last in this module: everything above was logged at trace level by the same server."""
    log = "".join(env["server"].stderr_lines)
    assert "request_id=" in log
    for secret in [env["credential"]["secret"], env["other_credential"]["secret"], PASSWORD]:
        assert secret not in log
    # Nor in any answer: a failed login and a failed signature say nothing about the secret.
    status, body = sign_by_hand(env, b'{"db_use_type":"sync"}', sdk_date(), sent_body=b"{}")
    assert env["credential"]["secret"] not in json.dumps(body)
    database = env["database"]
    dump = sql(database, "select password_hash from users")
    assert PASSWORD not in dump and "pbkdf2-sha256$210000$" in dump
