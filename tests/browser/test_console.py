"""The web console (`GET /console`) in headless Chromium against a real `drs serve --pace 0`, on SQLite and on
PostgreSQL: signing in both ways, tabs, filters, search, paging, subtasks, every operation, the create form, errors,
an expired token, the language switch and a narrow window. The SQLite run also takes the README's screenshots."""

import re
import sqlite3
import threading
import time
import urllib.request
import uuid

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.keys import Keys

from console_page import DEMO_PROJECT, HEIGHT, SCREENSHOTS, WIDTH, Console, Site, chrome
from drs_harness import REPO, Server, make_task

ASSETS = {"/console": ("console.html", "text/html"), "/console/console.css": ("console.css", "text/css"),
          "/console/console.js": ("console.js", "text/javascript")}
SOURCES = REPO / "Sources" / "DRSAPI" / "Resources" / "console"


def task_id(label):
    """An ID in DRS's shape (a lowercase UUID ending in jb + 3 characters)."""
    return str(uuid.uuid4())[:-5] + "jb" + label[:3].ljust(3, "0")


def expected_operations(job):
    """What a row must offer, from the query's job_action (pre-check only where start needs it)."""
    available = set(job["job_action"]["available_actions"])
    operations = []
    if "START" in available:
        operations.append("start")
    if {"START", "PRE_CHECK"} <= available and job["status"] in ("CONFIGURATION", "CREATE_FAILED"):
        operations.append("precheck")
    if "PAUSE" in available:
        operations.append("pause")
    if "RETRY" in available:
        operations.append("resume" if job["status"] == "PAUSING" else "retry")
    if "SWITCH_OVER" in available:
        operations.append("switchover")
    if "FREE_RESOURCE" in available:
        operations.append("end")
    if "DELETE" in available:
        operations.append("delete")
    return operations


# ------------------------------------------------------------------------------------------------ the assets


def test_assets_are_small_self_contained_and_locked_down(site):
    total = 0
    for path, (name, kind) in ASSETS.items():
        with urllib.request.urlopen(site.base + path, timeout=30) as response:
            body = response.read()
            assert response.status == 200
            assert body == (SOURCES / name).read_bytes(), f"{path} is not the repository's {name}: rebuild drs"
            assert response.headers["Content-Type"].startswith(kind)
            policy = response.headers["Content-Security-Policy"]
            assert "default-src 'none'" in policy and "script-src 'self'" in policy
        total += len(body)
        text = body.decode()
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}/", text, re.I), f"{path} loads something from elsewhere"
        if kind == "text/html":
            assert "<style" not in text and " style=" not in text
            assert not re.search(r"<script(?![^>]*\bsrc=)", text), "inline script"
            assert not re.search(r"\son[a-z]+=", text), "inline event handler"
            assert "javascript:" not in text
    assert total < 150_000, f"the first load is {total} bytes"


# ------------------------------------------------------------------------------------------------ signing in


def test_sign_in_with_a_token_and_with_a_password(site, console):
    project, token = site.project([make_task(task_id("a01"), "signin-task")], name="payments")
    site.drs("user", "create", "--domain", "acme", "--name", "alice", "--project", project, input="correct horse\n")

    console.open()
    assert console.visible("signin-view") and not console.visible("main-view")
    # A token that is not one: refused with the gateway's message, still on the sign-in page.
    console.type("signin-project", project)
    console.type("signin-token", "not-a-token")
    console.click("#signin-token-submit")
    console.wait(lambda: "APIGW.0301" in console.text("signin-message"), message="the refusal")
    assert not console.visible("main-view")

    console.sign_in(project, token)
    assert project in console.text("who")
    assert console.js("return JSON.parse(sessionStorage.getItem('drs.session')).token;") == token
    # The token lives in the tab's session storage: a reload stays signed in.
    console.driver.refresh()
    console.wait(lambda: console.visible("main-view"), message="still signed in after a reload")
    console.wait_list()

    console.click("#sign-out")
    console.wait(lambda: console.visible("signin-view"), message="the sign-in page")
    assert console.js("return sessionStorage.getItem('drs.session');") is None

    # User name and password, through POST /v3/auth/tokens; a wrong password first.
    console.sign_in_password("acme", "alice", "wrong password", project)
    console.wait(lambda: "APIGW.0301" in console.text("signin-message"), message="the wrong password's message")
    console.sign_in_password("acme", "alice", "correct horse", "payments")   # the project by name
    console.wait(lambda: console.visible("main-view"), message="the list after a password sign-in")
    console.wait_list()
    assert "alice@acme" in console.text("who")
    session = console.js("return JSON.parse(sessionStorage.getItem('drs.session'));")
    assert session["project"] == project and session["token"].startswith("DRS1.")
    console.testid("tab-sync").click()
    console.wait_list()
    assert console.row_ids() == [site.query(project, token, db_use_type="sync")["jobs"][0]["id"]]


