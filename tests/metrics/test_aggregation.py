"""The aggregation rules on small hand-computed cases: sum, latest, ratio and mean over months,
quarters and years and up the region tree; the covering rule; tiers; sources; freshness."""

import random
from datetime import date
from decimal import Decimal

import pytest

from metrics.aggregation import MonthRange, indicator_totals, rollups_rebuild, rollups_refresh
from metrics.models import Campaign, DataValue, Indicator, IndicatorRollup
from metrics.periods import Period
from regions.models import Region
from tests.factories import value

JAN, FEB, MAR, APR = (date(2024, m, 1) for m in (1, 2, 3, 4))
Q1 = MonthRange.of(Period.quarter(2024, 1))
YEAR = MonthRange.of(Period.year(2024))


def total(code, region, rng=Q1, **kwargs):
    [row] = indicator_totals(indicators=[Indicator.objects.get(code=code)], region=region, period_range=rng, **kwargs)
    return row.value


def grouped(code, region, rng=Q1, group_by="month", **kwargs):
    rows = indicator_totals(
        indicators=[Indicator.objects.get(code=code)], region=region, period_range=rng, group_by=group_by, **kwargs
    )
    return {row.label: row.value for row in rows}


def test_flows_add_up_over_months_quarters_years_and_up_the_tree(world):
    value("households_visited", world.community_a, JAN, 10)
    value("households_visited", world.community_a, FEB, 5)
    value("households_visited", world.community_a, MAR, 1)
    value("households_visited", world.community_a, APR, 4)
    value("households_visited", world.community_b, JAN, 7)

    assert total("households_visited", world.community_a) == 16
    assert total("households_visited", world.street_a) == 16
    assert total("households_visited", world.city) == 23
    assert total("households_visited", world.city, YEAR) == 27
    assert total("households_visited", world.city, MonthRange(FEB, date(2024, 5, 1))) == 10
    assert grouped("households_visited", world.city) == {
        "2024年1月": 17,
        "2024年2月": 5,
        "2024年3月": 1,
    }
    assert grouped("households_visited", world.city, YEAR, "quarter") == {
        "2024年第1季度": 23,
        "2024年第2季度": 4,
        "2024年第3季度": None,
        "2024年第4季度": None,
    }
    assert grouped("households_visited", world.city, group_by="region") == {"川汇区": 16, "周口市城乡一体化示范区": 7}


def test_a_regions_own_figure_covers_its_childrens_figures_for_that_period(world):
    value("households_visited", world.community_a, JAN, 10)
    value("households_visited", world.community_a, FEB, 6)
    value("households_visited", world.street_a, JAN, 100)  # the street's total for January
    value("households_visited", world.community_b, JAN, 7)

    assert total("households_visited", world.street_a, MonthRange.of(Period.month(2024, 1))) == 100
    assert total("households_visited", world.street_a) == 106  # January's 100 plus February's 6
    assert total("households_visited", world.city) == 113
    assert grouped("households_visited", world.district_a) == {"2024年1月": 100, "2024年2月": 6, "2024年3月": None}


def test_an_annual_or_quarterly_figure_covers_the_months_inside_it(world):
    value("households_visited", world.community_b, JAN, 7)
    value("households_visited", world.community_b, FEB, 3)
    value("households_visited", world.community_b, date(2024, 1, 1), 50, period_type="year")
    value("households_visited", world.community_a, JAN, 2)
    value("households_visited", world.community_a, JAN, 30, period_type="quarter")

    assert total("households_visited", world.community_b, YEAR) == 50
    assert total("households_visited", world.city, YEAR) == 80
    assert total("households_visited", world.community_a, Q1) == 30
    # A month shows only monthly figures: the annual and quarterly ones are not inside it.
    assert grouped("households_visited", world.city) == {"2024年1月": 9, "2024年2月": 3, "2024年3月": None}
    # A range that is not a whole year does not contain the annual figure.
    assert total("households_visited", world.community_b, Q1) == 10


def test_a_street_reporting_some_months_itself_keeps_its_communities_for_the_others(world):
    value("investment", world.street_a, JAN, 1000)
    value("investment", world.community_a, JAN, 400)  # covered by the street's January
    value("investment", world.community_a, FEB, 300)

    assert total("investment", world.street_a) == 1300
    assert total("investment", world.city, YEAR) == 1300


