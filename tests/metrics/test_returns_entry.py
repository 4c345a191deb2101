"""Entering a monthly form: saving drafts, history, news suggestions, concurrent edits and scope."""

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from metrics import services
from metrics.forms import default_month
from metrics.models import DataSet, DataValue, DataValueChange, MonthlyReturn
from metrics.periods import MONTH, Period
from tests.factories import value

MONTH_START = default_month()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Personas are created per test; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def form_url(region, name="return_form", dataset="organisation", month=MONTH_START) -> str:
    return reverse(f"metrics:{name}", kwargs={"region_id": region.pk, "dataset": dataset, "month": f"{month:%Y-%m}"})


def start(user, region, dataset="organisation", month=MONTH_START) -> MonthlyReturn:
    return services.return_get_or_create(
        user=user, region=region, dataset=DataSet.objects.get(code=dataset), month=month
    )


def save(user, ret, values, comments=None):
    ret.refresh_from_db()
    return services.return_save_values(
        user=user, monthly_return=ret, values=values, comments=comments or {}, expected_version=ret.version
    )


def stored(region, code, month=MONTH_START) -> DataValue | None:
    return DataValue.objects.filter(region=region, indicator__code=code, period_type=MONTH, period_start=month).first()


# --- Service -------------------------------------------------------------------------------


def test_saving_a_draft_stores_values_and_their_history(world, street_editor_a):
    ret = start(street_editor_a, world.street_a)
    save(street_editor_a, ret, {"party_members": "120", "full_members": "110"}, {"party_members": "含预备党员"})
    dv = stored(world.street_a, "party_members")
    assert dv.value == 120 and dv.comment == "含预备党员" and dv.status == "draft"
    assert dv.source == "return" and dv.monthly_return == ret and dv.updated_by == street_editor_a
    change = DataValueChange.objects.get(data_value=dv)
    assert (change.old_value, change.new_value, change.user) == (None, 120, street_editor_a)
    ret.refresh_from_db()
    assert ret.version == 2 and ret.updated_by == street_editor_a


def test_second_edit_records_old_and_new_value(world, street_editor_a, editor_a):
    ret = start(street_editor_a, world.street_a)
    save(street_editor_a, ret, {"party_members": "120"})
    save(editor_a, ret, {"party_members": "125"}, {"party_members": "补录5人"})
    latest = DataValueChange.objects.filter(indicator__code="party_members").first()
    assert (latest.old_value, latest.new_value, latest.user, latest.reason) == (120, 125, editor_a, "补录5人")


def test_autosaves_by_one_person_fold_into_one_history_entry(world, street_editor_a):
    ret = start(street_editor_a, world.street_a)
    for typed in ("1", "12", "120"):
        save(street_editor_a, ret, {"party_members": typed})
    changes = DataValueChange.objects.filter(indicator__code="party_members")
    assert [(c.old_value, c.new_value) for c in changes] == [(None, 120)]
    assert ret.events.filter(action="save").count() == 1


def test_clearing_a_value_deletes_it_but_keeps_its_history(world, street_editor_a, editor_a):
    ret = start(street_editor_a, world.street_a)
    save(street_editor_a, ret, {"party_members": "120"})
    save(editor_a, ret, {"party_members": ""})
    assert stored(world.street_a, "party_members") is None
    assert DataValueChange.objects.filter(monthly_return=ret, indicator__code="party_members").first().new_value is None


def test_an_error_rejects_the_whole_save(world, street_editor_a):
    ret = start(street_editor_a, world.street_a)
    with pytest.raises(services.ReturnInvalid) as exc:
        save(street_editor_a, ret, {"party_members": "100", "full_members": "120", "service_centers": "2"})
    assert "full_members" in exc.value.findings.errors
    assert not DataValue.objects.exists()


def test_relations_check_values_stored_earlier(world, street_editor_a):
    ret = start(street_editor_a, world.street_a)
    save(street_editor_a, ret, {"party_members": "100"})
    with pytest.raises(services.ReturnInvalid):
        save(street_editor_a, ret, {"full_members": "101"})


