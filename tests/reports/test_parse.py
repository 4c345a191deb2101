"""Parsing: the status flow, the claim that makes a second run harmless, failures with reasons, retry, sweep."""

from datetime import date, timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.exceptions import ValidationError
from django.utils import timezone

from reports import engine
from reports.models import Mention, Report
from reports.services import MAX_PARSE_ATTEMPTS, report_parse, report_requeue_stale, report_retry
from reports.tasks import parse_report, requeue_stale_reports

pytestmark = pytest.mark.django_db


def test_submitted_report_is_parsed_after_commit_with_attributed_mentions(world, parsed_report):
    mentions = {m.text: m for m in parsed_report.mentions.select_related("indicator", "region")}
    assert {"622户", "57个", "1600余名"} <= set(mentions)
    visited = mentions["622户"]
    assert visited.value == 622 and visited.unit == "户"
    assert visited.indicator.code == "households_visited"
    assert visited.region == world.street_a
    assert parsed_report.text[visited.start : visited.end] == "622户"
    assert mentions["1600余名"].approx is True
    assert parsed_report.parsed_at is not None and parsed_report.attempts == 1


def test_report_waits_in_pending_until_the_transaction_commits(world, editor_a):
    from reports.services import report_submit

    report = report_submit(
        user=editor_a,
        region=world.street_a,
        text="走访群众622户。",
        title="t",
        source_kind="website",
        published=timezone.localdate(),
    )
    assert Report.objects.get(pk=report.pk).status == Report.Status.PENDING
    assert not Mention.objects.filter(report=report).exists()


def test_task_run_twice_leaves_exactly_one_set_of_mentions(parsed_report):
    before = list(parsed_report.mentions.values_list("start", "end", "value"))
    assert parse_report.apply(args=[parsed_report.pk]).get() == "skipped"
    assert report_parse(report_id=parsed_report.pk) == "skipped"
    assert list(parsed_report.mentions.values_list("start", "end", "value")) == before


def test_redelivered_message_takes_over_an_interrupted_parse_once(parsed_report):
    # The worker died mid-parse: the report was left 解析中 with a stale claim.
    Report.objects.filter(pk=parsed_report.pk).update(status=Report.Status.PARSING, attempts=1)
    assert report_parse(report_id=parsed_report.pk) == "skipped"  # a fresh duplicate may not steal it
    assert report_parse(report_id=parsed_report.pk, reclaim=True) == "parsed"
    parsed_report.refresh_from_db()
    assert parsed_report.status == Report.Status.PARSED and parsed_report.attempts == 2
    assert parsed_report.mentions.filter(text="622户").count() == 1


def test_parse_that_lost_its_claim_does_not_write(parsed_report, monkeypatch):
    original = engine.get_extractor

    def steal_then_extract():
        # While this parse runs, a redelivered copy takes the claim over (attempts moves on).
        Report.objects.filter(pk=parsed_report.pk).update(attempts=5)
        return original()

    Report.objects.filter(pk=parsed_report.pk).update(status=Report.Status.PENDING)
    monkeypatch.setattr("reports.services.get_extractor", steal_then_extract)
    assert report_parse(report_id=parsed_report.pk) == "superseded"
    assert Report.objects.get(pk=parsed_report.pk).status == Report.Status.PARSING


class _Broken:
    def extract(self, *args, **kwargs):
        raise RuntimeError("boom")


class _Slow:
    def extract(self, *args, **kwargs):
        raise SoftTimeLimitExceeded()


