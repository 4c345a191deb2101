"""The subtree tallies (“五星” levels, returns by status, 换届 due dates): kept equal to counting
the records whichever way they were written, drained on the next read, rebuilt by
rebuild_rollups; and the dashboard reads them in a number of rows that does not grow with the
subtree."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from metrics import tallies
from metrics.aggregation import ensure_fresh
from metrics.models import DataSet, MonthlyReturn, SubtreeTally
from metrics.selectors import star_distribution
from regions.models import Organisation, Region, StarDefinition, StarRating
from tests.factories import OrganisationFactory
from tests.metrics.test_dashboard import Q, _grow

MARCH = date(2024, 3, 1)


def _rate(org: Organisation, year: int, awarded: int) -> None:
    for i, star in enumerate(StarDefinition.objects.filter(scheme="urban").order_by("pk")):
        StarRating.objects.update_or_create(
            organisation=org, year=year, star=star, defaults={"status": "awarded" if i < awarded else "not_awarded"}
        )


def _raw_returns(region: Region, month: date) -> dict[int, tuple[dict[str, int], int]]:
    """Completeness per child counted from the records, the way the page used to."""
    levels = list(DataSet.objects.values_list("levels", flat=True))
    out = {}
    for child in region.children.all():
        below = Region.objects.filter(path__startswith=child.path)
        status: dict[str, int] = {}
        for r in MonthlyReturn.objects.filter(region__in=below, month=month, waived=False):
            status[r.status] = status.get(r.status, 0) + 1
        due = sum(sum(1 for lv in levels if r.level in lv) for r in below)
        if status or due:
            out[child.pk] = (status, due)
    return out


def _raw_elections(region: Region, until: date) -> list[tuple[date, int]]:
    days: dict[date, int] = {}
    for org in Organisation.objects.filter(region__path__startswith=region.path, next_election_due__lte=until):
        days[org.next_election_due] = days.get(org.next_election_due, 0) + 1
    return sorted(days.items())


def _check(world) -> None:
    ensure_fresh(tallies=True)
    for region in (world.city, world.district_a, world.district_b, world.street_a):
        until = date(2030, 1, 1)
        assert tallies.elections_by_day(region=region, until=until) == _raw_elections(region, until), region
        for year in (2024, 2025):
            want = star_distribution(region=region, year=year)
            assert tallies.star_distribution(region=region, year=year) == want, (region, year)
        assert tallies.returns_by_child(region=region, month=MARCH) == _raw_returns(region, MARCH), region


def test_tallies_follow_every_kind_of_write(world):
    dataset = next(d for d in DataSet.objects.all() if "community" in d.levels)
    org_a = OrganisationFactory(region=world.community_a, next_election_due=date(2024, 5, 1))
    org_b = OrganisationFactory(region=world.community_b, next_election_due=date(2024, 5, 1))
    org_street = OrganisationFactory(region=world.street_a, next_election_due=date(2023, 1, 1))
    _rate(org_a, 2024, 3)
    _rate(org_a, 2025, 5)
    _rate(org_b, 2025, 1)
    _rate(org_street, 2024, 0)
    MonthlyReturn.objects.create(region=world.community_a, dataset=dataset, month=MARCH, status="submitted")
    returned = MonthlyReturn.objects.create(region=world.community_b, dataset=dataset, month=MARCH, status="draft")
    _check(world)
    assert tallies.star_distribution(region=world.city, year=2025)["current"] == [1, 1, 0, 0, 0, 1]

    # update() and deletes go past save(): the triggers still see them.
    StarRating.objects.filter(organisation=org_b, year=2025).update(status="awarded")
    MonthlyReturn.objects.filter(pk=returned.pk).update(status="approved")
    StarRating.objects.filter(organisation=org_street).delete()
    Organisation.objects.filter(pk=org_b.pk).update(next_election_due=date(2025, 2, 1))
    _check(world)
    # An organisation and a whole street move to the other district.
    org_a.region = world.community_b
    org_a.save()
    world.street_a.parent = world.district_b
    world.street_a.save()
    _check(world)
    assert tallies.star_distribution(region=world.district_a, year=2025)["current"] == [0] * 6
    MonthlyReturn.objects.filter(pk=returned.pk).update(waived=True)
    org_street.delete()
    _check(world)


def test_rebuild_rollups_repairs_the_tallies(world):
    org = OrganisationFactory(region=world.community_a)
    _rate(org, 2024, 2)
    ensure_fresh(tallies=True)
    SubtreeTally.objects.filter(region=world.city).update(subtree=99)  # damaged by hand
    call_command("rebuild_rollups", verbosity=0)
    assert tallies.star_distribution(region=world.city, year=2024)["current"] == [0, 0, 1, 0, 0, 0]


def test_a_rating_shows_on_the_next_page_load(world, client_for, city_leader):
    org = OrganisationFactory(region=world.community_a)
    client = client_for(city_leader)
    url = reverse("metrics:dashboard")
    assert client.get(url, Q).context["tables"]["stars"].rows[4][1] == 0
    _rate(org, 2024, 4)
    assert client.get(url, Q).context["tables"]["stars"].rows[4][1] == 1


def _rows_read(user, region) -> dict[str, int]:
    """Rows PostgreSQL read for the “五星” and completeness sections of the region's dashboard."""
    from django.http import QueryDict
    from django.test.utils import CaptureQueriesContext

    from metrics.dashboard import dashboard_completeness, dashboard_filter, dashboard_params, dashboard_stars
    from metrics.querystats import rows_read

    filterset = dashboard_filter(user=user, data=QueryDict("period_from=2024-01&period_to=2024-03"), region=region)
    params = dashboard_params(user=user, region=region, filterset=filterset)
    out = {}
    for name, section in (("stars", dashboard_stars), ("completeness", dashboard_completeness)):
        with CaptureQueriesContext(connection) as ctx:
            section(params=params)
        out[name] = rows_read(ctx.captured_queries, as_if_large=True)
    return out


@pytest.mark.skipif(connection.vendor != "postgresql", reason="rows read are counted by PostgreSQL's EXPLAIN")
def test_the_stars_and_completeness_read_as_many_rows_however_large_the_subtree(world, city_leader):
    dataset = next(d for d in DataSet.objects.all() if "community" in d.levels)

    def populate():
        for community in Region.objects.filter(level="community"):
            org, _ = Organisation.objects.get_or_create(region=community, name=f"{community.name}党支部")
            _rate(org, 2024, 3)
            MonthlyReturn.objects.get_or_create(region=community, dataset=dataset, month=MARCH)

    populate()
    few = _rows_read(city_leader, world.city)
    _grow(world, streets=6, communities=10)
    populate()
    assert Organisation.objects.count() > 200
    many = _rows_read(city_leader, world.city)
    # A count of the records would read every rating, return and region below: 600 and more here.
    assert few["stars"] == many["stars"] and 0 < many["stars"] <= 12  # one row per level and year
    keys = len(MonthlyReturn.Status) + 1  # statuses and "due"
    assert few["completeness"] <= many["completeness"] <= 2 * (1 + keys) + 2, (few, many)  # per child