def test_a_token_of_another_project_is_refused(site, console):
    _, token = site.project()
    console.open()
    console.type("signin-project", DEMO_PROJECT)
    console.type("signin-token", token)
    console.find("#signin-token").send_keys(Keys.ENTER)   # the keyboard submits the form
    console.wait(lambda: "DRS.M00261" in console.text("signin-message"), message="the 403 message")
    assert "Invalid project ID" in console.text("signin-message")
    assert not console.visible("main-view")


def test_an_expired_token_leads_back_to_sign_in(site, console):
    project, _ = site.project([make_task(task_id("e01"), "expiring")])
    expired = site.token(project, ttl="1s")
    time.sleep(1.2)
    console.open()
    console.type("signin-project", project)
    console.type("signin-token", expired)
    console.click("#signin-token-submit")
    console.wait(lambda: "APIGW.0307" in console.text("signin-message"), message="the expired token's message")

    issued = time.time()
    short = site.token(project, ttl="6s")
    console.sign_in(project, short)
    time.sleep(max(0.0, issued + 7.2 - time.time()))
    console.click("#refresh")
    console.wait(lambda: console.visible("signin-view"), message="the sign-in page after expiry")
    assert console.text("signin-message") == "Your session has expired. Sign in again."
    assert console.js("return sessionStorage.getItem('drs.session');") is None
    assert console.find("#signin-project").get_attribute("value") == project   # kept for signing in again


# ------------------------------------------------------------------------------------------------ the list


