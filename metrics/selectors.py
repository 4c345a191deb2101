"""Reads of the domain: organisations, star levels, election deadlines."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from metrics.models import DataSet, DataValue, DataValueChange, Indicator, MonthlyReturn, ValidationRule
from metrics.periods import MONTH, Period
from metrics.validation import HISTORY_MONTHS
from regions.models import Organisation, Region, StarRating

if TYPE_CHECKING:
    from extraction.gazetteer import Gazetteer


def star_levels(*, region: Region, year: int) -> dict[int, dict]:
    """Per organisation in the subtree: stars awarded in ``year``, the year before, and the change."""
    rows = (
        StarRating.objects.filter(organisation__region__path__startswith=region.path, year__in=(year - 1, year))
        .values("organisation_id", "year")
        .annotate(level=Count("id", filter=Q(status=StarRating.Status.AWARDED)))
    )
    by_org: dict[int, dict] = defaultdict(lambda: {"level": 0, "previous": 0})
    for row in rows:
        by_org[row["organisation_id"]]["level" if row["year"] == year else "previous"] = row["level"]
    for entry in by_org.values():
        entry["change"] = entry["level"] - entry["previous"]
    return dict(by_org)


def star_distribution(*, region: Region, year: int) -> dict:
    """How many organisations hold 0–5 stars this year and last year."""
    levels = star_levels(region=region, year=year)
    now = [0] * 6
    before = [0] * 6
    for entry in levels.values():
        now[min(entry["level"], 5)] += 1
        before[min(entry["previous"], 5)] += 1
    return {"levels": list(range(6)), "current": now, "previous": before, "year": year}


def elections_due(*, region: Region, today: date, within_days: int = 90) -> QuerySet[Organisation]:
    """Organisations whose 换届 is overdue or due within ``within_days``, soonest first."""
    return (
        Organisation.objects.filter(region__path__startswith=region.path, next_election_due__isnull=False)
        .filter(next_election_due__lte=today + timedelta(days=within_days))
        .select_related("region")
        .order_by("next_election_due")
    )


# --- Monthly returns and completeness ----------------------------------------------------
# Reads for the 数据填报 pages. Callers pass regions already fetched through portal.access.


@dataclass
class ReturnCell:
    """Where one region stands with one form for one month: state, colour and lateness."""

    region: Region
    dataset: DataSet
    monthly_return: MonthlyReturn | None
    state: str
    deadline: date
    late: bool
    colour: str

    @property
    def state_label(self) -> str:
        if self.monthly_return is not None and self.state not in ("not_started", "waived"):
            return self.monthly_return.status_label
        return str(RETURN_STATE_LABELS[self.state])

    @property
    def done(self) -> bool:
        return self.state in ("submitted", "approved", "waived")


RETURN_STATE_LABELS = {
    "not_started": _("未开始"),
    "draft": _("草稿"),
    "returned": _("已退回"),
    "submitted": _("已提交"),
    "approved": _("已审核"),
    "waived": _("免报"),
}
COLOUR_RANK = {"green": 0, "amber": 1, "red": 2}


def return_datasets_for(*, region: Region, datasets: Iterable[DataSet] | None = None) -> list[DataSet]:
    """The forms a region reports, by its level (a handful of rows; JSON lookups differ per backend)."""
    return [ds for ds in (datasets if datasets is not None else DataSet.objects.all()) if region.level in ds.levels]


def return_indicators(*, dataset: DataSet) -> list[Indicator]:
    return list(dataset.indicators.filter(active=True).order_by("datasetindicator__order", "order"))


def return_cell(
    *, region: Region, dataset: DataSet, monthly_return: MonthlyReturn | None, month: date, today: date
) -> ReturnCell:
    deadline = dataset.deadline_for(month)
    ret = monthly_return
    if ret is None:
        state = "not_started"
    elif ret.waived:
        state = "waived"
    else:
        state = ret.status
    if state in ("submitted", "approved"):
        submitted_on = timezone.localdate(ret.submitted_at) if ret.submitted_at else None
        late = submitted_on is not None and submitted_on > deadline
        colour = "green"
    elif state == "waived":
        late, colour = False, "green"
    else:
        late = today > deadline
        colour = "red" if late else "amber"
    return ReturnCell(region, dataset, ret, state, deadline, late, colour)


def return_rules(*, indicators: list[Indicator]) -> list[ValidationRule]:
    """The active relations between the given indicators (the admin edits them as data)."""
    return list(
        ValidationRule.objects.filter(active=True, left__in=indicators, right__in=indicators).select_related(
            "left", "right"
        )
    )


def return_value_window(
    *, region: Region, indicators: list[Indicator], month: date
) -> dict[tuple[str, date], DataValue]:
    """The region's monthly values for ``month`` and the 12 months before it, in one query."""
    first = Period(MONTH, month)
    for _step in range(HISTORY_MONTHS):
        first = first.previous()
    rows = (
        DataValue.objects.filter(
            region=region,
            period_type=MONTH,
            period_start__gte=first.start,
            period_start__lte=month,
            indicator__in=indicators,
        )
        .select_related("indicator", "mention__report", "updated_by")
        .order_by("period_start")
    )
    return {(dv.indicator.code, dv.period_start): dv for dv in rows}


