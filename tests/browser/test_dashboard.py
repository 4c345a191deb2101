"""A leader opens the dashboard in a real browser, changes region and period, drills down, and
sees the charts drawn without console errors."""

from datetime import date

import pytest

from metrics.catalogue import sync_catalogue
from tests.browser.conftest import login
from tests.factories import PASSWORD, value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def catalogue(db):
    """Transactional tests empty every table afterwards, the migrated catalogue included."""
    sync_catalogue()


def test_dashboard_changes_region_and_period_and_drills_down(live_server, page, world, city_leader):
    for month in (1, 2, 3):
        value("households_visited", world.community_a, date(2024, month, 1), 10 * month)
        value("households_visited", world.community_b, date(2024, month, 1), month)
        value("party_members", world.community_a, date(2024, month, 1), 40)
    login(page, live_server, "city_leader", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/?period_from=2024-01&period_to=2024-03")
    assert "数据看板 · 周口市" in page.locator("h1").inner_text()
    page.wait_for_selector("#chart-trend svg")
    page.wait_for_selector("#chart-children svg")
    assert page.locator(".kpi").count() > 0

    # Change the period and the region through the filter form.
    page.fill("#f-from", "2024-02")
    page.select_option("#f-region", label="　└ 川汇区")
    page.click("#dashboard-filters button[type=submit]")
    page.wait_for_load_state()
    assert "数据看板 · 川汇区" in page.locator("h1").inner_text()
    assert "period_from=2024-02" in page.url
    page.wait_for_selector("#chart-trend svg")

    # Drill down from the comparison table, then climb back with the breadcrumbs.
    page.click("#section-children a.drill >> text=金海路街道")
    page.wait_for_load_state()
    assert "数据看板 · 金海路街道" in page.locator("h1").inner_text()
    page.wait_for_selector("#chart-children svg")
    page.click("nav.breadcrumbs >> text=周口市")
    page.wait_for_load_state()
    assert "数据看板 · 周口市" in page.locator("h1").inner_text()
    assert "period_from=2024-02" in page.url
    assert page.console_errors == []


def test_screen_mode_draws_its_charts(live_server, page, world, city_leader):
    value("households_visited", world.community_a, date(2024, 1, 1), 10)
    login(page, live_server, "city_leader", PASSWORD)
    page.goto(f"{live_server.url}/dashboard/screen/?period_from=2024-01&period_to=2024-01")
    page.wait_for_selector("#chart-children svg")
    assert page.locator("body.screen").count() == 1
    assert page.console_errors == []
