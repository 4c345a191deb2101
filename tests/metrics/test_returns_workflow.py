"""The workflow 草稿 → 已提交 → 已审核 / 已退回, its locks, waivers and who may do each step."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from metrics import services
from metrics.forms import default_month
from metrics.models import DataSet, DataValue, Indicator, MonthlyReturn, ReturnEvent
from metrics.periods import MONTH, Period
from portal.models import AuditEvent, Notification, Profile
from tests.factories import make_user, value

MONTH_START = default_month()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Personas are created per test; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def form_url(region, name="return_form", dataset="projects", month=MONTH_START) -> str:
    return reverse(f"metrics:{name}", kwargs={"region_id": region.pk, "dataset": dataset, "month": f"{month:%Y-%m}"})


def filled(user, region, dataset="projects", values=None, month=MONTH_START) -> MonthlyReturn:
    ret = services.return_get_or_create(
        user=user, region=region, dataset=DataSet.objects.get(code=dataset), month=month
    )
    services.return_save_values(
        user=user,
        monthly_return=ret,
        values=values or {"projects": "3", "projects_completed": "1"},
        expected_version=ret.version,
    )
    return ret


def submitted(user, region, **kwargs) -> MonthlyReturn:
    ret = filled(user, region, **kwargs)
    return services.return_submit(user=user, monthly_return=ret)


def statuses(ret) -> set[str]:
    return set(DataValue.objects.filter(monthly_return=ret).values_list("status", flat=True))


# --- Submit --------------------------------------------------------------------------------


def test_submit_moves_form_and_values_to_submitted_and_tells_the_approver(world, street_editor_a, approver_a):
    ret = submitted(street_editor_a, world.street_a)
    assert ret.status == "submitted" and ret.submitted_by == street_editor_a and ret.submitted_at
    assert statuses(ret) == {"submitted"}
    assert Notification.objects.filter(user=approver_a, message__contains="待审核").exists()
    assert ret.events.filter(action="submit", old_status="draft", new_status="submitted").exists()


def test_submit_refuses_an_empty_form(world, street_editor_a):
    ret = services.return_get_or_create(
        user=street_editor_a, region=world.street_a, dataset=DataSet.objects.get(code="projects"), month=MONTH_START
    )
    with pytest.raises(services.ReturnError, match="没有填写任何数值"):
        services.return_submit(user=street_editor_a, monthly_return=ret)
    # The same refusal in the language the user reads the portal in.
    from django.utils import translation

    with translation.override("en"), pytest.raises(services.ReturnError, match="has no figures"):
        services.return_submit(user=street_editor_a, monthly_return=ret)


def test_required_indicator_blocks_submission_only(world, street_editor_a):
    Indicator.objects.filter(code="jobs").update(required=True)  # rules are data, edited in the admin
    ret = filled(street_editor_a, world.street_a)  # the draft saves without it
    with pytest.raises(services.ReturnInvalid) as exc:
        services.return_submit(user=street_editor_a, monthly_return=ret)
    assert "必填" in exc.value.findings.errors["jobs"][0]


def test_outlier_needs_a_comment_before_submission(world, street_editor_a):
    for i in range(1, 13):
        month = Period(MONTH, MONTH_START)
        for _ in range(i):
            month = month.previous()
        value("jobs", world.street_a, month.start, 5 + i % 3)
    ret = filled(street_editor_a, world.street_a, values={"projects": "1", "jobs": "400"})
    with pytest.raises(services.ReturnInvalid) as exc:
        services.return_submit(user=street_editor_a, monthly_return=ret)
    assert exc.value.findings.warnings["jobs"] and "备注" in exc.value.findings.errors["jobs"][0]
    ret.refresh_from_db()
    services.return_save_values(
        user=street_editor_a,
        monthly_return=ret,
        values={},
        comments={"jobs": "新引进企业集中招聘"},
        expected_version=ret.version,
    )
    assert services.return_submit(user=street_editor_a, monthly_return=ret).status == "submitted"


def test_submitted_form_cannot_be_edited(world, street_editor_a):
    ret = submitted(street_editor_a, world.street_a)
    with pytest.raises(services.ReturnError, match="不能修改"):
        services.return_save_values(
            user=street_editor_a, monthly_return=ret, values={"projects": "9"}, expected_version=ret.version
        )


# --- Approve and send back -----------------------------------------------------------------


def test_parent_approver_approves_and_approval_locks(world, street_editor_a, approver_a):
    ret = submitted(street_editor_a, world.street_a)
    ret = services.return_approve(user=approver_a, monthly_return=ret, note="数据完整")
    assert (ret.status, ret.locked, ret.lock_reason, ret.approved_by) == ("approved", True, "approval", approver_a)
    assert statuses(ret) == {"approved"}
    assert ret.status_label == "已审核（已锁定）"
    assert AuditEvent.objects.filter(action="return_approve", user=approver_a).exists()
    assert Notification.objects.filter(user=street_editor_a, message__contains="审核通过").exists()
    with pytest.raises(services.ReturnError, match="不能修改"):
        services.return_save_values(
            user=street_editor_a, monthly_return=ret, values={"projects": "9"}, expected_version=ret.version
        )


@pytest.mark.parametrize("persona", ["street_editor_a", "editor_a", "viewer_a", "editor_b", "city_leader"])
def test_only_an_approver_above_may_approve(world, street_editor_a, persona, request):
    ret = submitted(street_editor_a, world.street_a)
    with pytest.raises(PermissionDenied):
        services.return_approve(user=request.getfixturevalue(persona), monthly_return=ret)


def test_an_approver_cannot_approve_the_form_of_their_own_region(world, editor_a, approver_a):
    ret = submitted(editor_a, world.district_a)
    with pytest.raises(PermissionDenied):
        services.return_approve(user=approver_a, monthly_return=ret)
    services.return_approve(user=approver_a, monthly_return=submitted(editor_a, world.street_a))
    city_approver = make_user(world.city, Profile.Role.APPROVER, "city_approver")
    assert services.return_approve(user=city_approver, monthly_return=ret).status == "approved"


def test_approver_of_district_b_cannot_approve_district_a(world, street_editor_a):
    ret = submitted(street_editor_a, world.street_a)
    approver_b = make_user(world.district_b, Profile.Role.APPROVER, "approver_b")
    with pytest.raises(PermissionDenied):
        services.return_approve(user=approver_b, monthly_return=ret)


def test_parent_waits_for_children_it_depends_on(world, editor_a, street_editor_a, approver_a):
    values = {"party_members": "100", "full_members": "90"}
    street = submitted(street_editor_a, world.street_a, dataset="organisation", values=values)
    with pytest.raises(services.ReturnError, match="朱庄社区（未开始）"):
        services.return_approve(user=approver_a, monthly_return=street)
    community = submitted(street_editor_a, world.community_a, dataset="organisation", values=values)
    with pytest.raises(services.ReturnError, match="朱庄社区（已提交）"):
        services.return_approve(user=approver_a, monthly_return=street)
    services.return_approve(user=approver_a, monthly_return=community)
    assert services.return_approve(user=approver_a, monthly_return=street).status == "approved"


def test_a_waived_child_lets_the_parent_be_approved(world, street_editor_a, approver_a):
    street = submitted(street_editor_a, world.street_a, dataset="organisation", values={"party_members": "100"})
    waived = services.return_waive(
        user=approver_a,
        region=world.community_a,
        dataset=DataSet.objects.get(code="organisation"),
        month=MONTH_START,
        reason="社区合并，本月不单独报送",
    )
    assert waived.waived and waived.status_label == "免报"
    assert AuditEvent.objects.filter(action="return_waive").exists()
    assert services.return_approve(user=approver_a, monthly_return=street).status == "approved"


def test_waiving_needs_a_reason_and_an_approver_above(world, street_editor_a, approver_a):
    ds = DataSet.objects.get(code="organisation")
    with pytest.raises(ValidationError):
        services.return_waive(user=approver_a, region=world.community_a, dataset=ds, month=MONTH_START, reason=" ")
    with pytest.raises(PermissionDenied):
        services.return_waive(user=street_editor_a, region=world.community_a, dataset=ds, month=MONTH_START, reason="x")


def test_submitted_form_cannot_be_waived_and_waiver_can_be_withdrawn(world, street_editor_a, approver_a):
    ret = submitted(street_editor_a, world.community_a, dataset="organisation", values={"party_members": "9"})
    with pytest.raises(services.ReturnError):
        services.return_waive(
            user=approver_a, region=world.community_a, dataset=ret.dataset, month=MONTH_START, reason="x"
        )
    other = services.return_waive(
        user=approver_a,
        region=world.community_a,
        dataset=DataSet.objects.get(code="service"),
        month=MONTH_START,
        reason="x",
    )
    assert not services.return_unwaive(user=approver_a, monthly_return=other, reason="恢复报送").waived


def test_send_back_needs_a_reason_and_shows_it(world, client_for, street_editor_a, approver_a):
    ret = submitted(street_editor_a, world.street_a)
    with pytest.raises(ValidationError):
        services.return_send_back(user=approver_a, monthly_return=ret, reason="  ")
    ret = services.return_send_back(user=approver_a, monthly_return=ret, reason="项目数与台账不一致，请核实")
    assert (ret.status, ret.status_reason) == ("returned", "项目数与台账不一致，请核实")
    assert statuses(ret) == {"draft"}
    assert Notification.objects.filter(user=street_editor_a, message__contains="被退回").exists()
    html = client_for(street_editor_a).get(form_url(world.street_a)).content.decode()
    assert "已退回" in html and "退回原因：项目数与台账不一致，请核实" in html


def test_returned_form_is_fixed_and_resubmitted(world, street_editor_a, approver_a):
    ret = submitted(street_editor_a, world.street_a)
    services.return_send_back(user=approver_a, monthly_return=ret, reason="请核实")
    ret.refresh_from_db()
    services.return_save_values(
        user=street_editor_a, monthly_return=ret, values={"projects": "4"}, expected_version=ret.version
    )
    ret = services.return_submit(user=street_editor_a, monthly_return=ret)
    assert ret.status == "submitted" and ret.status_reason == ""
    steps = list(ret.events.order_by("at", "id").values_list("action", flat=True))
    assert steps == ["create", "save", "submit", "return", "save", "submit"]


@pytest.mark.parametrize("status", ["draft", "returned", "approved"])
def test_only_submitted_forms_can_be_approved_or_sent_back(world, street_editor_a, approver_a, status):
    ret = filled(street_editor_a, world.street_a)
    MonthlyReturn.objects.filter(pk=ret.pk).update(status=status)
    with pytest.raises(services.ReturnError):
        services.return_approve(user=approver_a, monthly_return=ret)
    with pytest.raises(services.ReturnError):
        services.return_send_back(user=approver_a, monthly_return=ret, reason="x")


# --- Locks ---------------------------------------------------------------------------------


def test_unlocking_is_explicit_recorded_and_returns_the_form(world, street_editor_a, approver_a):
    ret = services.return_approve(user=approver_a, monthly_return=submitted(street_editor_a, world.street_a))
    with pytest.raises(ValidationError):
        services.return_unlock(user=approver_a, monthly_return=ret, reason="")
    with pytest.raises(PermissionDenied):
        services.return_unlock(user=street_editor_a, monthly_return=ret, reason="我要改")
    ret = services.return_unlock(user=approver_a, monthly_return=ret, reason="区里发现投资额填错")
    assert (ret.locked, ret.status) == (False, "returned")
    assert "区里发现投资额填错" in ret.status_reason
    assert statuses(ret) == {"draft"}
    audit = AuditEvent.objects.get(action="return_unlock")
    assert audit.user == approver_a and audit.detail["reason"] == "区里发现投资额填错"
    assert ret.events.filter(action="unlock", reason__contains="区里发现投资额填错").exists()


def test_administrator_lock_names_itself_and_blocks_editing(world, street_editor_a):
    admin = make_user(world.district_a, Profile.Role.ADMIN, "admin_a")
    ret = filled(street_editor_a, world.street_a)
    with pytest.raises(PermissionDenied):
        services.return_lock(user=street_editor_a, monthly_return=ret, reason="检查")
    ret = services.return_lock(user=admin, monthly_return=ret, reason="专项检查期间冻结")
    assert ret.status_label == "已锁定（管理员锁定）"
    with pytest.raises(services.ReturnError, match="管理员锁定"):
        services.return_save_values(
            user=street_editor_a, monthly_return=ret, values={"projects": "1"}, expected_version=ret.version
        )
    assert not services.return_unlock(user=admin, monthly_return=ret, reason="检查结束").locked


def test_deadline_lock_applies_when_the_dataset_asks_and_can_be_lifted(world, street_editor_a, approver_a):
    DataSet.objects.filter(code="projects").update(lock_after_deadline=True, deadline_day=5)
    old_month = date(2024, 1, 1)
    ret = services.return_get_or_create(
        user=street_editor_a, region=world.street_a, dataset=DataSet.objects.get(code="projects"), month=old_month
    )
    assert ret.locked and ret.lock_reason == "deadline"
    assert ret.status_label == "已锁定（超过截止日期锁定）"
    with pytest.raises(services.ReturnError):
        services.return_save_values(
            user=street_editor_a, monthly_return=ret, values={"projects": "1"}, expected_version=ret.version
        )
    services.return_unlock(user=approver_a, monthly_return=ret, reason="街道补报")
    ret.refresh_from_db()
    assert ret.deadline_lifted and not ret.locked and ret.status == "draft"
    assert services.return_lock_overdue() == 0  # lifted stays lifted
    services.return_save_values(
        user=street_editor_a, monthly_return=ret, values={"projects": "1"}, expected_version=ret.version
    )


def test_lock_overdue_locks_only_drafts_past_the_deadline(world, street_editor_a):
    ret = filled(street_editor_a, world.street_a)
    DataSet.objects.filter(code="projects").update(lock_after_deadline=True, deadline_day=10)
    deadline = ret.dataset.deadline_for(ret.month)
    assert services.return_lock_overdue(today=deadline) == 0
    assert services.return_lock_overdue(today=deadline.replace(day=11)) == 1
    assert services.return_lock_overdue(today=deadline.replace(day=11)) == 0


def test_no_deadline_lock_by_default(world, street_editor_a):
    ret = services.return_get_or_create(
        user=street_editor_a,
        region=world.street_a,
        dataset=DataSet.objects.get(code="projects"),
        month=date(2024, 1, 1),
    )
    assert not ret.locked


# --- Views ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("approver_a", 302), ("street_editor_a", 403), ("editor_a", 403), ("viewer_a", 403), ("editor_b", 404)],
)
def test_who_may_approve_through_the_page(world, client_for, street_editor_a, persona, expected, request):
    ret = submitted(street_editor_a, world.street_a)
    response = client_for(request.getfixturevalue(persona)).post(form_url(world.street_a, "return_approve"))
    assert response.status_code == expected
    ret.refresh_from_db()
    assert ret.status == ("approved" if expected == 302 else "submitted")


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("approver_a", 302), ("street_editor_a", 403), ("viewer_a", 403), ("editor_b", 404)],
)
def test_who_may_send_back_through_the_page(world, client_for, street_editor_a, persona, expected, request):
    ret = submitted(street_editor_a, world.street_a)
    response = client_for(request.getfixturevalue(persona)).post(
        form_url(world.street_a, "return_send_back"), {"reason": "请核实"}
    )
    assert response.status_code == expected
    ret.refresh_from_db()
    assert ret.status == ("returned" if expected == 302 else "submitted")


def test_send_back_without_reason_is_refused_on_the_page(world, client_for, street_editor_a, approver_a):
    ret = submitted(street_editor_a, world.street_a)
    client = client_for(approver_a)
    response = client.post(form_url(world.street_a, "return_send_back"), {"reason": ""}, follow=True)
    assert "请填写原因" in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == "submitted"


def test_submit_page_saves_and_submits(world, client_for, street_editor_a):
    response = client_for(street_editor_a).post(
        form_url(world.street_a, "return_submit"),
        {"version": "1", "v_projects": "2", "v_projects_completed": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert "报表已提交" in html and 'data-status="submitted"' in html
    assert MonthlyReturn.objects.get().status == "submitted"


def test_submit_page_with_missing_required_keeps_the_draft_and_lists_the_error(world, client_for, street_editor_a):
    Indicator.objects.filter(code="jobs").update(required=True)
    response = client_for(street_editor_a).post(
        form_url(world.street_a, "return_submit"), {"version": "1", "v_projects": "2"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "必填项" in html and "已保存为草稿" in html
    assert MonthlyReturn.objects.get().status == "draft"
    assert DataValue.objects.get().value == Decimal(2)


def test_approver_sees_approve_and_send_back_buttons_and_blocking_children(
    world, client_for, street_editor_a, approver_a
):
    submitted(street_editor_a, world.street_a, dataset="organisation", values={"party_members": "100"})
    html = client_for(approver_a).get(form_url(world.street_a, dataset="organisation")).content.decode()
    assert "审核通过并锁定" in html and "退回修改" in html and "下级区域尚未全部审核或免报" in html


def test_approved_form_page_says_locked_by_approval_and_offers_unlock(world, client_for, street_editor_a, approver_a):
    services.return_approve(user=approver_a, monthly_return=submitted(street_editor_a, world.street_a))
    html = client_for(approver_a).get(form_url(world.street_a)).content.decode()
    assert "已审核（已锁定）" in html and "审核通过后锁定" in html and "解锁原因" in html
    editor_html = client_for(street_editor_a).get(form_url(world.street_a)).content.decode()
    assert "readonly" in editor_html and "保存草稿" not in editor_html


def test_unlock_page_requires_reason_and_records_it(world, client_for, street_editor_a, approver_a):
    ret = services.return_approve(user=approver_a, monthly_return=submitted(street_editor_a, world.street_a))
    client = client_for(approver_a)
    client.post(form_url(world.street_a, "return_unlock"), {"reason": ""})
    ret.refresh_from_db()
    assert ret.locked
    client.post(form_url(world.street_a, "return_unlock"), {"reason": "更正投资额"})
    ret.refresh_from_db()
    assert not ret.locked and ret.status == "returned"
    assert ReturnEvent.objects.filter(monthly_return=ret, action="unlock").exists()


def test_form_history_page_lists_workflow_steps(world, client_for, street_editor_a, approver_a):
    ret = submitted(street_editor_a, world.street_a)
    services.return_send_back(user=approver_a, monthly_return=ret, reason="请补充")
    html = client_for(street_editor_a).get(form_url(world.street_a, "return_history")).content.decode()
    for text in ("提交", "退回", "请补充", "已提交 → 已退回", "项目数"):
        assert text in html
