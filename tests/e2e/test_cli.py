"""The `drs` commands of data-and-cli.md, driven as a user would."""

import json
import re
import time

import pytest

from drs_harness import Server, make_task, post_jobs, run_drs


@pytest.mark.parametrize(
    "args",
    [[], ["serve"], ["project"], ["project", "create"], ["token"], ["token", "issue"], ["credential", "create"], ["user", "create"],
     ["jobs"], ["jobs", "import"], ["jobs", "export"]],
)
def test_every_command_has_help(args):
    result = run_drs(*args, "--help")
    assert "USAGE" in result.stdout.upper()


def test_project_create_prints_a_generated_or_given_id(database):
    generated = run_drs("project", "create", "--name", "team", database=database).stdout
    assert re.fullmatch(r"[0-9a-f]{32}\n", generated)
    given = run_drs("project", "create", "--id", "0123456789abcdef0123456789abcdef", database=database).stdout
    assert given == "0123456789abcdef0123456789abcdef\n"


def test_project_create_refuses_duplicates_and_bad_ids(database):
    run_drs("project", "create", "--id", "0123456789abcdef0123456789abcdef", database=database)
    duplicate = run_drs("project", "create", "--id", "0123456789abcdef0123456789abcdef", database=database, check=False)
    assert duplicate.returncode != 0
    assert "already exists" in duplicate.stderr
    assert len(duplicate.stderr.strip().splitlines()) == 1
    bad = run_drs("project", "create", "--id", "NOT-HEX", database=database, check=False)
    assert bad.returncode != 0
    assert "--id" in bad.stderr


def test_database_defaults_to_the_environment_then_the_current_folder(tmp_path):
    from drs_harness import DRS
    import subprocess

    env_db = tmp_path / "from-env.sqlite"
    run_drs("project", "create", env={"DRS_DATABASE": str(env_db)})
    assert env_db.exists()
    subprocess.run([str(DRS), "project", "create"], cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / "drs.sqlite").exists()


def test_an_unreachable_postgres_url_fails_fast_and_hides_its_password():
    started = time.monotonic()
    result = run_drs("project", "create", "--database", "postgres://drs:hunter22@127.0.0.1:1/drs", check=False)
    assert result.returncode != 0
    assert time.monotonic() - started < 30
    assert "cannot open the database postgres://drs:***@127.0.0.1:1/drs" in result.stderr
    assert "hunter22" not in result.stderr


def test_token_issue(database, project):
    token = run_drs("token", "issue", "--project", project, "--ttl", "90m", database=database).stdout
    assert token.endswith("\n") and "\n" not in token.strip() and len(token.strip()) > 40
    unknown = run_drs("token", "issue", "--project", "f" * 32, database=database, check=False)
    assert unknown.returncode != 0 and "does not exist" in unknown.stderr
    for ttl in ["", "10", "1w", "-1h", "1.5h"]:
        bad = run_drs("token", "issue", "--project", project, "--ttl", ttl, database=database, check=False)
        assert bad.returncode != 0, ttl
        assert "--ttl" in bad.stderr


def test_tokens_expire_and_are_project_scoped(database, project):
    other = run_drs("project", "create", database=database).stdout.strip()
    short = run_drs("token", "issue", "--project", project, "--ttl", "1s", database=database).stdout.strip()
    other_token = run_drs("token", "issue", "--project", other, database=database).stdout.strip()
    server = Server(database)
    try:
        time.sleep(1.5)
        status, _, body = post_jobs(server, project, short, {"db_use_type": "sync"})
        assert (status, body["error_code"]) == (401, "APIGW.0307")
        status, _, body = post_jobs(server, project, other_token, {"db_use_type": "sync"})
        assert (status, body["error_code"]) == (403, "DRS.M00261")
    finally:
        assert server.stop() == 0


def test_tokens_survive_a_restart_and_work_across_processes(database, project, token):
    first = Server(database)
    second = Server(database)
    try:
        for server in (first, second):
            status, _, _ = post_jobs(server, project, token, {"db_use_type": "sync"})
            assert status == 200
    finally:
        first.stop()
        second.stop()