def return_history(window: dict[tuple[str, date], DataValue], *, code: str, month: date) -> list[Decimal]:
    """Submitted or approved figures of the 12 months before ``month``: the outlier yardstick."""
    return [
        dv.value
        for (c, start), dv in window.items()
        if c == code and start < month and dv.status != DataValue.Status.DRAFT
    ]


def return_form_rows(
    *, region: Region, dataset: DataSet, month: date, monthly_return: MonthlyReturn | None
) -> list[dict]:
    """One row per indicator: this month's figure, last month, same month last year, a news suggestion."""
    indicators = return_indicators(dataset=dataset)
    window = return_value_window(region=region, indicators=indicators, month=month)
    period = Period(MONTH, month)
    last_month, last_year = period.previous().start, period.same_last_year().start
    changes: dict[int, int] = {}
    if monthly_return is not None:
        changes = dict(
            DataValueChange.objects.filter(monthly_return=monthly_return, indicator__isnull=False)
            .values_list("indicator")
            .annotate(n=Count("id"))
        )
    rows = []
    for ind in indicators:
        current = window.get((ind.code, month))
        suggestion = None
        if current is not None and return_is_suggestion(current, monthly_return):
            current, suggestion = None, current
        previous, year_ago = window.get((ind.code, last_month)), window.get((ind.code, last_year))
        rows.append(
            {
                "indicator": ind,
                "value": current,
                "suggestion": suggestion,
                "last_month": previous.value if previous else None,
                "last_year": year_ago.value if year_ago else None,
                "history": return_history(window, code=ind.code, month=month),
                "changes": changes.get(ind.pk, 0),
            }
        )
    return rows


def return_is_suggestion(dv: DataValue, monthly_return: MonthlyReturn | None) -> bool:
    """A figure accepted from a news report that no form has confirmed yet (最多报一次: it is the same cell)."""
    return dv.source == DataValue.Source.REPORT and (
        monthly_return is None or dv.monthly_return_id != monthly_return.pk
    )


def return_blocking_children(*, monthly_return: MonthlyReturn, today: date) -> list[ReturnCell]:
    """Child regions whose form of the same data set and month is neither approved nor waived."""
    ret = monthly_return
    children = [c for c in ret.region.children.all() if c.level in ret.dataset.levels]
    if not children:
        return []
    by_region = {
        r.region_id: r for r in MonthlyReturn.objects.filter(region__in=children, dataset=ret.dataset, month=ret.month)
    }
    cells = [
        return_cell(region=c, dataset=ret.dataset, monthly_return=by_region.get(c.pk), month=ret.month, today=today)
        for c in children
    ]
    return [c for c in cells if c.state not in ("approved", "waived")]


