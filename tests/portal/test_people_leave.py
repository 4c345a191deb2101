"""People leave, records stay: pages name a removed account “已删除用户”; errors are the portal's own pages."""

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from metrics import services
from metrics.models import MonthlyReturn, ReturnEvent
from tests.factories import make_user
from tests.metrics.test_returns_workflow import form_url, submitted

DELETED = "已删除用户"


@pytest.fixture
def approved_then_staff_left(world, street_editor_a):
    """A form submitted by one person and approved by another, both of whose accounts were deleted."""
    from portal.models import Profile

    approver = make_user(world.district_a, Profile.Role.APPROVER, "approver_left")
    ret = submitted(street_editor_a, world.street_a)
    services.return_approve(user=approver, monthly_return=ret)
    street_editor_a.delete()
    approver.delete()
    ret.refresh_from_db()
    assert ret.submitted_by is None and ret.approved_by is None and ret.locked_by is None
    return ret


@pytest.mark.parametrize("page", ["return_form", "return_history"])
def test_pages_of_a_form_name_deleted_submitter_and_approver(page, world, approved_then_staff_left, client_for):
    """Issue 14: the form page answered a bare 500 (VariableDoesNotExist) once the submitter was deleted."""
    from portal.models import Profile

    viewer = make_user(world.district_a, Profile.Role.VIEWER, "viewer_stays")
    response = client_for(viewer).get(form_url(world.street_a, page))
    assert response.status_code == 200
    body = response.content.decode()
    assert DELETED in body
    if page == "return_form":
        assert f"提交：{DELETED}" in body and f"审核：{DELETED}" in body


def test_a_submitted_form_whose_submitter_was_deleted_still_opens_for_its_approver(
    world, street_editor_a, approver_a, client_for
):
    submitted(street_editor_a, world.street_a)
    street_editor_a.delete()
    response = client_for(approver_a).get(form_url(world.street_a))
    assert response.status_code == 200 and f"提交：{DELETED}" in response.content.decode()


def test_the_deadlines_automatic_lock_is_shown_as_the_system(world, street_editor_a, client_for):
    ret = submitted(street_editor_a, world.street_a)
    ReturnEvent.objects.create(monthly_return=ret, action=ReturnEvent.Action.LOCK, user=None, reason="超过截止日期")
    MonthlyReturn.objects.filter(pk=ret.pk).update(locked=True, lock_reason=MonthlyReturn.LockReason.DEADLINE)
    body = client_for(street_editor_a).get(form_url(world.street_a)).content.decode()
    assert "系统" in body


def test_a_missing_page_is_the_portals_own_404_in_chinese(world, editor_a, client_for):
    response = client_for(editor_a).get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "Not Found" not in body


def test_a_server_error_is_the_portals_own_500_in_chinese(db):
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    body = response.content.decode()
    assert "服务器出错了" in body and "Server Error" not in body


@pytest.fixture
def superuser(world):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root_admin", password="x")


def test_admin_refuses_to_delete_a_user_named_by_records_and_says_why(world, street_editor_a, superuser, client_for):
    from django.urls import reverse

    submitted(street_editor_a, world.street_a)
    client = client_for(superuser)
    url = reverse("admin:auth_user_delete", args=[street_editor_a.pk])
    page = client.get(url).content.decode()
    assert "不能删除" in page and "月度报表" in page and "停用账号" in page
    client.post(url, {"post": "yes"})
    street_editor_a.refresh_from_db()  # still there
    bulk = {"action": "delete_selected", "_selected_action": [street_editor_a.pk], "post": "yes"}
    client.post(reverse("admin:auth_user_changelist"), bulk)
    street_editor_a.refresh_from_db()


def test_admin_deactivates_instead_and_the_audit_log_says_who(world, street_editor_a, superuser, client_for):
    from django.urls import reverse

    from portal.models import AuditEvent

    submitted(street_editor_a, world.street_a)
    response = client_for(superuser).post(
        reverse("admin:auth_user_changelist"), {"action": "deactivate", "_selected_action": [street_editor_a.pk]}
    )
    assert response.status_code == 302
    street_editor_a.refresh_from_db()
    assert not street_editor_a.is_active
    event = AuditEvent.objects.get(action="user_deactivate")
    assert (event.user, event.target) == (superuser, "street_editor_a")


def test_admin_still_deletes_a_user_who_left_no_records(world, superuser, client_for):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from portal.models import Profile

    unused = make_user(world.street_a, Profile.Role.VIEWER, "never_used")
    client_for(superuser).post(reverse("admin:auth_user_delete", args=[unused.pk]), {"post": "yes"})
    assert not get_user_model().objects.filter(pk=unused.pk).exists()
