"""Reads through the API: happy paths, filters, and another district seeing nothing."""

from datetime import date

import pytest

from regions.models import Region
from reports.models import Mention, Report
from tests.factories import OrganisationFactory, value


def test_regions_list_only_the_callers_subtree(world, editor_a, api_for):
    body = api_for(editor_a).get("/api/v1/regions/").json()
    assert {r["name"] for r in body["results"]} == {"川汇区", "金海路街道", "朱庄社区"}
    district = next(r for r in body["results"] if r["name"] == "川汇区")
    assert district["children_count"] == 1 and district["level"] == "district"


def test_regions_filter_by_parent_and_within(world, city_leader, api_for):
    api = api_for(city_leader)
    children = api.get("/api/v1/regions/", {"parent": world.city.pk}).json()["results"]
    assert [r["name"] for r in children] == ["川汇区", "城乡一体化示范区"]
    subtree = api.get("/api/v1/regions/", {"within": world.district_b.pk}).json()["results"]
    assert [r["name"] for r in subtree] == ["城乡一体化示范区", "文昌街道", "景园社区"]


def test_regions_of_another_district_are_invisible(world, editor_b, api_for):
    api = api_for(editor_b)
    assert api.get(f"/api/v1/regions/{world.community_a.pk}/").status_code == 404
    refused = api.get("/api/v1/regions/", {"within": world.district_a.pk})
    assert refused.status_code == 400
    assert "within" in refused.json()["error"]["fields"]


def test_region_tree_nests_children_to_the_requested_depth(world, city_leader, api_for):
    tree = api_for(city_leader).get("/api/v1/regions/tree/", {"depth": 2}).json()
    assert tree["name"] == "周口市"
    assert [c["name"] for c in tree["children"]] == ["川汇区", "城乡一体化示范区"]
    assert [s["name"] for s in tree["children"][0]["children"]] == ["金海路街道"]
    assert tree["children"][0]["children"][0]["children"] == []


def test_region_tree_of_another_district_is_404(world, editor_b, api_for):
    assert api_for(editor_b).get("/api/v1/regions/tree/", {"within": world.district_a.pk}).status_code == 404


def test_organisations_are_scoped_and_filter_by_subtree(world, editor_a, city_leader, api_for):
    OrganisationFactory(name="朱庄社区党支部", region=world.community_a)
    other = OrganisationFactory(name="景园社区党支部", region=world.community_b)
    assert [o["name"] for o in api_for(editor_a).get("/api/v1/organisations/").json()["results"]] == ["朱庄社区党支部"]
    assert api_for(editor_a).get(f"/api/v1/organisations/{other.pk}/").status_code == 404
    within_b = api_for(city_leader).get("/api/v1/organisations/", {"region": world.district_b.pk}).json()
    assert [o["name"] for o in within_b["results"]] == ["景园社区党支部"]


def test_indicator_catalogue_by_code(world, viewer_a, api_for):
    api = api_for(viewer_a)
    one = api.get("/api/v1/indicators/households_visited/").json()
    assert one["time_aggregation"] == "sum" and one["unit"]
    listed = api.get("/api/v1/indicators/", {"page_size": 500}).json()
    assert "party_members" in {i["code"] for i in listed["results"]}


def test_data_values_filter_and_scope(world, editor_a, editor_b, api_for):
    value("households_visited", world.community_a, date(2024, 3, 1), 12)
    value("households_visited", world.community_a, date(2024, 5, 1), 7, status="submitted", source="report")
    value("households_visited", world.community_b, date(2024, 3, 1), 99)
    api = api_for(editor_a)
    everything = api.get("/api/v1/data-values/").json()
    assert everything["count"] == 2
    march = api.get(
        "/api/v1/data-values/",
        {
            "indicator": "households_visited",
            "region": world.district_a.pk,
            "period_from": "2024-Q1",
            "period_to": "2024-03",
        },
    ).json()["results"]
    assert [(v["period"], v["value"]) for v in march] == [("2024-03", "12.0000")]
    by_source = api.get("/api/v1/data-values/", {"source": "report", "status": "submitted"}).json()["results"]
    assert [v["period"] for v in by_source] == ["2024-05"]
    b_sees = api_for(editor_b).get("/api/v1/data-values/").json()
    assert [v["region_name"] for v in b_sees["results"]] == ["景园社区"]


def test_data_value_of_another_district_is_404(world, editor_b, api_for):
    dv = value("households_visited", world.community_a, date(2024, 3, 1), 12)
    assert api_for(editor_b).get(f"/api/v1/data-values/{dv.pk}/").status_code == 404


def test_bad_period_filter_is_a_field_error(world, editor_a, api_for):
    response = api_for(editor_a).get("/api/v1/data-values/", {"period_from": "2024-13"})
    assert response.status_code == 400
    assert "period_from" in response.json()["error"]["fields"]


@pytest.fixture
def report_a(world, editor_a):
    report = Report.objects.create(
        title="川汇区入户大走访",
        source_kind="newspaper",
        published=date(2024, 3, 20),
        region=world.district_a,
        text="走访群众1200户。",
        status=Report.Status.PARSED,
        submitted_by=editor_a,
    )
    Mention.objects.create(report=report, start=4, end=9, text="1200户", value=1200, unit="户", confidence=0.9)
    return report


def test_reports_and_mentions_are_read_within_scope(report_a, editor_a, editor_b, api_for):
    api = api_for(editor_a)
    detail = api.get(f"/api/v1/reports/{report_a.pk}/").json()
    assert detail["status"] == "parsed" and [m["text"] for m in detail["mentions"]] == ["1200户"]
    mentions = api.get("/api/v1/mentions/", {"report": report_a.pk, "review": "pending"}).json()
    assert mentions["count"] == 1
    b = api_for(editor_b)
    assert b.get(f"/api/v1/reports/{report_a.pk}/").status_code == 404
    assert b.get("/api/v1/reports/").json()["count"] == 0
    assert b.get(f"/api/v1/mentions/{report_a.mentions.get().pk}/").status_code == 404


def test_me_tells_role_and_scope(world, approver_a, api_for):
    me = api_for(approver_a).get("/api/v1/me/").json()
    assert me == {
        "username": "approver_a",
        "name": me["name"],
        "role": "approver",
        "region": world.district_a.pk,
        "region_name": "川汇区",
        "can_write": True,
        "can_approve": True,
    }


def test_pagination_caps_page_size(world, city_leader, api_for):
    for i in range(3):
        Region.objects.create(name=f"新社区{i}", level=Region.Level.COMMUNITY, parent=world.street_b)
    page = api_for(city_leader).get("/api/v1/regions/", {"page_size": 2}).json()
    assert page["count"] == 10 and len(page["results"]) == 2 and page["next"]


def test_a_user_without_scope_sees_no_tree(db, django_user_model, api_for):
    nobody = django_user_model.objects.create_user("nobody", password="x-Long-pass-1")
    assert api_for(nobody).get("/api/v1/regions/tree/").status_code == 404
    assert api_for(nobody).get("/api/v1/regions/").json()["count"] == 0