def test_stocks_take_each_regions_latest_value_in_the_period(world):
    value("party_members", world.community_a, JAN, 30)
    value("party_members", world.community_a, FEB, 32)
    value("party_members", world.community_b, JAN, 20)  # no figure since January
    value("party_members", world.community_b, APR, 21)

    assert total("party_members", world.community_a) == 32
    assert total("party_members", world.city) == 52
    assert total("party_members", world.city, YEAR) == 53
    assert grouped("party_members", world.city) == {"2024年1月": 50, "2024年2月": 32, "2024年3月": None}
    assert grouped("party_members", world.city, YEAR, "quarter")["2024年第1季度"] == 52
    # A range over several pieces takes its latest piece with figures.
    assert total("party_members", world.city, MonthRange(FEB, date(2024, 5, 1))) == 21


def test_stocks_year_to_date_is_the_year_while_nothing_newer_exists(world):
    value("party_members", world.community_a, JAN, 30)
    value("party_members", world.community_b, JAN, 20)
    value("party_members", world.community_a, FEB, 31)  # community_b has not reported February

    assert total("party_members", world.city, MonthRange(JAN, MAR)) == 51


def test_ratios_are_recomputed_from_their_parts(world):
    value("problems_solved", world.community_a, JAN, 3)
    value("problems_collected", world.community_a, JAN, 4)
    value("problems_solved", world.community_b, JAN, 1)
    value("problems_collected", world.community_b, JAN, 4)
    value("problems_collected", world.community_b, FEB, 2)

    assert total("solve_rate", world.community_a) == Decimal("75.00")
    assert total("solve_rate", world.city) == Decimal("40.00")  # 4 of 10, not the mean of 75% and 25%
    assert grouped("solve_rate", world.city) == {"2024年1月": Decimal("50.00"), "2024年2月": None, "2024年3月": None}


def test_means_average_the_figures_that_count(world):
    value("rate", world.community_a, JAN, 90)
    value("rate", world.community_a, FEB, 96)
    value("rate", world.community_b, JAN, 93)

    assert total("rate", world.community_a) == Decimal("93.00")
    assert total("rate", world.city) == Decimal("93.00")
    assert grouped("rate", world.city) == {
        "2024年1月": Decimal("91.50"),
        "2024年2月": Decimal("96.00"),
        "2024年3月": None,
    }


def test_only_approved_figures_count_unless_submitted_ones_are_asked_for(world):
    value("households_visited", world.community_a, JAN, 10)
    value("households_visited", world.community_b, JAN, 7, status="submitted")
    value("households_visited", world.community_b, FEB, 99, status="draft")
    value("households_visited", world.street_a, JAN, 40, status="submitted")

    assert total("households_visited", world.city) == 10
    assert total("households_visited", world.city, include_submitted=True) == 47  # street covers community


def test_sources_split_the_total_without_counting_the_same_work_twice(world):
    value("households_visited", world.community_a, JAN, 10, source="return")
    value("households_visited", world.street_a, JAN, 100, source="report")  # the news figure is the total
    value("households_visited", world.community_b, JAN, 7, source="import")

    [row] = indicator_totals(
        indicators=[Indicator.objects.get(code="households_visited")], region=world.city, period_range=Q1
    )
    assert row.value == 107
    assert row.by_source == {"report": 100, "import": 7}
    assert total("households_visited", world.city, source="report") == 100
    assert total("households_visited", world.city, source="return") is None


def test_grouping_by_campaign_counts_the_tagged_figures(world):
    campaign = Campaign.objects.get(code="home_visits")
    value("households_visited", world.community_a, JAN, 10)
    tagged = value("households_visited", world.community_a, FEB, 6)
    street = value("households_visited", world.street_b, FEB, 9)
    DataValue.objects.filter(pk__in=[tagged.pk, street.pk]).update(campaign=campaign)

    rows = indicator_totals(
        indicators=[Indicator.objects.get(code="households_visited")],
        region=world.city,
        period_range=Q1,
        group_by="campaign",
    )
    assert [(r.label, r.value) for r in rows] == [("入户大走访", 15)]


