"""Faults that really happen: the broker is down at submit, a worker is SIGKILLed mid-parse, a parse
runs past its soft time limit. Nothing is lost, nothing is parsed twice.

The Redis-down test starts its own redis-server on a free port; the worker tests need REDIS_URL and
PostgreSQL (a real worker process shares the test database) and are skipped without them.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import redis
from django.urls import reverse

from reports.models import Report
from reports.services import report_requeue_stale, report_submit
from reports.tasks import parse_report
from tests.reports.conftest import SAMPLE

REPO = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OwnRedis:
    """A throwaway redis-server on its own port, never the machine's shared one."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("own redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def own_redis(tmp_path):
    # scripts/install-system-deps.sh installs it; a missing server must not pass silently.
    assert shutil.which("redis-server"), "redis-server is needed: run scripts/install-system-deps.sh"
    server = OwnRedis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def broker(own_redis):
    """Point the Celery app at our own Redis and publish for real (no in-process tasks)."""
    from config.celery import app

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url, app.conf.task_always_eager = own_redis.url, False
    app.conf.broker_connection_timeout = 1
    _reset_pools(app)
    yield own_redis
    app.conf.broker_url, app.conf.task_always_eager = saved
    _reset_pools(app)


def _reset_pools(app) -> None:
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db
def test_redis_down_at_submit_saves_the_report_and_the_sweep_queues_it_later(
    world, editor_a, client_for, broker, django_capture_on_commit_callbacks
):
    client = client_for(editor_a)
    form = {
        "title": "走访报道",
        "source_kind": "newspaper",
        "published": "2024-03-31",
        "region": world.street_a.pk,
        "text": SAMPLE,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:submit"), form)
    assert response.status_code == 302  # no server error although the broker is away
    report = Report.objects.get()
    assert report.status == Report.Status.PENDING and report.queued_at is None
    assert "待解析" in client.get(response.url).content.decode()

    broker.start()
    assert report_requeue_stale() == {"requeued": 1, "failed": 0}
    report.refresh_from_db()
    assert report.queued_at is not None
    raw = redis.Redis(port=broker.port).lpop("celery")
    message = json.loads(raw)
    assert message["headers"]["task"] == "reports.tasks.parse_report"
    args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
    assert args == [report.pk]

    # What the worker will do with that message once it takes it.
    assert parse_report.apply(args=args).get() == "parsed"
    report.refresh_from_db()
    assert report.status == Report.Status.PARSED and report.mentions.filter(text="622户").count() == 1


# --- real worker processes -------------------------------------------------------------------------


def _start_worker(
    extra_env: dict[str, str], log: Path, pool: str = "prefork", name: str = "faults", transport: dict | None = None
) -> subprocess.Popen:
    """A worker with one process; with prefork, killing the child kills the task and not the worker.

    ``transport`` overrides broker transport options (visibility timeout, restore sweep) for this worker only.
    """
    from django.db import connection

    from config.celery import app

    db = connection.settings_dict
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1", **extra_env}
    app.control.purge()
    argv = ["worker", f"--pool={pool}", "--concurrency=1", "-l", "info", "-n", f"{name}-{os.getpid()}@%h"]
    argv += ["--without-gossip", "--without-mingle"]
    code = (
        "import json, sys; from config.celery import app; "
        "app.conf.broker_transport_options = {**app.conf.broker_transport_options, **json.loads(sys.argv[1])}; "
        "app.worker_main(sys.argv[2:])"
    )
    cmd = [sys.executable, "-c", code, json.dumps(transport or {}), *argv]
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("a"), stderr=subprocess.STDOUT, cwd=REPO)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited early; see {log}")
        if app.control.ping(destination=[f"{name}-{os.getpid()}@{socket.gethostname()}"], timeout=0.5):
            return proc
    proc.kill()
    raise RuntimeError(f"celery worker did not answer; see {log}")


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def _wait_for(report: Report, statuses: set[str], timeout: float = 60) -> Report:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.status in statuses:
            return report
        time.sleep(0.2)
    raise AssertionError(f"report stayed {report.status}")


