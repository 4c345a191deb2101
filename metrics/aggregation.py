"""The one aggregation service: indicators × a region's subtree × a range of months, grouped by
child region, month, quarter, year or campaign, each indicator by its own rules.

Covering rule (README "Reported once"). The figure of region A for an aligned period P (a month,
a quarter or a year) is

1. A's own figure for P when it has one: its children's figures for P are not added on top;
2. otherwise, when A has figures of its own for parts of P, the combination of A's figures for
   the parts (a year's quarters, a quarter's months): an annual figure covers its months;
3. otherwise the combination of its children's figures for P.

Every step splits the cell into disjoint cells, so no value can be counted twice, whichever
source (monthly return, news report, import) stated it. A figure for a part that a coarser
figure covers is simply not reached.

Combining follows the indicator. Flows (``sum``) add up. Means add totals and counts and divide
at the end: the mean of the figures that count. Stocks (``latest``) add up across regions but
take the latest part that has figures over time, so each region contributes its latest figure
within the period. Ratios are recomputed from their numerator and denominator totals.

A range of months splits into whole years, whole quarters and single months; flows and means add
the pieces, and a stock takes its latest piece with figures — except that a range which starts a
quarter or year and reaches the newest figures is that quarter or year (year to date).

Speed: the figures of every region with children are kept in ``IndicatorRollup`` (both tiers:
approved only, approved plus submitted; totals and counts per source). Database triggers record
every changed data value in ``RollupDirty``; :func:`rollups_refresh` recomputes the affected
cells bottom-up. It runs in a task queued on commit, and every read drains what is left first,
so a figure approved a moment ago shows on the next page load. ``rebuild_rollups`` repairs all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache

from celery import shared_task
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from metrics import panelcache
from metrics.models import Campaign, DataValue, Indicator, IndicatorRollup, RollupDirty, TallyDirty
from metrics.periods import MONTH, QUARTER, YEAR, Period, add_months, month_range
from regions.models import Region

SOURCES = (DataValue.Source.RETURN, DataValue.Source.REPORT, DataValue.Source.IMPORT)
_SOURCE_INDEX = {s.value: i for i, s in enumerate(SOURCES)}
TIER_STATUSES = {
    IndicatorRollup.Tier.APPROVED: (DataValue.Status.APPROVED,),
    IndicatorRollup.Tier.SUBMITTED: (DataValue.Status.APPROVED, DataValue.Status.SUBMITTED),
}
GROUPINGS = ("region", "month", "quarter", "year", "campaign")
_LOCK_KEY = 5_202_605  # PostgreSQL advisory lock: one roll-up writer at a time
_ZERO = Decimal(0)

# A figure is (total_return, total_report, total_import, count_return, count_report, count_import):
# the sums and numbers of the values that count, per source. Tuples keep the rebuild fast.
Fig = tuple
_EMPTY: Fig = (_ZERO, _ZERO, _ZERO, 0, 0, 0)


def _add(a: Fig, b: Fig) -> Fig:
    return (a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4], a[5] + b[5])


def _single(value: Decimal, source: str) -> Fig:
    i = _SOURCE_INDEX.get(source, 0)
    totals, counts = [_ZERO, _ZERO, _ZERO], [0, 0, 0]
    totals[i], counts[i] = value, 1
    return (*totals, *counts)


def _count(fig: Fig) -> int:
    return fig[3] + fig[4] + fig[5]


def _only(fig: Fig, source: str | None) -> Fig:
    if not source:
        return fig
    i = _SOURCE_INDEX[source]
    out = list(_EMPTY)
    out[i], out[i + 3] = fig[i], fig[i + 3]
    return tuple(out)


# --- Ranges of months ------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class MonthRange:
    """Months from ``start`` (first day of a month) up to ``end`` (exclusive), like Period."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start.day != 1 or self.end.day != 1 or self.end <= self.start:
            raise ValueError(f"invalid month range {self.start}–{self.end}")

    @classmethod
    def of(cls, first: Period, last: Period | None = None) -> MonthRange:
        return cls(first.start, (last or first).end)

    @property
    def months(self) -> int:
        return (self.end.year - self.start.year) * 12 + self.end.month - self.start.month

    def month_starts(self) -> list[date]:
        return [m for m in month_range(self.start, self.end) if m < self.end]

    def aligned(self) -> Period | None:
        for kind in (MONTH, QUARTER, YEAR):
            period = Period.containing(self.start, kind)
            if period.start == self.start and period.end == self.end:
                return period
        return None

    def pieces(self) -> list[Period]:
        """The range as whole years, then whole quarters, then single months, in time order."""
        out, day = [], self.start
        while day < self.end:
            for kind in (YEAR, QUARTER, MONTH):
                period = Period.containing(day, kind)
                if period.start == day and period.end <= self.end:
                    out.append(period)
                    day = period.end
                    break
        return out

    def shift(self, months: int) -> MonthRange:
        return MonthRange(add_months(self.start, months), add_months(self.end, months))

    def previous(self) -> MonthRange:
        return self.shift(-self.months)

    def same_last_year(self) -> MonthRange:
        return self.shift(-12)

    def split(self, kind: str) -> list[MonthRange]:
        """The range cut at every month, quarter or year boundary."""
        out, day = [], self.start
        while day < self.end:
            stop = min(Period.containing(day, kind).end, self.end)
            out.append(MonthRange(day, stop))
            day = stop
        return out

    @property
    def label(self) -> str:
        period = self.aligned()
        if period:
            return period.label
        last = add_months(self.end, -1)
        # Month labels come translated from Period (2024年1月 / January 2024).
        first_label = Period.month(self.start.year, self.start.month).label
        return f"{first_label}—{Period.month(last.year, last.month).label}"

    @property
    def code(self) -> str:
        period = self.aligned()
        if period:
            return period.code
        last = add_months(self.end, -1)
        return f"{self.start:%Y-%m}~{last:%Y-%m}"

    def __str__(self) -> str:
        return self.code


