"""Operating drs (issue 11): health and metrics endpoints, JSON logs, idle and slow clients, compression, rate limits.

Each test that takes `database` runs on SQLite and, when scripts/test started a server, on PostgreSQL.
"""

import gzip
import json
import re
import socket
import threading
import time
import urllib.error
import urllib.request

import pytest

from drs_harness import Server, make_task, post_jobs, run_drs

PAGE = {"db_use_type": "sync", "cur_page": 1, "per_page": 10}
ALL = {"db_use_type": "sync", "cur_page": 0}


def get(url, headers=None, timeout=10):
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def metric(text, series):
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return None


def import_tasks(database, project, count):
    tasks = [make_task(f"{index:08x}-0000-4000-8000-000000000ops", f"ops task {index}",
                       create_time=f"2021-{1 + index % 12:02d}-{1 + index % 28:02d} {index % 24:02d}:{index % 60:02d}:00",
                       description="a task of the operations suite, long enough to make the answer large")
             for index in range(count)]
    run_drs("jobs", "import", "--project", project, "-", database=database, input=json.dumps({"jobs": tasks}))


def raw_request(address, project, token, body, receive_buffer=None):
    """A socket that sent POST /v3/{project}/jobs and has read nothing yet."""
    host, port = address.rsplit(":", 1)
    connection = socket.socket()
    if receive_buffer:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
    connection.connect((host, int(port)))
    data = json.dumps(body).encode()
    connection.sendall((f"POST /v3/{project}/jobs HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n"
                        f"X-Auth-Token: {token}\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data)
    return connection


def closed_by_server(connection, within):
    """Whether the server closes `connection` within `within` seconds (reading and dropping whatever comes)."""
    connection.settimeout(within)
    deadline = time.time() + within
    try:
        while time.time() < deadline:
            if connection.recv(65536) == b"":
                return True
    except (socket.timeout, TimeoutError):
        return False
    except ConnectionResetError:
        return True
    return False


def test_health_readiness_openapi_and_metrics(database, project, token):
    import_tasks(database, project, 30)
    server = Server(database)
    try:
        assert get(server.base + "/healthz")[0::2] == (200, b'{"status":"ok"}')
        assert get(server.base + "/readyz")[0::2] == (200, b'{"status":"ready"}')
        status, headers, body = get(server.base + "/openapi.json")
        assert status == 200 and headers["Content-Type"] == "application/json"
        assert json.loads(body)["openapi"] == "3.1.0"
        assert post_jobs(server, project, token, PAGE)[0] == 200
        status, headers, body = get(server.base + "/metrics")
        assert status == 200 and headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = body.decode()
        assert metric(text, 'drs_http_requests_total{route="/v3/{project_id}/jobs",method="POST",status="200"}') == 1
        assert metric(text, "drs_db_pool_size") in (8, 16)
        assert metric(text, "drs_db_statements_total") > 0
        assert metric(text, "drs_simulator_lag_seconds") is not None
        assert project not in text
    finally:
        server.stop()


def test_metrics_on_a_port_of_their_own(database, project, token):
    server = Server(database, "--metrics-port", "0")
    try:
        assert get(server.base + "/metrics")[0] == 404
        urls = [re.search(r"url=(http://\S+/metrics)", line) for line in server.stderr_lines]
        url = next(match.group(1) for match in urls if match)
        status, _, body = get(url)
        assert status == 200 and b"drs_db_pool_size" in body
        assert get(url.replace("/metrics", "/healthz"))[0] == 404
    finally:
        server.stop()


def test_names_kept_in_memory_and_their_metrics(database, project, token):
    """--name-memory: the task names a SQLite server keeps for name searches; with 0 every name search is served from
    the FTS5 index, with the same answer, and counted as such."""
    if str(database).startswith(("postgres://", "postgresql://")):
        pytest.skip("PostgreSQL keeps no names in memory")
    import_tasks(database, project, 30)
    search = {"db_use_type": "sync", "name": "TASK 1", "cur_page": 2, "per_page": 4}
    answers = {}
    for memory in ("512", "0"):
        server = Server(database, "--name-memory", memory)
        try:
            status, _, answers[memory] = post_jobs(server, project, token, search)
            assert status == 200
            text = get(server.base + "/metrics")[2].decode()
            held = metric(text, "drs_name_memory_bytes")
            from_fts5 = metric(text, "drs_name_searches_from_fts5_total")
            assert (held > 0, from_fts5) == ((True, 0) if memory == "512" else (False, 1))
        finally:
            server.stop()
    # "ops task 1" and "ops task 10" to "ops task 19", newest first: the second page of four.
    assert answers["0"] == answers["512"]
    assert answers["0"]["total_record"] == 11 and len(answers["0"]["jobs"]) == 4
    result = run_drs("serve", "--port", "0", "--name-memory=-1", check=False, timeout=30)
    assert result.returncode == 64 and "--name-memory must be a number of MiB >= 0" in result.stderr


def test_json_logs_are_one_object_per_line(database, project, token):
    server = Server(database, env={"LOG_FORMAT": "json"})
    try:
        post_jobs(server, project, token, PAGE)
        deadline = time.time() + 5
        while time.time() < deadline and not any('"request"' in line for line in server.stderr_lines):
            time.sleep(0.05)
    finally:
        server.stop()
    lines = [json.loads(line) for line in server.stderr_lines if line.strip()]
    assert all({"time", "level", "label", "message"} <= set(line) for line in lines)
    request = next(line for line in lines if line["message"] == "request")
    assert request["status"] == "200" and request["project"] == project and len(request["request_id"]) == 32
    assert any(line["message"] == "listening" for line in lines)


def test_an_unknown_log_format_is_refused():
    result = run_drs("serve", "--port", "0", env={"LOG_FORMAT": "yaml"}, check=False, timeout=30)
    assert result.returncode == 64 and "LOG_FORMAT must be text or json" in result.stderr


def test_idle_connections_and_unfinished_requests_are_closed(database, project, token):
    server = Server(database, "--idle-timeout", "1")
    try:
        host, port = server.address.rsplit(":", 1)
        silent = socket.create_connection((host, int(port)))
        headers_only = socket.create_connection((host, int(port)))
        headers_only.sendall((f"POST /v3/{project}/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                              f"X-Auth-Token: {token}\r\nContent-Length: 100\r\n\r\n{{").encode())
        assert closed_by_server(silent, 5), "a connection that sent nothing stayed open"
        assert closed_by_server(headers_only, 5), "a request whose body never came stayed open"
        # Meanwhile and afterwards, requests are answered.
        assert post_jobs(server, project, token, PAGE)[0] == 200
    finally:
        server.stop()


def test_a_good_query_is_answered_promptly_beside_500_idle_connections_and_20_slow_readers(database, project, token):
    import_tasks(database, project, 20_000)
    server = Server(database, "--stream-stall-timeout", "3")  # the default --max-streams: 2
    idle, slow = [], []
    stop = threading.Event()
    try:
        host, port = server.address.rsplit(":", 1)
        idle = [socket.create_connection((host, int(port))) for _ in range(500)]
        slow = [raw_request(server.address, project, token, ALL, receive_buffer=4096) for _ in range(20)]

        def read_a_byte_a_second(connection):
            connection.settimeout(1)
            while not stop.is_set():
                try:
                    if connection.recv(1) == b"":
                        return
                except (socket.timeout, TimeoutError):
                    pass
                except OSError:
                    return
                stop.wait(1)

        for connection in slow:
            threading.Thread(target=read_a_byte_a_second, args=(connection,), daemon=True).start()
        time.sleep(2)  # the slow streams take their slots and fill their buffers
        timings = []
        for _ in range(10):
            started = time.time()
            status, _, body = post_jobs(server, project, token, PAGE)
            timings.append(time.time() - started)
            assert status == 200 and body["total_record"] == 20_000 and len(body["jobs"]) == 10
            assert get(server.base + "/readyz")[0] == 200
        print("page query seconds beside 500 idle connections and 20 slow readers:", [round(t, 3) for t in timings])
        assert max(timings) < 2, timings
        text = get(server.base + "/metrics")[2].decode()
        assert metric(text, "drs_db_pool_in_use") <= 2 + 1, "more streams than --max-streams held connections"
    finally:
        stop.set()
        for connection in idle + slow:
            connection.close()
        server.stop()


def test_a_stalled_reader_gives_its_connection_back_and_the_next_stream_goes_on(database, project, token):
    import_tasks(database, project, 20_000)
    server = Server(database, "--max-streams", "1", "--stream-stall-timeout", "2")
    try:
        stalled = raw_request(server.address, project, token, ALL, receive_buffer=4096)
        time.sleep(0.5)
        started = time.time()
        status, _, body = post_jobs(server, project, token, ALL)
        waited = time.time() - started
        assert status == 200 and len(body["jobs"]) == 20_000
        # The only slot was the stalled stream's until it gave up (2 s without the client taking data).
        assert 1 <= waited < 15, waited
        assert any("read nothing for" in line for line in server.stderr_lines)
        assert closed_by_server(stalled, 30), "the stalled answer was not cut off"
        stalled.close()
    finally:
        server.stop()


def test_gzip_answers_decompress_to_the_plain_answer(database, project, token):
    import_tasks(database, project, 2_000)
    server = Server(database)
    try:
        for body in (PAGE, ALL):
            plain = post_jobs(server, project, token, body)
            request = urllib.request.Request(f"{server.base}/v3/{project}/jobs", data=json.dumps(body).encode(), method="POST",
                                             headers={"Content-Type": "application/json", "X-Auth-Token": token,
                                                      "Accept-Encoding": "gzip"})
            with urllib.request.urlopen(request, timeout=60) as response:
                assert response.headers["Content-Encoding"] == "gzip"
                assert response.headers["Vary"] == "Accept-Encoding"
                compressed = response.read()
            assert json.loads(gzip.decompress(compressed)) == plain[2]
            assert len(compressed) * 4 < len(json.dumps(plain[2]))
    finally:
        server.stop()


def test_the_rate_limit_answers_429_as_the_gateway_does(database, project, token):
    server = Server(database, "--rate-limit", "2")
    try:
        answers = [post_jobs(server, project, token, PAGE) for _ in range(8)]
        refused = [answer for answer in answers if answer[0] == 429]
        assert refused, "8 requests at once passed a limit of 2 a second with a burst of 4"
        assert 4 <= sum(answer[0] == 200 for answer in answers) <= 5
        status, headers, body = refused[0]
        assert body == {"error_code": "APIGW.0308", "error_msg": "The throttling threshold has been reached.",
                        "request_id": headers["X-Request-Id"]}
        assert int(headers["Retry-After"]) >= 1
        time.sleep(int(headers["Retry-After"]) + 0.1)
        assert post_jobs(server, project, token, PAGE)[0] == 200
    finally:
        server.stop()
