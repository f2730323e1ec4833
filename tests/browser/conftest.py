"""Fixtures for the console's browser tests: headless Chromium (Debian's `chromium` and `chromium-driver`) driven by
Selenium, against a real `drs serve --demo --pace 0` per database (SQLite, and PostgreSQL when
DRS_TEST_POSTGRES_URL is set).

The server serves the console built into the binary; with DRS_CONSOLE_DIR set (to
Sources/DRSAPI/Resources/console) it serves the repository's files instead, for working on the console without
rebuilding.
"""

import pytest

from console_page import HEIGHT, WIDTH, Console, Site, chrome
from drs_harness import BACKENDS, Server, fresh_database


@pytest.fixture(scope="module", params=BACKENDS)
def site(request, tmp_path_factory):
    """`drs serve --demo --pace 0` on a fresh database, shared by the tests of a module."""
    with fresh_database(request.param, tmp_path_factory.mktemp("console")) as database:
        server = Server(database, "--demo", "--pace", "0")
        try:
            yield Site(server, database, request.param)
        finally:
            server.stop()


@pytest.fixture(scope="session")
def driver():
    browser = chrome()
    try:
        yield browser
    finally:
        browser.quit()


@pytest.fixture
def console(driver, site):
    page = Console(driver, site.base)
    driver.set_window_size(WIDTH, HEIGHT)
    yield page