@lru_cache(maxsize=4096)
def _period(ptype: str, start: date) -> Period:
    return Period(ptype, start)


@lru_cache(maxsize=64)
def _year_periods(year: int) -> tuple[list[Period], list[Period], Period]:
    months = [Period.month(year, m) for m in range(1, 13)]
    quarters = [Period.quarter(year, q) for q in range(1, 5)]
    return months, quarters, Period.year(year)


# --- The covering rule on one region tree for one year ----------------------------------------


def _cells_for_year(
    *,
    latest: bool,
    year: int,
    order: Iterable[int],
    children: dict[int, list[int]],
    own: dict[int, dict[Period, Fig]],
    given: dict[int, dict[Period, Fig]],
) -> dict[int, dict[Period, Fig]]:
    """Figures of every region in ``order`` (children first) for the months, quarters and year.

    ``own`` holds each region's own values; ``given`` the already known figures of children that
    are not recomputed (read from the roll-up table).
    """
    months, quarters, whole = _year_periods(year)
    quarter_months = [months[i : i + 3] for i in (0, 3, 6, 9)]
    out: dict[int, dict[Period, Fig]] = {}
    for rid in order:
        below: dict[Period, Fig] = {}
        for child in children.get(rid, ()):
            for period, fig in (out.get(child) or given.get(child) or {}).items():
                below[period] = _add(below[period], fig) if period in below else fig
        mine = own.get(rid, {})
        cells: dict[Period, Fig] = {}
        for m in months:
            fig = mine.get(m) or below.get(m)
            if fig:
                cells[m] = fig
        # A stock's "latest" is the latest figure the region itself stated: its children's
        # figures for later parts are not newer totals of the region but partial ones (a form
        # still waiting for approval would otherwise make the whole region shrink).
        parts_of = mine if latest else cells
        for q, parts in zip(quarters, quarter_months, strict=True):
            fig = mine.get(q)
            if fig is None:
                if any(m in mine for m in parts):
                    fig = _combine_time([parts_of.get(m) for m in parts], latest)
                else:
                    fig = below.get(q)
            if fig:
                cells[q] = fig
        fig = mine.get(whole)
        if fig is None:
            if any(p in mine for p in (*months, *quarters)):
                own_quarters = [
                    mine.get(q) or _combine_time([mine.get(m) for m in parts], True)
                    for q, parts in zip(quarters, quarter_months, strict=True)
                ]
                fig = _combine_time(own_quarters if latest else [cells.get(q) for q in quarters], latest)
            else:
                fig = below.get(whole)
        if fig:
            cells[whole] = fig
        out[rid] = cells
    return out


