"""Reads behind the leaders' dashboards: KPI cards, trends, child-region comparison and ranking,
campaign progress, completeness of returns, 换届, “五星” and news highlights.

Every section is a :class:`Table` (the chart draws it, the page shows it beside the chart, the CSV
download writes it), and the number of queries does not depend on the number of regions.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from metrics import aggregation, tallies
from metrics.aggregation import MonthRange, figures
from metrics.filters import DashboardFilter
from metrics.models import Campaign, CampaignTarget, DashboardPreset, DataValue, Indicator, MonthlyReturn
from metrics.periods import MONTH, Period, add_months
from metrics.selectors import elections_due
from portal import access, numbers
from regions.models import Region

MAX_KPIS = 8
TREND_MONTHS = 24
ELECTION_WINDOW_DAYS = 90
ELECTIONS_LISTED = 20
NEWS_ITEMS = 6
ROW_UNIT = "*"
MONEY_UNIT = "元"
SECTIONS = ("kpis", "trend", "children", "ranking", "campaigns", "completeness", "elections", "stars", "news")


@dataclass
class Table:
    """One dashboard section as rows: what the chart draws, the table shows and the CSV holds."""

    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    links: list[str | None] = field(default_factory=list)  # region id to drill into, per row
    note: str = ""
    # The unit of each column's figures (None: not a figure, or a bare count); ROW_UNIT: the unit
    # stated per row in ``row_units``, for tables whose rows are different indicators.
    units: list[str | None] = field(default_factory=list)
    row_units: list[str] = field(default_factory=list)

    def numeric_columns(self) -> list[bool]:
        """Which columns hold figures (right-aligned, never wrapped)."""
        return [
            any(isinstance(row[i], int | float | Decimal) and not isinstance(row[i], bool) for row in self.rows)
            for i in range(len(self.columns))
        ]

    def cell_units(self, i: int) -> list[str | None]:
        """The unit of each cell of row ``i``: its column's, or the row's where the column says so."""
        return [(self.row_units[i] if u == ROW_UNIT else u) for u in (self.units or [None] * len(self.rows[i]))]

    def file_layout(self) -> tuple[list[str], list[list]]:
        """Columns and cells as CSV and spreadsheet files hold them.

        Figures stay exact numbers a leader can add up. A column of money is written in 万元, the
        unit officials read (its header or the row's 单位 cell says so), and the exact 元 follow in
        a column of their own, so nothing is rounded away.
        """
        units = [self.cell_units(i) for i in range(len(self.rows))]
        cells = list(zip(self.rows, units, strict=False))
        money = [any(u[c] == MONEY_UNIT and _is_figure(row[c]) for row, u in cells) for c in range(len(self.columns))]
        unit_column = self.columns.index("单位") if "单位" in self.columns else None
        columns: list[str] = []
        for c, name in enumerate(self.columns):
            if not money[c]:
                columns.append(name)
            elif self.units[c] == ROW_UNIT:
                columns += [name, f"{name}（元）"]
            else:
                columns += [f"{name}（万元）", f"{name}（元）"]
        rows = []
        for row, row_units in cells:
            in_wan = any(money[c] and row_units[c] == MONEY_UNIT for c in range(len(row)))
            cells: list = []
            for c, cell in enumerate(row):
                if c == unit_column and in_wan:
                    cells.append("万元")
                elif not money[c]:
                    cells.append(cell)
                elif row_units[c] == MONEY_UNIT and _is_figure(cell):
                    cells += [numbers.in_wan(cell), cell]
                else:
                    cells += [cell, None]
            rows.append(cells)
        return columns, rows

    def display_rows(self) -> list[list[str]]:
        """The rows as a reader sees them: money in 万元/亿元, separators, rates with %."""
        return [
            [cell_display(c, u) for c, u in zip(row, self.cell_units(i), strict=False)]
            for i, row in enumerate(self.rows)
        ]


@dataclass
class DashboardParams:
    region: Region
    period: MonthRange
    trend: MonthRange
    indicator: Indicator
    campaign: Campaign | None
    category: str | None
    source: str | None
    include_submitted: bool
    today: date

    def query(self, **override) -> dict:
        """The filter values as URL parameters, for links that keep the current view."""
        params = {
            "region": self.region.pk,
            "period_from": Period(MONTH, self.period.start).code,
            "period_to": Period(MONTH, _last_month(self.period)).code,
            "indicator": self.indicator.pk,
            "campaign": self.campaign.pk if self.campaign else "",
            "category": self.category or "",
            "source": self.source or "",
            "submitted": "on" if self.include_submitted else "",
        }
        params.update(override)
        return {k: v for k, v in params.items() if v not in ("", None)}


def _last_month(rng: MonthRange) -> date:
    return rng.month_starts()[-1]


def dashboard_filter(*, user, data, region: Region) -> DashboardFilter:
    """The bound filter set, defaulting the region to the one already resolved through access."""
    data = data.copy()
    data.setdefault("region", str(region.pk))
    return DashboardFilter(data, queryset=DataValue.objects.all(), request=_RequestLike(user))


class _RequestLike:
    def __init__(self, user) -> None:
        self.user = user


def dashboard_params(*, user, region: Region, filterset: DashboardFilter, today: date | None = None) -> DashboardParams:
    """Turn the filters into the dashboard's parameters, with sensible defaults.

    The default period is the year to date up to the newest month with figures; a campaign
    without an explicit period takes the campaign's own dates.
    """
    today = today or timezone.localdate()
    aggregation.ensure_fresh(tallies=True)  # once per page: the sections below read with refresh=False
    data = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    include_submitted = bool(data.get("submitted"))
    campaign = data.get("campaign")
    first, last = data.get("period_from"), data.get("period_to")
    if first is None and last is None and campaign and campaign.start:
        first = Period.containing(campaign.start)
        last = Period.containing(min(campaign.end or today, today))
    if last is None:
        horizon = aggregation.data_horizon(region=region, include_submitted=include_submitted)
        last = Period.containing(horizon or Period.containing(today).previous().start)
    if first is None:
        first = Period.year(last.start.year)
    if first.start >= last.end:
        first, last = last, first
    period = MonthRange(first.start, last.end)
    trend_start = min(period.start, MonthRange(add_months(period.end, -TREND_MONTHS), period.end).start)
    indicator = data.get("indicator") or _default_indicator(data.get("category"))
    return DashboardParams(
        region=region,
        period=period,
        trend=MonthRange(trend_start, period.end),
        indicator=indicator,
        campaign=campaign,
        category=data.get("category") or None,
        source=data.get("source") or None,
        include_submitted=include_submitted,
        today=today,
    )


def _default_indicator(category: str | None) -> Indicator:
    qs = Indicator.objects.filter(active=True)
    if category:
        qs = qs.filter(category=category)
    return (
        qs.filter(is_key=True, per_capita_base__isnull=False).order_by("order").first()
        or qs.order_by("-is_key", "order").first()
        or Indicator.objects.order_by("order").first()
    )


def kpi_indicators(*, user, region: Region, category: str | None = None) -> list[Indicator]:
    """The KPI cards: the most specific preset for this region and role, else the key indicators."""
    role = access.role_of(user) or ""
    presets = (
        DashboardPreset.objects.filter(region__path__in=region.ancestor_paths(include_self=True))
        .filter(role__in=[role, ""])
        .select_related("region")
        .prefetch_related("indicators")
    )
    presets = list(presets) + list(DashboardPreset.objects.filter(region__isnull=True, role__in=[role, ""]))
    chosen = None
    if presets:
        chosen = max(presets, key=lambda p: (p.region.depth if p.region else 0, p.role == role))
    indicators = (
        sorted(chosen.indicators.all(), key=lambda i: i.order)
        if chosen
        else list(Indicator.objects.filter(is_key=True, active=True).order_by("order"))
    )
    if category:
        indicators = [i for i in indicators if i.category == category] or list(
            Indicator.objects.filter(category=category, active=True).order_by("order")
        )
    return list(indicators)[:MAX_KPIS]


def _change(now: Decimal | None, before: Decimal | None) -> Decimal | None:
    if now is None or not before:
        return None
    return ((Decimal(now) - Decimal(before)) * 100 / Decimal(before)).quantize(Decimal("0.1"))


def dashboard_kpis(*, user, params: DashboardParams) -> Table:
    """KPI cards with change against the previous period and the same period last year."""
    indicators = kpi_indicators(user=user, region=params.region, category=params.category)
    now, before, last_year = params.period, params.period.previous(), params.period.same_last_year()
    # A flow summed over a quarter or year compares with last year only if both reported the same
    # number of months: in a district's first year on the portal last year holds a month or two, and
    # a year still running has fewer months than the last; "同比增长900%" would be an artefact of
    # coverage, not of work.
    months_now = _months_of(now)
    months_before = _months_of(last_year)
    found = figures(
        indicators=indicators,
        regions=[params.region],
        ranges=[now, before, last_year, *months_now, *months_before],
        include_submitted=params.include_submitted,
        source=params.source,
        refresh=False,
    )
    table = Table(
        "kpis",
        pgettext("dashboard section", "关键指标"),
        [_("指标"), _("单位"), params.period.label, _("上期"), _("环比(%)"), _("上年同期"), _("同比(%)")],
        note=_("上期：%(previous)s；上年同期：%(last_year)s")
        % {"previous": before.label, "last_year": last_year.label},
        units=[None, None, ROW_UNIT, ROW_UNIT, "%", ROW_UNIT, "%"],
    )
    partial = []
    rid = params.region.pk
    for ind in indicators:
        value = found[(ind.pk, rid, now)].value
        prev = found[(ind.pk, rid, before)].value
        year = found[(ind.pk, rid, last_year)].value
        if year is not None and ind.time_aggregation == Indicator.TimeAggregation.SUM and months_now:
            covered_now = sum(found[(ind.pk, rid, m)].value is not None for m in months_now)
            covered_before = sum(found[(ind.pk, rid, m)].value is not None for m in months_before)
            if covered_before != covered_now:
                year = None  # not the same months: shown as 无上年数据, never as a change
                partial.append(ind.label)
        table.rows.append([ind.label, ind.unit, value, prev, _change(value, prev), year, _change(value, year)])
        table.row_units.append(ind.unit)
    if partial:
        table.note += _("；本期与上年同期报送的月份数不同，不作同比：%(names)s") % {"names": "、".join(partial)}
    return table


def _months_of(period: MonthRange) -> list[MonthRange]:
    """The months of a quarter, year or longer range (none for a month, its own coverage)."""
    if period.months <= 1:
        return []
    return [MonthRange.of(Period.month(d.year, d.month)) for d in period.month_starts()]


def dashboard_trend(*, params: DashboardParams) -> Table:
    """The chosen indicator month by month, with the same months a year earlier.

    A figure stated only for a whole year belongs to no month: it is not drawn (as December or
    spread over the months) but named in the note, so an empty line does not read as "nothing".
    """
    months = params.trend.split(MONTH)
    earlier = [m.same_last_year() for m in months]
    shown = {m.start for m in (*months, *earlier)}
    years = [y for y in sorted({d.year for d in shown}) if all(date(y, k, 1) in shown for k in range(1, 13))]
    whole = [MonthRange.of(Period.year(y)) for y in years]
    found = figures(
        indicators=[params.indicator],
        regions=[params.region],
        ranges=[*months, *earlier, *whole],
        include_submitted=params.include_submitted,
        source=params.source,
        refresh=False,
    )
    ind, rid = params.indicator, params.region.pk
    table = Table(
        "trend",
        _("月度趋势 · %(indicator)s（%(unit)s）") % {"indicator": ind.label, "unit": ind.unit},
        [_("月份"), _("本期"), _("上年同月")],
        units=[None, ind.unit, ind.unit],
    )
    for month, before in zip(months, earlier, strict=True):
        table.rows.append([month.code, found[(ind.pk, rid, month)].value, found[(ind.pk, rid, before)].value])
    with_months = {m.start.year for m in (*months, *earlier) if found[(ind.pk, rid, m)].value is not None}
    annual_only = [
        f"{Period.year(y).label} {numbers.figure(found[(ind.pk, rid, w)].value, ind.unit)}"
        for y, w in zip(years, whole, strict=True)
        if y not in with_months and found[(ind.pk, rid, w)].value is not None
    ]
    if annual_only:
        table.note = _("只有全年数据、未按月绘制：%(figures)s") % {"figures": "；".join(annual_only)}
    return table


def _child_figures(params: DashboardParams) -> tuple[list[Region], dict, Indicator | None]:
    children = aggregation.children_of(params.region)
    base = params.indicator.per_capita_base
    indicators = [params.indicator, *([base] if base else [])]
    found = figures(
        indicators=indicators,
        regions=children,
        ranges=[params.period],
        include_submitted=params.include_submitted,
        source=params.source,
        refresh=False,
    )
    return children, found, base


def dashboard_children(*, params: DashboardParams, computed=None) -> tuple[Table, Table]:
    """Child regions side by side (bars) and their 亮赛比 ranking, per capita where possible."""
    children, found, base = computed or _child_figures(params)
    ind = params.indicator
    compare = Table(
        "children",
        _("下级区域对比 · %(indicator)s（%(unit)s）") % {"indicator": ind.label, "unit": ind.unit},
        [_("区域"), ind.label, _("条数")],
        units=[None, ind.unit, None],
    )
    rows = []
    for child in children:
        total = found[(ind.pk, child.pk, params.period)]
        compare.rows.append([child.display_name, total.value, total.count])
        compare.links.append(child.pk)
        per_capita = None
        if base is not None:
            base_value = found[(base.pk, child.pk, params.period)].value
            if total.value is not None and base_value:
                per_capita = (Decimal(total.value) * 100 / Decimal(base_value)).quantize(Decimal("0.01"))
            rows.append((child, total.value, base_value, per_capita))
        else:
            rows.append((child, total.value, None, None))
    key = (lambda r: (r[3] is None, -(r[3] or 0))) if base else (lambda r: (r[1] is None, -(r[1] or 0)))
    columns = [_("名次"), _("区域"), ind.label]
    if base:
        columns += [base.name, _("每百名%(base)s") % {"base": base.name.removesuffix("人数")}]
    ranking = Table(
        "ranking",
        _("亮赛比排名 · %(indicator)s") % {"indicator": ind.label},
        columns,
        units=[None, None, ind.unit, *([base.unit, None] if base else [])],
    )
    if base:
        ranking.note = _("按每百%(unit)s%(base)s折算排名") % {"unit": base.unit, "base": base.name.removesuffix("人数")}
    for rank, (child, value, base_value, per_capita) in enumerate(sorted(rows, key=key), start=1):
        ranking.rows.append([rank, child.display_name, value, *([base_value, per_capita] if base else [])])
        ranking.links.append(child.pk)
    return compare, ranking


def dashboard_campaigns(*, params: DashboardParams) -> Table:
    """Targets of the region and its children against what has been achieved, % complete."""
    targets = CampaignTarget.objects.filter(Q(region=params.region) | Q(region__parent=params.region))
    if params.campaign:
        targets = targets.filter(campaign=params.campaign)
    targets = list(
        targets.select_related("campaign", "indicator", "region")
        .annotate(has_children=Exists(Region.objects.filter(parent=OuterRef("region_id"))))
        .order_by("campaign__code", "region__path")
    )
    table = Table(
        "campaigns",
        _("活动目标进度"),
        [_("活动"), _("区域"), _("指标"), _("目标"), _("完成"), _("完成率(%)")],
        units=[None, None, None, ROW_UNIT, ROW_UNIT, "%"],
    )
    if not targets:
        return table
    ranges = {}
    for t in targets:
        start = Period.containing(t.campaign.start or params.period.start).start
        end_day = min(t.campaign.end or params.today, params.today, add_months(params.period.end, -1))
        end = Period.containing(end_day).end
        ranges[t.pk] = MonthRange(start, max(end, add_months(start, 1)))
    regions = {}
    for t in targets:
        t.region.has_children = t.has_children
        regions[t.region.pk] = t.region
    indicators = {t.indicator.pk: t.indicator for t in targets}
    found = figures(
        indicators=list(indicators.values()),
        regions=list(regions.values()),
        ranges=sorted(set(ranges.values())),
        include_submitted=params.include_submitted,
        source=params.source,
        refresh=False,
    )
    for t in targets:
        actual = found[(t.indicator.pk, t.region.pk, ranges[t.pk])].value
        share = (Decimal(actual or 0) * 100 / t.target).quantize(Decimal("0.1")) if t.target else None
        table.rows.append([t.campaign.name, t.region.display_name, t.indicator.label, t.target, actual, share])
        table.row_units.append(t.indicator.unit)
        table.links.append(t.region.pk)
    return table


def dashboard_completeness(*, params: DashboardParams) -> Table:
    """Monthly returns of the period's last month per child region, counted by status (from the
    tallies: one row per child and status, however many regions lie below)."""
    month = _last_month(params.period)
    statuses = list(MonthlyReturn.Status)
    table = Table(
        "completeness",
        _("月报完成情况 · %(month)s") % {"month": Period(MONTH, month).label},
        [_("区域"), *[str(s.label) for s in statuses], _("未开始"), _("应报")],
    )
    children = list(params.region.children.order_by("path"))
    if not children:
        return table
    counts = tallies.returns_by_child(region=params.region, month=month)
    for child in children:
        by_status, due = counts.get(child.pk, ({}, 0))
        done = [by_status.get(s.value, 0) for s in statuses]
        table.rows.append([child.display_name, *done, max(due - sum(done), 0), due])
        table.links.append(child.pk)
    return table


def dashboard_elections(*, params: DashboardParams) -> Table:
    """换届: organisations overdue and due within 90 days, soonest first.

    The counts come from the tallies per due date; the organisations listed are read only up to
    the date by which the first rows are reached, so neither grows with the subtree.
    """
    until = params.today + timedelta(days=ELECTION_WINDOW_DAYS)
    days = tallies.elections_by_day(region=params.region, until=until)
    overdue = sum(n for day, n in days if day < params.today)
    upcoming = sum(n for _day, n in days) - overdue
    last, seen = until, 0
    for day, n in days:
        seen += n
        if seen >= ELECTIONS_LISTED:
            last = day
            break
    due = elections_due(region=params.region, today=params.today, within_days=ELECTION_WINDOW_DAYS)
    table = Table(
        "elections",
        _("换届提醒"),
        [_("党组织"), _("区域"), _("到期日"), _("状态")],
        note=_("已逾期 %(overdue)s 个，%(days)s天内到期 %(upcoming)s 个")
        % {"overdue": overdue, "days": ELECTION_WINDOW_DAYS, "upcoming": upcoming},
    )
    for org in due.filter(next_election_due__lte=last)[:ELECTIONS_LISTED]:
        late = org.next_election_due < params.today
        table.rows.append(
            [org.name, org.region.display_name, org.next_election_due, _("已逾期") if late else _("90天内到期")]
        )
    table.overdue, table.upcoming = overdue, upcoming
    return table


def dashboard_stars(*, params: DashboardParams) -> Table:
    """“五星” levels: how many organisations hold each number of stars, this year and last."""
    year = _last_month(params.period).year
    dist = tallies.star_distribution(region=params.region, year=year)
    table = Table(
        "stars",
        _("“五星”支部分布 · %(year)s年") % {"year": year},
        [_("星级"), _("%(year)s年") % {"year": year}, _("%(year)s年") % {"year": year - 1}, _("变化")],
    )
    for level, now, before in zip(dist["levels"], dist["current"], dist["previous"], strict=True):
        table.rows.append([_("%(level)s星") % {"level": level}, now, before, now - before])
    return table


def dashboard_news(*, params: DashboardParams, filterset: DashboardFilter) -> Table:
    """Recent accepted figures from news reports, with their sentence and the report's title."""
    values = (
        filterset.qs.filter(source=DataValue.Source.REPORT, region__path__startswith=params.region.path)
        .select_related("indicator", "region", "mention__report")
        .order_by("-updated_at")[:NEWS_ITEMS]
    )
    table = Table(
        "news",
        _("新闻报道亮点"),
        [_("日期"), _("区域"), _("指标"), _("数值"), _("原文"), _("报道")],
        units=[None, None, None, ROW_UNIT, None, None],
    )
    for dv in values:
        mention = getattr(dv, "mention", None)  # the reverse side of reports.Mention.data_value
        report = mention.report if mention else None
        table.rows.append(
            [
                dv.updated_at.date(),
                dv.region.display_name,
                dv.indicator.label,
                dv.value,
                _sentence(report.text, mention.start, mention.end) if report else "",
                report.title if report else "",
            ]
        )
        table.row_units.append(dv.indicator.unit)
    return table


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence around a mention's span."""
    stops = "。！？；\n"
    left = max((text.rfind(c, 0, start) for c in stops), default=-1) + 1
    rights = [i for i in (text.find(c, end) for c in stops) if i != -1]
    right = min(rights) + 1 if rights else len(text)
    return text[left:right].strip()[:200]


