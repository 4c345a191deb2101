"""Writes for news reports: submit, parse (claimed once), retry, sweep, and the review of mentions.

A report is stored before anything else happens and parsing is queued after commit; the parse
claims the report with a conditional UPDATE so that a task delivered twice parses once. An
accepted mention fills the one DataValue of its indicator × region × period (“最多报一次”) and
never adds a second copy of a figure that a return already holds.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from metrics.models import Campaign, DataValue, DataValueChange, Indicator
from metrics.periods import MONTH, PERIOD_TYPES, QUARTER, YEAR, Period
from portal import access
from portal.numbers import exact
from regions.models import Region
from reports.engine import context_for, get_extractor
from reports.models import Mention, Report
from reports.selectors import YTD, period_label

logger = logging.getLogger(__name__)

# A report whose parse was interrupted this many times is failed instead of re-queued forever.
MAX_PARSE_ATTEMPTS = 3
# A pending report handed to the broker this long ago and still not started is queued again.
PENDING_REQUEUE_AFTER = timedelta(minutes=10)
# Mention values must fit DataValue.value (20 digits, 4 decimals).
_MAX_VALUE = Decimal("1e16")


# --- submission ---------------------------------------------------------------------------------


def normalised_hash(text: str) -> str:
    """Hash of the text with width variants folded and all whitespace removed, for spotting resubmissions."""
    folded = unicodedata.normalize("NFKC", text)
    return hashlib.sha256("".join(folded.split()).encode("utf-8")).hexdigest()


def report_submit(
    *,
    user,
    title: str,
    source_kind: str,
    published: date,
    region: Region,
    text: str,
    source_name: str = "",
    campaign: Campaign | None = None,
    original_filename: str = "",
) -> Report:
    """Store a report, link it to an identical earlier one if the user can see it, else queue parsing."""
    if not access.can_edit_region(user, region):
        raise PermissionDenied("您不能为该区域提交报道。")
    if not (text or "").strip():
        raise ValidationError({"text": "报道正文为空。"})
    text_hash = normalised_hash(text)
    fields = dict(
        title=title.strip(),
        source_kind=source_kind,
        source_name=source_name.strip(),
        published=published,
        region=region,
        campaign=campaign,
        text=text,
        text_hash=text_hash,
        original_filename=original_filename[:255],
        submitted_by=user,
    )
    try:
        return _store_report(user, fields)
    except IntegrityError:
        # Lost the race to an identical submission for the same place: it is committed now,
        # so this one is recorded as its duplicate instead.
        return _store_report(user, fields)


def _store_report(user, fields: dict[str, Any]) -> Report:
    with transaction.atomic():
        earlier = access.filter_for_user(
            user, Report.objects.filter(text_hash=fields["text_hash"], duplicate_of__isnull=True)
        ).order_by("created_at", "id")
        original = earlier.first()
        report = Report(**fields, duplicate_of=original)
        if original is not None:
            # A resubmission is recorded (who sent it, when) but never parsed a second time.
            report.status = Report.Status.PARSED
            report.parsed_at = timezone.now()
        report.full_clean(validate_constraints=False)
        report.save()
        if original is None:
            _queue_parse_on_commit(report.pk)
    return report


def report_retry(*, user, report: Report) -> Report:
    """Send a failed report back to 待解析 and queue it."""
    if not access.can_edit_region(user, report.region):
        raise PermissionDenied("您的角色为只读，不能重新解析。")
    with transaction.atomic():
        changed = Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
            status=Report.Status.PENDING, failure_reason="", queued_at=None, attempts=0
        )
        if not changed:
            raise ValidationError("只有解析失败的报道可以重新解析。")
        _queue_parse_on_commit(report.pk)
    report.refresh_from_db()
    return report


def _queue_parse_on_commit(report_id: int) -> None:
    # Not delay_on_commit: a broker that is down must not turn a saved report into a server
    # error after commit. The report stays 待解析 with no queued_at, and the sweep sends it later.
    transaction.on_commit(partial(publish_parse, report_id))


def publish_parse(report_id: int) -> bool:
    """Hand a report to the broker now; False (and a log line) when the broker cannot be reached."""
    from reports.tasks import parse_report

    Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(queued_at=timezone.now())
    try:
        parse_report.delay(report_id)
    except Exception:
        logger.warning("report %s: broker unreachable, left 待解析 for the sweep", report_id, exc_info=True)
        Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(queued_at=None)
        return False
    return True


def report_requeue_stale(*, now=None) -> dict[str, int]:
    """The beat sweep: re-queue reports never queued or stuck, fail those interrupted too often."""
    now = now or timezone.now()
    stuck_since = now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    counts = {"requeued": 0, "failed": 0}
    stuck = Report.objects.filter(status=Report.Status.PARSING, parse_started_at__lt=stuck_since)
    for pk, attempts in stuck.values_list("pk", "attempts"):
        claim = Report.objects.filter(pk=pk, status=Report.Status.PARSING, attempts=attempts)
        if attempts >= MAX_PARSE_ATTEMPTS:
            counts["failed"] += claim.update(
                status=Report.Status.FAILED,
                failure_reason=f"解析 {attempts} 次均未完成（可能超时或处理进程中断），请稍后重试或联系管理员。",
            )
        else:
            claim.update(status=Report.Status.PENDING, queued_at=None)
    due = Report.objects.filter(status=Report.Status.PENDING, duplicate_of__isnull=True).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - PENDING_REQUEUE_AFTER)
    )
    for pk in due.values_list("pk", flat=True):
        counts["requeued"] += publish_parse(pk)
    return counts


# --- parsing ------------------------------------------------------------------------------------


class _TimedOut(Exception):
    pass


def report_parse(*, report_id: int, reclaim: bool = False, time_budget: float | None = None) -> str:
    """Parse one report once: claim it, extract, replace its mentions; returns what happened.

    ``reclaim`` is set when the broker redelivers the same message (its worker died mid-parse):
    then a report left 解析中 may be taken over. The attempt counter is the claim's token, so a
    parse that lost its claim cannot overwrite the one that holds it.
    """
    token = _claim(report_id, reclaim)
    if token is None:
        return "skipped"
    started = time.monotonic()
    try:
        report = Report.objects.select_related("region").get(pk=report_id)
        _fault_test_pause()
        result = get_extractor().extract(
            report.text, context_for(report.region, report.published), doc=str(report.pk), strict=True
        )
        if time_budget is not None and time.monotonic() - started > time_budget:
            raise _TimedOut
        mentions = _mentions_from(report, result.mentions)
        codes = {c.get("code") for c in result.campaigns if c.get("code")}
        with transaction.atomic():
            holder = Report.objects.select_for_update().filter(
                pk=report_id, status=Report.Status.PARSING, attempts=token
            )
            if not holder.exists():
                return "superseded"
            Mention.objects.filter(report_id=report_id).delete()
            Mention.objects.bulk_create(mentions)
            report.campaigns_named.set(Campaign.objects.filter(code__in=codes))
            holder.update(status=Report.Status.PARSED, parsed_at=timezone.now(), failure_reason="")
        return "parsed"
    except (SoftTimeLimitExceeded, _TimedOut):
        limit = time_budget or settings.CELERY_TASK_SOFT_TIME_LIMIT
        reason = f"解析超时（超过 {limit:g} 秒）。可点击“重新解析”再试；如仍超时，请删减正文后重新提交。"
        _fail(report_id, token, reason)
        return "failed"
    except (OperationalError, InterfaceError):
        # The database is away: a transient failure. Hand the report back and let the task retry.
        _release(report_id, token)
        raise
    except Exception as exc:
        logger.exception("report %s: parse failed", report_id)
        _fail(report_id, token, f"解析出错（{exc.__class__.__name__}）。可点击“重新解析”再试。")
        return "failed"


def _claim(report_id: int, reclaim: bool) -> int | None:
    row = Report.objects.filter(pk=report_id, duplicate_of__isnull=True).values("status", "attempts").first()
    if row is None:
        return None
    allowed = {Report.Status.PENDING} | ({Report.Status.PARSING} if reclaim else set())
    if row["status"] not in allowed:
        return None
    attempts = row["attempts"]
    current = Report.objects.filter(pk=report_id, status=row["status"], attempts=attempts)
    if attempts >= MAX_PARSE_ATTEMPTS and row["status"] == Report.Status.PARSING:
        current.update(status=Report.Status.FAILED, failure_reason=f"解析 {attempts} 次均被中断，请稍后重试。")
        return None
    changed = current.update(
        status=Report.Status.PARSING, attempts=attempts + 1, parse_started_at=timezone.now(), failure_reason=""
    )
    return attempts + 1 if changed == 1 else None


def _fail(report_id: int, token: int, reason: str) -> None:
    Report.objects.filter(pk=report_id, status=Report.Status.PARSING, attempts=token).update(
        status=Report.Status.FAILED, failure_reason=reason
    )


def _release(report_id: int, token: int) -> None:
    try:
        Report.objects.filter(pk=report_id, status=Report.Status.PARSING, attempts=token).update(
            status=Report.Status.PENDING
        )
    except DatabaseError:
        logger.warning("report %s: could not release the claim; the sweep will", report_id)


def _fault_test_pause() -> None:
    """Test hook for the worker-fault tests: hold the parse so a test can kill or time it out.

    Active only outside production and only when ``REPORTS_TEST_PARSE_PAUSE`` (seconds) is set;
    ``REPORTS_TEST_PARSE_PIDFILE`` receives the pid of the process doing the parse.
    """
    seconds = os.environ.get("REPORTS_TEST_PARSE_PAUSE")
    if not seconds or settings.PRODUCTION:
        return
    pidfile = os.environ.get("REPORTS_TEST_PARSE_PIDFILE")
    if pidfile:
        with open(pidfile, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
    time.sleep(float(seconds))


def period_from_engine(period: Any) -> tuple[str, date | None]:
    """The engine's period dict as (period_type, first day); cumulative figures become ``ytd``."""
    if not isinstance(period, dict):
        return "", None
    if period.get("kind") == "cumulative" and not period.get("year") and period.get("until"):
        # "截至目前"/"累计" without a year: the publication year to date, for staff to confirm.
        period = {**period, "year": str(period["until"])[:4]}
    if not period.get("year"):
        return "", None
    try:
        year = int(period["year"])
        kind = period.get("kind")
        if kind == "month":
            return MONTH, date(year, int(period["month"]), 1)
        if kind == "quarter":
            return QUARTER, date(year, 3 * int(period["quarter"]) - 2, 1)
        if kind == "year":
            return YEAR, date(year, 1, 1)
        if kind == "cumulative":
            return YTD, date(year, 1, 1)
    except (KeyError, TypeError, ValueError):
        pass
    return "", None