def _combine_time(parts: list[Fig | None], latest: bool) -> Fig | None:
    present = [p for p in parts if p and _count(p)]
    if not present:
        return None
    if latest:
        return present[-1]
    total = present[0]
    for p in present[1:]:
        total = _add(total, p)
    return total


# --- The tree ----------------------------------------------------------------------------------


@dataclass
class RegionTree:
    """The region tree in memory (parents, children, paths) for the bottom-up roll-up and tally writers."""

    parent: dict[int, int | None]
    children: dict[int, list[int]]
    path: dict[int, str]

    @classmethod
    def load(cls) -> RegionTree:
        parent, children, path = {}, defaultdict(list), {}
        for rid, pid, rpath in Region.objects.order_by("path").values_list("id", "parent_id", "path"):
            parent[rid], path[rid] = pid, rpath
            if pid is not None:
                children[pid].append(rid)
        return cls(parent, dict(children), path)

    def ancestors_or_self(self, rid: int) -> list[int]:
        out = []
        while rid is not None and rid in self.parent:
            out.append(rid)
            rid = self.parent[rid]
        return out

    def postorder(self, ids: Iterable[int]) -> list[int]:
        return sorted(ids, key=lambda r: self.path[r], reverse=True)


# --- Keeping the roll-ups fresh -----------------------------------------------------------------


def _own_values(rows) -> dict[str, dict[int, dict[Period, Fig]]]:
    """Per tier: region → period → figure of the region's own value."""
    own: dict[str, dict[int, dict[Period, Fig]]] = {t: defaultdict(dict) for t in TIER_STATUSES}
    for rid, ptype, pstart, value, source, status in rows:
        fig = _single(value, source)
        period = _period(ptype, pstart)
        for tier, statuses in TIER_STATUSES.items():
            if status in statuses:
                own[tier][rid][period] = fig
    return own


def _recompute(indicator: Indicator, year: int, targets: set[int] | None, tree: RegionTree) -> int:
    """Recompute the stored figures of ``targets`` (all regions with children when None) for one
    indicator and year; returns the number of roll-up rows written."""
    internal = set(tree.children)
    if targets is None:
        compute = set(tree.parent)
        targets = internal
        full = True
    else:
        targets &= internal
        compute = set(targets)
        for rid in targets:
            compute.update(c for c in tree.children[rid] if c not in internal)
        full = False
    if not targets:
        return 0
    first, last = date(year, 1, 1), date(year, 12, 1)
    values = DataValue.objects.filter(
        indicator=indicator,
        period_start__gte=first,
        period_start__lte=last,
        status__in=TIER_STATUSES[IndicatorRollup.Tier.SUBMITTED],
    )
    if not full:
        values = values.filter(region_id__in=compute)
    own = _own_values(values.values_list("region_id", "period_type", "period_start", "value", "source", "status"))
    given: dict[str, dict[int, dict[Period, Fig]]] = {t: defaultdict(dict) for t in TIER_STATUSES}
    if not full:
        siblings = {c for rid in targets for c in tree.children[rid] if c in internal and c not in targets}
        for row in IndicatorRollup.objects.filter(
            indicator=indicator, region_id__in=siblings, period_start__gte=first, period_start__lte=last
        ).values_list(*_ROLLUP_COLUMNS):
            given[row[3]][row[0]][Period(row[1], row[2])] = row[4:]
    latest = indicator.time_aggregation == Indicator.TimeAggregation.LATEST
    order = tree.postorder(compute)
    new_rows = []
    for tier in TIER_STATUSES:
        cells = _cells_for_year(
            latest=latest, year=year, order=order, children=tree.children, own=own[tier], given=given[tier]
        )
        for rid in targets:
            for period, fig in cells.get(rid, {}).items():
                new_rows.append((indicator.pk, rid, period.type, period.start, tier, *fig))
    if not full:
        IndicatorRollup.objects.filter(
            indicator=indicator, region_id__in=targets, period_start__gte=first, period_start__lte=last
        ).delete()
    _write(new_rows)
    return len(new_rows)


