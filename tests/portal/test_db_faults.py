"""The database fails during a save: the user gets a clear Chinese answer, nothing is half-written.

The fault is real at the driver boundary: a connection ``execute_wrapper`` raises Django's
``OperationalError`` instead of running the N-th statement, for every N of a successful save in
turn, so each write of the transaction is the one that fails once. On PostgreSQL a second
connection also holds the row lock while ``lock_timeout`` is short, so the server itself refuses.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time

import pytest
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse

from metrics import services
from metrics.catalogue import sync_catalogue
from metrics.forms import default_month
from metrics.models import DataSet, DataValue, DataValueChange, MonthlyReturn, ReturnEvent
from portal.middleware import DB_UNAVAILABLE
from portal.models import AuditEvent, Notification
from reports.models import Mention, Report
from tests.reports.conftest import SAMPLE

MONTH = default_month()
_TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "BEGIN", "COMMIT", "ROLLBACK")


class FailNth:
    """An execute wrapper that counts statements and raises instead of running the N-th."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.seen = 0
        self.failed_sql = ""

    def __call__(self, execute, sql, params, many, context):
        # Transaction control is left alone: Django's own savepoint handling is not what is tested.
        if not sql.lstrip().upper().startswith(_TRANSACTION_CONTROL):
            self.seen += 1
            if self.seen == self.fail_at:
                self.failed_sql = sql
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


class _Rollback(Exception):
    pass


def _count_statements(post) -> int:
    """How many statements a successful request runs; the request's writes are rolled back."""
    counter = FailNth()
    with contextlib.suppress(_Rollback), transaction.atomic():
        with connection.execute_wrapper(counter):
            response = post()
        assert response.status_code in (200, 201, 302), response.content[:500]
        raise _Rollback
    return counter.seen


def _state() -> dict:
    """Everything a save or a submit may write, as comparable values."""
    return {
        "values": sorted(DataValue.objects.values_list("indicator__code", "value", "comment", "status")),
        "changes": DataValueChange.objects.count(),
        "returns": sorted(MonthlyReturn.objects.values_list("pk", "version", "status", "locked")),
        "events": ReturnEvent.objects.count(),
        "audit": AuditEvent.objects.count(),
        "notifications": Notification.objects.count(),
        "reports": sorted(Report.objects.values_list("title", "status")),
        "mentions": Mention.objects.count(),
    }


def _form_url(world, name: str) -> str:
    return reverse(
        f"metrics:{name}", kwargs={"region_id": world.street_a.pk, "dataset": "organisation", "month": f"{MONTH:%Y-%m}"}
    )


@pytest.fixture
def draft(world, street_editor_a) -> MonthlyReturn:
    if not DataSet.objects.exists():
        sync_catalogue()  # transactional tests start from an emptied database
    ret = services.return_get_or_create(
        user=street_editor_a, region=world.street_a, dataset=DataSet.objects.get(code="organisation"), month=MONTH
    )
    services.return_save_values(
        user=street_editor_a, monthly_return=ret, values={"party_members": "100"}, expected_version=ret.version
    )
    ret.refresh_from_db()
    return ret


def _saved_whole() -> bool:
    stored = {dv.indicator.code: dv for dv in DataValue.objects.select_related("indicator")}
    return (
        stored["party_members"].value == 120
        and stored["party_members"].comment == "含预备党员"
        and stored["full_members"].value == 110
        and DataValueChange.objects.filter(new_value=110).exists()
    )


def _typed(ret: MonthlyReturn) -> dict:
    return {"version": ret.version, "v_party_members": "120", "v_full_members": "110", "c_party_members": "含预备党员"}


