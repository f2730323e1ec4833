"""Shared helpers for the end-to-end and SDK suites: they drive the built `drs` binary over real HTTP."""

import contextlib
import json
import os
import re
import sqlite3
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DRS = Path(os.environ.get("DRS_BIN", REPO / ".build" / "debug" / "drs"))
POSTGRES_URL = os.environ.get("DRS_TEST_POSTGRES_URL") or None  # an empty value counts as none
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL else [])


def is_postgres(database):
    return str(database).startswith(("postgres://", "postgresql://"))


def psql(url, statement):
    """Runs one SQL statement with psql; returns its unaligned output."""
    result = subprocess.run(["psql", "-X", "-At", "-v", "ON_ERROR_STOP=1", url, "-c", statement],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"psql failed: {result.stderr}")
    return result.stdout


def sql(database, statement):
    """Runs one SQL statement on a test database of either kind; returns the rows as text."""
    if is_postgres(database):
        return psql(database, statement)
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute(statement).fetchall()
        connection.commit()
        return "\n".join("|".join(map(str, row)) for row in rows)
    finally:
        connection.close()


@contextlib.contextmanager
def fresh_database(backend, folder):
    """A SQLite file in `folder`, or a new PostgreSQL database (dropped afterwards)."""
    if backend == "sqlite":
        yield folder / "drs.sqlite"
        return
    name = "drs_e2e_" + os.urandom(8).hex()
    psql(POSTGRES_URL, f"CREATE DATABASE {name}")
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        psql(POSTGRES_URL, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def run_drs(*args, database=None, input=None, env=None, check=True, timeout=600):
    """Runs `drs ARGS...`; returns the CompletedProcess (text mode)."""
    command = [str(DRS), *args]
    if database is not None:
        command += ["--database", str(database)]
    full_env = dict(os.environ, **(env or {}))
    result = subprocess.run(command, input=input, capture_output=True, text=True, env=full_env, timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"drs {' '.join(args)} failed ({result.returncode}): {result.stderr}")
    return result


class Server:
    """`drs serve` on a free port; stop() sends SIGTERM and waits."""

    def __init__(self, database, *extra, env=None):
        self.process = subprocess.Popen(
            [str(DRS), "serve", "--port", "0", "--database", str(database), *extra],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=dict(os.environ, **(env or {})),
        )
        self.stderr_lines = []
        self.stdout_lines = []
        self.address = None
        ready = threading.Event()

        def read_stderr():
            for line in self.process.stderr:
                self.stderr_lines.append(line)
                # Text logs write address=http://…, JSON logs "address":"http://…".
                match = re.search(r'address(?:=|":")http://([^\s"]+)', line)
                if match and "listening" in line:
                    self.address = match.group(1)
                    ready.set()
            ready.set()

        def read_stdout():
            for line in self.process.stdout:
                self.stdout_lines.append(line)

        self.readers = [threading.Thread(target=read_stderr, daemon=True), threading.Thread(target=read_stdout, daemon=True)]
        for reader in self.readers:
            reader.start()
        ready.wait(120)
        if self.address is None:
            self.process.kill()
            raise AssertionError("drs serve did not start: " + "".join(self.stderr_lines))

    @property
    def base(self):
        return f"http://{self.address}"

    def wait(self, timeout):
        """Waits for the process to exit, then for its output to be read to the end (the readers are threads: without
        this, its last lines could still be on their way into stderr_lines); returns the exit status."""
        status = self.process.wait(timeout)
        for reader in self.readers:
            reader.join(10)
        return status

    def stop(self, timeout=30):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"drs serve did not stop within {timeout} s; its last log lines:\n"
                                 + "".join(self.stderr_lines[-40:]))

    def stdout_text(self, wait_for=None, timeout=10):
        deadline = time.time() + timeout
        while wait_for and wait_for not in "".join(self.stdout_lines) and time.time() < deadline:
            time.sleep(0.05)
        return "".join(self.stdout_lines)


def post_jobs(server, project, token, body, headers=None, raw=None):
    """POST /v3/{project}/jobs; returns (status, headers, parsed JSON body)."""
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(f"{server.base}/v3/{project}/jobs", data=data, method="POST")
    request.add_header("Content-Type", "application/json")
    if token is not None:
        request.add_header("X-Auth-Token", token)
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=300) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def make_task(task_id, name, **fields):
    task = {
        "id": task_id,
        "name": name,
        "status": "CONFIGURATION",
        "engine_type": "mysql",
        "net_type": "eip",
        "job_direction": "up",
        "db_use_type": "sync",
        "task_type": "FULL_INCR_TRANS",
        "create_time": "2021-01-01 00:00:00",
    }
    task.update(fields)
    return task