def test_import_from_file_and_stdin(database, project, token, tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps({"jobs": [make_task("t1", "one"), make_task("t2", "two", children=[make_task("t2-c", "child")])]}))
    assert run_drs("jobs", "import", "--project", project, str(path), database=database).stdout == "imported 2 tasks\n"
    stdin = json.dumps({"jobs": [make_task("t3", "three")]})
    assert run_drs("jobs", "import", "--project", project, "-", database=database, input=stdin).stdout == "imported 1 tasks\n"
    server = Server(database)
    try:
        status, _, body = post_jobs(server, project, token, {"db_use_type": "sync", "cur_page": 0})
        assert status == 200
        assert body["total_record"] == 3
        assert [child["id"] for child in body["jobs"][1]["children"]] == ["t2-c"]
    finally:
        server.stop()


@pytest.mark.parametrize(
    "bad, where",
    [
        (make_task("x2", "two", status="RUNNING"), "jobs[1].status"),
        (make_task("x2", "two", engine_type="db2"), "jobs[1].engine_type"),
        ({"id": "x2", "name": "two"}, "jobs[1].status"),
        (make_task("x2", "two", create_time="yesterday"), "jobs[1].create_time"),
        (make_task("x2", "two", tags={"k": "v" * 256}), "jobs[1].tags"),
        (make_task("x2", "two", source_instance={"ip": "not-an-ip"}), "jobs[1].source_instance.ip"),
        (make_task("x2", "two", children=[make_task("x3", "c", net_type="lan")]), "jobs[1].children[0].net_type"),
        (make_task("x1", "duplicate"), "jobs[1].id"),
    ],
)
def test_import_is_all_or_nothing_and_names_the_record_and_field(database, project, token, bad, where):
    document = json.dumps({"jobs": [make_task("x1", "one"), bad]})
    result = run_drs("jobs", "import", "--project", project, "-", database=database, input=document, check=False)
    assert result.returncode != 0
    assert where in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    exported = json.loads(run_drs("jobs", "export", "--project", project, database=database).stdout)
    assert exported == {"jobs": []}


def test_import_refuses_ids_of_another_project_and_unknown_projects(database, project):
    other = run_drs("project", "create", database=database).stdout.strip()
    run_drs("jobs", "import", "--project", other, "-", database=database, input=json.dumps({"jobs": [make_task("shared", "b")]}))
    document = json.dumps({"jobs": [make_task("mine", "a"), make_task("shared", "a")]})
    result = run_drs("jobs", "import", "--project", project, "-", database=database, input=document, check=False)
    assert result.returncode != 0 and "jobs[1].id" in result.stderr and "another project" in result.stderr
    assert json.loads(run_drs("jobs", "export", "--project", project, database=database).stdout) == {"jobs": []}
    missing = run_drs("jobs", "import", "--project", "e" * 32, "-", database=database, input=document, check=False)
    assert missing.returncode != 0 and "does not exist" in missing.stderr
    unreadable = run_drs("jobs", "import", "--project", project, "/nonexistent/file.json", database=database, check=False)
    assert unreadable.returncode != 0 and "cannot read" in unreadable.stderr


def large_document(count=5000, **changes):
    """Over 1 MiB, so imported while it is parsed; oldest first. `changes`: index -> fields to change."""
    jobs = []
    for i in range(count):
        time_of_day = f"{i // 60 % 24:02d}:{i % 60:02d}:00"
        task = make_task(f"big-{i}", f"bulk {i}", description="d" * 150, create_time=f"2024-01-{1 + i // 1440:02d} {time_of_day}")
        task.update(changes.get(f"at{i}", {}))
        jobs.append(task)
    return json.dumps({"jobs": jobs})


def test_a_large_import_is_written_while_it_is_parsed(database, project, token):
    document = large_document()
    assert len(document) > 1 << 20
    assert run_drs("jobs", "import", "--project", project, "-", database=database, input=document).stdout == "imported 5000 tasks\n"
    exported = json.loads(run_drs("jobs", "export", "--project", project, database=database).stdout)["jobs"]
    assert [job["id"] for job in exported] == [f"big-{i}" for i in reversed(range(5000))]


@pytest.mark.parametrize(
    "changes, where",
    [
        ({"at4990": {"status": "RUNNING"}}, "jobs[4990].status"),
        ({"at7": {"status": "RUNNING"}}, "jobs[7].status"),
        ({"at3000": {"id": "big-1"}}, "jobs[3000].id"),
        ({"at2": {"id": "theirs"}}, "jobs[2].id"),
    ],
)
def test_a_large_import_is_all_or_nothing_and_names_the_first_problem(database, project, changes, where):
    other = run_drs("project", "create", database=database).stdout.strip()
    run_drs("jobs", "import", "--project", other, "-", database=database, input=json.dumps({"jobs": [make_task("theirs", "b")]}))
    result = run_drs("jobs", "import", "--project", project, "-", database=database, input=large_document(**changes), check=False)
    assert result.returncode != 0
    assert where in result.stderr and "nothing written" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert json.loads(run_drs("jobs", "export", "--project", project, database=database).stdout) == {"jobs": []}