def test_news_figure_is_a_suggestion_and_confirming_it_never_adds_a_second_copy(world, street_editor_a):
    news = value("party_members", world.street_a, MONTH_START, 118, status="draft", source="report")
    ret = start(street_editor_a, world.street_a)
    rows = {r["indicator"].code: r for r in _rows(world.street_a, ret)}
    assert rows["party_members"]["value"] is None and rows["party_members"]["suggestion"] == news
    save(street_editor_a, ret, {"party_members": "120", "full_members": ""})
    assert DataValue.objects.filter(region=world.street_a, indicator__code="party_members").count() == 1
    news.refresh_from_db()
    assert (news.value, news.source, news.monthly_return) == (120, "return", ret)
    assert "确认新闻报道数值（原为 118）" in DataValueChange.objects.get(data_value=news).reason


def test_blank_cell_leaves_the_news_suggestion_alone(world, street_editor_a):
    news = value("party_members", world.street_a, MONTH_START, 118, status="draft", source="report")
    ret = start(street_editor_a, world.street_a)
    save(street_editor_a, ret, {"party_members": "", "full_members": "100"})
    news.refresh_from_db()
    assert news.source == "report" and news.monthly_return is None


def test_form_shows_last_month_and_same_month_last_year(world, street_editor_a):
    period = Period(MONTH, MONTH_START)
    value("party_members", world.street_a, period.previous().start, 117)
    value("party_members", world.street_a, period.same_last_year().start, 98)
    row = next(r for r in _rows(world.street_a, None) if r["indicator"].code == "party_members")
    assert (row["last_month"], row["last_year"]) == (117, 98)


def _rows(region, ret):
    from metrics.selectors import return_form_rows

    return return_form_rows(
        region=region, dataset=DataSet.objects.get(code="organisation"), month=MONTH_START, monthly_return=ret
    )


def test_concurrent_edit_never_silently_overwrites(world, street_editor_a, editor_a):
    ret = start(street_editor_a, world.street_a)
    loaded_version = ret.version
    services.return_save_values(
        user=editor_a, monthly_return=ret, values={"party_members": "130"}, expected_version=loaded_version
    )
    with pytest.raises(services.ReturnConflict) as exc:
        services.return_save_values(
            user=street_editor_a, monthly_return=ret, values={"party_members": "120"}, expected_version=loaded_version
        )
    assert exc.value.values["party_members"] == 130
    assert "尚未保存" in str(exc.value)
    assert stored(world.street_a, "party_members").value == 130


def test_region_level_must_report_the_dataset(world, editor_a):
    with pytest.raises(Exception, match="不填报"):
        start(editor_a, world.community_a, dataset="projects")


def test_future_month_cannot_be_filled(world, editor_a):
    future = Period.containing(date.today()).next().start
    with pytest.raises(Exception, match="未来"):
        start(editor_a, world.street_a, month=future)