def test_a_figure_approved_a_moment_ago_shows_on_the_next_read(world):
    dv = value("households_visited", world.community_a, JAN, 10, status="submitted")
    assert total("households_visited", world.city) is None
    DataValue.objects.filter(pk=dv.pk).update(status="approved")  # a bulk write: no signals
    assert total("households_visited", world.city) == 10
    DataValue.objects.filter(pk=dv.pk).update(value=12, source="report")
    assert total("households_visited", world.city, source="report") == 12
    DataValue.objects.filter(pk=dv.pk).delete()
    assert total("households_visited", world.city) is None


def test_moving_a_region_moves_its_figures(world):
    value("households_visited", world.community_a, JAN, 10)
    assert total("households_visited", world.district_a) == 10
    community = Region.objects.get(pk=world.community_a.pk)
    community.parent = world.street_b
    community.save()
    assert total("households_visited", world.district_a) is None
    assert total("households_visited", world.district_b) == 10


def test_incremental_roll_ups_equal_a_full_rebuild(world):
    rng = random.Random(7)
    leaves = [world.community_a, world.community_b]
    leaves += [Region.objects.create(name=f"村{i}", level="community", parent=world.street_a) for i in range(3)]
    regions = [*leaves, world.street_a, world.street_b, world.district_a]
    codes = ["households_visited", "party_members", "rate"]
    seen = set()
    for _ in range(150):
        code, region = rng.choice(codes), rng.choice(regions)
        kind = rng.choice(["month", "month", "month", "quarter", "year"])
        start = Period.containing(date(2024, rng.randint(1, 12), 1), kind).start
        if (code, region.pk, kind, start) in seen:
            continue
        seen.add((code, region.pk, kind, start))
        value(code, region, start, rng.randint(0, 50), period_type=kind, status=rng.choice(["approved", "submitted"]))
    rollups_refresh()
    incremental = set(IndicatorRollup.objects.values_list(*_fields()))
    rollups_rebuild()
    assert set(IndicatorRollup.objects.values_list(*_fields())) == incremental


def _fields():
    return ["indicator_id", "region_id", "period_type", "period_start", "tier", "total_return", "count_return"]


@pytest.mark.parametrize(
    ("rng", "pieces"),
    [
        (MonthRange(date(2023, 11, 1), date(2025, 3, 1)), ["2023-11", "2023-12", "2024", "2025-01", "2025-02"]),
        (MonthRange(date(2024, 2, 1), date(2024, 8, 1)), ["2024-02", "2024-03", "2024-Q2", "2024-07"]),
    ],
)
def test_a_range_splits_into_whole_years_quarters_and_months(rng, pieces):
    assert [p.code for p in rng.pieces()] == pieces


def test_a_stock_takes_the_regions_own_latest_figure_not_a_partial_newer_one(world):
    """金海路街道 states 337 members up to March; in April only one community's form is approved:
    the street still has 337 members, not the one community's 40."""
    other = Region.objects.create(name="德化社区", level="community", parent=world.street_a)
    for month in (JAN, FEB, MAR):
        value("party_members", world.street_a, month, 337)
        value("party_members", world.community_a, month, 297)
        value("party_members", other, month, 40)
    value("party_members", world.street_a, APR, 340, status="draft")
    value("party_members", other, APR, 40)
    rollups_refresh()
    assert total("party_members", world.street_a, YEAR) == 337
    assert total("party_members", world.district_a, YEAR) == 337
    assert total("party_members", world.district_a, YEAR, include_submitted=True) == 337
    # Once the street's April form counts, April is its latest figure.
    DataValue.objects.filter(region=world.street_a, period_start=APR).update(status="approved")
    rollups_refresh()
    assert total("party_members", world.district_a, YEAR) == 340


def test_a_range_that_is_no_whole_period_is_labelled_in_the_users_language():
    from django.utils import translation

    months = MonthRange(date(2024, 1, 1), date(2024, 6, 1))
    assert months.label == "2024年1月—2024年5月"
    with translation.override("en"):
        assert months.label == "January 2024—May 2024"
