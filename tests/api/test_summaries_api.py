"""PDF summaries through the API: request, poll, download — within scope, and audited as exports."""

from datetime import date

import pytest

from portal.models import AuditEvent
from reports.models import Summary
from tests.factories import value

URL = "/api/v1/summaries/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_leader_requests_polls_and_downloads_a_summary(world, viewer_a, api_for):
    value("households_visited", world.community_a, date(2024, 3, 1), 12)
    api = api_for(viewer_a)
    response = api.post(URL, {"region": world.district_a.pk, "period": "2024"}, format="json")
    assert response.status_code in (201, 202), response.json()
    summary = api.get(f"{URL}{response.json()['id']}/").json()
    assert summary["status"] == "done" and summary["region_name"] == "川汇区"
    pdf = api.get(summary["download_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(action="export", user=viewer_a)
    assert event.detail["via"] == "api" and event.detail["format"] == "pdf"
    again = api.post(URL, {"region": world.district_a.pk, "period": "2024"}, format="json")
    assert again.status_code == 201 and again.json()["id"] == summary["id"]  # unchanged figures: reused


def test_another_districts_summary_is_404(world, viewer_a, editor_b, api_for):
    assert (
        api_for(editor_b).post(URL, {"region": world.district_a.pk, "period": "2024"}, format="json").status_code == 404
    )
    theirs = Summary.objects.create(region=world.district_a, period="2024", fingerprint="x" * 64)
    b = api_for(editor_b)
    assert b.get(f"{URL}{theirs.pk}/").status_code == 404
    assert b.get(f"{URL}{theirs.pk}/download/").status_code == 404
    assert b.get(URL).json()["count"] == 0
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_summary_not_ready_cannot_be_downloaded(world, viewer_a, api_for):
    pending = Summary.objects.create(region=world.district_a, period="2024", fingerprint="x" * 64)
    response = api_for(viewer_a).get(f"{URL}{pending.pk}/download/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_ready"
    with_pdf_accept = api_for(viewer_a).get(f"{URL}{pending.pk}/download/", HTTP_ACCEPT="application/pdf")
    assert with_pdf_accept.status_code == 409 and with_pdf_accept.json()["error"]["code"] == "not_ready"


def test_a_bad_period_is_a_field_error(world, viewer_a, api_for):
    response = api_for(viewer_a).post(URL, {"region": world.district_a.pk, "period": "2024-13"}, format="json")
    assert response.status_code == 400 and "period" in response.json()["error"]["fields"]
