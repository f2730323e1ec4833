"""The console page and its server, for the browser tests: a Site (a running `drs serve` with API helpers), a Console
(the page, driven through stable ids and data-testid attributes) and headless Chromium."""

import json
import os
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import (ElementClickInterceptedException, ElementNotInteractableException,
                                        NoSuchElementException, StaleElementReferenceException)
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from drs_harness import REPO, run_drs

CHROMIUM = os.environ.get("DRS_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("DRS_CHROMEDRIVER", shutil.which("chromedriver") or "/usr/bin/chromedriver")
DEMO_PROJECT = "054ba152d480d55b2f5dc0069e7ddef0"
SCREENSHOTS = Path(os.environ.get("DRS_SCREENSHOT_DIR", REPO / "docs"))
WIDTH, HEIGHT = 1280, 900


class Site:
    """A running `drs serve` and its database, with a few API helpers for setting up and checking."""

    def __init__(self, server, database, backend):
        self.server = server
        self.database = database
        self.backend = backend

    @property
    def base(self):
        return self.server.base

    def drs(self, *args, input=None):
        return run_drs(*args, database=self.database, input=input).stdout.strip()

    def project(self, jobs=(), name=None):
        """A new project holding `jobs` (import format), and a token for it."""
        project = self.drs("project", "create", *(["--name", name] if name else []))
        if jobs:
            self.drs("jobs", "import", "--project", project, "-", input=json.dumps({"jobs": list(jobs)}))
        return project, self.token(project)

    def token(self, project, ttl=None):
        return self.drs("token", "issue", "--project", project, *(["--ttl", ttl] if ttl else []))

    def call(self, method, path, token, body=None, language=None):
        """One API call; returns (status, parsed body)."""
        request = urllib.request.Request(self.base + path, method=method,
                                         data=None if body is None else json.dumps(body).encode())
        request.add_header("Content-Type", "application/json")
        request.add_header("X-Auth-Token", token)
        if language:
            request.add_header("X-Language", language)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def query(self, project, token, **body):
        body.setdefault("engine_type", "")
        status, answer = self.call("POST", f"/v3/{project}/jobs", token, body)
        assert status == 200, answer
        return answer

    def task(self, project, token, job_id, db_use_type, **filters):
        """The task as the query shows it (None when the query does not list it)."""
        jobs = self.query(project, token, db_use_type=db_use_type, name=job_id, **filters)["jobs"]
        return jobs[0] if jobs else None


def chrome(width=WIDTH, height=HEIGHT):
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.fail(f"the browser tests need Chromium and its driver ({CHROMIUM}, {CHROMEDRIVER}): "
                    "apt-get install chromium chromium-driver")
    options = Options()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--force-device-scale-factor=1", "--lang=en-US",
                     "--no-first-run", "--disable-extensions", "--disable-features=Translate,MediaRouter",
                     "--hide-scrollbars"):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": "en-US,en"})
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


