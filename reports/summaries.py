"""PDF summaries and spreadsheet exports of a region × period (× campaign), built from the dashboard's
own selectors so that every figure in them is the figure the dashboard shows for the same selection.

A PDF is cached as a :class:`~reports.models.Summary` row keyed by a fingerprint of the selection,
the template version and the figures themselves: while nothing shown changes the file is reused,
and any changed figure, organisation or report title gives a new one. Small subtrees are rendered
on request; large ones by a Celery task queued after commit, which reports its progress on the row.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
import json
import logging
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from metrics.dashboard import (
    ELECTION_WINDOW_DAYS,
    SECTIONS,
    DashboardParams,
    Table,
    cell_display,
    cell_text,
    dashboard_data,
    dashboard_filter,
    dashboard_params,
    table_csv,
)
from metrics.models import Campaign, Indicator
from metrics.periods import MONTH, YEAR, Period
from portal import access, numbers
from portal.services import audit_record
from regions.models import Region
from regions.selectors import RegionNameError, region_by_name
from reports import charts, narrative
from reports.charts import Series
from reports.fonts import FontMissing, require_cjk_font
from reports.models import Summary

logger = logging.getLogger(__name__)

# Bump when the PDF's layout or content changes, so cached files are not reused across versions.
TEMPLATE_VERSION = "2"  # 2: the narrative at the head, the returns' 合计 row
# A summary with more table rows than this gets a table of contents.
TOC_MIN_ROWS = 40  # the trend not counted: it prints as a few rows of years
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SYSTEM_NAME = "命令行"
COVER_NOTE = (
    "本摘要的数据与数据看板在相同区域、期间和活动下显示的数据一致。环比为与上一期间相比，同比为与上年同期相比。"
)

# Lazy: PDFs and workbooks are built in the default language (Chinese); the exports page shows
# the titles in the user's language.
SECTION_TITLES = {
    "kpis": pgettext_lazy("dashboard section", "关键指标"),
    "trend": gettext_lazy("月度趋势"),
    "children": gettext_lazy("下级区域对比"),
    "ranking": gettext_lazy("亮赛比排名"),
    "campaigns": gettext_lazy("活动目标进度"),
    "completeness": gettext_lazy("月报完成情况"),
    "elections": gettext_lazy("换届提醒"),
    "stars": gettext_lazy("五星支部分布"),
    "news": gettext_lazy("新闻报道亮点"),
}


class SummaryError(ValueError):
    """A selection that cannot be summarised (unknown period, campaign or region), said in Chinese."""


class _TimedOut(Exception):
    pass


def system_user():
    """Who runs the command line: an unsaved superuser, whose scope is every region."""
    return get_user_model()(username=SYSTEM_NAME, is_superuser=True)


def _in_default_language(func: Callable) -> Callable:
    """Summaries stay in the default language (Chinese) whatever language the page is shown in: the
    dashboard's table titles, columns and period labels are translatable, the summary's text is not,
    and equal fingerprints must mean equal files."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return func(*args, **kwargs)

    return wrapper


# --- Selection and content --------------------------------------------------------------------


