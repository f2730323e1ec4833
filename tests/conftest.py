"""Fixtures for tests/e2e and tests/sdk: a fresh database, a project in it, and a token for the project."""

import pytest

from drs_harness import run_drs


@pytest.fixture
def database(tmp_path):
    return tmp_path / "drs.sqlite"


@pytest.fixture
def project(database):
    return run_drs("project", "create", database=database).stdout.strip()


@pytest.fixture
def token(database, project):
    return run_drs("token", "issue", "--project", project, database=database).stdout.strip()
