"""Completeness: who has not reported, red/amber/green, drill-down, deadlines and reminders."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics import services
from metrics.forms import default_month
from metrics.models import DataSet, MonthlyReturn
from metrics.selectors import completeness_summary, return_cell
from portal.models import Notification
from regions.models import Region
from tests.factories import make_user

MONTH = date(2024, 3, 1)  # deadline 2024-04-10 with the default deadline day
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Personas are created per test; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def form(region, code, status="draft", submitted_on=None, **extra) -> MonthlyReturn:
    when = (
        datetime(submitted_on.year, submitted_on.month, submitted_on.day, 9, tzinfo=SHANGHAI) if submitted_on else None
    )
    return MonthlyReturn.objects.create(
        region=region, dataset=DataSet.objects.get(code=code), month=MONTH, status=status, submitted_at=when, **extra
    )


@pytest.mark.parametrize(
    ("status", "submitted_on", "today", "colour", "late"),
    [
        (None, None, date(2024, 4, 5), "amber", False),  # not started, still time
        (None, None, date(2024, 4, 11), "red", True),  # not started, overdue
        ("draft", None, date(2024, 4, 11), "red", True),
        ("returned", None, date(2024, 4, 9), "amber", False),
        ("submitted", date(2024, 4, 9), date(2024, 4, 20), "green", False),
        ("approved", date(2024, 4, 12), date(2024, 4, 20), "green", True),  # done, but late
    ],
)
def test_cell_colour_and_lateness(world, status, submitted_on, today, colour, late):
    ret = form(world.street_a, "projects", status, submitted_on) if status else None
    cell = return_cell(
        region=world.street_a,
        dataset=DataSet.objects.get(code="projects"),
        monthly_return=ret,
        month=MONTH,
        today=today,
    )
    assert (cell.colour, cell.late) == (colour, late)


def test_deadline_day_is_configurable(world):
    ds = DataSet.objects.get(code="projects")
    ds.deadline_day = 20
    ds.save()
    cell = return_cell(region=world.street_a, dataset=ds, monthly_return=None, month=MONTH, today=date(2024, 4, 15))
    assert cell.deadline == date(2024, 4, 20) and cell.colour == "amber"


def test_waived_form_counts_as_done(world):
    ret = form(world.community_a, "service", waived=True)
    cell = return_cell(
        region=world.community_a, dataset=ret.dataset, monthly_return=ret, month=MONTH, today=date(2024, 5, 1)
    )
    assert (cell.state, cell.colour) == ("waived", "green")


def test_summary_rolls_up_children_and_lists_missing_communities(world):
    form(world.street_a, "organisation", "approved", date(2024, 4, 2))
    form(world.community_a, "organisation", "submitted", date(2024, 4, 3))
    summary = completeness_summary(root=world.city, month=MONTH, today=date(2024, 4, 20))
    rows = {row["region"].name: row for row in summary["children"]}
    assert set(rows) == {"川汇区", "城乡一体化示范区"}
    a = rows["川汇区"]["counts"]
    # 川汇区: district 1 form, street 4, community 3 → 8 expected.
    assert (a["expected"], a["approved"], a["submitted"], a["not_started"]) == (8, 1, 1, 6)
    assert rows["川汇区"]["colour"] == "red" and rows["川汇区"]["has_children"]
    missing = {(c.region.name, c.dataset.code) for c in summary["missing"]}
    assert ("朱庄社区", "service") in missing and ("朱庄社区", "organisation") not in missing
    assert ("景园社区", "education") in missing


def test_subtree_all_done_is_green(world):
    for code in ("organisation", "education", "service"):
        form(world.community_a, code, "approved", date(2024, 4, 1))
    summary = completeness_summary(root=world.street_a, month=MONTH, today=date(2024, 4, 20))
    assert summary["children"][0]["colour"] == "green" and summary["missing"] == []
    assert summary["colour"] == "red"  # the street's own forms are still missing


def test_one_dataset_only(world):
    ds = DataSet.objects.get(code="service")
    summary = completeness_summary(root=world.district_a, month=MONTH, today=date(2024, 4, 1), dataset=ds)
    assert summary["totals"]["expected"] == 1  # only 朱庄社区 reports 为民服务


def test_summary_query_count_does_not_grow_with_regions(world):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            completeness_summary(root=world.city, month=MONTH, today=date(2024, 4, 20))
        return len(ctx.captured_queries)

    before = count()
    for i in range(15):
        street = Region.objects.create(name=f"新街道{i}", level=Region.Level.STREET, parent=world.district_a)
        Region.objects.create(name=f"新社区{i}", level=Region.Level.COMMUNITY, parent=street)
        form(street, "projects")
    assert count() == before <= 3


def test_completeness_page_drills_down_and_stays_in_scope(world, client_for, approver_a, editor_b):
    client = client_for(approver_a)
    page = client.get(reverse("metrics:completeness"), {"month": "2024-03"})
    html = page.content.decode()
    assert page.status_code == 200 and "金海路街道" in html and "尚未报送的社区/村" in html and "rag-red" in html
    drill = client.get(reverse("metrics:completeness"), {"month": "2024-03", "region": world.street_a.pk})
    assert "朱庄社区" in drill.content.decode()
    assert client_for(editor_b).get(reverse("metrics:completeness"), {"region": world.street_a.pk}).status_code == 200
    # An out-of-scope region is not a valid choice: the page falls back to the user's own subtree.
    assert "金海路街道" not in client_for(editor_b).get(reverse("metrics:completeness")).content.decode()


def test_completeness_page_query_count_is_bounded(world, client_for, approver_a, django_assert_max_num_queries):
    client = client_for(approver_a)
    client.get(reverse("metrics:completeness"))
    for i in range(10):
        street = Region.objects.create(name=f"街道{i}", level=Region.Level.STREET, parent=world.district_a)
        Region.objects.create(name=f"社区{i}", level=Region.Level.COMMUNITY, parent=street)
    with django_assert_max_num_queries(16):
        client.get(reverse("metrics:completeness"), {"month": "2024-03"})


# --- Reminders -----------------------------------------------------------------------------


def test_approver_reminds_a_regions_staff_in_portal_and_by_email(
    world, client_for, approver_a, street_editor_a, django_capture_on_commit_callbacks
):
    street_editor_a.email = "jinhailu@example.cn"
    street_editor_a.save()
    client = client_for(approver_a)
    with django_capture_on_commit_callbacks(execute=True):  # mail goes out only after commit
        response = client.post(
            reverse("metrics:completeness_remind"), {"region": world.street_a.pk, "month": "2024-03"}, follow=True
        )
    assert "已向金海路街道的 1 名填报员发送催报提醒" in response.content.decode()
    note = Notification.objects.get(user=street_editor_a)
    assert "请尽快报送金海路街道2024年3月" in note.message and note.link.startswith("/returns/")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jinhailu@example.cn"]
    home = client_for(street_editor_a).get(reverse("home")).content.decode()
    assert "请尽快报送金海路街道" in home  # the reminder appears on the staff home page


def test_reminder_for_a_community_without_staff_goes_to_the_street(world, approver_a, street_editor_a):
    services.reminder_send(user=approver_a, region=world.community_a, month=MONTH)
    assert Notification.objects.filter(user=street_editor_a, message__contains="朱庄社区").exists()


def test_nothing_to_remind_when_everything_is_in(world, approver_a, street_editor_a):
    for code in ("organisation", "education", "projects", "stars"):
        form(world.street_a, code, "submitted", date(2024, 4, 1))
    with pytest.raises(services.ReturnError, match="无需催报"):
        services.reminder_send(user=approver_a, region=world.street_a, month=MONTH)


def test_only_approvers_above_may_remind(world, client_for, street_editor_a, viewer_a, editor_b):
    for user in (street_editor_a, viewer_a):
        response = client_for(user).post(
            reverse("metrics:completeness_remind"), {"region": world.street_a.pk, "month": "2024-03"}
        )
        assert response.status_code == 403
    approver_b = make_user(world.district_b, "approver", "approver_b")
    response = client_for(approver_b).post(
        reverse("metrics:completeness_remind"), {"region": world.street_a.pk, "month": "2024-03"}
    )
    assert response.status_code == 404
    assert not Notification.objects.exists()


def test_home_page_links_due_forms_and_forms_awaiting_approval(world, client_for, street_editor_a, approver_a):
    ret = MonthlyReturn.objects.create(
        region=world.street_a,
        dataset=DataSet.objects.get(code="projects"),
        month=default_month(),
        status="returned",
        status_reason="请核实投资额",
    )
    html = client_for(street_editor_a).get(reverse("home")).content.decode()
    assert f"/returns/{world.street_a.pk}/projects/{ret.month:%Y-%m}/" in html and "请核实投资额" in html
    MonthlyReturn.objects.filter(pk=ret.pk).update(status="submitted")
    assert f"/returns/{world.street_a.pk}/projects/" in client_for(approver_a).get(reverse("home")).content.decode()
