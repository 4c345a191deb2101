"""News reports through the API: submit text or a file, read status and mentions, accept or reject."""

from datetime import date
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from metrics.models import DataValue
from reports.models import Report

URL = "/api/v1/reports/"


def payload(world, **extra):
    return {
        "title": "金海路街道开展入户大走访",
        "source_kind": "newspaper",
        "published": "2024-03-20",
        "region": world.street_a.pk,
        **extra,
    }


def test_editor_submits_pasted_text(world, editor_a, api_for):
    response = api_for(editor_a).post(URL, payload(world, text="共走访群众1200户。"), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] in ("pending", "parsing", "parsed") and body["region"] == world.street_a.pk
    assert Report.objects.get(pk=body["id"]).submitted_by == editor_a


def test_editor_uploads_a_gbk_file(world, editor_a, api_for):
    upload = SimpleUploadedFile("report.txt", "金海路街道共走访群众1200户。".encode("gbk"))
    response = api_for(editor_a).post(URL, payload(world, file=upload), format="multipart")
    assert response.status_code == 201, response.json()
    report = Report.objects.get(pk=response.json()["id"])
    assert "1200户" in report.text and report.original_filename == "report.txt"


def test_empty_and_binary_uploads_are_field_errors(world, editor_a, api_for):
    api = api_for(editor_a)
    empty = api.post(URL, payload(world, text="   "), format="json")
    assert empty.status_code == 400 and "text" in empty.json()["error"]["fields"]
    png = SimpleUploadedFile("x.txt", b"\x89PNG\r\n\x1a\n" + b"\0" * 64)
    binary = api.post(URL, payload(world, file=png), format="multipart")
    assert binary.status_code == 400 and "file" in binary.json()["error"]["fields"]
    assert not Report.objects.exists()


def test_reports_cannot_be_submitted_for_another_district(world, editor_b, viewer_a, api_for):
    assert api_for(editor_b).post(URL, payload(world, text="走访1200户。"), format="json").status_code == 403
    assert api_for(viewer_a).post(URL, payload(world, text="走访1200户。"), format="json").status_code == 403
    assert not Report.objects.exists()


def test_accepting_a_mention_fills_the_one_cell(parsed_report, editor_a, api_for):
    report, mention = parsed_report
    api = api_for(editor_a)
    response = api.post(f"/api/v1/mentions/{mention.pk}/accept/")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "created" and body["mention"]["review"] == "accepted"
    dv = DataValue.objects.get(pk=body["data_value"])
    assert dv.source == "report" and dv.value == Decimal(1200)
    again = api.post(f"/api/v1/mentions/{mention.pk}/accept/").json()
    assert again["status"] == "unchanged" and DataValue.objects.count() == 1
    detail = api.get(f"{URL}{report.pk}/").json()
    assert detail["mentions"][0]["review"] == "accepted"


def test_rejecting_a_mention_withdraws_its_value(parsed_report, editor_a, api_for):
    _, mention = parsed_report
    api = api_for(editor_a)
    api.post(f"/api/v1/mentions/{mention.pk}/accept/")
    response = api.post(f"/api/v1/mentions/{mention.pk}/reject/")
    assert response.status_code == 200
    assert response.json()["mention"]["review"] == "rejected"
    assert not DataValue.objects.exists()


def test_mentions_of_another_district_cannot_be_reviewed(parsed_report, editor_b, viewer_a, api_for):
    _, mention = parsed_report
    assert api_for(editor_b).post(f"/api/v1/mentions/{mention.pk}/accept/").status_code == 404
    assert api_for(viewer_a).post(f"/api/v1/mentions/{mention.pk}/accept/").status_code == 403
    mention.refresh_from_db()
    assert mention.review == "pending" and not DataValue.objects.exists()


def test_a_failed_report_is_retried(world, editor_a, editor_b, api_for):
    report = Report.objects.create(
        title="x",
        source_kind="website",
        published=date(2024, 3, 1),
        region=world.district_a,
        text="正文",
        status=Report.Status.FAILED,
        failure_reason="超时",
    )
    assert api_for(editor_b).post(f"{URL}{report.pk}/retry/").status_code == 404
    response = api_for(editor_a).post(f"{URL}{report.pk}/retry/")
    assert response.status_code == 200 and response.json()["failure_reason"] == ""
    again = api_for(editor_a).post(f"{URL}{report.pk}/retry/")
    assert again.status_code == 400 and again.json()["error"]["fields"]["non_field_errors"]


def test_a_missing_region_id_is_refused_like_another_districts(world, editor_b, api_for):
    elsewhere = api_for(editor_b).post(URL, payload(world, text="走访1200户。"), format="json")
    body = payload(world, text="走访1200户。")
    body["region"] = 999_999
    missing = api_for(editor_b).post(URL, body, format="json")
    assert missing.status_code == elsewhere.status_code == 403
    assert missing.json() == elsewhere.json()
    assert not Report.objects.exists()
