"""Counts kept per region for its whole subtree: “五星” levels per year, monthly returns per status
and month, and returns due. The dashboard reads one row per child region and key, however many
organisations and returns lie below, like the indicator roll-ups in ``metrics.aggregation``.

Database triggers record what changed in ``TallyDirty`` (migration ``subtree_tallies``);
:func:`tallies_refresh` recomputes the changed regions' own counts from the records and then each
ancestor's subtree count from its children's, so a write costs its region's records plus one row per
child along the path. A task queued on commit applies it, every read drains what is left
(``aggregation.ensure_fresh``), and ``rebuild_rollups`` rebuilds everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from celery import shared_task
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from metrics import panelcache
from metrics.aggregation import RegionTree, writer_lock
from metrics.models import DataSet, MonthlyReturn, SubtreeTally, TallyDirty
from regions.models import Organisation, Region, StarRating

Kind = SubtreeTally.Kind
DUE_PERIOD = SubtreeTally.DUE_PERIOD
REBUILD = "rebuild"  # a change record asking for everything (data sets changed, tallies new)
STAR_LEVELS = range(6)
BOTH_YEARS = "both"  # key of the organisations rated in the year and in the year before
_LOCK_KEY = 5_202_612  # PostgreSQL advisory lock: one tally writer at a time

# own counts: (kind, period) → region id → key → n
Counts = dict[tuple[str, date], dict[int, dict[str, int]]]


def _in(column: str, ids: list[int] | None) -> tuple[str, list]:
    if ids is None:
        return "", []
    return f" AND {column} IN ({','.join(['%s'] * len(ids))})", list(ids)


def _own_stars(region_ids: list[int] | None, years: list[int] | None) -> Counts:
    """Per region and year: how many of the region's own organisations hold 0–5 stars."""
    where, params = _in("o.region_id", region_ids)
    if years is not None:
        more, extra = _in("r.year", years)
        where, params = where + more, params + extra
    least = "LEAST" if connection.vendor == "postgresql" else "MIN"
    sql = f"""
        SELECT region_id, year, {least}(level, 5), COUNT(*) FROM (
            SELECT o.region_id, r.year, COUNT(*) FILTER (WHERE r.status = %s) AS level
            FROM metrics_starrating r JOIN metrics_organisation o ON o.id = r.organisation_id
            WHERE 1 = 1{where}
            GROUP BY r.organisation_id, o.region_id, r.year
        ) per_org GROUP BY 1, 2, 3
    """  # noqa: S608 - placeholders only
    # Organisations rated in this year and the year before: to count each organisation of either
    # year once, at level 0 in the year it was not rated.
    both = f"""
        SELECT o.region_id, r.year, COUNT(DISTINCT r.organisation_id)
        FROM metrics_starrating r JOIN metrics_organisation o ON o.id = r.organisation_id
        WHERE EXISTS (SELECT 1 FROM metrics_starrating p WHERE p.organisation_id = r.organisation_id
                      AND p.year = r.year - 1){where}
        GROUP BY 1, 2
    """  # noqa: S608 - placeholders only
    out: Counts = defaultdict(lambda: defaultdict(dict))
    with connection.cursor() as cursor:
        cursor.execute(sql, [StarRating.Status.AWARDED, *params])
        for rid, year, level, n in cursor.fetchall():
            out[(Kind.STARS, date(year, 1, 1))][rid][str(level)] = n
        cursor.execute(both, params)
        for rid, year, n in cursor.fetchall():
            out[(Kind.STARS, date(year, 1, 1))][rid][BOTH_YEARS] = n
    return out


def _own_counts(qs, kind: str, period_field: str, key_field: str | None, region_ids, periods) -> Counts:
    """``qs`` counted per region, period and key: the own counts of one kind of tally."""
    if region_ids is not None:
        qs = qs.filter(region_id__in=region_ids)
    if periods is not None:
        qs = qs.filter(**{f"{period_field}__in": periods})
    fields = ["region_id", period_field, *([key_field] if key_field else [])]
    out: Counts = defaultdict(lambda: defaultdict(dict))
    for rid, period, *key, n in qs.values_list(*fields).annotate(n=Count("id")).order_by():
        out[(kind, period)][rid][key[0] if key else ""] = n
    return out


def _own_returns(region_ids: list[int] | None, months: list[date] | None) -> Counts:
    """Per region and month: the region's own (not waived) monthly returns by status."""
    qs = MonthlyReturn.objects.filter(waived=False)
    return _own_counts(qs, Kind.RETURNS, "month", "status", region_ids, months)


def _own_elections(region_ids: list[int] | None, days: list[date] | None) -> Counts:
    """Per region and 换届 due date: how many of the region's own organisations are due that day."""
    qs = Organisation.objects.filter(next_election_due__isnull=False)
    return _own_counts(qs, Kind.ELECTION, "next_election_due", None, region_ids, days)


