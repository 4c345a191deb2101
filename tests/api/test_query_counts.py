"""Each list endpoint runs a fixed number of queries, however many rows or regions it returns."""

from datetime import date
from decimal import Decimal

import pytest

from metrics.models import Indicator
from regions.models import Region
from reports.models import Mention, Report
from tests.factories import OrganisationFactory, value


def _grow(world, first: int, n: int) -> None:
    """Add n communities under street A, each with a figure, an organisation and a mention."""
    households = Indicator.objects.get(code="households_visited")
    for i in range(first, first + n):
        community = Region.objects.create(name=f"增补社区{i}", level=Region.Level.COMMUNITY, parent=world.street_a)
        value(households, community, date(2024, 3, 1), i + 1)
        OrganisationFactory(region=community)
        report = Report.objects.create(
            title=f"报道{i}", source_kind="website", published=date(2024, 3, 2), region=community, text="走访12户。"
        )
        Mention.objects.create(
            report=report,
            start=2,
            end=5,
            text="12户",
            value=Decimal(12),
            unit="户",
            indicator=households,
            region=community,
        )


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/regions/", {}),
        ("/api/v1/regions/tree/", {"depth": 3}),
        ("/api/v1/organisations/", {}),
        ("/api/v1/data-values/", {"indicator": "households_visited", "period_from": "2024"}),
        ("/api/v1/reports/", {}),
        ("/api/v1/mentions/", {}),
        (
            "/api/v1/aggregates/",
            {"indicator": "households_visited", "period_from": "2024-Q1", "group_by": "region"},
        ),
    ],
)
def test_list_queries_do_not_grow_with_rows(world, editor_a, api_for, django_assert_max_num_queries, url, params):
    api = api_for(editor_a)
    _grow(world, 0, 2)
    # Token and profile lookups, a count and a page; the aggregates also drain the roll-up queue.
    with django_assert_max_num_queries(40 if "aggregates" in url else 7) as small:
        assert api.get(url, params).status_code == 200
    _grow(world, 2, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get(url, params).status_code == 200