@pytest.mark.parametrize("name", ["return_save", "return_submit"])
def test_every_failing_statement_of_a_return_save_leaves_nothing_half_written(
    world, street_editor_a, client_for, draft, name
):
    client = client_for(street_editor_a)
    url, data = _form_url(world, name), _typed(draft)
    total = _count_statements(lambda: client.post(url, data))
    assert total > 5
    before = _state()
    for n in range(1, total + 1):
        fault = FailNth(n)
        with contextlib.suppress(_Rollback), transaction.atomic():
            with connection.execute_wrapper(fault):
                response = client.post(url, data, HTTP_REFERER="http://testserver" + _form_url(world, "return_form"))
            page = response.content.decode()
            if response.status_code == 302:
                # Django skips a model constraint check whose query fails (the database enforces it
                # anyway), so that one statement failing still saves the whole form.
                assert "_check" in fault.failed_sql, (n, fault.failed_sql)
                assert _saved_whole(), n
            else:
                assert response.status_code == 503, (n, fault.failed_sql, page[:300])
                assert DB_UNAVAILABLE in page and "返回原页面" in page, n
                # A read after the commit (reloading the form) may fail too: then all was saved.
                assert _state() == before or _saved_whole(), (n, fault.failed_sql)
            raise _Rollback
    # The connection is still usable: the same save then goes through whole.
    assert client.post(url, data).status_code == 302
    assert DataValue.objects.get(indicator__code="party_members").value == 120


def test_autosave_gets_a_json_503_and_the_draft_is_unchanged(world, street_editor_a, client_for, draft):
    client = client_for(street_editor_a)
    url, data = _form_url(world, "return_save"), _typed(draft)
    total = _count_statements(lambda: client.post(url, data, HTTP_ACCEPT="application/json"))
    before = _state()
    answers = set()
    for n in range(1, total + 1):
        with contextlib.suppress(_Rollback), transaction.atomic():
            with connection.execute_wrapper(FailNth(n)):
                response = client.post(url, data, HTTP_ACCEPT="application/json")
            answers.add(response.status_code)
            if response.status_code == 503:
                assert response["Retry-After"]
                assert json.loads(response.content) == {"ok": False, "message": DB_UNAVAILABLE}
                assert _state() == before or _saved_whole(), n
            else:
                assert response.status_code == 200 and _saved_whole(), n
            raise _Rollback
    assert 503 in answers


def test_returns_js_keeps_a_local_draft_that_a_failed_save_does_not_drop():
    """The browser side of "the form keeps its values": a copy on every keystroke and before a submit,
    dropped only after a 200. Verified here by reading the script rather than rewriting it."""
    from django.conf import settings

    script = (settings.BASE_DIR / "static" / "js" / "returns.js").read_text(encoding="utf-8")
    assert "store.setItem(storageKey" in script and "restore();" in script
    on_submit = script.index('form.addEventListener("submit"')
    assert "backup();" in script[on_submit : script.index(".accept-suggestion", on_submit)]
    ok_branch = script[script.index("if (result.status === 200)") : script.index("} else if (result.status === 400)")]
    assert "dropBackup()" in ok_branch
    # A 503 (or any other failure, or no answer at all) keeps the local copy and says why.
    start = script.index("} else if (result.status === 400)")
    failures = script[start : script.index("inflight = null;", start)]
    assert "dropBackup" not in failures and "data.message" in failures


def test_every_failing_statement_of_a_report_submit_stores_no_report(world, editor_a, client_for):
    client = client_for(editor_a)
    data = {
        "title": "金海路街道走访报道",
        "source_kind": "newspaper",
        "source_name": "周口日报",
        "published": "2024-03-31",
        "region": world.street_a.pk,
        "text": SAMPLE,
    }
    url = reverse("reports:submit")
    total = _count_statements(lambda: client.post(url, data))
    before = _state()
    forms_kept = 0
    for n in range(1, total + 1):
        fault = FailNth(n)
        with connection.execute_wrapper(fault):
            response = client.post(url, data)
        page = response.content.decode()
        assert response.status_code == 503, (n, fault.failed_sql)
        assert "数据库暂时不可用" in page
        if "<form" in page:  # the form itself, with everything typed still in it
            assert 'value="金海路街道走访报道"' in page and "走访群众622户" in page
            forms_kept += 1
        assert _state() == before, (n, fault.failed_sql)
    assert forms_kept, "no failure reached the service's own handling"
    assert client.post(url, data).status_code == 302 and Report.objects.count() == 1