def _own_due(region_ids: list[int] | None) -> Counts:
    """Per region: how many monthly forms it must hand in each month (data sets of its level)."""
    levels = list(DataSet.objects.values_list("levels", flat=True))
    qs = Region.objects.all() if region_ids is None else Region.objects.filter(pk__in=region_ids)
    out: Counts = defaultdict(lambda: defaultdict(dict))
    cell = out[(Kind.DUE, DUE_PERIOD)]
    for rid, level in qs.values_list("pk", "level"):
        n = sum(1 for lv in levels if level in lv)
        cell[rid] = {"": n} if n else {}
    return out


def _write(
    tree: RegionTree, kind: str, period: date, own: dict[int, dict[str, int]], dirty: Iterable[int] | None
) -> int:
    """Store ``own`` for the dirty regions (all when None) and recompute the subtree counts of
    them and their ancestors from the children's stored counts; returns rows written."""
    if dirty is None:
        affected = set(tree.parent)
        stored: dict[int, dict[str, tuple[int, int]]] = {}
    else:
        affected = {a for rid in dirty for a in tree.ancestors_or_self(rid)}
        around = affected | {c for a in affected for c in tree.children.get(a, ())}
        stored = defaultdict(dict)
        ids = list(around)
        for i in range(0, len(ids), 900):
            for rid, key, n_own, n_sub in SubtreeTally.objects.filter(
                kind=kind, period=period, region_id__in=ids[i : i + 900]
            ).values_list("region_id", "key", "own", "subtree"):
                stored[rid][key] = (n_own, n_sub)
        dirty = set(dirty)
    mine: dict[int, dict[str, int]] = {}
    sub: dict[int, dict[str, int]] = {}
    for rid in tree.postorder(affected):  # children first
        if dirty is None or rid in dirty:
            mine[rid] = dict(own.get(rid, {}))
        else:
            mine[rid] = {k: v[0] for k, v in stored.get(rid, {}).items() if v[0]}
        total = defaultdict(int, mine[rid])
        for child in tree.children.get(rid, ()):
            below = sub.get(child)
            if below is None:
                below = {k: v[1] for k, v in stored.get(child, {}).items()}
            for k, n in below.items():
                total[k] += n
        sub[rid] = {k: n for k, n in total.items() if n}
    if dirty is not None:
        ids = list(affected)
        for i in range(0, len(ids), 900):
            SubtreeTally.objects.filter(kind=kind, period=period, region_id__in=ids[i : i + 900]).delete()
    rows = [
        SubtreeTally(region_id=rid, kind=kind, period=period, key=k, own=mine[rid].get(k, 0), subtree=n)
        for rid, counts in sub.items()
        for k, n in counts.items()
    ]
    SubtreeTally.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def tallies_rebuild() -> int:
    """Recompute every tally from the records (repair; after moving regions or changing data sets)."""
    with transaction.atomic():
        writer_lock(_LOCK_KEY)
        high = TallyDirty.objects.order_by("-id").values_list("id", flat=True).first()
        SubtreeTally.objects.all().delete()
        tree = RegionTree.load()
        written = 0
        for counts in (_own_stars(None, None), _own_returns(None, None), _own_due(None), _own_elections(None, None)):
            for (kind, period), own in counts.items():
                written += _write(tree, kind, period, own, None)
        if high is not None:
            TallyDirty.objects.filter(id__lte=high).delete()
        panelcache.versions_bump([panelcache.GLOBAL])
    return written


def tallies_refresh(*, batch: int = 20_000) -> int:
    """Bring the tallies up to date with every change recorded since the last run.

    Safe to run concurrently and repeatedly: it recomputes from the records and removes only the
    change records it handled. Returns the number of change records handled.
    """
    handled = 0
    while True:
        with transaction.atomic():
            writer_lock(_LOCK_KEY)
            rows = list(TallyDirty.objects.order_by("id").values_list("id", "kind", "region_id", "period")[:batch])
            if not rows:
                return handled
            if any(kind == REBUILD for _, kind, _, _ in rows):
                tallies_rebuild()
                return handled + len(rows)
            work: dict[tuple[str, date], set[int]] = defaultdict(set)
            for _, kind, rid, period in rows:
                work[(kind, period)].add(rid)
                if kind == Kind.STARS:  # the next year's "rated in both years" moves too
                    work[(kind, date(period.year + 1, 1, 1))].add(rid)
            tree = RegionTree.load()
            for (kind, period), regions in sorted(work.items()):
                ids = sorted(regions)
                if kind == Kind.STARS:
                    own = _own_stars(ids, [period.year])
                elif kind == Kind.RETURNS:
                    own = _own_returns(ids, [period])
                elif kind == Kind.ELECTION:
                    own = _own_elections(ids, [period])
                else:
                    own = _own_due(ids)
                _write(tree, kind, period, own.get((kind, period), {}), ids)
            panelcache.versions_bump(a for _, _, rid, _ in rows for a in tree.ancestors_or_self(rid))
            ids = [r[0] for r in rows]
            for i in range(0, len(ids), 900):
                TallyDirty.objects.filter(id__in=ids[i : i + 900]).delete()
            handled += len(rows)


