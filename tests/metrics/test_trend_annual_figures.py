"""A figure stated only for a whole year is not drawn as a month of the trend (December, say):
the months stay empty and the note gives the year's figure, on the dashboard and in the PDF."""

from __future__ import annotations

from datetime import date

from django.utils import translation

from metrics.dashboard import dashboard_data, dashboard_filter, dashboard_params
from metrics.models import Indicator
from metrics.periods import Period
from reports import summaries
from tests.factories import value


def _trend(user, region, period: str, indicator: str):
    ind = Indicator.objects.get(code=indicator)
    data = {"region": str(region.pk), "period_from": period, "period_to": period, "indicator": str(ind.pk)}
    filterset = dashboard_filter(user=user, data=data, region=region)
    assert filterset.form.is_valid(), filterset.form.errors
    params = dashboard_params(user=user, region=region, filterset=filterset)
    return dashboard_data(user=user, params=params, filterset=filterset)["trend"]


def test_an_annual_only_year_is_not_drawn_as_a_month_but_named_in_the_note(world, city_leader):
    value("households_visited", world.community_a, date(2025, 1, 1), 120, period_type="year")
    value("households_visited", world.community_a, date(2024, 3, 1), 10)
    trend = _trend(city_leader, world.district_a, "2025", "households_visited")
    rows = {r[0]: r for r in trend.rows}
    assert all(rows[f"2025-{m:02d}"][1] is None for m in range(1, 13))  # not December, not any month
    assert rows["2025-03"][2] == 10  # the previous year's months are still drawn
    assert "2025年 120 户" in trend.note and "未按月绘制" in trend.note
    assert "2024年" not in trend.note  # a year with monthly figures is drawn, not noted


def test_an_annual_stock_figure_is_not_drawn_as_a_month_either(world, city_leader):
    value("party_members", world.community_a, date(2025, 1, 1), 45, period_type="year")
    trend = _trend(city_leader, world.district_a, "2025", "party_members")
    assert all(r[1] is None and r[2] is None for r in trend.rows)
    assert "2025年 45 人" in trend.note


def test_the_trend_has_no_note_when_every_year_has_monthly_figures(world, city_leader):
    value("households_visited", world.community_a, date(2025, 12, 1), 7)
    value("households_visited", world.community_a, date(2024, 12, 1), 5)
    value("households_visited", world.community_a, date(2023, 6, 1), 3)
    trend = _trend(city_leader, world.district_a, "2025", "households_visited")
    assert trend.note == ""


def test_the_pdf_trend_leaves_the_months_of_an_annual_only_year_empty(world, city_leader):
    value("households_visited", world.community_a, date(2025, 1, 1), 120, period_type="year")
    content = summaries.summary_content(user=city_leader, region=world.district_a, period=Period.parse("2025"))
    _, rows = summaries._trend_by_year(content.tables["trend"])
    (year_2025,) = [r for r in rows if r[0] == "2025年"]
    assert year_2025[1:] == [None] * 12
    assert "2025年 120 户" in content.tables["trend"].note


def test_the_note_is_translated_on_english_pages(world, city_leader):
    value("households_visited", world.community_a, date(2025, 1, 1), 120, period_type="year")
    with translation.override("en"):
        trend = _trend(city_leader, world.district_a, "2025", "households_visited")
    assert trend.note.startswith("Figures for the whole year only, not drawn as months:") and "120" in trend.note