def test_tabs_filters_search_and_paging(site, console):
    token = site.token(DEMO_PROJECT)
    console.open()
    console.sign_in(DEMO_PROJECT, token)

    def shows(**body):
        """The console shows the API's answer for the same query: total and IDs, newest first."""
        console.wait_list()
        body.setdefault("cur_page", 1)
        body.setdefault("per_page", 10)
        answer = site.query(DEMO_PROJECT, token, **body)
        assert console.total() == answer["total_record"], body
        assert console.row_ids() == [job["id"] for job in answer["jobs"]], body
        return answer

    assert shows(db_use_type="migration")["total_record"] == 7
    assert "tab=migration" in console.driver.current_url
    console.testid("tab-sync").click()
    assert shows(db_use_type="sync")["total_record"] == 18
    console.testid("tab-cloudDataGuard").click()
    shows(db_use_type="cloudDataGuard")
    console.testid("tab-cloudDataGuard").send_keys(Keys.ARROW_LEFT)   # arrow keys move between tabs
    shows(db_use_type="sync")

    # Paging: 5 a page, next, a page typed in, and the exact total.
    console.select("page-size", "5")
    shows(db_use_type="sync", per_page=5)
    assert console.text("page-count").endswith("4")
    console.click("#page-next")
    shows(db_use_type="sync", per_page=5, cur_page=2)
    console.type("page-number", "4")
    console.find("#page-number").send_keys(Keys.ENTER)
    assert len(shows(db_use_type="sync", per_page=5, cur_page=4)["jobs"]) == 3
    assert console.find("#page-next").get_attribute("disabled") is not None
    # The view is in the URL: a reload (or a shared link) restores it.
    url = console.driver.current_url
    assert "page=4" in url and "size=5" in url and "tab=sync" in url
    console.driver.refresh()
    shows(db_use_type="sync", per_page=5, cur_page=4)
    console.driver.back()   # the previous page of the history
    shows(db_use_type="sync", per_page=5, cur_page=2)

    # Filters: status, network, engine, enterprise project, tag, instance IP.
    console.select("f-status", "PAUSING")
    assert shows(db_use_type="sync", status="PAUSING", per_page=5)["total_record"] == 1
    assert "status=PAUSING" in console.driver.current_url
    console.click("#f-reset")
    console.select("f-net", "vpc")
    assert shows(db_use_type="sync", net_type="vpc", per_page=5)["total_record"] == 0
    assert console.text("list-empty") == "No tasks match."
    console.select("f-net", "")
    console.select("f-engine", "mysql")
    shows(db_use_type="sync", engine_type="mysql", per_page=5)
    console.select("f-engine", "")
    console.type("f-eps", "0")
    console.click("#f-apply")
    assert shows(db_use_type="sync", enterprise_project_id="0", per_page=5)["total_record"] == 18
    console.type("f-eps", "")
    console.type("f-tag", "env=prod")
    console.find("#f-tag").send_keys(Keys.ENTER)
    assert shows(db_use_type="sync", tags=[{"key": "env", "value": "prod"}], per_page=5)["total_record"] == 1
    console.type("f-tag", "env")
    console.find("#f-tag").send_keys(Keys.ENTER)
    assert shows(db_use_type="sync", tags=[{"key": "env", "value": ""}], per_page=5)["total_record"] == 2
    console.type("f-tag", "")
    console.type("f-ip", "127.0.0.1")
    console.find("#f-ip").send_keys(Keys.ENTER)
    assert shows(db_use_type="sync", instance_ip="127.0.0.1", per_page=5)["total_record"] == 1
    # A value the API refuses: its message, not a blank page.
    console.type("f-ip", "300.1.2.3")
    console.find("#f-ip").send_keys(Keys.ENTER)
    console.wait(lambda: "DRS.M00202" in console.banner(), message="the refusal of a bad IP")
    assert "instance_ip" in console.banner()
    console.click("#f-reset")

    # Search: a name fragment, then two task IDs.
    console.type("f-search", "demo-sync-1")
    console.find("#f-search").send_keys(Keys.ENTER)
    assert shows(db_use_type="sync", name="demo-sync-1", per_page=5)["total_record"] == 5
    assert console.banner() == ""   # the earlier error is gone once the list loads
    ids = "bee869bc-15c0-4b3b-a34b-bf0d5efjb201,c2a61a77-6e55-4cd8-8be1-a562cc6jb201"
    console.type("f-search", ids)
    console.click("#f-apply")
    assert shows(db_use_type="sync", name=ids, per_page=5)["total_record"] == 2
    assert console.console_errors() == []


def test_every_row_offers_exactly_its_available_operations(site, console):
    token = site.token(DEMO_PROJECT)
    console.open()
    console.sign_in(DEMO_PROJECT, token)
    console.select("page-size", "100")
    seen = set()
    for tab in ("migration", "sync", "cloudDataGuard"):
        console.testid(f"tab-{tab}").click()
        console.wait_list()
        for job in site.query(DEMO_PROJECT, token, db_use_type=tab, per_page=100)["jobs"]:
            for task in [job] + job.get("children", []):
                assert console.js("return document.getElementById('row-' + arguments[0]).dataset.status;", task["id"]) == task["status"]
                assert console.operations(task["id"]) == expected_operations(task), task["name"]
                seen.add(task["status"])
    assert len(seen) >= 15


