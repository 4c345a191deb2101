"""Four eyes on monthly forms: whoever submitted a form or last saved its figures cannot approve it."""

import pytest

from metrics import services
from metrics.models import MonthlyReturn
from portal.models import AuditEvent
from tests.metrics.test_returns_workflow import filled, form_url, submitted


def test_approve_refuses_the_approver_who_submitted_the_form(world, approver_a):
    ret = submitted(approver_a, world.street_a)
    with pytest.raises(services.ReturnSelfApproval, match="不能审核自己提交的报表"):
        services.return_approve(user=approver_a, monthly_return=ret)
    ret.refresh_from_db()
    assert ret.status == MonthlyReturn.Status.SUBMITTED and not ret.locked
    assert not AuditEvent.objects.filter(action="return_approve").exists()


def test_approve_refuses_the_approver_who_last_saved_the_figures(world, approver_a, street_editor_a):
    ret = filled(approver_a, world.street_a)
    ret = services.return_submit(user=street_editor_a, monthly_return=ret)
    with pytest.raises(services.ReturnSelfApproval, match="最后修改了这份报表的数值"):
        services.return_approve(user=approver_a, monthly_return=ret)


def test_another_approver_approves_what_one_approver_submitted(world, approver_a):
    from portal.models import Profile
    from tests.factories import make_user

    ret = submitted(approver_a, world.street_a)
    colleague = make_user(world.district_a, Profile.Role.APPROVER, "approver_a2")
    assert services.return_approve(user=colleague, monthly_return=ret).status == MonthlyReturn.Status.APPROVED
    assert not AuditEvent.objects.filter(action="return_self_approve").exists()


def test_form_page_says_why_the_submitter_cannot_approve(world, approver_a, client_for):
    ret = submitted(approver_a, world.street_a)
    client = client_for(approver_a)
    page = client.get(form_url(world.street_a)).content.decode()
    assert "不能审核自己提交的报表" in page and 'id="approve-button"' not in page
    response = client.post(form_url(world.street_a, "return_approve"), follow=True)
    assert "不能审核自己提交的报表" in response.content.decode()
    ret.refresh_from_db()
    assert ret.status == MonthlyReturn.Status.SUBMITTED


def test_self_approval_waived_by_the_setting_is_audited(world, approver_a, settings):
    """Single-person districts: RETURNS_ALLOW_SELF_APPROVAL lets it through, and the log says so."""
    settings.RETURNS_ALLOW_SELF_APPROVAL = True
    ret = submitted(approver_a, world.street_a)
    assert services.return_approve(user=approver_a, monthly_return=ret, note="本区仅一人").locked
    event = AuditEvent.objects.get(action="return_self_approve")
    assert event.user == approver_a and event.detail["monthly_return"] == ret.pk
    assert event.detail["submitted_by"] == approver_a.pk


def test_the_refusal_is_in_the_language_the_approver_reads(world, approver_a):
    from django.utils import translation

    ret = submitted(approver_a, world.street_a)
    with translation.override("en"), pytest.raises(services.ReturnSelfApproval, match="you cannot approve it"):
        services.return_approve(user=approver_a, monthly_return=ret)