@shared_task(name="metrics.tallies_refresh", ignore_result=True)
def tallies_refresh_task() -> None:
    tallies_refresh()


# --- Reading ------------------------------------------------------------------------------------


def star_distribution(*, region: Region, year: int) -> dict:
    """Organisations of the region's subtree by number of stars, this year and last (one query)."""
    now, before, both = [0] * 6, [0] * 6, 0
    for period, key, n in SubtreeTally.objects.filter(
        region=region, kind=Kind.STARS, period__in=[date(year, 1, 1), date(year - 1, 1, 1)]
    ).values_list("period", "key", "subtree"):
        if key == BOTH_YEARS:
            both += n if period.year == year else 0
        else:
            (now if period.year == year else before)[int(key)] += n
    # An organisation rated in only one of the two years counts at level 0 in the other.
    rated = sum(now) + sum(before) - both
    now[0] += rated - sum(now)
    before[0] += rated - sum(before)
    return {"levels": list(STAR_LEVELS), "current": now, "previous": before, "year": year}


def returns_by_child(*, region: Region, month: date) -> dict[int, tuple[dict[str, int], int]]:
    """Per child region: its subtree's returns of the month by status, and the returns due (one query)."""
    out: dict[int, tuple[dict[str, int], int]] = {}
    status: dict[int, dict[str, int]] = defaultdict(dict)
    due: dict[int, int] = {}
    for rid, kind, key, n in SubtreeTally.objects.filter(
        region__parent=region, kind__in=[Kind.RETURNS, Kind.DUE], period__in=[month, DUE_PERIOD]
    ).values_list("region_id", "kind", "key", "subtree"):
        if kind == Kind.DUE:
            due[rid] = n
        else:
            status[rid][key] = n
    for rid in set(status) | set(due):
        out[rid] = (status.get(rid, {}), due.get(rid, 0))
    return out


def elections_by_day(*, region: Region, until: date) -> list[tuple[date, int]]:
    """Organisations of the region's subtree whose 换届 falls due by ``until``, per due date, oldest
    first: one row per date, however many organisations lie below."""
    return list(
        SubtreeTally.objects.filter(region=region, kind=Kind.ELECTION, period__lte=until)
        .order_by("period")
        .values_list("period", "subtree")
    )


# --- Structure changes that the triggers cannot see ----------------------------------------------


def _mark(rows: Iterable[tuple[str, int, date]]) -> None:
    TallyDirty.objects.bulk_create([TallyDirty(kind=k, region_id=r, period=p) for k, r, p in rows])
    tallies_refresh_task.delay_on_commit()


@receiver(pre_save, sender=Region, dispatch_uid="tallies_region_before")
def _remember_region(sender, instance: Region, **kwargs) -> None:
    old = Region.objects.filter(pk=instance.pk).values_list("parent_id", "level").first() if instance.pk else None
    instance._tally_old = old


@receiver(post_save, sender=Region, dispatch_uid="tallies_region_after")
def _region_changed(sender, instance: Region, created: bool, raw: bool = False, **kwargs) -> None:
    """A new region is due its forms; a moved one takes its counts from the old ancestors to the new."""
    if raw:
        return
    old = getattr(instance, "_tally_old", None)
    if created or (old and old[1] != instance.level):
        _mark([(Kind.DUE, instance.pk, DUE_PERIOD)])
    if old and old[0] != instance.parent_id:
        cells = set(SubtreeTally.objects.filter(region=instance).values_list("kind", "period").distinct().order_by())
        marks = [(k, instance.pk, p) for k, p in cells]
        if old[0]:
            marks += [(k, old[0], p) for k, p in cells]
        _mark(marks)


@receiver(post_delete, sender=Region, dispatch_uid="tallies_region_deleted")
@receiver([post_save, post_delete], sender=DataSet, dispatch_uid="tallies_dataset_changed")
def _datasets_changed(**kwargs) -> None:
    # A deleted region's records are gone from the tree the writer walks up: rebuild (both rare).
    if not kwargs.get("raw"):
        _mark([(REBUILD, 0, DUE_PERIOD)])


@receiver([post_save, post_delete], sender=MonthlyReturn, dispatch_uid="tallies_return_changed")
@receiver([post_save, post_delete], sender=StarRating, dispatch_uid="tallies_rating_changed")
def _queue_refresh(**kwargs) -> None:
    # The triggers have recorded the change; the task applies it once the transaction commits.
    tallies_refresh_task.delay_on_commit()