def test_subtasks_expand_under_their_parent(site, console):
    token = site.token(DEMO_PROJECT)
    console.open("#tab=cloudDataGuard")
    console.sign_in(DEMO_PROJECT, token)
    parent = "9d2b4c6e-1f3a-4b5c-8d7e-9f0a1b2jb301"
    children = ["9d2b4c6e-1f3a-4b5c-8d7e-9f0a1b2jb302", "9d2b4c6e-1f3a-4b5c-8d7e-9f0a1b2jb303"]
    expand = f'{console.row_css(parent)} [data-testid="expand"]'
    assert console.find(expand).get_attribute("aria-expanded") == "false"
    assert not any(console.visible(f"row-{child}") for child in children)
    console.find(expand).send_keys(Keys.ENTER)   # keyboard
    console.wait(lambda: all(console.visible(f"row-{child}") for child in children), message="the subtasks")
    assert console.find(expand).get_attribute("aria-expanded") == "true"
    order = console.js("return [...document.querySelectorAll('#jobs-body tr')].map(r => r.dataset.id);")
    assert order.index(parent) + 1 == order.index(children[0]) and order.index(children[0]) + 1 == order.index(children[1])
    assert console.status(children[0]) == "CHILD_TRANSFER_STARTED"
    assert console.status(children[1]) == "CHILD_TRANSFER_FAILED"
    assert "target instance unreachable" in console.find(f'{console.row_css(children[1])} [data-testid="error-msg"]').text
    # The yearly/monthly task in a switchover: the operation in progress shows, and nothing is offered.
    switching = "9d2b4c6e-1f3a-4b5c-8d7e-9f0a1b2jb304"
    assert console.find(f'{console.row_css(switching)} [data-testid="current-action"]').get_attribute("data-action") == "SWITCH_OVER"
    assert console.operations(switching) == []
    console.click(expand)
    console.wait(lambda: not any(console.visible(f"row-{child}") for child in children), message="the subtasks to fold")


# ------------------------------------------------------------------------------------------------ operations


def test_pause_resume_retry_end_and_delete(site, console):
    paused = task_id("p01")
    failed = task_id("f01")
    ending = task_id("t01")
    ended = task_id("d01")
    project, token = site.project([
        make_task(paused, "op-pause", status="INCRE_TRANSFER_STARTED", create_time="2024-01-04 00:00:00"),
        make_task(failed, "op-retry", status="START_JOB_FAILED", error_msg="start failed: boom", create_time="2024-01-03 00:00:00"),
        make_task(ending, "op-end", status="INCRE_TRANSFER_STARTED", create_time="2024-01-02 00:00:00"),
        make_task(ended, "op-delete", status="RELEASE_RESOURCE_COMPLETE", create_time="2024-01-01 00:00:00"),
    ])
    console.open("#tab=sync")
    console.sign_in(project, token)
    assert console.row_ids() == [paused, failed, ending, ended]

    # Pause, then resume.
    assert console.operations(paused) == ["pause", "end"]
    console.act(paused, "pause")
    assert console.wait_result(paused, "ok") == "Pause accepted."
    console.wait_status(paused, "PAUSING")
    assert console.operations(paused) == ["resume", "end"]
    console.act(paused, "resume")
    console.wait_status(paused, "INCRE_TRANSFER_STARTED")
    assert site.task(project, token, paused, "sync")["status"] == "INCRE_TRANSFER_STARTED"

    # Retry a failed start: it goes through the full transfer to incremental.
    assert console.operations(failed) == ["start", "retry", "end"]
    assert console.find(f'{console.row_css(failed)} [data-testid="error-msg"]').text == "start failed: boom"
    console.act(failed, "retry")
    console.wait_status(failed, "INCRE_TRANSFER_STARTED")

    # End asks first: cancelling changes nothing, confirming releases the task.
    console.act(ending, "end")
    console.confirm(ok=False)
    assert site.task(project, token, ending, "sync")["status"] == "INCRE_TRANSFER_STARTED"
    console.act(ending, "end")
    console.confirm(ok=True)
    console.wait_status(ending, "RELEASE_RESOURCE_COMPLETE")
    assert console.operations(ending) == ["delete"]

    # Delete (the confirmation answered with the keyboard): the task leaves the list, and the total.
    console.act(ended, "delete")
    console.wait(lambda: console.js("return document.getElementById('confirm-dialog').open;"), message="the confirmation")
    console.find("#confirm-ok").send_keys(Keys.ENTER)
    console.wait(lambda: ended not in console.row_ids(), message="the deleted task to leave the list")
    assert console.total() == 3
    assert site.task(project, token, ended, "sync") is None
    assert site.task(project, token, ended, "sync", status="DELETED")["status"] == "DELETED"
    assert console.console_errors() == []


