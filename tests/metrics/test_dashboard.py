"""The dashboard pages: scope, a fixed number of queries however many regions, CSV downloads,
drill-down and breadcrumbs, filters, the 数据大屏."""

import csv
import io
from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from metrics.models import Campaign, CampaignTarget, DashboardPreset, Indicator, MonthlyReturn
from metrics.periods import Period
from portal.models import Profile
from regions.models import Region
from tests.factories import OrganisationFactory, make_user, value

JAN, FEB = date(2024, 1, 1), date(2024, 2, 1)
Q = {"period_from": "2024-01", "period_to": "2024-03"}


@pytest.fixture
def figures(world):
    value("households_visited", world.community_a, JAN, 10)
    value("households_visited", world.community_a, FEB, 5)
    value("households_visited", world.community_b, JAN, 7)
    value("party_members", world.community_a, JAN, 40)
    value("party_members", world.community_b, JAN, 20)
    return world


def download(client, section, **params):
    response = client.get(reverse(f"metrics:dashboard_csv_{section}"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_dashboard_shows_the_city_its_figures_and_charts(figures, client_for, city_leader):
    response = client_for(city_leader).get(reverse("metrics:dashboard"), Q)
    assert response.status_code == 200
    html = response.content.decode()
    assert "数据看板 · 周口市" in html
    assert 'id="chart-trend"' in html and 'id="dashboard-charts"' in html
    assert "vendor/echarts-5.6.0.min.js" in html and "cdn" not in html.lower()
    kpis = response.context["tables"]["kpis"]
    households = next(r for r in kpis.rows if r[0] == "走访户数")
    assert households[2] == 22
    assert [r[:2] for r in response.context["tables"]["children"].rows] == [
        ["川汇区", 15],
        ["周口市城乡一体化示范区", 7],
    ]


def test_a_district_leader_sees_nothing_of_the_other_district(figures, client_for, viewer_a):
    client = client_for(viewer_a)
    response = client.get(reverse("metrics:dashboard"), Q)
    assert response.status_code == 200
    html = response.content.decode()
    assert "数据看板 · 川汇区" in html
    assert "示范区" not in html and "景园社区" not in html and "文昌街道" not in html
    kpis = response.context["tables"]["kpis"]
    assert next(r for r in kpis.rows if r[0] == "走访户数")[2] == 15
    for region in (figures.district_b, figures.street_b, figures.city):
        assert client.get(reverse("metrics:dashboard"), {"region": region.pk}).status_code == 404
        assert client.get(reverse("metrics:dashboard_screen"), {"region": region.pk}).status_code == 404
        assert client.get(reverse("metrics:dashboard_csv_kpis"), {"region": region.pk}).status_code == 404
    assert client.get(reverse("metrics:dashboard"), {"region": "99999"}).status_code == 404


def test_anonymous_users_are_sent_to_login(client, db):
    for name in ("metrics:dashboard", "metrics:dashboard_screen", "metrics:dashboard_csv_trend"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_drilling_down_moves_the_dashboard_and_breadcrumbs_lead_back(figures, client_for, city_leader):
    client = client_for(city_leader)
    page = client.get(reverse("metrics:dashboard"), Q)
    drill = page.context["tables"]["children"].drill[0]
    assert f"region={figures.district_a.pk}" in drill
    response = client.get(drill)
    assert response.context["region"] == figures.district_a
    crumbs = response.context["breadcrumbs"]
    assert [c["label"] for c in crumbs] == ["周口市", "川汇区"]
    assert "period_from=2024-01" in crumbs[0]["url"]
    assert client.get(crumbs[0]["url"]).context["region"] == figures.city


def _grow(world, streets: int, communities: int) -> None:
    """Add streets and communities with figures under both districts."""
    for district in (world.district_a, world.district_b):
        for s in range(streets):
            street = Region.objects.create(name=f"{district.name}街道{s}", level="street", parent=district)
            for c in range(communities):
                community = Region.objects.create(name=f"社区{c}", level="community", parent=street)
                value("households_visited", community, JAN, c + 1)
                value("party_members", community, JAN, 30)
                OrganisationFactory(region=community, next_election_due=date(2024, 3, 1))


def _render_dashboard(client, region):
    response = client.get(reverse("metrics:dashboard"), {**Q, "region": region.pk})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("region_attr", ["city", "district_a"])
def test_the_number_of_queries_does_not_grow_with_the_number_of_regions(
    figures, client_for, city_leader, django_assert_max_num_queries, region_attr
):
    client = client_for(city_leader)
    region = getattr(figures, region_attr)
    _render_dashboard(client, region)  # roll-ups brought up to date
    cache.clear()  # every panel computed, not taken from the panel cache
    with django_assert_max_num_queries(40) as few:
        _render_dashboard(client, region)
    _grow(figures, streets=6, communities=5)
    _render_dashboard(client, region)
    cache.clear()
    with django_assert_max_num_queries(40) as many:
        response = _render_dashboard(client, region)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.context["tables"]["children"].rows) >= 2
    with django_assert_max_num_queries(40) as hit:  # the same view again: the panels in one look-up
        assert "tables" not in _render_dashboard(client, region).context
    assert len(hit.captured_queries) <= len(many.captured_queries) // 2


def test_a_write_is_on_the_next_page_load_despite_the_panel_cache(figures, client_for, city_leader, editor_a):
    client = client_for(city_leader)
    url = reverse("metrics:dashboard")
    params = {**Q, "indicator": Indicator.objects.get(code="households_visited").pk}
    assert '<th scope="row"><a href' in client.get(url, params).content.decode()
    before = client.get(url, params)  # from the cache
    assert "tables" not in before.context
    html = before.content.decode()
    assert ">15</td>" in html  # 川汇区: 10 + 5
    value("households_visited", figures.community_a, date(2024, 3, 1), 1234)  # saved, then approved
    after = client.get(url, params)
    assert "tables" in after.context  # rendered again, with the new figure
    assert ">1,249</td>" in after.content.decode() and ">15</td>" not in after.content.decode()
    OrganisationFactory(region=figures.community_a, next_election_due=date(2020, 1, 1))  # outside the roll-ups
    assert "tables" in client.get(url, params).context


def test_every_section_downloads_as_csv(figures, client_for, city_leader):
    client = client_for(city_leader)
    rows = download(client, "trend", **Q, indicator=Indicator.objects.get(code="households_visited").pk)
    assert rows[0] == ["月份", "本期", "上年同月"]
    assert rows[-3:] == [["2024-01", "17", ""], ["2024-02", "5", ""], ["2024-03", "", ""]]
    ranking = download(client, "ranking", **Q, indicator=Indicator.objects.get(code="households_visited").pk)
    assert ranking[0] == ["名次", "区域", "走访户数", "党员人数", "每百名党员"]
    assert ranking[1:] == [["1", "川汇区", "15", "40", "37.5"], ["2", "周口市城乡一体化示范区", "7", "20", "35"]]
    for section in ("kpis", "children", "campaigns", "completeness", "elections", "stars", "news"):
        assert download(client, section, **Q)[0]


def test_ranking_is_per_capita_where_a_base_exists(figures, client_for, city_leader):
    value("households_visited", figures.community_b, FEB, 3)  # 10 visits for 20 members: 50 per 100
    rows = download(
        client_for(city_leader), "ranking", **Q, indicator=Indicator.objects.get(code="households_visited").pk
    )
    assert rows[1] == ["1", "周口市城乡一体化示范区", "10", "20", "50"]
    assert rows[2] == ["2", "川汇区", "15", "40", "37.5"]


def test_kpis_compare_with_the_previous_period_and_last_year(world, client_for, city_leader):
    value("households_visited", world.community_a, date(2023, 12, 1), 8)
    value("households_visited", world.community_a, date(2023, 1, 1), 5)
    value("households_visited", world.community_a, JAN, 10)
    rows = download(client_for(city_leader), "kpis", period_from="2024-01", period_to="2024-01")
    assert rows[0][2:] == ["2024年1月", "上期", "环比(%)", "上年同期", "同比(%)"]
    assert next(r for r in rows if r[0] == "走访户数")[2:] == ["10", "8", "25", "5", "100"]


def test_a_year_is_not_compared_with_a_last_year_that_reported_fewer_months(world, client_for, city_leader):
    # A district's first year on the portal: last year holds only December.
    value("households_visited", world.community_a, date(2023, 12, 1), 8)
    for month in range(1, 13):
        value("households_visited", world.community_a, date(2024, month, 1), 10)
    year = {"period_from": "2024-01", "period_to": "2024-12"}
    response = client_for(city_leader).get(reverse("metrics:dashboard"), year)
    kpis = response.context["tables"]["kpis"]
    households = next(r for r in kpis.rows if r[0] == "走访户数")
    assert households[2] == 120 and households[5] is None and households[6] is None  # no "同比增长1400%"
    assert "不作同比" in kpis.note and "走访户数" in kpis.note
    # With last year complete the comparison is made.
    for month in range(1, 12):
        value("households_visited", world.community_a, date(2023, month, 1), 5)
    response = client_for(city_leader).get(reverse("metrics:dashboard"), year)
    households = next(r for r in response.context["tables"]["kpis"].rows if r[0] == "走访户数")
    assert households[5] == 63 and households[6] is not None


def test_kpi_cards_follow_the_preset_for_the_region_and_role(figures, client_for, viewer_a):
    preset = DashboardPreset.objects.create(name="川汇区领导", region=figures.district_a, role=Profile.Role.VIEWER)
    preset.indicators.set(Indicator.objects.filter(code__in=["party_members", "rate"]))
    rows = download(client_for(viewer_a), "kpis", **Q)
    assert [r[0] for r in rows[1:]] == ["党员人数", "满意率等比率"]


def test_filters_switch_tier_and_source(world, client_for, city_leader):
    value("households_visited", world.community_a, JAN, 10)
    value("households_visited", world.community_b, JAN, 7, status="submitted", source="report")
    client = client_for(city_leader)

    def households(**params):
        rows = download(client, "kpis", **Q, **params)
        return next(r for r in rows if r[0] == "走访户数")[2]

    assert households() == "10"
    assert households(submitted="on") == "17"
    assert households(submitted="on", source="report") == "7"
    assert households(source="import") == ""


def test_a_bad_period_keeps_the_page_working(figures, client_for, city_leader):
    response = client_for(city_leader).get(reverse("metrics:dashboard"), {"period_from": "2024-13"})
    assert response.status_code == 200
    assert "无效的月份" in response.content.decode()


def test_campaign_progress_completeness_elections_and_stars(figures, client_for, city_leader):
    campaign = Campaign.objects.get(code="home_visits")
    campaign.start, campaign.end = date(2024, 1, 1), date(2024, 12, 31)
    campaign.save()
    CampaignTarget.objects.create(
        campaign=campaign,
        indicator=Indicator.objects.get(code="households_visited"),
        region=figures.district_a,
        target=60,
    )
    dataset = figures.community_a.values.first().indicator.datasetindicator_set.first().dataset
    MonthlyReturn.objects.create(
        region=figures.community_a, dataset=dataset, month=date(2024, 3, 1), status="submitted"
    )
    OrganisationFactory(region=figures.community_a, next_election_due=date(2020, 1, 1))
    client = client_for(city_leader)
    campaigns = download(client, "campaigns", **Q, campaign=campaign.pk)
    assert campaigns[1] == ["入户大走访", "川汇区", "走访户数", "60", "15", "25"]
    completeness = download(client, "completeness", **Q)
    assert completeness[1][0] == "川汇区" and completeness[1][2] == "1"  # one submitted
    elections = download(client, "elections", **Q)
    assert elections[1][:4] == [elections[1][0], "朱庄社区", "2020-01-01", "已逾期"]
    stars = download(client, "stars", **Q)
    assert stars[0] == ["星级", "2024年", "2023年", "变化"] and len(stars) == 7


def test_news_highlights_show_the_sentence_and_the_report(figures, client_for, city_leader):
    from reports.models import Mention, Report

    text = "朱庄社区开展入户走访。全体党员共走访群众120户，收集意见建议8条。"
    report = Report.objects.create(
        title="朱庄社区开展入户大走访", source_kind="website", published=FEB, region=figures.community_a, text=text
    )
    start = text.index("120户")
    mention = Mention.objects.create(
        report=report, start=start, end=start + 4, text="120户", value=120, unit="户", review="accepted"
    )
    dv = value("households_visited", figures.community_a, date(2024, 3, 1), 120, source="report")
    mention.data_value = dv
    mention.save()
    rows = download(client_for(city_leader), "news", **Q)
    assert rows[1][1:] == [
        "朱庄社区",
        "走访户数",
        "120",
        "全体党员共走访群众120户，收集意见建议8条。",
        "朱庄社区开展入户大走访",
    ]


def test_the_screen_mode_refreshes_itself(figures, client_for, city_leader):
    response = client_for(city_leader).get(reverse("metrics:dashboard_screen"), Q)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="300">' in html
    assert "数据大屏" in html and 'id="chart-children"' in html


def test_the_navigation_shows_the_dashboard(figures, client_for, editor_a):
    html = client_for(editor_a).get(reverse("home")).content.decode()
    assert reverse("metrics:dashboard") in html


def test_roles_without_a_region_get_404(db, client_for):
    user = make_user(Region.objects.create(name="某市", level="city"), Profile.Role.VIEWER, "lonely")
    user.profile.delete()
    assert client_for(user).get(reverse("metrics:dashboard")).status_code == 404


def test_a_campaign_without_a_period_takes_the_campaigns_dates(figures, client_for, city_leader):
    campaign = Campaign.objects.get(code="home_visits")
    campaign.start, campaign.end = date(2024, 1, 1), date(2024, 2, 29)
    campaign.save()
    response = client_for(city_leader).get(reverse("metrics:dashboard"), {"campaign": campaign.pk})
    assert response.context["params"].period.code == "2024-01~2024-02"
    assert Period.parse("2024-01").start == response.context["params"].period.start


def test_money_reads_in_wan_yuan_on_the_page_and_stays_exact_in_the_csv(world, client_for, city_leader):
    value("investment", world.community_a, JAN, 76_377_700)
    value("investment", world.community_b, JAN, 135_000_000)
    investment = Indicator.objects.get(code="investment")
    client = client_for(city_leader)
    response = client.get(reverse("metrics:dashboard"), {**Q, "indicator": investment.pk})
    html = response.content.decode()
    children = dict(response.context["tables"]["children"].display_rows()[i][:2] for i in range(2))
    assert children == {"川汇区": "7,637.77 万元", "周口市城乡一体化示范区": "1.35 亿元"}
    assert "7,637.77 万元" in html and "76377700" not in html
    card = next(c for c in response.context["kpi_cards"] if c["name"] == investment.label)
    assert card["figure"] == ("2.11", "亿元")  # 211 377 700 元 for the city
    chart = next(c for c in response.context["charts"] if c["id"] == "children")
    assert chart["axis_unit"] == "亿元" and chart["series"][0]["texts"] == ["7,637.77 万元", "1.35 亿元"]
    # Files hold 万元, the unit officials read, with the exact 元 in a column of their own.
    rows = download(client, "children", **Q, indicator=investment.pk)
    label = response.context["tables"]["children"].columns[1]
    assert rows[0][:3] == ["区域", f"{label}（万元）", f"{label}（元）"]
    assert rows[1][:3] == ["川汇区", "7637.77", "76377700"]
    assert rows[2][:3] == ["周口市城乡一体化示范区", "13500", "135000000"]
    kpis = download(client, "kpis", **Q)
    header, money = kpis[0], next(r for r in kpis if r[0] == investment.label)
    assert header[:4] == ["指标", "单位", header[2], f"{header[2]}（元）"]
    assert money[1:4] == ["万元", "21137.77", "211377700"]
    counted = next(r for r in kpis if r[0] == "走访户数")
    assert counted[1] == "户" and counted[3] == ""  # no 元 column figure for a count