def test_import_replaces_tasks_with_the_same_id(database, project):
    first = {"jobs": [make_task("r1", "old", children=[make_task("r1-c", "old child")])]}
    second = {"jobs": [make_task("r1", "new", status="PAUSING")]}
    run_drs("jobs", "import", "--project", project, "-", database=database, input=json.dumps(first))
    run_drs("jobs", "import", "--project", project, "-", database=database, input=json.dumps(second))
    exported = json.loads(run_drs("jobs", "export", "--project", project, database=database).stdout)["jobs"]
    assert [(job["id"], job["name"], job["status"], job["children"]) for job in exported] == [("r1", "new", "PAUSING", [])]


QUERIES = [
    {"db_use_type": "sync", "engine_type": "", "cur_page": 0},
    {"db_use_type": "sync", "engine_type": "", "per_page": 3, "cur_page": 2},
    {"db_use_type": "migration", "engine_type": ""},
    {"db_use_type": "cloudDataGuard", "engine_type": ""},
    {"db_use_type": "sync", "engine_type": "", "status": "DELETED"},
    {"db_use_type": "sync", "engine_type": "", "tags": {"env": "prod"}},
    {"db_use_type": "sync", "engine_type": "", "instance_ids": ["id1", "id2"]},
    {"db_use_type": "sync", "engine_type": "", "instance_ip": "127.0.0.1"},
    {"db_use_type": "sync", "engine_type": "", "name": "demo-sync"},
]


def test_export_then_import_reproduces_the_same_answers(tmp_path):
    source = tmp_path / "source.sqlite"
    target = tmp_path / "target.sqlite"
    demo = "054ba152d480d55b2f5dc0069e7ddef0"
    seeding = Server(source, "--demo")
    seeding.stop()
    exported = run_drs("jobs", "export", "--project", demo, database=source).stdout
    assert len(json.loads(exported)["jobs"]) == 28
    run_drs("project", "create", "--id", demo, database=target)
    assert run_drs("jobs", "import", "--project", demo, "-", database=target, input=exported).stdout == "imported 28 tasks\n"
    assert run_drs("jobs", "export", "--project", demo, database=target).stdout == exported
    answers = []
    for path in (source, target):
        token = run_drs("token", "issue", "--project", demo, database=path).stdout.strip()
        server = Server(path)
        try:
            answers.append([post_jobs(server, demo, token, query)[2] for query in QUERIES])
        finally:
            server.stop()
    assert answers[0] == answers[1]
    assert all(answer["total_record"] > 0 for answer in answers[0])


def test_credential_create(database, project):
    printed = json.loads(run_drs("credential", "create", "--project", project, database=database).stdout)
    credential = printed["credential"]
    assert set(credential) == {"access", "secret", "project_id"} and credential["project_id"] == project
    assert re.fullmatch(r"[A-Z0-9]{20}", credential["access"]) and re.fullmatch(r"[A-Z0-9]{40}", credential["secret"])
    unknown = run_drs("credential", "create", "--project", "d" * 32, database=database, check=False)
    assert unknown.returncode != 0 and "does not exist" in unknown.stderr


def test_user_create(database, project):
    user_id = run_drs("user", "create", "--domain", "acme", "--name", "bob", "--project", project, database=database,
                      input="long enough password\n").stdout
    assert re.fullmatch(r"[0-9a-f]{32}\n", user_id)
    again = run_drs("user", "create", "--domain", "acme", "--name", "bob", "--project", project, database=database,
                    input="another password\n", check=False)
    assert again.returncode != 0 and "already exists" in again.stderr
    short = run_drs("user", "create", "--domain", "acme", "--name", "carol", "--project", project, database=database,
                    input="short\n", check=False)
    assert short.returncode != 0 and "at least 8" in short.stderr
    unknown = run_drs("user", "create", "--domain", "acme", "--name", "dave", "--project", "d" * 32, database=database,
                      input="long enough password\n", check=False)
    assert unknown.returncode != 0 and "does not exist" in unknown.stderr
