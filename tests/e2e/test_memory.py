"""Streaming a whole task list keeps the server's memory flat (query-jobs.md §3, cur_page = 0)."""

import json
import os
import urllib.request
import zlib

import pytest

from drs_harness import Server, make_task, post_jobs, run_drs

TASKS = int(os.environ.get("DRS_MEMORY_TASKS", "100000"))


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs /proc")
def test_a_100k_task_answer_streams_without_growing_memory(database, project, token, tmp_path):
    tasks = [
        make_task(
            f"{index:08x}-0000-4000-8000-0000000jb{index % 1000:03d}"[-36:],
            f"memory task {index}",
            create_time=f"2021-{1 + index % 12:02d}-{1 + index % 28:02d} {index % 24:02d}:{index % 60:02d}:{index // 60 % 60:02d}",
            description="generated for the memory check",
        )
        for index in range(TASKS)
    ]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps({"jobs": tasks}))
    del tasks
    run_drs("jobs", "import", "--project", project, str(path), database=database)
    server = Server(database)
    try:
        # Warm up: the first page of the same query, so that caches and pools are in place.
        post_jobs(server, project, token, {"db_use_type": "sync"})
        before = peak_rss_kib(server.process.pid)
        status, _, body = post_jobs(server, project, token, {"db_use_type": "sync", "cur_page": 0})
        after = peak_rss_kib(server.process.pid)
        assert status == 200
        assert body["total_record"] == TASKS and len(body["jobs"]) == TASKS
        ids = [job["id"] for job in body["jobs"]]
        assert len(set(ids)) == TASKS
        response_kib = len(json.dumps(body)) // 1024
        del body
        growth = after - before
        print(f"peak RSS before {before} KiB, after {after} KiB, growth {growth} KiB, response {response_kib} KiB")
        # Holding the answer would grow the peak by at least its size; streaming keeps it to a few batches plus
        # the connections' caches warming up (a fixed 16 MiB allowance, which matters only for small runs).
        assert growth < min(64 * 1024, max(16 * 1024, response_kib // 2)), f"grew {growth} KiB for a {response_kib} KiB answer"

        # The same list gzip-compressed as it streams: the compressor adds its window, not the answer.
        request = urllib.request.Request(f"{server.base}/v3/{project}/jobs", method="POST",
                                         data=json.dumps({"db_use_type": "sync", "cur_page": 0}).encode(),
                                         headers={"Content-Type": "application/json", "X-Auth-Token": token,
                                                  "Accept-Encoding": "gzip"})
        decompressor = zlib.decompressobj(wbits=31)
        plain_bytes = 0
        with urllib.request.urlopen(request, timeout=300) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            while chunk := response.read(1 << 20):
                plain_bytes += len(decompressor.decompress(chunk))
        plain_bytes += len(decompressor.flush())
        gzipped = peak_rss_kib(server.process.pid)
        print(f"peak RSS after the gzip answer {gzipped} KiB ({plain_bytes // 1024} KiB decompressed)")
        assert plain_bytes // 1024 >= response_kib * 3 // 4  # json.dumps adds spaces the server does not write
        assert gzipped - before < min(64 * 1024, max(16 * 1024, response_kib // 2)), f"grew {gzipped - before} KiB with gzip"
    finally:
        server.stop()
