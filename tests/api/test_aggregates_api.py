"""Aggregates through the API: the dashboards' service, inside the caller's scope."""

from datetime import date

from regions.models import Region
from tests.factories import value

URL = "/api/v1/aggregates/"


def test_flows_add_up_over_the_quarter_and_the_subtree(world, editor_a, api_for):
    other = Region.objects.create(name="小乔社区", level=Region.Level.COMMUNITY, parent=world.street_a)
    for month, amount in ((1, 10), (2, 20), (3, 30)):
        value("households_visited", world.community_a, date(2024, month, 1), amount)
    value("households_visited", other, date(2024, 2, 1), 5)
    value("households_visited", other, date(2024, 3, 1), 7, status="submitted")
    value("households_visited", world.community_b, date(2024, 3, 1), 1000)
    api = api_for(editor_a)
    body = api.get(URL, {"indicator": "households_visited", "period_from": "2024-Q1"}).json()
    assert body["region"]["name"] == "川汇区" and body["period"] == "2024-Q1"
    assert [(r["value"], r["count"]) for r in body["results"]] == [("65.0000", 4)]
    with_submitted = api.get(
        URL, {"indicator": "households_visited", "period_from": "2024-Q1", "include_submitted": "true"}
    ).json()
    assert with_submitted["results"][0]["value"] == "72.0000"


def test_grouped_by_month_and_by_child_region(world, city_leader, api_for):
    value("households_visited", world.community_a, date(2024, 1, 1), 10)
    value("households_visited", world.community_a, date(2024, 2, 1), 20)
    value("households_visited", world.community_b, date(2024, 2, 1), 3)
    api = api_for(city_leader)
    by_month = api.get(
        URL, {"indicator": "households_visited", "period_from": "2024-01", "period_to": "2024-02", "group_by": "month"}
    ).json()["results"]
    assert [(r["group"]["code"], r["value"]) for r in by_month] == [("2024-01", "10.0000"), ("2024-02", "23.0000")]
    by_region = api.get(
        URL, {"indicator": "households_visited", "period_from": "2024-01", "period_to": "2024-02", "group_by": "region"}
    ).json()["results"]
    assert [(r["group"]["name"], r["value"]) for r in by_region] == [
        ("川汇区", "30.0000"),
        ("周口市城乡一体化示范区", "3.0000"),
    ]


def test_another_districts_region_is_404(world, editor_b, api_for):
    response = api_for(editor_b).get(
        URL, {"indicator": "households_visited", "period_from": "2024", "region": world.district_a.pk}
    )
    assert response.status_code == 404


def test_bad_queries_are_field_errors(world, editor_a, api_for):
    api = api_for(editor_a)
    missing = api.get(URL, {"period_from": "2024"}).json()["error"]["fields"]
    assert "indicator" in missing
    unknown = api.get(URL, {"indicator": "nope", "period_from": "2024"}).json()["error"]["fields"]
    assert "indicator" in unknown
    backwards = api.get(URL, {"indicator": "households_visited", "period_from": "2024-05", "period_to": "2024-01"})
    assert backwards.status_code == 400 and "period_to" in backwards.json()["error"]["fields"]
    too_long = api.get(URL, {"indicator": "households_visited", "period_from": "2000", "period_to": "2024"})
    assert too_long.status_code == 400