def test_start_is_refused_until_a_pre_check_passes_and_force_end(site, console):
    configured = task_id("s01")
    stuck = task_id("k01")
    project, token = site.project([
        make_task(configured, "op-start", status="CONFIGURATION", create_time="2024-01-02 00:00:00"),
        make_task(stuck, "op-stuck", status="STARTJOBING", create_time="2024-01-01 00:00:00"),
    ])
    console.open("#tab=sync")
    console.sign_in(project, token)
    assert console.operations(configured) == ["start", "precheck", "end"]

    # A refused operation: the item's error_code and error_msg, inline on the row.
    console.act(configured, "start")
    text = console.wait_result(configured, "failed")
    assert text.startswith("DRS.M00304: ") and "The pre-check has not passed." in text
    assert console.status(configured) == "CONFIGURATION"
    console.act(configured, "precheck")
    assert console.wait_result(configured, "ok") == "Pre-check passed (100%)."
    console.act(configured, "start")
    assert console.wait_result(configured, "ok") == "Start accepted."
    console.wait_status(configured, "INCRE_TRANSFER_STARTED")

    # Force end, from the detail panel: for a task stuck with nothing else to offer.
    assert console.operations(stuck) == []
    console.click(f'{console.row_css(stuck)} [data-testid="open-detail"]')
    console.wait(lambda: console.testid("detail-id").text == stuck, message="the detail panel")
    console.click('[data-testid="detail-action-forceEnd"]')
    console.confirm(ok=True)
    console.wait_status(stuck, "RELEASE_RESOURCE_COMPLETE")
    console.wait(lambda: console.testid("detail-status").find_element("css selector", ".badge").get_attribute("data-status")
                 == "RELEASE_RESOURCE_COMPLETE", message="the detail panel to follow")
    assert console.testid("detail-result").text == "Force end accepted: releasing resources."


def test_switch_over_a_disaster_recovery_task(site, console):
    primary = task_id("w01")
    project, token = site.project([
        make_task(primary, "op-switch", status="INCRE_TRANSFER_STARTED", db_use_type="cloudDataGuard",
                  engine_type="cloudDataGuard-mysql"),
    ])
    console.open("#tab=cloudDataGuard")
    console.sign_in(project, token)
    assert console.operations(primary) == ["switchover", "end"]
    assert console.find(f'{console.row_css(primary)} [data-testid="direction"]').get_attribute("data-direction") == "up"
    console.act(primary, "switchover")
    console.wait(lambda: console.js("return document.getElementById('confirm-dialog').open;"), message="the confirmation")
    assert console.js("return document.activeElement.id;") == "confirm-cancel"   # the safe choice has the focus
    console.find("#confirm-cancel").send_keys(Keys.ESCAPE)   # Escape cancels
    console.wait(lambda: not console.js("return document.getElementById('confirm-dialog').open;"), message="Escape to cancel")
    assert site.task(project, token, primary, "cloudDataGuard")["job_action"].get("current_action") is None
    console.act(primary, "switchover")
    console.confirm(ok=True, pause_job=True)
    console.wait(lambda: console.find(f'{console.row_css(primary)} [data-testid="direction"]').get_attribute("data-direction") == "down",
                 message="the direction to flip")
    console.wait_status(primary, "PAUSING")
    task = site.task(project, token, primary, "cloudDataGuard")
    assert (task["job_direction"], task["status"]) == ("down", "PAUSING")


def test_language_switch_sets_x_language(site, console):
    configured = task_id("l01")
    project, token = site.project([make_task(configured, "lang-task", status="CONFIGURATION")])
    console.open("#tab=sync")
    console.sign_in(project, token)
    badge = f'{console.row_css(configured)} [data-testid="status"]'
    assert console.find(badge).text == "Configuring"
    console.select("lang", "zh-cn")
    console.wait(lambda: console.testid("tab-sync").text == "实时同步", message="Chinese labels")
    assert console.js("return document.documentElement.lang;") == "zh-CN"
    console.wait(lambda: console.find(badge).text == "配置中", message="a Chinese status")
    # The API's own messages follow: X-Language is sent with every call.
    console.act(configured, "start")
    assert "当前任务状态下不能调用该接口。" in console.wait_result(configured, "failed")
    console.driver.refresh()   # the choice is remembered
    console.wait_list()
    assert console.testid("tab-migration").text == "实时迁移"
    console.select("lang", "en-us")
    console.wait(lambda: console.testid("tab-sync").text == "Synchronization", message="English labels again")