_WRITE_COLUMNS = (
    "indicator_id",
    "region_id",
    "period_type",
    "period_start",
    "tier",
    "total_return",
    "total_report",
    "total_import",
    "count_return",
    "count_report",
    "count_import",
)


def _write(rows: list[tuple]) -> None:
    if connection.vendor == "postgresql" and len(rows) > 1000:
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY metrics_indicatorrollup ({', '.join(_WRITE_COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    IndicatorRollup.objects.bulk_create(
        [IndicatorRollup(**dict(zip(_WRITE_COLUMNS, row, strict=True))) for row in rows], batch_size=5000
    )


# What a roll-up row holds besides its indicator (read back in that order).
_ROLLUP_COLUMNS = _WRITE_COLUMNS[1:]


def writer_lock(key: int = _LOCK_KEY) -> None:
    """Hold a PostgreSQL advisory lock until the transaction ends: one writer per key at a time.

    SQLite serialises writers by itself, so there it is a no-op.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def rollups_refresh(*, batch: int = 20_000) -> int:
    """Bring the roll-ups up to date with every data value changed since the last run.

    Safe to run concurrently and repeatedly: it recomputes cells from the data, and removes only
    the change records it has handled. Returns the number of change records handled.
    """
    handled = 0
    while True:
        with transaction.atomic():
            writer_lock()
            rows = list(
                RollupDirty.objects.order_by("id").values_list(
                    "id", "indicator_id", "region_id", "period_type", "period_start"
                )[:batch]
            )
            if not rows:
                return handled
            tree = RegionTree.load()
            work: dict[tuple[int, int], set[int]] = defaultdict(set)
            for _, indicator_id, region_id, _ptype, pstart in rows:
                work[(indicator_id, pstart.year)].update(tree.ancestors_or_self(region_id))
            indicators = Indicator.objects.in_bulk({i for i, _ in work})
            for (indicator_id, year), regions in sorted(work.items()):
                if indicator_id in indicators:
                    _recompute(indicators[indicator_id], year, regions, tree)
            panelcache.versions_bump(set().union(*work.values()))
            ids = [r[0] for r in rows]
            for i in range(0, len(ids), 900):
                RollupDirty.objects.filter(id__in=ids[i : i + 900]).delete()
            handled += len(rows)


def rollups_rebuild(*, stdout=None) -> int:
    """Recompute every roll-up from the data values (repair; also after moving regions)."""
    with transaction.atomic():
        writer_lock()
        high = RollupDirty.objects.order_by("-id").values_list("id", flat=True).first()
        IndicatorRollup.objects.all().delete()
        tree = RegionTree.load()
        years = sorted({d.year for d in DataValue.objects.dates("period_start", "year")})
        written = 0
        for indicator in Indicator.objects.order_by("pk"):
            for year in years:
                written += _recompute(indicator, year, None, tree)
            if stdout:
                stdout.write(f"{indicator.code}: {written}")
        if high is not None:
            RollupDirty.objects.filter(id__lte=high).delete()
        panelcache.versions_bump([panelcache.GLOBAL])
    return written


def ensure_fresh(*, tallies: bool = False) -> None:
    """Apply pending changes before a read, so the page shows what was just saved; ``tallies``:
    the “五星” and returns counts too (the dashboard), not only the indicator roll-ups."""
    if RollupDirty.objects.exists():
        rollups_refresh()
    if tallies and TallyDirty.objects.exists():
        from metrics.tallies import tallies_refresh

        tallies_refresh()


@shared_task(name="metrics.rollups_refresh", ignore_result=True)
def rollups_refresh_task() -> None:
    rollups_refresh()


@receiver([post_save, post_delete], sender=DataValue, dispatch_uid="rollups_on_value_change")
def _queue_refresh(**kwargs) -> None:
    # The triggers have recorded the change; the task applies it once the transaction commits.
    rollups_refresh_task.delay_on_commit()


@receiver(pre_save, sender=Region, dispatch_uid="rollups_region_before")
def _remember_parent(sender, instance: Region, **kwargs) -> None:
    instance._rollup_old_parent_id = (
        Region.objects.filter(pk=instance.pk).values_list("parent_id", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Region, dispatch_uid="rollups_region_after")
def _region_moved(sender, instance: Region, created: bool, raw: bool = False, **kwargs) -> None:
    """A region that gains its first child, or moves, changes which cells exist: mark them."""
    if raw:
        return
    old_parent = getattr(instance, "_rollup_old_parent_id", None)
    keys = "indicator_id, period_type, period_start"
    with connection.cursor() as cursor:
        if created and instance.parent_id:
            cursor.execute(
                f"INSERT INTO metrics_rollupdirty (region_id, {keys}) "  # noqa: S608 - constants only
                f"SELECT region_id, {keys} FROM metrics_datavalue WHERE region_id = %s",
                [instance.parent_id],
            )
        elif not created and old_parent != instance.parent_id:
            subtree = Region.objects.filter(path__startswith=instance.path).values_list("pk", flat=True)
            ids = list(subtree)
            placeholders = ",".join(["%s"] * len(ids))
            cursor.execute(
                f"INSERT INTO metrics_rollupdirty (region_id, {keys}) "  # noqa: S608 - placeholders only
                f"SELECT region_id, {keys} FROM metrics_datavalue WHERE region_id IN ({placeholders})",
                ids,
            )
            if old_parent:
                cursor.execute(
                    f"INSERT INTO metrics_rollupdirty (region_id, {keys}) "  # noqa: S608 - placeholders only
                    f"SELECT DISTINCT %s, {keys} FROM metrics_datavalue WHERE region_id IN ({placeholders})",
                    [old_parent, *ids],
                )


# --- Reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Total:
    """One indicator's figure for one group (a child region, a period, a campaign, or all)."""

    indicator: Indicator
    key: object
    range: MonthRange
    value: Decimal | None
    count: int
    by_source: dict[str, Decimal] = field(default_factory=dict)

    @property
    def label(self) -> str:
        key = self.key
        if isinstance(key, Region):
            return key.display_name
        if isinstance(key, Campaign):
            return key.name
        if isinstance(key, MonthRange | Period):
            return key.label
        return self.range.label


class _Cells:
    """Figures of aligned cells, read from the roll-ups (regions with children) or the values."""

    def __init__(self, *, tier: str, latest: set[int] | None = None) -> None:
        self.tier = tier
        self.latest = latest or set()  # ids of stock indicators
        self.figs: dict[tuple[int, int, Period], Fig] = {}

    def load(self, indicator_ids: set[int], regions: Sequence[Region], periods: set[Period]) -> None:
        if not (indicator_ids and regions and periods):
            return
        ids = [r.pk for r in regions]
        internal = {r.pk for r in regions if getattr(r, "has_children", None)}
        unknown = [r.pk for r in regions if getattr(r, "has_children", None) is None]
        if unknown:
            internal |= set(Region.objects.filter(parent_id__in=unknown).values_list("parent_id", flat=True))
        first = min(p.start for p in periods)
        last = max(p.start for p in periods)
        if internal:
            rows = IndicatorRollup.objects.filter(
                region_id__in=internal,
                tier=self.tier,
                indicator_id__in=indicator_ids,
                period_start__gte=first,
                period_start__lte=last,
            ).values_list(
                "indicator_id",
                "region_id",
                "period_type",
                "period_start",
                "total_return",
                "total_report",
                "total_import",
                "count_return",
                "count_report",
                "count_import",
            )
            for row in rows:
                period = Period(row[2], row[3])
                if period in periods:
                    self.figs[(row[0], row[1], period)] = row[4:]
        leaves = [rid for rid in ids if rid not in internal]
        if leaves:
            years = sorted({p.start.year for p in periods})
            rows = DataValue.objects.filter(
                region_id__in=leaves,
                indicator_id__in=indicator_ids,
                period_start__gte=date(years[0], 1, 1),
                period_start__lte=date(years[-1], 12, 1),
                status__in=TIER_STATUSES[self.tier],
            ).values_list("indicator_id", "region_id", "period_type", "period_start", "value", "source")
            own: dict[tuple[int, int], dict[int, dict[Period, Fig]]] = defaultdict(lambda: defaultdict(dict))
            for ind, rid, ptype, pstart, value, source in rows:
                own[(ind, pstart.year)][rid][Period(ptype, pstart)] = _single(value, source)
            for (ind, year), per_region in own.items():
                cells = _cells_for_year(
                    latest=ind in self.latest, year=year, order=list(per_region), children={}, own=per_region, given={}
                )
                for rid, by_period in cells.items():
                    for period, fig in by_period.items():
                        if period in periods:
                            self.figs[(ind, rid, period)] = fig

    def get(self, indicator_id: int, region_id: int, period: Period) -> Fig | None:
        return self.figs.get((indicator_id, region_id, period))


def _needed_periods(rng: MonthRange, latest: bool) -> set[Period]:
    periods = set(rng.pieces())
    if latest and not rng.aligned():
        cover = _covering_period(rng)
        if cover:
            periods.add(cover)
            periods.update(Period(MONTH, d) for d in MonthRange(rng.end, cover.end).month_starts())
    return periods


def _covering_period(rng: MonthRange) -> Period | None:
    for kind in (QUARTER, YEAR):
        period = Period.containing(rng.start, kind)
        if period.start == rng.start and rng.end < period.end:
            return period
    return None


def _range_fig(cells: _Cells, indicator: Indicator, region_id: int, rng: MonthRange) -> Fig:
    latest = indicator.time_aggregation == Indicator.TimeAggregation.LATEST
    pieces = [cells.get(indicator.pk, region_id, p) for p in rng.pieces()]
    if latest and not rng.aligned():
        cover = _covering_period(rng)
        if cover:
            after = MonthRange(rng.end, cover.end).month_starts()
            if not any(cells.get(indicator.pk, region_id, Period(MONTH, d)) for d in after):
                return cells.get(indicator.pk, region_id, cover) or _EMPTY
    return _combine_time(pieces, latest) or _EMPTY


def _value_of(indicator: Indicator, fig: Fig, source: str | None) -> tuple[Decimal | None, int, dict]:
    fig = _only(fig, source)
    count = _count(fig)
    by_source = {s.value: fig[i] for i, s in enumerate(SOURCES) if fig[i + 3]}
    if not count:
        return None, 0, {}
    total = fig[0] + fig[1] + fig[2]
    if indicator.time_aggregation == Indicator.TimeAggregation.MEAN:
        return (total / count).quantize(Decimal("0.01")), count, by_source
    return total, count, by_source


def _ratio(indicator: Indicator, num: Decimal | None, den: Decimal | None) -> Decimal | None:
    if num is None or not den:
        return None
    scale = 100 if indicator.unit == "%" else 1
    return (Decimal(num) * scale / Decimal(den)).quantize(Decimal("0.01"))


def _parts(indicators: Sequence[Indicator]) -> list[Indicator]:
    """The indicators whose figures must be read: ratios need their numerator and denominator."""
    needed: dict[int, Indicator] = {}
    for ind in indicators:
        if ind.time_aggregation == Indicator.TimeAggregation.RATIO and ind.numerator_id and ind.denominator_id:
            needed[ind.numerator_id] = ind.numerator
            needed[ind.denominator_id] = ind.denominator
        else:
            needed[ind.pk] = ind
    return list(needed.values())


def figures(
    *,
    indicators: Sequence[Indicator],
    regions: Sequence[Region],
    ranges: Sequence[MonthRange],
    include_submitted: bool = False,
    source: str | None = None,
    refresh: bool = True,
) -> dict[tuple[int, int, MonthRange], Total]:
    """Figures of each indicator for each region's subtree and each range, in a fixed number of
    queries however many regions and ranges are asked for. Keys: (indicator id, region id, range).

    Callers pass regions already resolved through ``portal.access``. ``refresh=False`` skips
    applying pending changes when the caller has just done so.
    """
    if refresh:
        ensure_fresh()
    tier = IndicatorRollup.Tier.SUBMITTED if include_submitted else IndicatorRollup.Tier.APPROVED
    read = _parts(indicators)
    cells = _Cells(tier=tier, latest={i.pk for i in read if i.time_aggregation == "latest"})
    periods: set[Period] = set()
    for rng in ranges:
        periods |= _needed_periods(rng, any(i.time_aggregation == "latest" for i in read))
    cells.load({i.pk for i in read}, regions, periods)
    out: dict[tuple[int, int, MonthRange], Total] = {}
    for region in regions:
        for rng in ranges:
            raw = {i.pk: _value_of(i, _range_fig(cells, i, region.pk, rng), source) for i in read}
            for ind in indicators:
                if ind.time_aggregation == Indicator.TimeAggregation.RATIO and ind.numerator_id:
                    num, den = raw[ind.numerator_id], raw[ind.denominator_id]
                    value = _ratio(ind, num[0], den[0])
                    out[(ind.pk, region.pk, rng)] = Total(ind, region, rng, value, min(num[1], den[1]), {})
                else:
                    value, count, by_source = raw[ind.pk]
                    out[(ind.pk, region.pk, rng)] = Total(ind, region, rng, value, count, by_source)
    return out


def children_of(region: Region) -> list[Region]:
    """Child regions in tree order, each knowing whether it has children of its own."""
    from django.db.models import Exists, OuterRef

    return list(
        region.children.annotate(has_children=Exists(Region.objects.filter(parent=OuterRef("pk")))).order_by("path")
    )


def indicator_totals(
    *,
    indicators: Sequence[Indicator],
    region: Region,
    period_range: MonthRange,
    group_by: str | None = None,
    include_submitted: bool = False,
    source: str | None = None,
) -> list[Total]:
    """The answer to "indicators × region subtree × period range × grouping", rule by rule.

    ``group_by``: None (one figure per indicator), "region" (each child region), "month",
    "quarter", "year" (the range cut at those boundaries) or "campaign" (figures tagged with a
    campaign, the covering rule applied within each campaign's figures).
    """
    if group_by not in (None, *GROUPINGS):
        raise ValueError(f"unknown grouping {group_by!r}")
    if group_by == "campaign":
        return _campaign_totals(indicators, region, period_range, include_submitted, source)
    regions = children_of(region) if group_by == "region" else [region]
    ranges = period_range.split(group_by) if group_by in (MONTH, QUARTER, YEAR) else [period_range]
    found = figures(
        indicators=indicators, regions=regions, ranges=ranges, include_submitted=include_submitted, source=source
    )
    out = []
    for ind in indicators:
        for reg in regions:
            for rng in ranges:
                total = found[(ind.pk, reg.pk, rng)]
                key = reg if group_by == "region" else (rng if group_by else None)
                out.append(Total(ind, key, rng, total.value, total.count, total.by_source))
    return out


def _campaign_totals(
    indicators: Sequence[Indicator],
    region: Region,
    rng: MonthRange,
    include_submitted: bool,
    source: str | None,
) -> list[Total]:
    """Campaign-tagged figures are few: apply the covering rule to them directly, per campaign."""
    tier = IndicatorRollup.Tier.SUBMITTED if include_submitted else IndicatorRollup.Tier.APPROVED
    read = _parts(indicators)
    rows = DataValue.objects.filter(
        indicator__in=read,
        region__path__startswith=region.path,
        campaign__isnull=False,
        status__in=TIER_STATUSES[tier],
        period_start__gte=date(rng.start.year, 1, 1),
        period_start__lt=rng.end,
    ).values_list(
        "campaign_id", "indicator_id", "region_id", "region__path", "period_type", "period_start", "value", "source"
    )
    by_key: dict[tuple[int, int], list] = defaultdict(list)
    paths: dict[int, str] = {}
    for campaign_id, ind_id, rid, path, ptype, pstart, value, src in rows:
        by_key[(campaign_id, ind_id)].append((rid, ptype, pstart, value, src))
        paths[rid] = path
    campaigns = Campaign.objects.in_bulk({c for c, _ in by_key})
    # The pruned tree: the regions holding tagged figures and their ancestors up to ``region``.
    step = len(region.path)
    needed = {region.path}
    for path in paths.values():
        needed.update(path[:i] for i in range(step, len(path) + 1, 6))
    nodes = list(Region.objects.filter(path__in=needed).values_list("id", "parent_id", "path"))
    parent = {rid: pid for rid, pid, _ in nodes}
    children: dict[int, list[int]] = defaultdict(list)
    for rid, pid, _ in nodes:
        if rid != region.pk and pid in parent:
            children[pid].append(rid)
    order = [rid for rid, _, _ in sorted(nodes, key=lambda n: n[2], reverse=True)]
    latest_ids = {i.pk for i in read if i.time_aggregation == Indicator.TimeAggregation.LATEST}
    out = []
    for campaign_id in sorted(campaigns):
        cells = _Cells(tier=tier)
        for ind in read:
            per_year: dict[int, dict[int, dict[Period, Fig]]] = defaultdict(lambda: defaultdict(dict))
            for rid, ptype, pstart, value, src in by_key.get((campaign_id, ind.pk), ()):
                per_year[pstart.year][rid][Period(ptype, pstart)] = _single(value, src)
            for year, own in per_year.items():
                found = _cells_for_year(
                    latest=ind.pk in latest_ids, year=year, order=order, children=children, own=own, given={}
                )
                for period, fig in found.get(region.pk, {}).items():
                    cells.figs[(ind.pk, region.pk, period)] = fig
        raw = {i.pk: _value_of(i, _range_fig(cells, i, region.pk, rng), source) for i in read}
        for ind in indicators:
            if ind.time_aggregation == Indicator.TimeAggregation.RATIO and ind.numerator_id:
                num, den = raw[ind.numerator_id], raw[ind.denominator_id]
                total = Total(ind, campaigns[campaign_id], rng, _ratio(ind, num[0], den[0]), min(num[1], den[1]))
            else:
                value, count, by_source = raw[ind.pk]
                total = Total(ind, campaigns[campaign_id], rng, value, count, by_source)
            if total.count:
                out.append(total)
    return out


def data_horizon(*, region: Region, include_submitted: bool = False) -> date | None:
    """The newest month with any figure in the region's subtree (to cut "year to date")."""
    tier = IndicatorRollup.Tier.SUBMITTED if include_submitted else IndicatorRollup.Tier.APPROVED
    if Region.objects.filter(parent=region).exists():
        qs = IndicatorRollup.objects.filter(region=region, tier=tier, period_type=MONTH)
    else:
        qs = DataValue.objects.filter(region=region, period_type=MONTH, status__in=TIER_STATUSES[tier])
    return qs.order_by("-period_start").values_list("period_start", flat=True).first()
