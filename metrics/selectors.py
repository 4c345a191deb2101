"""Reads of the domain: organisations, star levels, election deadlines."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet

from metrics.models import Organisation, Region, StarRating


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
