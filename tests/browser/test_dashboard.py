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


# Every header word must fit on one line in its column, and so must every cell below it: a column
# narrower than its header is what makes Chinese text run vertically, one character a line.
SQUEEZED_CELLS = """() => {
  const probe = document.createElement("span");
  probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
  document.body.appendChild(probe);
  const inner = (cell) => {
    const cs = getComputedStyle(cell);
    // clientWidth leaves out the cell's share of the collapsed borders; it rounds to whole pixels.
    return cell.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
  };
  const bad = [];
  let checked = 0;
  for (const table of document.querySelectorAll(".dash-table table")) {
    const heads = [...table.querySelectorAll("thead th")];
    const needed = heads.map((th) => {
      const cs = getComputedStyle(th);
      Object.assign(probe.style, { fontFamily: cs.fontFamily, fontSize: cs.fontSize, fontWeight: cs.fontWeight });
      return Math.max(...th.textContent.trim().split(/\\s+/).map((w) => {
        probe.textContent = w;
        return probe.getBoundingClientRect().width;
      }));
    });
    for (const row of table.rows) {
      for (const cell of row.cells) {
        checked += 1;
        const room = inner(cell);
        if (room + 1 < needed[cell.cellIndex]) {
          const head = heads[cell.cellIndex].textContent;
          const want = needed[cell.cellIndex].toFixed(0);
          bad.push(`${table.closest("section").id} «${head}»: ${room.toFixed(0)} < ${want} px`);
        }
      }
    }
  }
  probe.remove();
  return { bad, checked };
}"""


def _full_dashboard(world):
    from metrics.models import Campaign, CampaignTarget, Indicator, MonthlyReturn
    from tests.factories import OrganisationFactory

    for month in (1, 2, 3):
        value("investment", world.community_a, date(2024, month, 1), 25_459_233 + (month == 3))
        value("investment", world.community_b, date(2024, month, 1), 45_000_000)
        value("households_visited", world.community_a, date(2024, month, 1), 1200 * month)
    campaign = Campaign.objects.get(code="home_visits")
    campaign.start, campaign.end = date(2024, 1, 1), date(2024, 12, 31)
    campaign.save()
    for region in (world.district_a, world.street_a):
        CampaignTarget.objects.create(
            campaign=campaign, indicator=Indicator.objects.get(code="households_visited"), region=region, target=9000
        )
    dataset = Indicator.objects.get(code="households_visited").datasetindicator_set.first().dataset
    MonthlyReturn.objects.create(region=world.community_a, dataset=dataset, month=date(2024, 3, 1), status="submitted")
    OrganisationFactory(region=world.community_a, next_election_due=date(2020, 1, 1))
    return Indicator.objects.get(code="investment")


def test_money_is_written_in_wan_yuan_and_no_column_is_squeezed(live_server, browser, world, city_leader):
    investment = _full_dashboard(world)
    query = f"period_from=2024-01&period_to=2024-03&indicator={investment.pk}"
    for width, height, path in (
        (1280, 900, "/dashboard/"),
        (1400, 900, "/dashboard/"),
        (1920, 1080, "/dashboard/screen/"),
    ):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
        page = context.new_page()
        login(page, live_server, "city_leader", PASSWORD)
        page.goto(f"{live_server.url}{path}?{query}")
        page.wait_for_selector("#chart-children svg")
        # 川汇区: 25 459 233 + 25 459 233 + 25 459 234 元 = 7,637.77 万元, in the table and on its bar.
        row = page.locator("#section-children tbody tr", has_text="川汇区")
        assert row.locator("td").first.inner_text() == "7,637.77 万元"
        bar_texts = page.eval_on_selector_all("#chart-children svg text", "els => els.map(e => e.textContent)")
        assert "7,637.77 万元" in bar_texts and "1.35 亿元" in bar_texts  # every bar carries its figure
        names = ["川汇区", "周口市城乡一体化示范区"]
        for name in names:  # and every bar its region, whole or cut with an ellipsis
            assert any(t and name.startswith(t.rstrip("…")) for t in bar_texts), (name, bar_texts)
        found = page.evaluate(SQUEEZED_CELLS)
        assert found["checked"] > 40 and found["bad"] == [], (width, found["bad"])
        context.close()
