"""Personas shared by every test: two districts of one city, their staff, and the city leader."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from metrics.catalogue import sync_catalogue
from portal.models import Profile
from regions.models import Region
from tests.factories import make_user


@dataclass
class World:
    city: Region
    district_a: Region  # 川汇区
    street_a: Region
    community_a: Region
    district_b: Region  # 城乡一体化示范区
    street_b: Region
    community_b: Region


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The production hasher is deliberately slow; personas are created in almost every test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db) -> World:
    # Transactional tests (live server, real worker) flush the tables, including the catalogue
    # that the data migration created; put it back so every test sees the shipped catalogue.
    sync_catalogue()
    city = Region.objects.create(name="周口市", level=Region.Level.CITY, code="411600")
    district_a = Region.objects.create(name="川汇区", level=Region.Level.DISTRICT, parent=city, code="411602")
    street_a = Region.objects.create(
        name="金海路街道", level=Region.Level.STREET, parent=district_a, aliases="金海路街道办事处"
    )
    community_a = Region.objects.create(name="朱庄社区", level=Region.Level.COMMUNITY, parent=street_a)
    district_b = Region.objects.create(
        name="城乡一体化示范区", short_name="示范区", level=Region.Level.DISTRICT, parent=city
    )
    street_b = Region.objects.create(name="文昌街道", level=Region.Level.STREET, parent=district_b)
    community_b = Region.objects.create(name="景园社区", level=Region.Level.COMMUNITY, parent=street_b)
    return World(city, district_a, street_a, community_a, district_b, street_b, community_b)


@pytest.fixture
def editor_a(world):
    """District-A staff who enter figures (填报员)."""
    return make_user(world.district_a, Profile.Role.EDITOR, "editor_a")


@pytest.fixture
def street_editor_a(world):
    return make_user(world.street_a, Profile.Role.EDITOR, "street_editor_a")


@pytest.fixture
def viewer_a(world):
    """A district-A leader who may look but not write."""
    return make_user(world.district_a, Profile.Role.VIEWER, "viewer_a")


@pytest.fixture
def approver_a(world):
    return make_user(world.district_a, Profile.Role.APPROVER, "approver_a")


@pytest.fixture
def editor_b(world):
    return make_user(world.district_b, Profile.Role.EDITOR, "editor_b")


@pytest.fixture
def admin_a(world):
    """District-A administrator (管理员): the admin site, limited to district A's subtree."""
    return make_user(world.district_a, Profile.Role.ADMIN, "admin_a")


@pytest.fixture
def admin_b(world):
    return make_user(world.district_b, Profile.Role.ADMIN, "admin_b")


@pytest.fixture
def city_leader(world):
    return make_user(world.city, Profile.Role.VIEWER, "city_leader")


@pytest.fixture
def client_for(client):
    """Log a persona in: ``client_for(user)`` returns the logged-in test client."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login


@pytest.fixture
def migrator(transactional_db):
    """A migration executor for tests that move the database back and forth; afterwards it puts the
    database on the latest migrations again, so no later test finds one half migrated."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


# --- Celery ---------------------------------------------------------------------------------
# Tests run tasks in-process unless marked ``worker``; those need REDIS_URL and PostgreSQL and
# talk to a real worker process started for them.


def _services_available() -> bool:
    from django.conf import settings

    return bool(settings.REDIS_URL) and settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_collection_modifyitems(config, items):
    if _services_available():
        return
    if os.environ.get("PORTAL_REQUIRE_SERVICES"):
        raise pytest.UsageError("PORTAL_REQUIRE_SERVICES is set but REDIS_URL/PostgreSQL are not configured")
    reason = "needs REDIS_URL and a PostgreSQL DATABASE_URL (a real worker shares the test database)"
    for item in items:
        if item.get_closest_marker("worker"):
            item.add_marker(pytest.mark.skipif(True, reason=reason))


@pytest.fixture(autouse=True)
def _tasks_in_process_unless_worker(request):
    from config.celery import app

    eager = request.node.get_closest_marker("worker") is None
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def celery_worker_process(transactional_db):
    """A real ``celery worker`` process on the test database; yields the Popen handle."""
    from django.db import connection

    from config.celery import app

    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}
    app.control.purge()
    log = open(Path(tempfile.gettempdir()) / f"celery-worker-{os.getpid()}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "-l",
            "info",
            "-n",
            f"test-{os.getpid()}@%h",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=Path(__file__).resolve().parent.parent,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited early; see {log.name}")
        if app.control.ping(timeout=0.5):
            break
    else:
        proc.kill()
        raise RuntimeError(f"celery worker did not answer within 60 s; see {log.name}")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