@dataclass
class SummaryContent:
    """Everything a summary shows, in every format: the selection and the dashboard's tables."""

    region: Region
    period: Period
    campaign: Campaign | None
    role: str
    params: DashboardParams
    tables: dict[str, Table]
    generated_by: str
    generated_at: datetime = field(default_factory=timezone.now)
    units: dict[str, str] = field(default_factory=dict)  # indicator name → unit, for the narrative

    @property
    def title(self) -> str:
        return f"{self.region.display_name} {self.period.label} 党建工作数据摘要"

    @property
    def filename_stem(self) -> str:
        campaign = f"-{self.campaign.code}" if self.campaign else ""
        return f"党建数据摘要-{self.region.display_name}-{self.period.code}{campaign}"

    @property
    def fingerprint(self) -> str:
        """Hash of the selection and of every cell shown: equal fingerprints mean equal summaries."""
        payload = {
            "version": TEMPLATE_VERSION,
            "region": [self.region.pk, self.region.display_name, self.region.path],
            "period": self.period.code,
            "campaign": self.campaign.pk if self.campaign else None,
            "role": self.role,
            "submitted": self.params.include_submitted,
            "tables": [
                [t.key, t.title, t.columns, t.note, [[cell_text(c) for c in row] for row in t.rows]]
                for t in self.tables.values()
            ],
        }
        return hashlib.sha256(json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()

    def sections(self) -> list[tuple[str, Table]]:
        return [(key, self.tables[key]) for key in SECTIONS]

    def briefing_sections(self) -> list[tuple[str, Table]]:
        """The sections as the PDF and Word briefings print them: the returns table with its
        合计 row, which the narrative quotes (the dashboard and spreadsheets keep the bare table)."""
        out = []
        for key, table in self.sections():
            if key == "completeness" and table.rows:
                table = Table(
                    table.key,
                    table.title,
                    table.columns,
                    [*table.rows, narrative.completeness_totals(table)],
                    note=table.note,
                )
            out.append((key, table))
        return out

    @property
    def month_label(self) -> str:
        """The period's last month, whose returns the completeness table counts."""
        return Period(MONTH, self.params.period.month_starts()[-1]).label

    def narrative(self) -> list[narrative.Paragraph]:
        return narrative.briefing_narrative(
            tables=self.tables,
            region_name=self.region.display_name,
            period_label=self.period.label,
            annual=self.period.type == YEAR,
            month_label=self.month_label,
            units=self.units,
            window_days=ELECTION_WINDOW_DAYS,
        )


def summary_region(*, user, region_id) -> Region:
    """The region to summarise, through the access module: out of scope or missing gives 404."""
    return access.get_region_for_user(user, region_id)


def summary_period(text: str) -> Period:
    try:
        return Period.parse(text)
    except ValueError as exc:
        raise SummaryError(str(exc)) from None


def summary_campaign(code: str | None) -> Campaign | None:
    if not code:
        return None
    campaign = Campaign.objects.filter(Q(code=code) | Q(name=code)).first()
    if campaign is None:
        raise SummaryError(f"找不到活动：{code}")
    return campaign


@_in_default_language
def summary_content(
    *, user, region: Region, period: Period, campaign: Campaign | None = None, include_submitted: bool = False
) -> SummaryContent:
    """The dashboard's sections for exactly this region, period and campaign, as ``user`` sees them."""
    if not access.can_view_region(user, region):
        raise Http404("区域不存在或不在您的权限范围内")
    data = {"region": str(region.pk), "period_from": period.code, "period_to": period.code}
    if campaign:
        data["campaign"] = str(campaign.pk)
    if include_submitted:
        data["submitted"] = "on"
    filterset = dashboard_filter(user=user, data=data, region=region)
    if not filterset.form.is_valid():
        raise SummaryError("；".join(str(e) for errors in filterset.form.errors.values() for e in errors))
    params = dashboard_params(user=user, region=region, filterset=filterset)
    tables = dashboard_data(user=user, params=params, filterset=filterset)
    by = (user.get_full_name() or user.username) if user.pk else SYSTEM_NAME
    units = dict(Indicator.objects.values_list("name", "unit"))
    return SummaryContent(region, period, campaign, access.role_of(user) or "", params, tables, by, units=units)


# --- Charts ---------------------------------------------------------------------------------------


def _num(value):
    return None if value in (None, "") else value


def summary_charts(content: SummaryContent) -> dict[str, str]:
    """The SVG charts, each drawn from the same rows as the table printed beside it."""
    t = content.tables
    kpis, trend, children = t["kpis"], t["trend"], t["children"]
    campaigns, completeness, stars = t["campaigns"], t["completeness"], t["stars"]
    out = {
        "kpis": charts.bar_chart(
            categories=[r[0] for r in kpis.rows],
            series=[Series("环比(%)", [r[4] for r in kpis.rows]), Series("同比(%)", [r[6] for r in kpis.rows])],
            title="关键指标环比、同比变化（%）",
            horizontal=True,
        ),
        "trend": charts.line_chart(
            categories=[r[0] for r in trend.rows],
            series=[
                Series(trend.columns[1], [r[1] for r in trend.rows]),
                Series(trend.columns[2], [r[2] for r in trend.rows], dashed=True),
            ],
            title=trend.title,
        ),
        "children": charts.bar_chart(
            categories=[r[0] for r in children.rows],
            series=[Series(children.columns[1], [r[1] for r in children.rows])],
            title=children.title,
        ),
        "campaigns": charts.bar_chart(
            categories=[f"{r[0]} · {r[1]} · {r[2]}" for r in campaigns.rows],
            series=[Series("完成率(%)", [r[5] for r in campaigns.rows])],
            title="活动目标完成率（%）",
            horizontal=True,
        ),
        "completeness": charts.bar_chart(
            categories=[r[0] for r in completeness.rows],
            series=[
                Series(col, [r[i] for r in completeness.rows])
                for i, col in enumerate(completeness.columns[1:-1], start=1)
            ],
            title=completeness.title,
            stacked=True,
        ),
        "stars": charts.bar_chart(
            categories=[r[0] for r in stars.rows],
            series=[
                Series(stars.columns[1], [r[1] for r in stars.rows]),
                Series(stars.columns[2], [r[2] for r in stars.rows]),
            ],
            title=stars.title,
        ),
    }
    return out


# --- PDF -------------------------------------------------------------------------------------------


def _signed(value) -> str:
    if value is None:
        return "—"
    text = numbers.plain(value, 1)
    return text if text.startswith("-") else f"+{text}"


def _data_uri(svg: str) -> str:
    """An SVG as an image source: still vector in the PDF, and its nodes skip the HTML cascade."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _trend_by_year(table: Table) -> tuple[list[str], list[list]]:
    """The trend's months as one row per year (the same figures, a third of the height): a month's
    "上年同月" is the previous year's figure for that month."""
    by_year: dict[int, dict[int, object]] = {}
    for code, now, before in table.rows:
        year, month = int(code[:4]), int(code[5:7])
        if now is not None:
            by_year.setdefault(year, {})[month] = now
        if before is not None:
            by_year.setdefault(year - 1, {}).setdefault(month, before)
        by_year.setdefault(year, {})
    columns = ["年份", *[f"{m}月" for m in range(1, 13)]]
    return columns, [[f"{y}年", *[months.get(m) for m in range(1, 13)]] for y, months in sorted(by_year.items())]


def _shown(table: Table, key: str, rows: list[list]) -> list[list[str]]:
    """The cells as the dashboard writes them (portal.numbers); the trend's year rows are all in its unit."""
    if key != "trend":
        return table.display_rows()
    return [[cell_display(c, table.units[1]) for c in row] for row in rows]


def _is_number(value) -> bool:
    return isinstance(value, int | float) or hasattr(value, "as_tuple")


@_in_default_language
def summary_html(content: SummaryContent) -> str:
    """The summary as HTML for WeasyPrint: cover, contents (when long), sections with charts."""
    svg = summary_charts(content)
    sections = []
    for key, table in content.briefing_sections():
        columns, rows = table.columns, table.rows
        if key == "trend":
            columns, rows = _trend_by_year(table)
        sections.append(
            {
                "key": key,
                "title": SECTION_TITLES[key],
                "table": table,
                "columns": columns,
                "rows": [
                    list(zip(shown, map(_is_number, row), strict=True))
                    for shown, row in zip(_shown(table, key, rows), rows, strict=True)
                ],
                "chart": _data_uri(svg[key]) if key in svg else "",
            }
        )
    kpis = content.tables["kpis"]
    cards = [
        {"name": r[0], "unit": unit, "value": number or "—", "mom": _signed(r[4]), "yoy": _signed(r[6])}
        for r in kpis.rows
        for number, unit in [numbers.figure_parts(r[2], r[1])]
    ]
    rows = sum(len(t.rows) for key, t in content.tables.items() if key != "trend")
    return render_to_string(
        "reports/summary/pdf.html",
        {
            "c": content,
            "narrative": content.narrative(),
            "cover_note": COVER_NOTE,
            "sections": sections,
            "cards": cards,
            "toc": rows > TOC_MIN_ROWS,
            "ancestors": list(content.region.ancestors()),
            "last_day": content.params.period.end - timedelta(days=1),
            "generated_at": timezone.localtime(content.generated_at),
            "version": TEMPLATE_VERSION,
        },
    )


def render_pdf(html: str) -> tuple[bytes, int]:
    """HTML → PDF bytes and page count; Chinese glyphs come from Noto Sans CJK via fontconfig.

    Without any Chinese font WeasyPrint would quietly draw boxes: refuse with what to install.
    """
    require_cjk_font()
    from weasyprint import HTML  # imported here: loading Pango and the fonts takes a second
    from weasyprint.urls import URLFetcher

    # Only the charts' data: URIs are loaded: nothing from the network or the disk, whatever a
    # report title or sentence might contain.
    fetcher = URLFetcher(allowed_protocols={"data"})
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher).render()
    return document.write_pdf(), len(document.pages)