def _mentions_from(report: Report, records: list[dict[str, Any]]) -> list[Mention]:
    indicators = {i.code: i for i in Indicator.objects.all()}
    keys = {int(r["region_key"]) for r in records if str(r.get("region_key") or "").isdigit()}
    regions = Region.objects.in_bulk(keys)
    seen: set[tuple[int, int]] = set()
    mentions = []
    for r in records:
        start, end = int(r["start"]), int(r["end"])
        if (start, end) in seen or not 0 <= start < end <= len(report.text):
            continue
        try:
            value = Decimal(str(r["value"])).quantize(Decimal("0.000001"))
        except (InvalidOperation, TypeError, ValueError):
            continue
        if abs(value) >= _MAX_VALUE:
            continue
        seen.add((start, end))
        period_type, period_start = period_from_engine(r.get("period"))
        key = str(r.get("region_key") or "")
        mentions.append(
            Mention(
                report=report,
                start=start,
                end=end,
                text=report.text[start:end][:100],
                value=value,
                unit=str(r.get("unit") or "")[:10],
                approx=bool(r.get("approx")),
                subject=str(r.get("subject") or "")[:100],
                indicator=indicators.get(r.get("indicator") or ""),
                region_text=str(r.get("region") or "")[:100],
                region=regions.get(int(key)) if key.isdigit() else None,
                period_type=period_type,
                period_start=period_start,
                confidence=float(r.get("confidence") or 0),
                borderline=bool(r.get("borderline")),
            )
        )
    return mentions