def return_changes(*, monthly_return: MonthlyReturn, indicator: Indicator | None = None):
    qs = DataValueChange.objects.filter(monthly_return=monthly_return).select_related("user", "indicator")
    return qs.filter(indicator=indicator) if indicator is not None else qs


def completeness_summary(*, root: Region, month: date, today: date, dataset: DataSet | None = None) -> dict:
    """Who in ``root``'s subtree has not started, drafted, submitted or had approved each form.

    Three queries whatever the size of the subtree: the regions, the data sets and the month's
    forms; the roll-up to each child of ``root`` and the list of missing 社区/村 are done here.
    """
    regions = list(Region.objects.filter(path__startswith=root.path).select_related("parent").order_by("path"))
    datasets = [dataset] if dataset is not None else list(DataSet.objects.all())
    forms = {
        (r.region_id, r.dataset_id): r
        for r in MonthlyReturn.objects.filter(region__path__startswith=root.path, month=month).select_related(
            "submitted_by"
        )
    }
    parent_ids = {r.parent_id for r in regions}
    cells_by_region: dict[int, list[ReturnCell]] = {}
    for region in regions:
        cells_by_region[region.pk] = [
            return_cell(
                region=region, dataset=ds, monthly_return=forms.get((region.pk, ds.pk)), month=month, today=today
            )
            for ds in return_datasets_for(region=region, datasets=datasets)
        ]
    children = [r for r in regions if r.parent_id == root.pk]
    rows = []
    for child in children:
        subtree = [c for r in regions if r.path.startswith(child.path) for c in cells_by_region[r.pk]]
        rows.append(
            {
                "region": child,
                "cells": cells_by_region[child.pk],
                "counts": _completeness_counts(subtree),
                "colour": _worst_colour(subtree),
                "has_children": child.pk in parent_ids,
            }
        )
    all_cells = [c for cells in cells_by_region.values() for c in cells]
    missing = [c for r in regions if r.level == Region.Level.COMMUNITY for c in cells_by_region[r.pk] if not c.done]
    return {
        "root": root,
        "month": month,
        "datasets": datasets,
        "own": cells_by_region[root.pk],
        "children": rows,
        "totals": _completeness_counts(all_cells),
        "colour": _worst_colour(all_cells),
        "missing": missing,
    }


def _completeness_counts(cells: list[ReturnCell]) -> dict[str, int]:
    counts = dict.fromkeys((*RETURN_STATE_LABELS, "late", "expected"), 0)
    for cell in cells:
        counts[cell.state] += 1
        counts["late"] += cell.late
        counts["expected"] += 1
    return counts


def _worst_colour(cells: list[ReturnCell]) -> str:
    return max((c.colour for c in cells), key=COLOUR_RANK.__getitem__, default="green")


def region_division(*, region: Region, gazetteer: Gazetteer) -> int | None:
    """The gazetteer row a region stands for: by 区划代码, else by name or alias under its parent's row.

    None for what the gazetteer does not know, such as a 示范区 (no administrative division) and
    everything below it.
    """
    level = str(region.level)  # the tree's level names are the gazetteer's
    if region.code:
        found = gazetteer.find(region.code)
        if found is not None and gazetteer.level_of(found) == level:
            return found
    names = [region.name, *region.alias_list()]
    if region.parent_id:
        above = region_division(region=region.parent, gazetteer=gazetteer)
        if above is None:
            return None
        candidates = gazetteer.children(above)
    else:
        candidates = [row for name in names for row in gazetteer.rows(name) if gazetteer.level_of(row) == level]
    for name in names:
        hits = {row for row in candidates if gazetteer.name_of(row) == name or gazetteer.division(row).short == name}
        if len(hits) == 1:
            return hits.pop()
    return None