def summary_pdf(content: SummaryContent) -> tuple[bytes, int]:
    return render_pdf(summary_html(content))


# --- Spreadsheet and CSV -----------------------------------------------------------------------


def _sheet_name(title: str, used: set[str]) -> str:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = name, 2
    while name in used:
        name = f"{base[:28]}_{n}"
        n += 1
    used.add(name)
    return name


@_in_default_language
def summary_xlsx(content: SummaryContent) -> bytes:
    """The same content as a workbook: a cover sheet, then one sheet per section with its table."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    cover = wb.active
    cover.title = "封面"
    bold = Font(bold=True)
    cover.append([content.title])
    cover["A1"].font = Font(bold=True, size=14)
    for label, value in _cover_rows(content):
        cover.append([label, value])
    cover.column_dimensions["A"].width = 14
    cover.column_dimensions["B"].width = 48
    used = {"封面"}
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for key, table in content.sections():
        ws = wb.create_sheet(_sheet_name(SECTION_TITLES[key], used))
        ws.append([table.title])
        ws["A1"].font = Font(bold=True, size=12)
        columns, rows = table.file_layout()
        ws.append([str(c) for c in columns])
        for cell in ws[2]:
            cell.font, cell.fill = bold, header_fill
        for row in rows:
            ws.append([_xlsx_cell(c) for c in row])
        if table.note:
            ws.append([])
            ws.append([table.note])
        ws.freeze_panes = "A3"
        for i, col in enumerate(columns, start=1):
            longest = max([len(str(col)), *(len(cell_text(r[i - 1])) for r in rows)]) if rows else len(col)
            ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, longest * 1.6 + 2))
            if key == "news" and col == "原文":
                for cell in ws[get_column_letter(i)][2:]:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _xlsx_cell(value):
    """Numbers stay numbers (so a leader can sum them in Excel); everything else as the page shows it."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return value
    if hasattr(value, "as_tuple"):  # Decimal
        return float(value)
    if hasattr(value, "isoformat"):
        return value
    return str(value)


