"""Bad input across the portal (docs/bad-input.md): each case a clear Chinese message or correct handling,
never a server error, never half a record. Cases already proven elsewhere are referenced in the doc."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from metrics import services
from metrics.forms import default_month
from metrics.models import DataSet, DataValue, MonthlyReturn
from reports.models import Report
from tests.extraction._helpers import mentions

MONTH = default_month()


# --- Report uploads through the page -------------------------------------------------------------


def _report_form(world, **extra) -> dict:
    return {
        "title": "我的标题",
        "source_kind": "newspaper",
        "source_name": "周口日报",
        "published": "2024-03-31",
        "region": world.street_a.pk,
        **extra,
    }


def test_a_real_50_mb_upload_is_refused_with_its_size_and_nothing_is_stored(world, editor_a, client_for):
    upload = SimpleUploadedFile("大文件.txt", b"\xe8\xb5\xb0" * (50 * 1024 * 1024 // 3 + 1))
    response = client_for(editor_a).post(reverse("reports:submit"), _report_form(world, file=upload))
    page = response.content.decode()
    assert response.status_code == 400
    assert "文件过大：50.0 MB，上限为 5 MB" in page and 'value="我的标题"' in page
    assert not Report.objects.exists()


def test_a_docx_zip_bomb_uploaded_through_the_page_is_refused(world, editor_a, client_for):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\x00" * (60 * 1024 * 1024))
    upload = SimpleUploadedFile("报道.docx", buf.getvalue())
    response = client_for(editor_a).post(reverse("reports:submit"), _report_form(world, file=upload))
    assert response.status_code == 400 and "疑似压缩炸弹" in response.content.decode()
    assert not Report.objects.exists()


def test_pasted_html_with_a_script_is_stored_as_typed_and_shown_escaped(
    world, editor_a, client_for, django_capture_on_commit_callbacks
):
    text = '<script>alert("x")</script>朱庄社区走访群众62户。'
    client = client_for(editor_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:submit"), _report_form(world, text=text))
    assert response.status_code == 302
    report = Report.objects.get()
    for url in (reverse("reports:detail", args=[report.pk]), reverse("reports:review", args=[report.pk])):
        page = client.get(url).content.decode()
        assert '<script>alert("x")' not in page and "&lt;script&gt;" in page


# --- Figures in report text: the extraction engine on plain strings -----------------------------


@pytest.mark.parametrize(
    ("text", "value", "unit", "approx"),
    [
        ("全市投资10万亿元", 10**13, "元", False),  # 万亿 is 10¹², not 万 + 亿 (fixed in numbers.py)
        ("全国总量达到三万亿元", 3 * 10**12, "元", False),
        ("满意率提高0.0001%", 0.0001, "%", False),
        ("走访群众1,234,567户", 1_234_567, "户", False),
        ("动员党员五六千人", 5000, "人", True),  # a range: its lower bound, marked approximate
        ("走访群众三四百户", 300, "户", True),
        ("组织十五六个督导组", 15, "个", True),
        ("引进企业１２家", 12, "家", False),
    ],
)
def test_numbers_in_report_text_are_read_correctly(text, value, unit, approx):
    (found,) = mentions(text)
    assert (found["value"], found["unit"], found["approx"]) == (value, unit, approx)


@pytest.mark.parametrize("text", ["走访-1户", "人口1e9人", "版本5.0.1个"])
def test_signed_or_scientific_numbers_in_text_are_not_figures(text):
    assert [m for m in mentions(text) if m["value"] in (-1, 1, 1e9, 10**9)] == []


# --- Values typed into a monthly form ------------------------------------------------------------


def _save(client, world, ret, value: str):
    url = reverse(
        "metrics:return_save",
        kwargs={"region_id": world.street_a.pk, "dataset": "organisation", "month": f"{MONTH:%Y-%m}"},
    )
    ret.refresh_from_db()
    data = {"version": ret.version, "v_party_members": value, "v_full_members": "90"}
    return client.post(url, data, HTTP_ACCEPT="application/json")


@pytest.fixture
def form(world, street_editor_a) -> MonthlyReturn:
    ret = services.return_get_or_create(
        user=street_editor_a, region=world.street_a, dataset=DataSet.objects.get(code="organisation"), month=MONTH
    )
    services.return_save_values(
        user=street_editor_a,
        monthly_return=ret,
        values={"party_members": "100", "full_members": "90"},
        expected_version=ret.version,
    )
    return ret


def _stored() -> dict[str, str]:
    return {dv.indicator.code: f"{dv.value.normalize():f}" for dv in DataValue.objects.select_related("indicator")}


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("-1", "不能为负数"),
        ("1e9", "不要用科学计数法"),  # Decimal would read a billion (fixed in metrics/validation.py)
        ("abc", "不是有效的数字"),
        ("十二", "不是有效的数字"),
        ("12人", "不是有效的数字"),
        ("1.5", "只能填写整数"),
        ("99999999999999999999", "过大"),
    ],
)
def test_bad_values_in_a_form_are_refused_per_cell_and_nothing_changes(
    world, street_editor_a, client_for, form, typed, message
):
    before = (_stored(), MonthlyReturn.objects.get().version)
    response = _save(client_for(street_editor_a), world, form, typed)
    body = json.loads(response.content)
    assert response.status_code == 400, body
    assert any(message in m for m in body["errors"]["party_members"]), body["errors"]
    assert (_stored(), MonthlyReturn.objects.get().version) == before


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("１２０", "120"), (" 1,200 ", "1200"), ("120.0", "120")],
)
def test_full_width_and_separated_values_are_read_as_numbers(world, street_editor_a, client_for, form, typed, stored):
    response = _save(client_for(street_editor_a), world, form, typed)
    assert response.status_code == 200, response.content
    assert _stored()["party_members"] == stored


def test_an_emptied_cell_clears_the_value(world, street_editor_a, client_for, form):
    response = _save(client_for(street_editor_a), world, form, "")
    assert response.status_code == 200
    assert "party_members" not in _stored() and _stored()["full_members"] == "90"


# --- Spreadsheets --------------------------------------------------------------------------------


def _workbook(build) -> SimpleUploadedFile:
    wb = Workbook()
    build(wb)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


def _preview(client, upload):
    return client.post(reverse("metrics:return_import"), {"file": upload, "month": f"{MONTH:%Y-%m}"})


def _ledger(ws, rows=(("金海路街道", 120, 110),)):
    ws.append(["区域", "党员人数", "正式党员人数"])
    for row in rows:
        ws.append(list(row))


def test_extra_sheets_are_named_and_skipped_and_the_ledger_is_read(world, street_editor_a, client_for):
    def build(wb):
        wb.active.title = "台账"
        _ledger(wb.active)
        wb.create_sheet("说明").append(["填表说明：按月填写"])
        wb.create_sheet("图表数据").append(["随便", "什么"])

    response = _preview(client_for(street_editor_a), _workbook(build))
    page = response.content.decode()
    preview = response.context["preview"]
    assert response.status_code == 400  # a file-level problem is shown; the good rows can still be imported
    assert "工作表“图表数据”：未找到表头" in page and "说明" not in " ".join(preview.problems)
    assert [r.ok for r in preview.rows] == [True]
    assert not DataValue.objects.exists()


def test_merged_region_cells_do_not_spill_into_other_rows(world, street_editor_a, client_for):
    def build(wb):
        ws = wb.active
        _ledger(ws, [("金海路街道", 120, 110), (None, 130, 100)])
        ws.merge_cells("A2:A3")  # a merged region column: only the top cell holds the name

    response = _preview(client_for(street_editor_a), _workbook(build))
    rows = response.context["preview"].rows
    assert [r.ok for r in rows] == [True, False]
    assert rows[1].errors and all("区域" in m for m in rows[1].errors)
    assert not DataValue.objects.exists()


def _with_cached_results(upload: SimpleUploadedFile, results: dict[str, str]) -> SimpleUploadedFile:
    """What Excel or WPS would have saved: each formula cell with its computed result."""
    source = zipfile.ZipFile(io.BytesIO(upload.read()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                for ref, value in results.items():
                    start = text.index(f'<c r="{ref}"')
                    text = text[:start] + text[start:].replace("<v></v>", f"<v>{value}</v>", 1)
                data = text.encode()
            target.writestr(item, data)
    return SimpleUploadedFile("台账.xlsx", out.getvalue())


def test_formulas_import_their_saved_results(world, street_editor_a, client_for):
    def build(wb):
        _ledger(wb.active, [("金海路街道", "=100+20", "=B2-10")])

    upload = _with_cached_results(_workbook(build), {"B2": "120", "C2": "110"})
    response = _preview(client_for(street_editor_a), upload)
    (row,) = response.context["preview"].rows
    assert row.ok and [c.raw for c in row.cells] == ["120", "110"]


def test_formulas_without_saved_results_are_explained_not_taken_as_figures(world, street_editor_a, client_for):
    def build(wb):
        _ledger(wb.active, [("金海路街道", "=100+20", 110)])

    response = _preview(client_for(street_editor_a), _workbook(build))
    (row,) = response.context["preview"].rows
    formula_cell, plain_cell = row.cells
    assert not row.ok and plain_cell.errors == []
    assert "公式“=100+20”没有计算结果" in formula_cell.errors[0]
    assert "请在 Excel/WPS 中打开并保存后再导入" in response.content.decode()
    assert not DataValue.objects.exists()


def test_wrong_headers_explain_what_is_expected(world, street_editor_a, client_for):
    def build(wb):
        wb.active.append(["单位", "人数", "备注"])
        wb.active.append(["金海路街道", 120, ""])

    response = _preview(client_for(street_editor_a), _workbook(build))
    page = response.content.decode()
    assert response.status_code == 400
    assert "未找到表头（需要“区域”列和指标名称列）" in page
    assert not DataValue.objects.exists() and not MonthlyReturn.objects.exists()


def test_a_spreadsheet_that_is_not_one_is_explained(world, street_editor_a, client_for):
    upload = SimpleUploadedFile("台账.xlsx", b"PK\x03\x04 not really a workbook")
    response = _preview(client_for(street_editor_a), upload)
    assert response.status_code == 400 and "无法读取文件" in response.content.decode()


def test_a_nul_character_in_a_query_or_a_form_is_a_clear_400_not_a_server_error(world, editor_a, client_for):
    # PostgreSQL cannot store NUL; schemathesis found /api/v1/aggregates/?indicator=%00 answering 500.
    client = client_for(editor_a)
    response = client.get("/api/v1/aggregates/?indicator=a%00b")
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]["message"]
    response = client.post("/reports/new/", {"title": "标题\x00", "text": "正文"})
    assert response.status_code == 400
    assert "控制字符" in response.content.decode()
    response = client.post("/api/v1/data-values/", data='{"note": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 400
