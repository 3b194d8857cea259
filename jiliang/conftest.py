import copy
import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from django.db import connections, transaction
from django.utils import translation

from jiliang.core.testing.matrix import build_world
from jiliang.core.testing.phone import PHONE
from jiliang.orgs.models import Region
from jiliang.orgs.reference import load_reference_regions

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ON_CI = os.environ.get("CI") == "true"
# Playwright's sync API runs an event loop in the test thread; Django's ORM must be allowed there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True, scope="session")
def _background_jobs_run_at_once():
    """Huey runs each task as it is enqueued (after the transaction commits)."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


@pytest.fixture
def english():
    """Messages in English, for tests that match the msgids rather than the Chinese."""
    with translation.override("en"):
        yield


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """A transaction around a module's tests, rolled back after them: what module-scoped
    fixtures write in it, every test of the module sees. In such a module no test may run in a
    transactional database, or build those rows again (``world`` and ``module_world``'s users
    share their names)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_world(module_db):
    """The matrix world built once for a module's tests (a module adds to it, or builds another,
    by overriding this fixture)."""
    return build_world()


@pytest.fixture
def matrix_world(module_world, db):
    """The module's world for one test, whose own transaction is rolled back as with
    ``world``; what the test sets on it stays on its copy."""
    return copy.copy(module_world)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM):
        message = f"Browser tests need Debian's Chromium at {CHROMIUM}"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture
def results_dir(pytestconfig):
    """Where screenshots go: pytest-playwright's --output, which each database's pass sets
    apart (that plugin empties the directory when a run starts)."""
    path = Path(pytestconfig.getoption("--output")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture
def threads_database(transactional_db, tmp_path):
    """A test database that threads can share. On SQLite the in-memory test database (one
    shared cache, which fails at once with "table is locked" rather than waiting) is copied to a
    file, opened as in production (WAL, busy timeout), by this thread and new ones until the end
    of the test."""
    if connections["default"].vendor != "sqlite":
        yield
        return
    memory = connections["default"]
    memory.ensure_connection()
    path = tmp_path / "threads.sqlite3"
    with sqlite3.connect(path) as target:
        memory.connection.backup(target)
    target.close()
    original = connections.settings["default"]
    connections.settings["default"] = {**original, "NAME": str(path)}
    connections["default"] = connections.create_connection("default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = memory
        connections.settings["default"] = original


@pytest.fixture
def shared_world(threads_database):
    """The matrix world in a database that threads and real commits see (a transactional test
    starts from an empty database: the reference regions first)."""
    load_reference_regions(Region)
    return build_world()


@pytest.fixture
def phone(new_context):
    """A page in a phone-sized window (touch, a phone's pixel density)."""
    context = new_context(viewport=PHONE, device_scale_factor=2, has_touch=True)
    return context.new_page()