# --- review -------------------------------------------------------------------------------------


@dataclass
class AcceptOutcome:
    """What accepting did: ``created`` a value, ``linked`` to an existing one, ``kept`` an existing one, or nothing."""

    status: str
    message: str
    data_value: DataValue | None = None


@dataclass
class BulkOutcome:
    counts: dict[str, int] = field(default_factory=lambda: {"created": 0, "linked": 0, "kept": 0, "skipped": 0})
    messages: list[str] = field(default_factory=list)


def report_may_review(*, user, report: Report) -> bool:
    """Whether the user may accept, correct, reject and re-parse the report's figures."""
    return access.can_edit_region(user, report.region)


def _locked_mention(user, mention: Mention) -> Mention:
    m = (
        Mention.objects.select_for_update(of=("self",))
        .select_related("report__region", "indicator", "region")
        .get(pk=mention.pk)
    )
    if not report_may_review(user=user, report=m.report):
        raise PermissionDenied("您的角色为只读，不能审核报道数据。")
    return m


def _value_problems(m: Mention) -> list[str]:
    missing = []
    if m.indicator_id is None:
        missing.append("指标")
    if m.region_id is None:
        missing.append("区域")
    if m.period_type not in PERIOD_TYPES or m.period_start is None:
        missing.append("期间（年、季或月）")
    return missing


