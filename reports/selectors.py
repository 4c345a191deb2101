"""Reads for news reports, always through the access module's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet

from metrics.models import Indicator
from metrics.periods import QUARTER, YEAR, Period
from portal import access
from portal.numbers import exact
from regions.models import Region
from reports.models import Mention, Report

ACTIVE_STATUSES = (Report.Status.PENDING, Report.Status.PARSING)
YTD = "ytd"  # “今年以来/截至目前” figures: cumulative to a date, no calendar period of their own


def report_list(*, user, status: str | None = None, q: str | None = None) -> QuerySet[Report]:
    """The reports of the user's regions, newest first, with their mention counts."""
    qs = access.filter_for_user(user, Report.objects.all()).select_related("region", "region__parent", "duplicate_of")
    if status in Report.Status.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(source_name__icontains=q))
    return qs.annotate(
        mention_count=Count("mentions"),
        accepted_count=Count("mentions", filter=Q(mentions__review=Mention.Review.ACCEPTED)),
    ).order_by("-created_at", "-id")


def report_get(*, user, pk, write: bool = False) -> Report:
    """One report in the user's scope: 404 outside it, 403 for a read-only user asking to write."""
    qs = Report.objects.select_related("region", "region__parent", "campaign", "duplicate_of", "submitted_by")
    return access.get_object_for_user(user, qs, pk, write=write)


def mention_get(*, user, report: Report, pk, write: bool = False) -> Mention:
    qs = Mention.objects.filter(report=report).select_related("report__region")
    return access.get_object_for_user(user, qs, pk, region_field="report__region", write=write)


def report_mentions(*, report: Report, pk: int | None = None) -> list[Mention]:
    qs = report.mentions.filter(pk=pk) if pk is not None else report.mentions.all()
    return list(qs.select_related("indicator", "region", "region__parent", "data_value").order_by("start"))


def duplicate_visible(*, user, report: Report) -> Report | None:
    """The report this one repeats, when the user may see it."""
    if report.duplicate_of_id is None:
        return None
    return access.filter_for_user(user, Report.objects.filter(pk=report.duplicate_of_id)).first()


@dataclass(frozen=True)
class Segment:
    text: str
    mention: Mention | None = None

    @property
    def title(self) -> str:
        m = self.mention
        if m is None:
            return ""
        indicator = m.indicator.name if m.indicator_id else "未归类"
        return f"{exact(m.value)} {m.unit} · {indicator} · 置信度 {m.confidence:.2f}"


def text_segments(*, report: Report, mentions: list[Mention]) -> list[Segment]:
    """The report text cut at the mentions, so the template can highlight them and still escape everything."""
    segments: list[Segment] = []
    pos = 0
    for m in sorted(mentions, key=lambda m: m.start):
        if m.start < pos:
            continue  # overlapping spans cannot both be highlighted; the first wins
        if m.start > pos:
            segments.append(Segment(report.text[pos : m.start]))
        segments.append(Segment(report.text[m.start : m.end], m))
        pos = m.end
    if pos < len(report.text):
        segments.append(Segment(report.text[pos:]))
    return segments


def editable_regions(*, user) -> QuerySet[Region]:
    if not access.can_write(user):
        return Region.objects.none()
    return access.regions_visible_to(user).select_related("parent")


def active_indicators() -> QuerySet[Indicator]:
    return Indicator.objects.filter(active=True).order_by("order", "code")


def period_label(period_type: str, period_start: date | None) -> str:
    """How a mention's period reads in the review panel."""
    if period_start is None:
        return ""
    if period_type == YTD:
        return f"{period_start.year}年累计（截至发布日）"
    try:
        period = Period(period_type, period_start)
    except ValueError:
        return ""
    if period.type == YEAR:
        return f"{period.start.year}年"
    if period.type == QUARTER:
        return f"{period.start.year}年第{(period.start.month - 1) // 3 + 1}季度"
    return f"{period.start.year}年{period.start.month}月"


def period_code(period_type: str, period_start: date | None) -> str:
    """The form's spelling of a period: 2024, 2024-Q2 or 2024-06 (a cumulative figure offers its year)."""
    if period_start is None:
        return ""
    if period_type in (YEAR, YTD):
        return str(period_start.year)
    if period_type == QUARTER:
        return f"{period_start.year}-Q{(period_start.month - 1) // 3 + 1}"
    return f"{period_start:%Y-%m}"