class Console:
    """The console page, driven through stable ids and data-testid attributes."""

    def __init__(self, driver, base):
        self.driver = driver
        self.base = base

    # -- plumbing
    def js(self, script, *args):
        return self.driver.execute_script(script, *args)

    def wait(self, predicate, timeout=30, message="condition"):
        def check(_):
            try:
                return predicate()
            except (StaleElementReferenceException, NoSuchElementException):
                return False
        return WebDriverWait(self.driver, timeout, poll_frequency=0.1).until(check, message)

    def find(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def testid(self, name):
        return self.find(f'[data-testid="{name}"]')

    def click(self, css, timeout=15):
        """Clicks the element, finding it again if the list re-rendered it in between."""
        def attempt():
            try:
                element = self.find(css)
                if not element.is_enabled() or not element.is_displayed():
                    return False
                element.click()
                return True
            except (ElementClickInterceptedException, ElementNotInteractableException):
                return False
        self.wait(attempt, timeout, f"click {css}")

    def type(self, element_id, text, clear=True):
        element = self.find(f"#{element_id}")
        if clear:
            element.clear()
        element.send_keys(text)

    def select(self, element_id, value):
        Select(self.find(f"#{element_id}")).select_by_value(value)

    def visible(self, element_id):
        return self.js("const e = document.getElementById(arguments[0]); return Boolean(e && !e.hidden && e.offsetParent !== null);",
                       element_id)

    def text(self, element_id):
        return self.js("return document.getElementById(arguments[0]).textContent;", element_id)

    def console_errors(self):
        """Errors the page's script raised or the browser refused (CSP), since the last call; not the API's 4xx."""
        return [entry for entry in self.driver.get_log("browser")
                if entry["level"] == "SEVERE" and entry.get("source") != "network"]

    # -- pages
    def open(self, fragment="", clear=True):
        """Loads the console afresh (another page first: a change of the fragment alone would not reload it)."""
        self.driver.get(self.base + "/healthz")
        if clear:
            self.js("sessionStorage.clear(); localStorage.clear();")
        self.driver.get_log("browser")   # drained: console_errors() reports this page's only
        self.driver.get(self.base + "/console" + fragment)
        self.wait(lambda: self.visible("signin-view") or self.visible("main-view"), message="the console to start")

    def sign_in(self, project, token):
        self.type("signin-project", project)
        self.type("signin-token", token)
        self.click("#signin-token-submit")
        self.wait(lambda: self.visible("main-view"), message="the task list after signing in")
        self.wait_list()

    def sign_in_password(self, domain, user, password, scope):
        self.type("signin-domain", domain)
        self.type("signin-user", user)
        self.type("signin-password", password)
        self.type("signin-scope", scope)
        self.click("#signin-password-submit")

    def wait_list(self, timeout=30):
        """Until the list shows the answer for the view in the URL."""
        self.wait(lambda: self.js("return document.body.dataset.listFor === location.hash;"), timeout,
                  "the list to load for " + self.js("return location.hash;"))

    # -- the list
    def total(self):
        return int(self.js("return document.getElementById('total').dataset.total;"))

    def row_ids(self):
        return self.js("return [...document.querySelectorAll('[data-testid=job-row]')].map(r => r.dataset.id);")

    def row_css(self, job_id):
        return f'tr[id="row-{job_id}"]'

    def status(self, job_id):
        return self.js("const r = document.getElementById('row-' + arguments[0]); return r ? r.dataset.status : null;", job_id)

    def wait_status(self, job_id, status, timeout=30):
        self.wait(lambda: self.status(job_id) == status, timeout, f"{job_id} to show {status} (shows {self.status(job_id)})")

    def operations(self, job_id):
        return self.js("""const r = document.getElementById('row-' + arguments[0]);
            return [...r.querySelectorAll('[data-testid^="action-"]')].map(b => b.dataset.testid.slice(7));""", job_id)

    def act(self, job_id, operation):
        self.click(f'{self.row_css(job_id)} [data-testid="action-{operation}"]')

    def result(self, job_id):
        return self.js("""const r = document.getElementById('row-' + arguments[0]);
            const p = r && r.querySelector('[data-testid=result]');
            return p ? {state: p.dataset.state, text: p.textContent} : null;""", job_id)

    def wait_result(self, job_id, state, timeout=30):
        self.wait(lambda: (self.result(job_id) or {}).get("state") == state, timeout,
                  f"a {state} result on {job_id} (shows {self.result(job_id)})")
        return self.result(job_id)["text"]

    def confirm(self, ok=True, pause_job=False):
        self.wait(lambda: self.js("return document.getElementById('confirm-dialog').open;"), message="the confirmation")
        if pause_job:
            self.click("#confirm-pause")
        self.click("#confirm-ok" if ok else "#confirm-cancel")
        self.wait(lambda: not self.js("return document.getElementById('confirm-dialog').open;"), message="the confirmation to close")

    def banner(self):
        return self.js("const b = document.getElementById('banner'); return b.hidden ? '' : b.textContent;")