def mention_accept(*, user, mention: Mention) -> AcceptOutcome:
    """Accept a figure: create the one DataValue of its cell, or link to the one already there."""
    with transaction.atomic():
        m = _locked_mention(user, mention)
        if m.review == Mention.Review.ACCEPTED:
            return AcceptOutcome("unchanged", f"“{m.text}”已采纳，未做改动。", m.data_value)
        missing = _value_problems(m)
        if missing:
            raise ValidationError(f"“{m.text}”缺少{'、'.join(missing)}，请先更正再采纳。")
        if not access.can_edit_region(user, m.region):
            raise ValidationError(f"“{m.text}”所属区域“{m.region.display_name}”不在您的填报范围内。")
        period = Period(m.period_type, m.period_start)
        value = m.value.quantize(Decimal("0.0001"))
        indicator = m.indicator
        if indicator.integer_only and value != value.to_integral_value():
            raise ValidationError(f"指标“{indicator.name}”只允许整数，“{m.text}”为 {value.normalize()}，请更正。")
        if indicator.min_value is not None and value < indicator.min_value:
            raise ValidationError(f"“{m.text}”小于指标“{indicator.name}”的最小值 {indicator.min_value.normalize()}。")
        if indicator.max_value is not None and value > indicator.max_value:
            raise ValidationError(f"“{m.text}”大于指标“{indicator.name}”的最大值 {indicator.max_value.normalize()}。")
        now = timezone.now()
        try:
            with transaction.atomic():
                dv, created = DataValue.objects.select_for_update().get_or_create(
                    indicator=indicator,
                    region=m.region,
                    period_type=period.type,
                    period_start=period.start,
                    defaults=dict(
                        value=value,
                        source=DataValue.Source.REPORT,
                        status=DataValue.Status.SUBMITTED,
                        campaign=m.report.campaign,
                        comment=f"新闻报道《{m.report.title}》：{m.text}"[:500],
                        updated_by=user,
                        updated_at=now,
                    ),
                )
        except IntegrityError:  # someone filled the cell between our read and our insert
            dv, created = (
                DataValue.objects.select_for_update().get(
                    indicator=indicator, region=m.region, period_type=period.type, period_start=period.start
                ),
                False,
            )
        cell = f"{m.region.display_name} {period_label(period.type, period.start)} {indicator.name}"
        if created:
            DataValueChange.objects.create(
                data_value=dv,
                indicator=indicator,
                user=user,
                at=now,
                new_value=value,
                new_status=dv.status,
                reason=f"采纳新闻报道《{m.report.title}》中的“{m.text}”",
            )
            m.data_value = dv
            outcome = AcceptOutcome("created", f"已采纳：{cell} = {exact(value)}{indicator.unit}，待月度报表确认。", dv)
        else:
            existing = (
                f"已有{dv.get_source_display()}数据 {exact(dv.value)}{indicator.unit}（{dv.get_status_display()}）"
            )
            if not Mention.objects.filter(data_value=dv).exists():
                m.data_value = dv
                status = "linked"
            else:
                status = "kept"
            if dv.value != value:
                agree = f"报道数值为 {exact(value)}，与之不一致，请在月度报表中核对。"
            else:
                agree = "数值一致，本报道已作为佐证关联。" if status == "linked" else "数值一致。"
            outcome = AcceptOutcome(status, f"{cell}{existing}，未重复录入；{agree}", dv)
        m.review, m.reviewed_by, m.reviewed_at = Mention.Review.ACCEPTED, user, now
        m.save(update_fields=["review", "reviewed_by", "reviewed_at", "data_value"])
    return outcome