def _submit(user, region) -> Report:
    from datetime import date

    return report_submit(
        user=user, region=region, text=SAMPLE, title="走访报道", source_kind="newspaper", published=date(2024, 3, 31)
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_parses_a_submitted_report_end_to_end(celery_worker_process, world, editor_a):
    report = _wait_for(_submit(editor_a, world.street_a), {Report.Status.PARSED, Report.Status.FAILED})
    assert report.status == Report.Status.PARSED, report.failure_reason
    assert report.mentions.filter(text="622户", indicator__code="households_visited").count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_parse_is_redelivered_and_parses_once(world, editor_a):
    workdir = Path(tempfile.mkdtemp())
    pidfile = workdir / "parse.pids"
    env = {"REPORTS_TEST_PARSE_PAUSE": "3", "REPORTS_TEST_PARSE_PIDFILE": str(pidfile)}
    proc = _start_worker(env, workdir / "worker.log")
    try:
        report = _submit(editor_a, world.street_a)
        deadline = time.monotonic() + 30
        while not (pidfile.exists() and pidfile.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        victim = int(pidfile.read_text().split()[0])
        report.refresh_from_db()
        assert report.status == Report.Status.PARSING  # claimed, mid-parse
        os.kill(victim, signal.SIGKILL)
        report = _wait_for(report, {Report.Status.PARSED, Report.Status.FAILED})
    finally:
        _stop(proc)
    pids = pidfile.read_text().split()
    assert len(pids) == 2 and pids[0] != pids[1]  # delivered again, to a fresh process
    assert report.status == Report.Status.PARSED and report.attempts == 2
    assert report.mentions.filter(text="622户").count() == 1
    starts = list(report.mentions.values_list("start", flat=True))
    assert len(starts) == len(set(starts))


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_whole_worker_killed_mid_parse_message_comes_back_after_the_visibility_timeout(world, editor_a):
    workdir = Path(tempfile.mkdtemp())
    pidfile = workdir / "parse.pids"
    env = {"REPORTS_TEST_PARSE_PAUSE": "3", "REPORTS_TEST_PARSE_PIDFILE": str(pidfile)}
    first = _start_worker(env, workdir / "worker.log", pool="solo", name="doomed")
    try:
        report = _submit(editor_a, world.street_a)
        deadline = time.monotonic() + 30
        while not (pidfile.exists() and pidfile.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert int(pidfile.read_text().split()[0]) == first.pid  # the worker itself is parsing
        first.kill()  # SIGKILL: no chance to requeue; the message stays unacknowledged in Redis
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    # A new worker whose visibility timeout and restore sweep are short enough for a test.
    fast = {"visibility_timeout": 4, "unacked_restore_interval": 1, "unacked_restore_throttle": 1}
    second = _start_worker({}, workdir / "worker.log", pool="solo", name="heir", transport=fast)
    try:
        report = _wait_for(report, {Report.Status.PARSED, Report.Status.FAILED}, timeout=90)
    finally:
        _stop(second)
    assert report.status == Report.Status.PARSED and report.attempts == 2
    assert report.mentions.filter(text="622户").count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_parse_past_the_soft_time_limit_fails_with_a_reason(world, editor_a, monkeypatch):
    # Retrying a timed-out report is covered in-process in test_parse.py.
    # The publisher puts the limit in the message; Celery caches a task's send options after its first send.
    monkeypatch.setattr(parse_report, "soft_time_limit", 1)
    monkeypatch.setattr(parse_report, "_exec_options", None)
    workdir = Path(tempfile.mkdtemp())
    env = {"REPORTS_TEST_PARSE_PAUSE": "4"}
    proc = _start_worker(env, workdir / "worker.log")
    try:
        report = _wait_for(_submit(editor_a, world.street_a), {Report.Status.PARSED, Report.Status.FAILED})
    finally:
        _stop(proc)
    assert report.status == Report.Status.FAILED and "超过 1 秒" in report.failure_reason
    assert not report.mentions.exists()
    assert "Soft time limit (1s) exceeded" in (workdir / "worker.log").read_text()