def test_parse_error_is_recorded_with_a_reason_and_retry_parses_it(
    world, editor_a, submit, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("reports.services.get_extractor", lambda: _Broken())
    report = submit(editor_a, world.street_a)
    assert report.status == Report.Status.FAILED
    assert "解析出错" in report.failure_reason and "RuntimeError" in report.failure_reason
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        report_retry(user=editor_a, report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.PARSED
    assert report.mentions.filter(text="622户").count() == 1


def test_only_a_failed_report_can_be_retried(editor_a, parsed_report):
    with pytest.raises(ValidationError, match="只有解析失败"):
        report_retry(user=editor_a, report=parsed_report)


def test_soft_time_limit_ends_as_failed_with_a_reason_and_can_be_retried(
    world, editor_a, submit, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("reports.services.get_extractor", lambda: _Slow())
    report = submit(editor_a, world.street_a)
    assert report.status == Report.Status.FAILED
    assert "解析超时" in report.failure_reason
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        report_retry(user=editor_a, report=report)
    report.refresh_from_db()
    assert report.status == Report.Status.PARSED and report.failure_reason == ""
    assert report.mentions.filter(text="622户").exists()


def test_duplicate_submission_is_linked_and_not_parsed(world, editor_a, submit, parsed_report):
    again = submit(editor_a, world.street_a, text=parsed_report.text.replace("，", ", ") + "\n\n")
    assert again.duplicate_of_id == parsed_report.pk
    assert again.mentions.count() == 0
    assert report_parse(report_id=again.pk) == "skipped"


def test_identical_submissions_racing_leave_one_original(world, editor_a, submit, parsed_report, monkeypatch):
    # The second request looked for an earlier copy before the first one committed, so its
    # lookup found nothing; the database constraint makes it the duplicate all the same.
    from reports import services

    real_filter = services.access.filter_for_user
    misses = iter([True])
    monkeypatch.setattr(
        services.access,
        "filter_for_user",
        lambda user, qs: qs.none() if next(misses, False) else real_filter(user, qs),
    )
    again = submit(editor_a, world.street_a, text=parsed_report.text)
    assert again.duplicate_of_id == parsed_report.pk
    assert Report.objects.filter(text_hash=parsed_report.text_hash, duplicate_of__isnull=True).count() == 1
    assert again.mentions.count() == 0


def test_same_text_in_another_district_is_not_linked_across_scopes(world, editor_b, submit, parsed_report):
    other = submit(editor_b, world.street_b, text=parsed_report.text)
    assert other.duplicate_of_id is None
    assert other.status == Report.Status.PARSED


def test_sweep_requeues_reports_never_queued(world, editor_a, submit):
    report = submit(editor_a, world.street_a)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.PENDING, queued_at=None)
    Mention.objects.filter(report=report).delete()
    assert requeue_stale_reports.apply().get() == {"requeued": 1, "failed": 0}
    report.refresh_from_db()
    assert report.status == Report.Status.PARSED and report.mentions.exists()


def test_sweep_puts_back_stuck_parses_and_fails_those_interrupted_too_often(world, parsed_report, submit, editor_a):
    long_ago = timezone.now() - timedelta(hours=1)
    Report.objects.filter(pk=parsed_report.pk).update(status=Report.Status.PARSING, parse_started_at=long_ago)
    hopeless = submit(editor_a, world.community_a, text="朱庄社区走访群众100户。")
    Report.objects.filter(pk=hopeless.pk).update(
        status=Report.Status.PARSING, parse_started_at=long_ago, attempts=MAX_PARSE_ATTEMPTS
    )
    assert report_requeue_stale() == {"requeued": 1, "failed": 1}
    assert Report.objects.get(pk=parsed_report.pk).status == Report.Status.PARSED
    hopeless.refresh_from_db()
    assert hopeless.status == Report.Status.FAILED and "均未完成" in hopeless.failure_reason


def test_sweep_leaves_fresh_work_alone(parsed_report):
    Report.objects.filter(pk=parsed_report.pk).update(status=Report.Status.PARSING, parse_started_at=timezone.now())
    assert report_requeue_stale() == {"requeued": 0, "failed": 0}


def test_task_for_a_deleted_report_returns_quietly(parsed_report):
    pk = parsed_report.pk
    parsed_report.delete()
    assert parse_report.apply(args=[pk]).get() == "skipped"


def test_an_engine_fault_fails_the_report_with_its_reason(world, editor_a, monkeypatch):
    """A bug in the engine must not look like a report without figures."""
    from extraction import engine as engine_module
    from reports import services
    from reports.models import Report

    def broken(self, text, context, doc):
        raise RuntimeError("boom")

    monkeypatch.setattr(engine_module.Extractor, "_extract", broken)
    report = Report.objects.create(
        title="t",
        source_kind="newspaper",
        published=date(2024, 3, 5),
        region=world.district_a,
        text="川汇区走访群众622户。",
        text_hash="f" * 64,
        submitted_by=editor_a,
    )
    assert services.report_parse(report_id=report.pk) == "failed"
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and "RuntimeError" in report.failure_reason


def test_cumulative_figures_without_a_year_default_to_the_publication_year():
    from reports.services import period_from_engine

    assert period_from_engine({"kind": "cumulative", "year": None, "until": "2022-06-25"}) == ("ytd", date(2022, 1, 1))