def test_api_report_write_gets_the_api_error_shape_with_503(world, editor_a, client_for):
    client = client_for(editor_a)
    body = {
        "title": "走访报道",
        "source_kind": "newspaper",
        "published": "2024-03-31",
        "region": world.street_a.pk,
        "text": SAMPLE,
    }
    url = reverse("api:report-list")
    total = _count_statements(lambda: client.post(url, body, content_type="application/json"))
    before = _state()
    for n in range(1, total + 1):
        with contextlib.suppress(_Rollback), transaction.atomic():
            with connection.execute_wrapper(FailNth(n)):
                response = client.post(url, body, content_type="application/json")
            if response.status_code == 503:
                error = response.json()["error"]
                assert error["code"] == "database_unavailable" and "数据库暂时不可用" in error["message"]
                # Failing the read-back after the commit leaves the whole report; nothing in between.
                assert _state() == before or _state()["reports"] == [("走访报道", "pending")], n
            else:
                assert response.status_code == 201, (n, response.content[:300])
            raise _Rollback


# --- PostgreSQL: the server itself refuses ------------------------------------------------------

postgres_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
LOCK = "SELECT id FROM metrics_monthlyreturn WHERE id = %s FOR UPDATE"


def _conninfo() -> str:
    from psycopg.conninfo import make_conninfo

    s = connection.settings_dict
    return make_conninfo(
        dbname=s["NAME"],
        user=s["USER"] or "postgres",
        host=s["HOST"] or "127.0.0.1",
        port=str(s["PORT"] or 5432),
        **({"password": s["PASSWORD"]} if s["PASSWORD"] else {}),
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgres_row_lock_held_elsewhere_times_out_a_return_save_cleanly(world, street_editor_a, draft):
    import psycopg

    client = _client(street_editor_a)
    before = _state()
    with psycopg.connect(_conninfo()) as other, other.cursor() as cur:
        cur.execute(LOCK, [draft.pk])  # another session is in the middle of changing this form
        with connection.cursor() as ours:
            ours.execute("SET lock_timeout = 300")
        try:
            response = client.post(_form_url(world, "return_save"), _typed(draft))
        finally:
            with connection.cursor() as ours:
                ours.execute("RESET lock_timeout")
        other.rollback()
    assert response.status_code == 503 and DB_UNAVAILABLE in response.content.decode()
    assert _state() == before
    assert client.post(_form_url(world, "return_save"), _typed(draft)).status_code == 302
    assert _saved_whole()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgres_deadlock_during_a_return_save_rolls_it_back_whole(world, street_editor_a, draft):
    """Two sessions lock the same two rows in opposite order; PostgreSQL picks the save as the victim."""
    import psycopg

    other_ret = services.return_get_or_create(
        user=street_editor_a, region=world.community_a, dataset=DataSet.objects.get(code="organisation"), month=MONTH
    )
    client = _client(street_editor_a)
    before = _state()
    go = threading.Event()

    def other_session():
        with psycopg.connect(_conninfo()) as other, other.cursor() as cur:
            cur.execute("SET deadlock_timeout = '10s'")  # the request, not this session, detects the cycle
            go.wait(10)
            cur.execute(LOCK, [draft.pk])
            cur.execute(LOCK, [other_ret.pk])  # waits for the request, which then waits for us
            other.rollback()

    thread = threading.Thread(target=other_session)
    thread.start()
    seen = {"for_update": 0}

    def cross_the_locks(execute, sql, params, many, context):
        if "FOR UPDATE" in sql:
            seen["for_update"] += 1
            # The second is the save's own lock of the street's form (the first is the deadline check's
            # short transaction): hold the community's form first, let the other session take the street's
            # and queue for the community's, then go on into the cycle.
            if seen["for_update"] == 2:
                execute(LOCK, [other_ret.pk], False, context)
                go.set()
                cursor = context["cursor"]
                for _ in range(100):
                    execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database() AND pid <> pg_backend_pid()",
                        None,
                        False,
                        context,
                    )
                    if cursor.fetchone()[0]:
                        break
                    time.sleep(0.05)
        return execute(sql, params, many, context)

    with connection.cursor() as cur:
        cur.execute("SET deadlock_timeout = '100ms'")
    try:
        with connection.execute_wrapper(cross_the_locks):
            response = client.post(_form_url(world, "return_save"), _typed(draft))
    finally:
        go.set()
        thread.join(15)
        with connection.cursor() as cur:
            cur.execute("RESET deadlock_timeout")
    assert seen["for_update"] >= 2
    assert response.status_code == 503, response.content[:300]
    assert DB_UNAVAILABLE in response.content.decode()
    assert _state() == before