def mention_reject(*, user, mention: Mention) -> str:
    """Reject a figure; a value it created and nobody has approved yet is withdrawn with it."""
    with transaction.atomic():
        m = _locked_mention(user, mention)
        if m.review == Mention.Review.REJECTED:
            return f"“{m.text}”已驳回，未做改动。"
        withdrawn = False
        for dv in DataValue.objects.select_for_update().filter(mention=m):
            if dv.source == DataValue.Source.REPORT and dv.status == DataValue.Status.APPROVED:
                raise ValidationError(f"“{m.text}”生成的数据已审核通过，不能驳回。")
            if dv.source == DataValue.Source.REPORT:
                DataValueChange.objects.create(
                    data_value=None,
                    indicator=dv.indicator,
                    monthly_return=dv.monthly_return,
                    user=user,
                    old_value=dv.value,
                    old_status=dv.status,
                    reason=f"驳回新闻报道《{m.report.title}》中的“{m.text}”，撤回该数据",
                )
                dv.delete()
                withdrawn = True
        m.data_value = None
        m.review, m.reviewed_by, m.reviewed_at = Mention.Review.REJECTED, user, timezone.now()
        m.save(update_fields=["review", "reviewed_by", "reviewed_at", "data_value"])
    return f"已驳回“{m.text}”" + ("，并撤回了由它生成的数据。" if withdrawn else "。")


def mention_correct(
    *,
    user,
    mention: Mention,
    value: Decimal,
    unit: str,
    indicator: Indicator | None,
    region: Region | None,
    period: Period | None,
) -> Mention:
    """Fix what the parser got wrong before accepting; an accepted figure must be rejected first."""
    with transaction.atomic():
        m = _locked_mention(user, mention)
        if m.review == Mention.Review.ACCEPTED:
            raise ValidationError("该数据已采纳；如需更正，请先驳回再修改。")
        if region is not None and not access.can_view_region(user, region):
            raise ValidationError("所选区域不在您的权限范围内。")
        m.value, m.unit, m.indicator, m.region = value, unit.strip(), indicator, region
        m.period_type, m.period_start = (period.type, period.start) if period else ("", None)
        m.review, m.reviewed_by, m.reviewed_at = Mention.Review.PENDING, user, timezone.now()
        m.full_clean(exclude=["report"])
        m.save(
            update_fields=[
                "value",
                "unit",
                "indicator",
                "region",
                "period_type",
                "period_start",
                "review",
                "reviewed_by",
                "reviewed_at",
            ]
        )
    return m


def mentions_accept_above(*, user, report: Report, threshold: float) -> BulkOutcome:
    """Accept every pending, complete, non-borderline mention at or above a confidence threshold."""
    outcome = BulkOutcome()
    with transaction.atomic():
        candidates = (
            report.mentions.filter(review=Mention.Review.PENDING, borderline=False, confidence__gte=threshold)
            .select_related("indicator", "region")
            .order_by("start")
        )
        for m in candidates:
            if _value_problems(m):
                outcome.counts["skipped"] += 1
                continue
            try:
                result = mention_accept(user=user, mention=m)
            except ValidationError as exc:
                outcome.counts["skipped"] += 1
                outcome.messages.extend(exc.messages)
                continue
            outcome.counts[result.status] = outcome.counts.get(result.status, 0) + 1
            if result.status != "created":
                outcome.messages.append(result.message)
    return outcome
