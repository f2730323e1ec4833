"""Fixtures for tests/e2e and tests/sdk: a fresh database, a project in it, and a token for the project.

Every test that takes `database` runs twice: on a SQLite file, and on a fresh PostgreSQL database when
DRS_TEST_POSTGRES_URL names a server (scripts/test starts one; `scripts/test --no-postgres` runs SQLite only).
"""

import pytest

from drs_harness import BACKENDS, fresh_database, run_drs


@pytest.fixture(params=BACKENDS)
def database(request, tmp_path):
    with fresh_database(request.param, tmp_path) as location:
        yield location


@pytest.fixture
def project(database):
    return run_drs("project", "create", database=database).stdout.strip()


@pytest.fixture
def token(database, project):
    return run_drs("token", "issue", "--project", project, database=database).stdout.strip()