def _cover_rows(content: SummaryContent) -> list[tuple[str, str]]:
    rows = [
        ("区域", content.region.display_name),
        ("期间", content.period.label),
        ("活动", content.campaign.name if content.campaign else "全部"),
        ("口径", "含已提交（未审核）数据" if content.params.include_submitted else "已审核数据"),
        ("生成时间", f"{timezone.localtime(content.generated_at):%Y-%m-%d %H:%M}"),
        ("生成人", content.generated_by),
    ]
    return rows


def summary_csv(table: Table) -> bytes:
    """One section as CSV (money in 万元 with the exact 元 beside it), as the dashboard downloads it."""
    return table_csv(table).encode("utf-8")


def summary_csv_zip(content: SummaryContent) -> bytes:
    """Every table as its own CSV file, in one zip."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, (key, table) in enumerate(content.sections(), start=1):
            zf.writestr(f"{n:02d}-{SECTION_TITLES[key]}.csv", summary_csv(table))
    return out.getvalue()


def export_record(
    *, user, region: Region, period: Period, campaign: Campaign | None, fmt: str, via: str = "page"
) -> None:
    """The audit trail of who took which figures out of the portal."""
    audit_record(
        user=user,
        action="export",
        target=f"数据摘要 {region.display_name} {period.code}",
        detail={
            "region": region.pk,
            "period": period.code,
            "campaign": campaign.code if campaign else None,
            "format": fmt,
            "via": via,
        },
    )


# --- Cached PDFs: request, generate, retry ------------------------------------------------------


def summary_is_large(region: Region) -> bool:
    """Whether the subtree is big enough to render in the background rather than on request."""
    limit = settings.SUMMARY_SYNC_MAX_REGIONS
    return region.descendants().count() > limit


def _usable(summary: Summary) -> bool:
    if summary.status == Summary.Status.DONE:
        return bool(summary.file) and summary.file.storage.exists(summary.file.name)
    stale_after = timedelta(seconds=settings.SUMMARY_TIME_LIMIT * 3)
    if summary.created_at > timezone.now() - stale_after:
        return True
    # Queued or started long ago and never finished: its message was lost. Say so, and start afresh.
    Summary.objects.filter(pk=summary.pk, status=summary.status).update(
        status=Summary.Status.FAILED, failure_reason="生成任务超时未完成（可能已丢失），已重新生成。", stage=""
    )
    return False


def summary_request(
    *, user, region: Region, period: Period, campaign: Campaign | None = None, background: bool | None = None
) -> Summary:
    """The PDF summary for this selection: the cached one while the figures are unchanged, else a
    new one — rendered now for a small subtree, queued for a large one (``background`` overrides)."""
    content = summary_content(user=user, region=region, period=period, campaign=campaign)
    fingerprint = content.fingerprint
    for existing in Summary.objects.filter(
        fingerprint=fingerprint, status__in=[Summary.Status.DONE, Summary.Status.PENDING, Summary.Status.RUNNING]
    ).order_by("-created_at")[:3]:
        if _usable(existing):
            return existing
    summary = Summary(
        region=region,
        period=period.code,
        campaign=campaign,
        role=content.role,
        fingerprint=fingerprint,
        requested_by=user if user.pk else None,
    )
    summary.full_clean(exclude=["file"], validate_constraints=False)
    try:
        with transaction.atomic():
            summary.save()
    except IntegrityError:
        # An identical request got in between our look-up and this insert: use its rendering.
        return _in_flight(fingerprint)
    if background is None:
        background = summary_is_large(region)
    if background:
        _queue(summary)
    else:
        summary_generate(summary_id=summary.pk, content=content)
        summary.refresh_from_db()
    return summary


def _in_flight(fingerprint: str) -> Summary:
    """The one rendering of this selection under way (the database allows only one)."""
    return Summary.objects.get(fingerprint=fingerprint, status__in=[Summary.Status.PENDING, Summary.Status.RUNNING])


def _queue(summary: Summary) -> None:
    from reports.summary_tasks import generate_summary

    generate_summary.delay_on_commit(summary.pk)


def summary_retry(*, user, summary_id: int) -> Summary:
    """Queue a failed summary again (the user may see its region); anything else is left alone."""
    summary = access.get_object_for_user(user, Summary.objects.select_related("region"), summary_id)
    try:
        with transaction.atomic():
            changed = Summary.objects.filter(pk=summary.pk, status=Summary.Status.FAILED).update(
                status=Summary.Status.PENDING, progress=0, stage="", failure_reason="", created_at=timezone.now()
            )
    except IntegrityError:
        # The same selection is already being rendered again (someone asked for it anew).
        return _in_flight(summary.fingerprint)
    if changed:
        if summary_is_large(summary.region):
            _queue(summary)
        else:
            summary_generate(summary_id=summary.pk)
    summary.refresh_from_db()
    return summary


def _claim(summary_id: int, reclaim: bool) -> int | None:
    """Move pending → running (or take over a running one that the broker redelivered)."""
    statuses = [Summary.Status.PENDING, *([Summary.Status.RUNNING] if reclaim else [])]
    rows = Summary.objects.filter(pk=summary_id, status__in=statuses)
    if not rows.update(
        status=Summary.Status.RUNNING,
        started_at=timezone.now(),
        attempts=F("attempts") + 1,
        progress=5,
        stage="汇总数据",
    ):
        return None
    return Summary.objects.filter(pk=summary_id).values_list("attempts", flat=True).first()


def _step(summary_id: int, token: int, progress: int, stage: str) -> None:
    Summary.objects.filter(pk=summary_id, attempts=token, status=Summary.Status.RUNNING).update(
        progress=progress, stage=stage
    )


def summary_generate(
    *,
    summary_id: int,
    time_budget: float | None = None,
    reclaim: bool = False,
    content: SummaryContent | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> str:
    """Render one summary once (claimed by a conditional UPDATE); returns what happened.

    A time budget overrun fails the summary with its reason (the user may retry); a database
    outage hands it back and re-raises so that the task retries; other errors fail it.
    """
    token = _claim(summary_id, reclaim)
    if token is None:
        return "skipped"
    started = clock()

    def check_time() -> None:
        if time_budget is not None and clock() - started > time_budget:
            raise _TimedOut

    try:
        summary = Summary.objects.select_related("region", "campaign", "requested_by").get(pk=summary_id)
        if content is None:
            user = summary.requested_by or system_user()
            content = summary_content(
                user=user, region=summary.region, period=Period.parse(summary.period), campaign=summary.campaign
            )
        check_time()
        _step(summary_id, token, 30, "绘制图表")
        html = summary_html(content)
        check_time()
        _step(summary_id, token, 50, "排版 PDF")
        pdf, pages = render_pdf(html)
        check_time()
        _step(summary_id, token, 90, "保存文件")
        name = f"{content.fingerprint[:16]}-{summary_id}.pdf"
        summary.file.save(name, ContentFile(pdf), save=False)
        done = Summary.objects.filter(pk=summary_id, attempts=token, status=Summary.Status.RUNNING).update(
            status=Summary.Status.DONE,
            progress=100,
            stage="",
            file=summary.file.name,
            pages=pages,
            fingerprint=content.fingerprint,
            finished_at=timezone.now(),
        )
        if not done:
            summary.file.delete(save=False)
            return "superseded"
        _drop_older(summary, content.fingerprint)
        return "done"
    except (SoftTimeLimitExceeded, _TimedOut):
        limit = time_budget if time_budget is not None else settings.SUMMARY_TIME_LIMIT
        _fail(summary_id, token, f"生成超时（超过 {limit:g} 秒）。可点击“重试”再次生成；如仍超时，请缩小区域或期间。")
        return "failed"
    except (OperationalError, InterfaceError):
        Summary.objects.filter(pk=summary_id, attempts=token).update(status=Summary.Status.PENDING, stage="")
        raise
    except FontMissing as exc:
        # The machine, not the data: the reason says what to install; retrying before that is useless.
        logger.warning("summary %s: %s", summary_id, exc)
        _fail(summary_id, token, str(exc))
        return "failed"
    except Exception as exc:
        logger.exception("summary %s: generation failed", summary_id)
        _fail(summary_id, token, f"生成失败：{exc}"[:500])
        return "failed"


def _fail(summary_id: int, token: int, reason: str) -> None:
    Summary.objects.filter(pk=summary_id, attempts=token).update(
        status=Summary.Status.FAILED, failure_reason=reason, stage="", finished_at=timezone.now()
    )


def _drop_older(summary: Summary, fingerprint: str) -> None:
    """Files of the same selection with older figures are out of date: remove them."""
    older = Summary.objects.filter(
        region_id=summary.region_id,
        period=summary.period,
        campaign_id=summary.campaign_id,
        role=summary.role,
        status__in=[Summary.Status.DONE, Summary.Status.FAILED],
    ).exclude(Q(pk=summary.pk) | Q(fingerprint=fingerprint))
    for old in older:
        if old.file:
            old.file.delete(save=False)
        old.delete()


# --- Names on the command line ------------------------------------------------------------------


def region_resolve(name: str) -> Region:
    """A region by its name for the summary commands; an unknown or ambiguous name is a SummaryError."""
    try:
        return region_by_name(name=name)
    except RegionNameError as exc:
        raise SummaryError(str(exc)) from None