def test_viewer_cannot_start_or_save_a_form(world, viewer_a, street_editor_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        start(viewer_a, world.street_a)
    ret = start(street_editor_a, world.street_a)
    with pytest.raises(PermissionDenied):
        services.return_save_values(
            user=viewer_a, monthly_return=ret, values={"party_members": "1"}, expected_version=1
        )


# --- Views ---------------------------------------------------------------------------------


def test_index_lists_the_forms_of_the_chosen_region_and_month(world, client_for, street_editor_a):
    response = client_for(street_editor_a).get(reverse("metrics:return_index"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "组织建设" in html and "“五星”创建" in html and "朱庄社区" in html
    assert Period(MONTH, MONTH_START).label in html


def test_index_appears_in_navigation(world, client_for, viewer_a):
    assert "数据填报" in client_for(viewer_a).get(reverse("home")).content.decode()


def test_form_page_shows_status_columns_and_keyboard_script(world, client_for, street_editor_a):
    html = client_for(street_editor_a).get(form_url(world.street_a)).content.decode()
    for text in ("未开始", "党员人数", "上月", "去年同期", "备注", "js/returns.js", 'name="v_party_members"'):
        assert text in html


def test_plain_post_with_an_error_keeps_everything_typed(world, client_for, street_editor_a):
    response = client_for(street_editor_a).post(
        form_url(world.street_a, "return_save"),
        {
            "version": "1",
            "v_party_members": "100",
            "v_full_members": "120",
            "c_full_members": "待核实",
            "v_service_centers": "两个",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert 'value="120"' in html and 'value="待核实"' in html and 'value="两个"' in html
    assert "不能超过党员人数" in html and "不是有效的数字" in html
    assert "请检查以下问题" in html  # the list at the top
    assert not DataValue.objects.exists()


def test_autosave_answers_json_with_the_new_version(world, client_for, street_editor_a):
    response = client_for(street_editor_a).post(
        form_url(world.street_a, "return_save"),
        {"version": "1", "v_party_members": "100"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["ok"] is True and response.json()["version"] == 2


def test_autosave_with_errors_answers_400_with_messages_per_cell(world, client_for, street_editor_a):
    response = client_for(street_editor_a).post(
        form_url(world.street_a, "return_save"),
        {"version": "1", "v_party_members": "-3"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"party_members": ["不能为负数"]}


def test_concurrent_edit_in_the_browser_shows_the_other_persons_values(world, client_for, street_editor_a, editor_a):
    ret = start(street_editor_a, world.street_a)
    save(editor_a, ret, {"party_members": "130"})
    client = client_for(street_editor_a)
    response = client.post(form_url(world.street_a, "return_save"), {"version": "1", "v_party_members": "120"})
    html = response.content.decode()
    assert response.status_code == 409
    assert "您的修改尚未保存" in html and "对方数值：<strong>130</strong>" in html and 'value="120"' in html
    assert 'name="version" value="2"' in html  # saving again is a deliberate overwrite
    json = client.post(
        form_url(world.street_a, "return_save"),
        {"version": "1", "v_party_members": "120"},
        HTTP_ACCEPT="application/json",
    ).json()
    assert json["conflict"] is True and json["theirs"]["party_members"] == "130"


def test_district_b_cannot_reach_a_form_of_district_a(world, client_for, editor_b, street_editor_a):
    start(street_editor_a, world.street_a)
    client = client_for(editor_b)
    for name in ("return_form", "return_history"):
        assert client.get(form_url(world.street_a, name)).status_code == 404
    for name in ("return_save", "return_submit", "return_approve", "return_send_back", "return_unlock", "return_waive"):
        assert client.post(form_url(world.street_a, name), {"version": "1", "reason": "x"}).status_code == 404
    assert not DataValue.objects.exists()


def test_viewer_cannot_write_through_any_url(world, client_for, viewer_a, street_editor_a):
    start(street_editor_a, world.street_a)
    client = client_for(viewer_a)
    assert client.get(form_url(world.street_a)).status_code == 200  # reading is fine
    for name in ("return_save", "return_submit", "return_approve", "return_send_back", "return_unlock", "return_waive"):
        assert (
            client.post(
                form_url(world.street_a, name), {"version": "1", "v_party_members": "1", "reason": "x"}
            ).status_code
            == 403
        )
    assert not DataValue.objects.exists()


def test_viewer_sees_a_read_only_form(world, client_for, viewer_a):
    html = client_for(viewer_a).get(form_url(world.street_a)).content.decode()
    assert "readonly" in html and "提交审核" not in html


def test_anonymous_user_is_sent_to_login(world, client):
    response = client.get(form_url(world.street_a))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_saving_requires_a_csrf_token(world, street_editor_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(street_editor_a, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(form_url(world.street_a, "return_save"), {"version": "1", "v_party_members": "1"})
    assert response.status_code == 403


def test_unknown_dataset_month_or_level_is_404(world, client_for, editor_a):
    client = client_for(editor_a)
    assert client.get(form_url(world.street_a, dataset="nope")).status_code == 404
    assert client.get(form_url(world.community_a, dataset="projects")).status_code == 404
    bad = reverse(
        "metrics:return_form", kwargs={"region_id": world.street_a.pk, "dataset": "organisation", "month": "2025-13"}
    )
    assert client.get(bad).status_code == 404
    future = Period.containing(date.today()).next().start
    assert client.get(form_url(world.street_a, month=future)).status_code == 404


def test_history_page_lists_who_changed_what(world, client_for, street_editor_a, editor_a):
    ret = start(street_editor_a, world.street_a)
    save(street_editor_a, ret, {"party_members": "120"})
    save(editor_a, ret, {"party_members": "125"}, {"party_members": "补录"})
    html = (
        client_for(street_editor_a)
        .get(form_url(world.street_a, "return_history") + "?indicator=party_members")
        .content.decode()
    )
    assert "120" in html and "125" in html and "补录" in html
    assert editor_a.get_full_name() in html


def test_stored_values_render_without_trailing_zeros(world, client_for, street_editor_a):
    ret = start(street_editor_a, world.street_a)
    save(street_editor_a, ret, {"party_members": "120"})
    html = client_for(street_editor_a).get(form_url(world.street_a)).content.decode()
    assert 'value="120"' in html and "120.0000" not in html
    assert stored(world.street_a, "party_members").value == Decimal(120)