# ------------------------------------------------------------------------------------------------ create and detail


def fill_create_form(console, name):
    console.click("#new-task")
    console.wait(lambda: console.js("return document.getElementById('create-dialog').open;"), message="the create form")
    console.type("c-name", name)
    console.type("c-subnet", "352ad828-3467-4f03-987a-c55a5a9dd417")
    for side, ip in (("src", "192.0.2.10"), ("dst", "198.51.100.7")):
        console.type(f"c-{side}-ip", ip)
        console.type(f"c-{side}-user", "root")
        console.type(f"c-{side}-password", "s3cret-console")
    console.type("c-dst-inst", "e05a3679efe241d8b5dee80b17c1a863in01")
    console.type("c-dst-region", "eu-de")


def test_create_a_task_through_the_form(site, console):
    project, token = site.project()
    console.open("#tab=migration")
    console.sign_in(project, token)
    assert console.total() == 0
    fill_create_form(console, "DRS-console-1")
    assert console.find("#c-scenario").get_attribute("value") == "migration"
    assert console.find("#c-src-dbtype").get_attribute("value") == "mysql"
    console.click("#c-submit")
    console.wait(lambda: console.js("const s = document.querySelector('[data-testid=step-watch]'); return s && s.dataset.state !== 'running';"),
                 60, "the task to replicate")
    states = console.js("return [...document.querySelectorAll('#c-steps li')].map(li => [li.dataset.testid, li.dataset.state]);")
    assert states == [[f"step-{key}", "ok"] for key in ("create", "configure", "connection", "precheck", "start", "watch")]
    assert console.testid("step-watch").get_attribute("data-status") == "INCRE_TRANSFER_STARTED"
    job_id = console.js("return document.getElementById('c-steps').dataset.jobId;")
    task = site.task(project, token, job_id, "migration")
    assert (task["name"], task["status"]) == ("DRS-console-1", "INCRE_TRANSFER_STARTED")
    # The same name again: the create step shows the refusal.
    console.click("#c-submit")
    console.wait(lambda: console.testid("step-create").get_attribute("data-state") == "failed", message="the refusal")
    assert "DRS.M00277" in console.testid("step-create").text
    # From the form to the task: the list and its detail panel.
    console.click("#create-close")
    console.wait_list()
    console.wait_status(job_id, "INCRE_TRANSFER_STARTED")
    console.click(f'{console.row_css(job_id)} [data-testid="open-detail"]')
    console.wait(lambda: console.testid("detail-id").text == job_id, message="the detail panel")
    assert "192.0.2.10:3306" in console.testid("detail-source").text
    assert "s3cret" not in console.driver.page_source
    assert f"detail={job_id}" in console.driver.current_url
    console.find("#detail-title").send_keys(Keys.ESCAPE)
    console.wait(lambda: not console.visible("detail"), message="the detail panel to close")
    assert console.console_errors() == []   # nothing the script raised, nothing the CSP refused


# ------------------------------------------------------------------------------------------------ errors, narrow window


