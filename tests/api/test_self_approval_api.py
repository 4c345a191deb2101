"""The API refuses an approval by the form's own submitter with 403 and the service's message."""

from metrics.models import MonthlyReturn
from tests.metrics.test_returns_workflow import submitted


def test_api_approve_by_the_submitter_is_403_with_the_reason(world, approver_a, api_for):
    ret = submitted(approver_a, world.street_a)
    response = api_for(approver_a).post(f"/api/v1/monthly-returns/{ret.pk}/approve/", {}, format="json")
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "self_approval"
    assert error["message"] == "您提交了这份报表，不能审核自己提交的报表，请由另一位审核员审核。"
    assert "cannot approve" in error["message_en"]
    ret.refresh_from_db()
    assert ret.status == MonthlyReturn.Status.SUBMITTED
