"""The exports page: region picker within scope, PDF / Excel / CSV, audit, personas and 404 outside scope."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from metrics.dashboard import SECTIONS, cell_text
from portal.models import AuditEvent
from reports import summaries
from reports.models import Summary
from tests.reports.summary_helpers import build_figures

SELECTION = {"period": "2024"}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def figures(world):
    build_figures(world)
    return world


def _dashboard(client, region, period="2024"):
    response = client.get(
        reverse("metrics:dashboard"), {"region": region.pk, "period_from": period, "period_to": period}
    )
    return response.context["tables"]


def test_the_page_offers_only_regions_in_scope_and_appears_in_the_navigation(figures, client_for, viewer_a):
    response = client_for(viewer_a).get(reverse("reports:exports"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("reports:exports")}"' in html  # the nav item
    assert "川汇区" in html and "金海路街道" in html
    assert "示范区" not in html and "文昌街道" not in html and "周口市" not in html
    assert 'value="2024"' in html  # the year of the newest figures


def test_anonymous_users_are_sent_to_login(client, db):
    for name in ("reports:exports", "reports:export_xlsx", "reports:export_csv_zip"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_small_pdf_is_made_on_request_downloaded_and_audited(figures, client_for, viewer_a):
    client = client_for(viewer_a)
    response = client.post(reverse("reports:export_pdf"), {"region": figures.district_a.pk, **SELECTION})
    summary = Summary.objects.get()
    assert response["Location"] == reverse("reports:summary_download", args=[summary.pk])
    download = client.get(response["Location"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    event = AuditEvent.objects.get(action="export")
    assert event.user == viewer_a and event.detail["format"] == "pdf" and event.detail["period"] == "2024"
    # The same request again reuses the file.
    client.post(reverse("reports:export_pdf"), {"region": figures.district_a.pk, **SELECTION})
    assert Summary.objects.count() == 1
    assert summary in client.get(reverse("reports:exports")).context["recent"]


def test_the_workbook_has_one_sheet_per_section_with_the_dashboard_figures(figures, client_for, city_leader):
    client = client_for(city_leader)
    response = client.post(reverse("reports:export_xlsx"), {"region": figures.city.pk, **SELECTION})
    assert response.status_code == 200 and response["Content-Type"] == summaries.XLSX_TYPE
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["封面", *[summaries.SECTION_TITLES[k] for k in SECTIONS]]
    assert book["封面"]["B2"].value == "周口市" and book["封面"]["B3"].value == "2024年"
    tables = _dashboard(client, figures.city)
    for key in SECTIONS:
        sheet = book[summaries.SECTION_TITLES[key]]
        rows = list(sheet.iter_rows(values_only=True))
        assert rows[0][0] == tables[key].title and list(rows[1]) == [str(c) for c in tables[key].columns]
        got = [[cell_text(c) if c is not None else "" for c in row] for row in rows[2 : 2 + len(tables[key].rows)]]
        want = [[cell_text(c) for c in row] for row in tables[key].rows]
        assert _same_figures(got, want), key
    kpis = book["关键指标"]
    households = next(r for r in kpis.iter_rows(min_row=3, values_only=True) if r[0] == "走访户数")
    assert households[2] == 644  # a number in Excel, not text: 10 + 5 + 7 + 622
    assert AuditEvent.objects.filter(action="export", detail__format="xlsx").count() == 1


def _same_figures(got: list[list[str]], want: list[list[str]]) -> bool:
    """Cell by cell, numbers compared as numbers (Excel stores 37.5 for the dashboard's 37.50)."""

    def norm(text: str) -> str:
        try:
            return f"{float(text):g}"
        except ValueError:
            return text[:10] if len(text) >= 19 and text[4] == "-" else text  # datetimes: the date

    return [[norm(c) for c in row] for row in got] == [[norm(c) for c in row] for row in want]


def test_every_table_downloads_as_csv_and_all_of_them_as_a_zip(figures, client_for, city_leader):
    client = client_for(city_leader)
    params = {"region": figures.district_a.pk, **SELECTION}
    tables = _dashboard(client, figures.district_a)
    for key in SECTIONS:
        response = client.get(reverse("reports:export_csv", args=[key]), params)
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        assert rows[0] == tables[key].columns
        assert rows[1:] == [[cell_text(c) for c in row] for row in tables[key].rows]
    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse("reports:export_csv_zip"), params).content))
    assert len(archive.namelist()) == len(SECTIONS) and "01-关键指标.csv" in archive.namelist()
    assert client.get(reverse("reports:export_csv", args=["nonsense"]), params).status_code == 404
    assert AuditEvent.objects.filter(action="export").count() == len(SECTIONS) + 1


def test_another_districts_region_and_summaries_are_404(figures, client_for, viewer_a, editor_b):
    theirs = summaries.summary_request(
        user=editor_b, region=figures.district_b, period=summaries.summary_period("2024")
    )
    client = client_for(viewer_a)
    for region in (figures.district_b, figures.street_b, figures.city):
        params = {"region": region.pk, **SELECTION}
        assert client.post(reverse("reports:export_pdf"), params).status_code == 404
        assert client.get(reverse("reports:export_xlsx"), params).status_code == 404
        assert client.get(reverse("reports:export_csv_zip"), params).status_code == 404
        assert client.get(reverse("reports:export_csv", args=["kpis"]), params).status_code == 404
    for name in ("reports:summary_status", "reports:summary_download"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    assert client.post(reverse("reports:summary_retry", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("reports:summary_status", args=[999_999])).status_code == 404
    assert Summary.objects.count() == 1 and not AuditEvent.objects.filter(user=viewer_a, action="export").exists()


def test_a_bad_period_or_campaign_is_explained(figures, client_for, viewer_a):
    client = client_for(viewer_a)
    response = client.post(reverse("reports:export_pdf"), {"region": figures.district_a.pk, "period": "2024-13"})
    assert response.status_code == 400 and "无效的月份" in response.content.decode()
    response = client.get(reverse("reports:export_xlsx"), {"period": "2024", "campaign": "nope"})
    assert response.status_code == 400 and "找不到活动" in response.content.decode()
    assert not Summary.objects.exists()


def test_the_workbook_writes_money_in_wan_yuan_as_numbers_with_the_exact_yuan_beside(figures, client_for, city_leader):
    from datetime import date

    from tests.factories import value

    value("investment", figures.community_a, date(2024, 5, 1), 76_377_700)
    response = client_for(city_leader).post(reverse("reports:export_xlsx"), {"region": figures.city.pk, **SELECTION})
    kpis = list(load_workbook(io.BytesIO(response.content))["关键指标"].iter_rows(values_only=True))
    header = kpis[1]
    money = next(r for r in kpis[2:] if r[0] and "资金" in r[0])
    assert header[3] == f"{header[2]}（元）"
    assert money[1] == "万元" and money[2] == 7637.77 and money[3] == 76377700  # numbers Excel can add up
