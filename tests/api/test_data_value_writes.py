"""Figures written through the API land in the monthly return draft, once per cell, within scope."""

from datetime import date
from decimal import Decimal

import pytest

from metrics.models import DataSet, DataValue, DataValueChange, MonthlyReturn
from tests.factories import monthly_return, value

URL = "/api/v1/data-values/"


def cell(world, **extra):
    return {"indicator": "households_visited", "region": world.community_a.pk, "period": "2024-03", **extra}


def test_editor_enters_a_figure_into_the_draft(world, editor_a, api_for):
    response = api_for(editor_a).post(URL, cell(world, value=12, comment="入户走访"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["value"] == "12.0000" and body["status"] == "draft" and body["source"] == "return"
    assert body["form"]["status"] == "draft"
    dv = DataValue.objects.get(pk=body["id"])
    assert dv.monthly_return.dataset.code == "service" and dv.updated_by == editor_a
    assert DataValueChange.objects.filter(data_value=dv, new_value=Decimal(12)).exists()


def test_a_filled_cell_is_reported_once(world, editor_a, api_for):
    api = api_for(editor_a)
    first = api.post(URL, cell(world, value=12), format="json").json()
    again = api.post(URL, cell(world, value=13), format="json")
    assert again.status_code == 409
    error = again.json()["error"]
    assert error["code"] == "already_reported" and error["existing_id"] == first["id"]
    assert DataValue.objects.get().value == Decimal(12)


def test_editor_changes_and_clears_a_figure(world, editor_a, api_for):
    api = api_for(editor_a)
    created = api.post(URL, cell(world, value=12), format="json").json()
    changed = api.patch(f"{URL}{created['id']}/", {"value": "1,５00", "reason": "更正"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["value"] == "1500.0000"
    assert api.delete(f"{URL}{created['id']}/").status_code == 204
    assert not DataValue.objects.exists()


def test_a_news_suggestion_is_confirmed_not_copied(world, editor_a, api_for):
    suggestion = value(
        "households_visited", world.community_a, date(2024, 3, 1), 40, status="submitted", source="report"
    )
    response = api_for(editor_a).post(URL, cell(world, value=40), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["id"] == suggestion.pk
    assert DataValue.objects.get().source == "return"


def test_another_district_cannot_write_here(world, editor_a, editor_b, api_for):
    refused = api_for(editor_b).post(URL, cell(world, value=5), format="json")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    dv = api_for(editor_a).post(URL, cell(world, value=5), format="json").json()
    assert api_for(editor_b).patch(f"{URL}{dv['id']}/", {"value": 6}, format="json").status_code == 404
    assert api_for(editor_b).delete(f"{URL}{dv['id']}/").status_code == 404
    assert DataValue.objects.get().value == Decimal(5)


def test_a_viewer_cannot_write(world, viewer_a, city_leader, api_for):
    response = api_for(viewer_a).post(URL, cell(world, value=5), format="json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "read_only_role" and error["message_en"].startswith("Your role is read-only")
    assert api_for(city_leader).post(URL, cell(world, value=5), format="json").status_code == 403
    assert not DataValue.objects.exists()


@pytest.mark.parametrize(
    ("state", "code"),
    [
        ({"locked": True, "lock_reason": "admin"}, "locked"),
        ({"status": "approved", "locked": True, "lock_reason": "approval"}, "locked"),
        ({"status": "submitted"}, "submitted"),
    ],
)
def test_writes_to_a_form_that_is_not_a_draft_are_refused(world, editor_a, api_for, state, code):
    ret = monthly_return(world.community_a, DataSet.objects.get(code="service"), date(2024, 3, 1))
    dv = value("households_visited", world.community_a, date(2024, 3, 1), 8, status="draft")
    dv.monthly_return = ret
    dv.save(update_fields=["monthly_return"])
    MonthlyReturn.objects.filter(pk=ret.pk).update(**state)
    api = api_for(editor_a)
    response = api.patch(f"{URL}{dv.pk}/", {"value": 9}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == code and error["form"]["id"] == ret.pk
    assert error["message"] and error["message_en"]
    other = api.post(URL, cell(world, indicator="people_visited", value=3), format="json")
    assert other.status_code == 409 and other.json()["error"]["code"] == code
    assert DataValue.objects.get(pk=dv.pk).value == Decimal(8)


def test_invalid_figures_come_back_per_field(world, editor_a, api_for):
    api = api_for(editor_a)
    for bad in ("abc", -1, "1.5"):
        response = api.post(URL, cell(world, value=bad), format="json")
        assert response.status_code == 400, bad
        assert response.json()["error"]["fields"]["value"], bad
    wrong_period = api.post(URL, cell(world, value=1, period="2024"), format="json")
    assert "period" in wrong_period.json()["error"]["fields"]
    future = api.post(URL, cell(world, value=1, period="2999-01"), format="json")
    assert future.status_code == 400
    not_in_form = api.post(URL, cell(world, value=1, region=world.street_a.pk), format="json")
    assert "indicator" in not_in_form.json()["error"]["fields"]
    assert not DataValue.objects.exists()


def test_a_stale_form_version_is_a_conflict(world, editor_a, api_for):
    api = api_for(editor_a)
    created = api.post(URL, cell(world, value=12), format="json").json()
    stale = created["form"]["version"]
    api.post(URL, cell(world, indicator="people_visited", value=30), format="json")
    response = api.patch(f"{URL}{created['id']}/", {"value": 13, "form_version": stale}, format="json")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "version_conflict" and error["current_value"] == "12.0000"
    assert DataValue.objects.get(pk=created["id"]).value == Decimal(12)


def test_a_region_id_that_does_not_exist_is_refused_like_another_districts(world, editor_b, api_for):
    """Nobody can tell from the answer whether a region id exists outside their scope."""
    elsewhere = api_for(editor_b).post(URL, cell(world, value=5), format="json")
    body = cell(world, value=5)
    body["region"] = 999_999
    missing = api_for(editor_b).post(URL, body, format="json")
    assert missing.status_code == elsewhere.status_code == 403
    assert missing.json() == elsewhere.json()