def test_throttling_a_server_error_and_an_unreachable_server_are_shown(tmp_path, driver):
    database = tmp_path / "drs.sqlite"
    server = Server(database, "--rate-limit", "2", "--pace", "0")
    stopped = False
    try:
        site = Site(server, database, "sqlite")
        running = task_id("r01")
        project, token = site.project([make_task(running, "throttled", status="INCRE_TRANSFER_STARTED")])
        console = Console(driver, server.base)
        console.open("#tab=sync")
        console.sign_in(project, token)
        # 503: the SQLite file stays locked by another writer longer than drs waits (5 s).
        time.sleep(1.5)   # a little budget for the request
        locker = sqlite3.connect(database, timeout=10, isolation_level=None)
        try:
            locker.execute("BEGIN IMMEDIATE")
            console.act(running, "pause")
            text = console.wait_result(running, "failed", timeout=30)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert "DRS.M00004" in text and "could not answer" in text
        assert site.task(project, token, running, "sync")["status"] == "INCRE_TRANSFER_STARTED"
        # 429: more than the rate limit allows. Another client of the same project keeps its budget spent (a token
        # comes back every 0.5 s), so the console's own request is refused however slowly the browser clicks.
        spent = threading.Event()
        done = threading.Event()

        def spend():
            while not done.is_set():
                status, _ = site.call("POST", f"/v3/{project}/jobs", token, {"engine_type": "", "db_use_type": "sync"})
                if status == 429:
                    spent.set()
                done.wait(0.02)

        spender = threading.Thread(target=spend, daemon=True)
        spender.start()
        try:
            assert spent.wait(30), "the project's budget was never spent"
            for _ in range(10):
                console.click("#refresh")
                try:
                    console.wait(lambda: "APIGW.0308" in console.banner(), timeout=3, message="the throttling message")
                    break
                except TimeoutException:
                    continue   # the refill of a moment went to the console's request: ask again
            assert "APIGW.0308" in console.banner()
            assert "Too many requests" in console.banner()
            assert console.row_ids() == [running]   # the rows already shown stay
        finally:
            done.set()
            spender.join()
        server.stop()
        stopped = True
        time.sleep(2.5)   # past the retry the console scheduled
        console.click("#refresh")
        console.wait(lambda: "cannot be reached" in console.banner(), message="the network error")
    finally:
        if not stopped:
            server.stop()


def test_a_narrow_window_has_no_sideways_scrolling(site, console):
    token = site.token(DEMO_PROJECT)
    console.driver.set_window_size(390, 844)
    try:
        console.open("#tab=sync&size=5")
        console.sign_in(DEMO_PROJECT, token)
        assert console.js("return document.documentElement.scrollWidth <= window.innerWidth;")
        assert console.js("return getComputedStyle(document.querySelector('#jobs-table thead')).display;") == "none"
        console.click("#new-task")
        assert console.js("return document.documentElement.scrollWidth <= window.innerWidth;")
        console.click("#create-close")
    finally:
        console.driver.set_window_size(WIDTH, HEIGHT)


# ------------------------------------------------------------------------------------------------ screenshots


def test_screenshots_for_the_readme(site, tmp_path):
    """docs/console-*.png: the demo project at a pace that leaves time to see a full transfer in progress."""
    if site.backend != "sqlite":
        pytest.skip("taken once, on SQLite")
    server = Server(tmp_path / "drs.sqlite", "--demo", "--pace", "0.5")
    browser = chrome(WIDTH, 820)
    try:
        token = Site(server, tmp_path / "drs.sqlite", "sqlite").token(DEMO_PROJECT)
        console = Console(browser, server.base)
        console.open("#tab=migration")
        console.sign_in(DEMO_PROJECT, token)
        browser.set_window_size(WIDTH, 1000)
        fill_create_form(console, "DRS-orders-eu")
        console.select("c-node-type", "xlarge")
        console.click("#c-submit")
        console.wait(lambda: console.js("const s = document.querySelector('[data-testid=step-watch]');"
                                        "return Boolean(s && / [1-9][0-9]%/.test(s.textContent));"), 60, "the full transfer to progress")
        job_id = console.js("return document.getElementById('c-steps').dataset.jobId;")
        browser.save_screenshot(str(SCREENSHOTS / "console-create.png"))
        console.click("#create-close")
        browser.set_window_size(WIDTH, 820)
        console.wait_list()
        console.wait(lambda: console.js("const p = document.querySelector('[data-testid=progress]');"
                                        "return Boolean(p && Number(p.dataset.value) >= 30);"), 60, "a progress bar")
        browser.save_screenshot(str(SCREENSHOTS / "console-list.png"))
        console.click(f'{console.row_css(job_id)} [data-testid="open-detail"]')
        console.wait(lambda: console.testid("detail-id").text == job_id, message="the detail panel")
        console.wait(lambda: console.testid("detail-progress"), message="the progress in the detail panel")
        browser.save_screenshot(str(SCREENSHOTS / "console-detail.png"))
    finally:
        browser.quit()
        server.stop()