def dashboard_data(*, user, params: DashboardParams, filterset: DashboardFilter) -> dict[str, Table]:
    """Every section of the dashboard, in a number of queries that does not grow with regions."""
    compare, ranking = dashboard_children(params=params)
    return {
        "kpis": dashboard_kpis(user=user, params=params),
        "trend": dashboard_trend(params=params),
        "children": compare,
        "ranking": ranking,
        "campaigns": dashboard_campaigns(params=params),
        "completeness": dashboard_completeness(params=params),
        "elections": dashboard_elections(params=params),
        "stars": dashboard_stars(params=params),
        "news": dashboard_news(params=params, filterset=filterset),
    }


def dashboard_section(*, user, params: DashboardParams, filterset: DashboardFilter, key: str) -> Table:
    """One section alone (for its CSV download)."""
    if key in ("children", "ranking"):
        compare, ranking = dashboard_children(params=params)
        return compare if key == "children" else ranking
    if key == "kpis":
        return dashboard_kpis(user=user, params=params)
    if key == "news":
        return dashboard_news(params=params, filterset=filterset)
    return {
        "trend": dashboard_trend,
        "campaigns": dashboard_campaigns,
        "completeness": dashboard_completeness,
        "elections": dashboard_elections,
        "stars": dashboard_stars,
    }[key](params=params)


def _is_figure(value) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def table_csv(table: Table) -> str:
    """One table as a CSV file's text, with a BOM so that Excel opens it as Chinese text."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    columns, rows = table.file_layout()
    writer.writerow(columns)
    for row in rows:
        writer.writerow([cell_text(c) for c in row])
    return out.getvalue()


def cell_display(value, unit: str | None = None) -> str:
    """How a cell is written for a reader (dashboard, 大屏, PDF): figures through ``portal.numbers``."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return cell_text(value)
    return numbers.in_column(value, unit)


def cell_text(value) -> str:
    """How a cell is written in CSV and spreadsheet files: exact (see ``Table.file_layout``)."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return numbers.exact(value)
