"""Monthly returns through the API: the form pages' workflow, rights, conflicts and refusals as JSON."""

from datetime import date
from decimal import Decimal

from metrics.models import DataSet, DataSetIndicator, DataValue, Indicator, MonthlyReturn, ReturnEvent
from portal.models import Profile
from tests.factories import make_user, value

URL = "/api/v1/monthly-returns/"
MONTH = "2024-03"


def key(region, dataset="projects", month=MONTH) -> dict:
    return {"region": region.pk, "dataset": dataset, "month": month}


def open_form(api, region, dataset="projects") -> dict:
    response = api.post(URL, key(region, dataset), format="json")
    assert response.status_code in (200, 201), response.json()
    return response.json()


def save(api, form: dict, values: dict, method: str = "patch", **extra):
    body = {"version": form["version"], "values": values, **extra}
    return getattr(api, method)(f"{URL}{form['id']}/", body, format="json")


def filled(api, region, values=None) -> dict:
    form = open_form(api, region)
    response = save(api, form, values or {"projects": 3, "projects_completed": 1})
    assert response.status_code == 200, response.json()
    return response.json()


def submitted(api, region) -> dict:
    form = filled(api, region)
    response = api.post(f"{URL}{form['id']}/submit/", {"version": form["version"]}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def row(form: dict, code: str) -> dict:
    return next(r for r in form["values"] if r["indicator"] == code)


def assert_bilingual(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.json()
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"] and error["message_en"] and error["message"] != error["message_en"]
    return error


# --- The whole path ----------------------------------------------------------------------


def test_street_editor_fills_and_submits_and_the_approver_approves(world, street_editor_a, approver_a, api_for):
    api = api_for(street_editor_a)
    created = api.post(URL, key(world.street_a), format="json")
    assert created.status_code == 201, created.json()
    form = created.json()
    assert (form["status"], form["editable"], form["version"]) == ("draft", True, 1)
    assert form["region_name"] == "金海路街道" and form["dataset"] == "projects" and form["month"] == MONTH
    assert [r["indicator"] for r in form["values"]][:2] == ["projects", "projects_completed"]
    assert api.post(URL, key(world.street_a), format="json").json()["id"] == form["id"]  # got, not created

    saved = save(api, form, {"projects": 3, "projects_completed": "１"}, comments={"projects": "新开工"})
    assert saved.status_code == 200, saved.json()
    form = saved.json()
    assert row(form, "projects")["value"] == "3.0000" and row(form, "projects")["comment"] == "新开工"
    assert row(form, "projects_completed")["value"] == "1.0000"
    assert form["version"] == 2 and form["findings"] == {"errors": {}, "warnings": {}}

    sent = api.post(f"{URL}{form['id']}/submit/", {"version": form["version"]}, format="json")
    assert sent.status_code == 200, sent.json()
    assert sent.json()["status"] == "submitted" and sent.json()["submitted_by"] == "street_editor_a"
    assert sent.json()["editable"] is False

    approved = api_for(approver_a).post(f"{URL}{form['id']}/approve/", {"note": "数据完整"}, format="json")
    assert approved.status_code == 200, approved.json()
    body = approved.json()
    assert (body["status"], body["locked"], body["lock_reason"], body["approved_by"]) == (
        "approved",
        True,
        "approval",
        "approver_a",
    )
    assert body["status_display"] == "已审核（已锁定）" and body["status_reason"] == "锁定方式：审核通过后锁定"

    listed = api_for(approver_a).get(
        "/api/v1/data-values/", {"indicator": "projects", "exact_region": world.street_a.pk, "period_from": MONTH}
    )
    [figure] = listed.json()["results"]
    assert (figure["value"], figure["status"], figure["monthly_return"]) == ("3.0000", "approved", form["id"])


def test_list_filters_by_region_dataset_month_and_status(world, editor_a, street_editor_a, api_for):
    submitted(api_for(street_editor_a), world.street_a)
    open_form(api_for(editor_a), world.community_a, dataset="service")
    api = api_for(editor_a)

    def ids(**params) -> list[str]:
        body = api.get(URL, params).json()
        assert {"count", "next", "previous", "results"} <= set(body)
        return [f"{r['region_name']}/{r['dataset']}" for r in body["results"]]

    assert sorted(ids()) == ["朱庄社区/service", "金海路街道/projects"]
    assert ids(region=world.community_a.pk) == ["朱庄社区/service"]
    assert ids(exact_region=world.street_a.pk) == ["金海路街道/projects"]
    assert ids(dataset="projects") == ["金海路街道/projects"]
    assert ids(status="submitted") == ["金海路街道/projects"]
    assert sorted(ids(month="2024")) == sorted(ids(month=MONTH)) == ["朱庄社区/service", "金海路街道/projects"]
    assert ids(month="2024-04") == []


# --- Saving ------------------------------------------------------------------------------


def test_a_stale_version_is_a_conflict_with_the_other_persons_figures(world, street_editor_a, editor_a, api_for):
    mine, theirs = api_for(street_editor_a), api_for(editor_a)
    form = open_form(mine, world.street_a)
    assert save(theirs, form, {"projects": 5}).status_code == 200

    response = save(mine, form, {"projects": 4, "projects_completed": 2})
    error = assert_bilingual(response, 409, "version_conflict")
    assert error["version"] == form["version"] + 1
    assert error["theirs"]["projects"] == "5.0000" and error["theirs"]["projects_completed"] is None
    assert "您的修改尚未保存" in error["message"]
    figures = dict(DataValue.objects.filter(region=world.street_a).values_list("indicator__code", "value"))
    assert figures == {"projects": Decimal(5)}

    again = save(mine, {**form, "version": error["version"]}, {"projects": 4, "projects_completed": 2})
    assert again.status_code == 200, again.json()


def test_invalid_figures_answer_400_per_indicator_and_write_nothing(world, street_editor_a, api_for):
    api = api_for(street_editor_a)
    form = filled(api, world.street_a, {"projects": 3})
    response = save(api, form, {"projects": "abc", "jobs": -1, "investment": 100})
    error = assert_bilingual(response, 400, "invalid")
    assert set(error["fields"]["values"]) == {"projects", "jobs"}
    assert error["findings"]["errors"] == error["fields"]["values"]
    relation = save(api, form, {"projects_completed": 9})  # more completed than there are projects
    assert relation.status_code == 400 and "projects_completed" in relation.json()["error"]["fields"]["values"]
    unknown = save(api, form, {"party_members": 3})  # an indicator of another form
    assert unknown.status_code == 400 and "values" in unknown.json()["error"]["fields"]
    assert dict(DataValue.objects.values_list("indicator__code", "value")) == {"projects": Decimal(3)}
    assert MonthlyReturn.objects.get().version == form["version"]


def test_put_replaces_the_form_and_patch_changes_only_the_named_cells(world, street_editor_a, api_for):
    api = api_for(street_editor_a)
    form = filled(api, world.street_a, {"projects": 3, "projects_completed": 1, "jobs": 20})
    patched = save(api, form, {"jobs": 25}).json()
    assert [row(patched, c)["value"] for c in ("projects", "jobs")] == ["3.0000", "25.0000"]
    no_values = api.put(f"{URL}{form['id']}/", {"version": patched["version"]}, format="json")
    assert no_values.status_code == 400 and "values" in no_values.json()["error"]["fields"]
    put = save(api, patched, {"projects": 2}, method="put").json()
    assert row(put, "projects")["value"] == "2.0000"
    assert row(put, "projects_completed")["value"] is None and row(put, "jobs")["value"] is None
    missing_version = api.patch(f"{URL}{form['id']}/", {"values": {"jobs": 1}}, format="json")
    assert missing_version.status_code == 400 and "version" in missing_version.json()["error"]["fields"]


def test_a_submitted_form_refuses_writes(world, street_editor_a, api_for):
    api = api_for(street_editor_a)
    form = submitted(api, world.street_a)
    error = assert_bilingual(save(api, form, {"projects": 9}), 409, "submitted")
    assert error["form"]["id"] == form["id"]
    assert DataValue.objects.get(indicator__code="projects").value == Decimal(3)


# --- Workflow ----------------------------------------------------------------------------


def test_a_return_with_its_reason_shows_on_the_next_read(world, street_editor_a, approver_a, api_for):
    form = submitted(api_for(street_editor_a), world.street_a)
    approver = api_for(approver_a)
    no_reason = approver.post(f"{URL}{form['id']}/return/", {"reason": "  "}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    returned = approver.post(f"{URL}{form['id']}/return/", {"reason": "项目数与台账不符"}, format="json")
    assert returned.status_code == 200, returned.json()

    read = api_for(street_editor_a).get(f"{URL}{form['id']}/").json()
    assert (read["status"], read["editable"]) == ("returned", True)
    assert read["status_reason"] == "退回原因：项目数与台账不符"
    assert save(api_for(street_editor_a), read, {"projects": 4}).status_code == 200


def test_approval_waits_for_the_regions_below(world, editor_a, street_editor_a, api_for):
    district = submitted(api_for(editor_a), world.district_a)
    city_approver = make_user(world.city, Profile.Role.APPROVER, "city_approver")
    error = assert_bilingual(
        api_for(city_approver).post(f"{URL}{district['id']}/approve/", format="json"), 409, "children_pending"
    )
    assert error["blocking"] == [{"region": world.street_a.pk, "region_name": "金海路街道", "state": "not_started"}]
    assert MonthlyReturn.objects.get(pk=district["id"]).status == "submitted"


def test_steps_in_the_wrong_state_are_refused_in_both_languages(world, street_editor_a, approver_a, api_for):
    editor, approver = api_for(street_editor_a), api_for(approver_a)
    empty = open_form(editor, world.street_a)
    assert_bilingual(editor.post(f"{URL}{empty['id']}/submit/", format="json"), 409, "empty_return")
    assert_bilingual(approver.post(f"{URL}{empty['id']}/approve/", format="json"), 409, "not_submitted")
    reason = {"reason": "测试"}
    assert_bilingual(approver.post(f"{URL}{empty['id']}/return/", reason, format="json"), 409, "not_submitted")
    assert_bilingual(approver.post(f"{URL}{empty['id']}/unlock/", reason, format="json"), 409, "not_locked")
    assert_bilingual(approver.post(f"{URL}{empty['id']}/unwaive/", reason, format="json"), 409, "not_waived")
    stale = editor.post(f"{URL}{empty['id']}/submit/", {"version": empty["version"] + 5}, format="json")
    assert_bilingual(stale, 409, "version_conflict")
    # Whatever language the client asks for, message is Chinese and message_en English.
    english = approver.post(f"{URL}{empty['id']}/approve/", format="json", HTTP_ACCEPT_LANGUAGE="en")
    error = english.json()["error"]
    assert "只有已提交的报表可以审核" in error["message"] and error["message_en"].startswith("Only a submitted")


def test_submission_checks_come_back_per_indicator(world, street_editor_a, api_for):
    Indicator.objects.filter(code="jobs").update(required=True)  # rules are data, edited in the admin
    api = api_for(street_editor_a)
    form = filled(api, world.street_a)
    error = assert_bilingual(api.post(f"{URL}{form['id']}/submit/", format="json"), 400, "checks_failed")
    assert "必填" in error["fields"]["values"]["jobs"][0]
    assert MonthlyReturn.objects.get().status == "draft"


def test_unlock_after_approval_sends_the_form_back_with_the_reason(world, street_editor_a, approver_a, api_for):
    form = submitted(api_for(street_editor_a), world.street_a)
    approver = api_for(approver_a)
    assert approver.post(f"{URL}{form['id']}/approve/", format="json").status_code == 200
    no_reason = approver.post(f"{URL}{form['id']}/unlock/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    unlocked = approver.post(f"{URL}{form['id']}/unlock/", {"reason": "补录一个项目"}, format="json").json()
    assert (unlocked["status"], unlocked["locked"]) == ("returned", False)
    assert unlocked["status_reason"] == "退回原因：解锁修改：补录一个项目"
    assert ReturnEvent.objects.filter(monthly_return_id=form["id"], action="unlock").exists()


def test_waive_and_unwaive_need_a_reason_and_an_approver_above(world, street_editor_a, approver_a, api_for):
    form = open_form(api_for(approver_a), world.street_a)
    approver, editor = api_for(approver_a), api_for(street_editor_a)
    assert editor.post(f"{URL}{form['id']}/waive/", {"reason": "撤并"}, format="json").status_code == 403
    assert approver.post(f"{URL}{form['id']}/waive/", {}, format="json").status_code == 400
    waived = approver.post(f"{URL}{form['id']}/waive/", {"reason": "街道撤并"}, format="json").json()
    assert (waived["waived"], waived["status_display"], waived["status_reason"]) == (True, "免报", "免报原因：街道撤并")
    again = approver.post(f"{URL}{form['id']}/waive/", {"reason": "再次"}, format="json")
    assert_bilingual(again, 409, "already_waived")
    assert_bilingual(save(editor, waived, {"projects": 1}), 409, "waived")
    back = approver.post(f"{URL}{form['id']}/unwaive/", {"reason": "恢复设立"}, format="json").json()
    assert (back["waived"], back["status_reason"], back["editable"]) == (False, "", True)


def test_an_administrator_locks_with_a_reason_shown_on_the_form(world, street_editor_a, api_for):
    admin = make_user(world.district_a, Profile.Role.ADMIN, "admin_a")
    form = filled(api_for(street_editor_a), world.street_a)
    locked = api_for(admin).post(f"{URL}{form['id']}/lock/", {"reason": "巡察期间冻结"}, format="json").json()
    assert locked["locked"] and locked["status_reason"] == "锁定方式：管理员锁定：巡察期间冻结"
    again = api_for(admin).post(f"{URL}{form['id']}/lock/", {"reason": "再次"}, format="json")
    assert_bilingual(again, 409, "already_locked")
    assert_bilingual(save(api_for(street_editor_a), locked, {"projects": 9}), 409, "locked")


# --- Rights ------------------------------------------------------------------------------


def test_another_district_cannot_read_or_change_the_form(world, street_editor_a, editor_b, api_for):
    form = filled(api_for(street_editor_a), world.street_a)
    other = api_for(editor_b)
    assert other.get(URL).json()["count"] == 0
    assert other.get(f"{URL}{form['id']}/").status_code == 404
    assert save(other, form, {"projects": 99}).status_code == 404
    for step in ("submit", "approve", "return", "unlock", "lock", "waive", "unwaive"):
        response = other.post(f"{URL}{form['id']}/{step}/", {"reason": "越权"}, format="json")
        assert response.status_code == 404, step
        assert response.json()["error"]["code"] == "not_found"
    refused = other.post(URL, key(world.street_a), format="json")
    missing = other.post(URL, {**key(world.street_a), "region": 999_999}, format="json")
    assert refused.status_code == missing.status_code == 403
    assert refused.json() == missing.json()  # nothing tells whether the id exists elsewhere
    assert MonthlyReturn.objects.get().version == form["version"]
    assert DataValue.objects.get(indicator__code="projects").value == Decimal(3)


def test_a_viewer_reads_but_cannot_write(world, street_editor_a, viewer_a, city_leader, api_for):
    form = filled(api_for(street_editor_a), world.street_a)
    for persona in (viewer_a, city_leader):
        api = api_for(persona)
        assert api.get(f"{URL}{form['id']}/").json()["id"] == form["id"]
        refusals = [
            api.post(URL, key(world.street_a), format="json"),
            save(api, form, {"projects": 9}),
            api.post(f"{URL}{form['id']}/submit/", format="json"),
            api.post(f"{URL}{form['id']}/approve/", format="json"),
        ]
        for response in refusals:
            assert_bilingual(response, 403, "read_only_role")
    assert MonthlyReturn.objects.get().status == "draft"


def test_only_an_approver_above_may_approve(world, street_editor_a, editor_a, approver_a, api_for):
    form = submitted(api_for(street_editor_a), world.street_a)
    for persona in (street_editor_a, editor_a):
        refused = api_for(persona).post(f"{URL}{form['id']}/approve/", format="json")
        error = assert_bilingual(refused, 403, "permission_denied")
        assert "审核员" in error["message"]
    own = submitted(api_for(approver_a), world.district_a)  # an approver's own region needs the city
    assert api_for(approver_a).post(f"{URL}{own['id']}/approve/", format="json").status_code == 403
    assert MonthlyReturn.objects.get(pk=form["id"]).status == "submitted"


def test_forms_a_level_does_not_report_and_future_months_are_400(world, editor_a, api_for):
    api = api_for(editor_a)
    wrong_level = api.post(URL, key(world.community_a, dataset="projects"), format="json")
    assert wrong_level.status_code == 400
    assert api.post(URL, key(world.street_a, month="2999-01"), format="json").status_code == 400
    assert "month" in api.post(URL, key(world.street_a, month="2024"), format="json").json()["error"]["fields"]
    assert not MonthlyReturn.objects.exists()


def test_browsable_pages_serve_the_owner_and_show_nothing_to_another_district(
    world, street_editor_a, editor_b, api_for, client_for
):
    form = filled(api_for(street_editor_a), world.street_a)
    own = client_for(street_editor_a).get(f"{URL}{form['id']}/", HTTP_ACCEPT="text/html")
    assert own.status_code == 200 and "金海路街道" in own.content.decode()
    html = client_for(editor_b).get(URL, HTTP_ACCEPT="text/html").content.decode()
    assert "金海路街道" not in html and "川汇区" not in html


# --- Query counts ------------------------------------------------------------------------


def _add_indicators(dataset: DataSet, region, first: int, n: int) -> None:
    for i in range(first, first + n):
        ind = Indicator.objects.create(
            code=f"extra_{i}", name=f"增补指标{i}", unit="个", category="projects", time_aggregation="sum",
            region_aggregation="sum", order=100 + i,
        )  # fmt: skip
        DataSetIndicator.objects.create(dataset=dataset, indicator=ind, order=100 + i)
        value(ind, region, date(2024, 3, 1), i, status="draft")
        value(ind, region, date(2024, 2, 1), i)


def test_reading_a_form_does_not_grow_with_its_indicators(
    world, street_editor_a, api_for, django_assert_max_num_queries
):
    api = api_for(street_editor_a)
    form = filled(api, world.street_a)
    dataset = DataSet.objects.get(code="projects")
    _add_indicators(dataset, world.street_a, 0, 2)
    with django_assert_max_num_queries(15) as small:
        assert len(api.get(f"{URL}{form['id']}/").json()["values"]) == 7
    _add_indicators(dataset, world.street_a, 2, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert len(api.get(f"{URL}{form['id']}/").json()["values"]) == 19


def test_listing_forms_does_not_grow_with_their_number(world, editor_a, api_for, django_assert_max_num_queries):
    from regions.models import Region

    api = api_for(editor_a)
    dataset = DataSet.objects.get(code="service")

    def grow(first: int, n: int) -> None:
        for i in range(first, first + n):
            community = Region.objects.create(name=f"增补社区{i}", level=Region.Level.COMMUNITY, parent=world.street_a)
            MonthlyReturn.objects.create(region=community, dataset=dataset, month=date(2024, 3, 1), updated_by=editor_a)

    grow(0, 2)
    with django_assert_max_num_queries(7) as small:
        assert api.get(URL).json()["count"] == 2
    grow(2, 12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert api.get(URL).json()["count"] == 14
