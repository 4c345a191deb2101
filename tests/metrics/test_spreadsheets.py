"""Spreadsheets: template and export, ledgers with Chinese headers, import preview and confirm."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from metrics import services, spreadsheets
from metrics.forms import default_month
from metrics.models import DataSet, DataValue, MonthlyReturn
from portal.models import AuditEvent

MONTH_START = default_month()
MONTH = f"{MONTH_START:%Y-%m}"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Personas are created per test; the production hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def xlsx(rows, title="台账") -> SimpleUploadedFile:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return SimpleUploadedFile("台账.xlsx", out.getvalue(), content_type=spreadsheets.XLSX_TYPE)


def preview(client, upload, month=MONTH):
    return client.post(reverse("metrics:return_import"), {"file": upload, "month": month})


def confirm(client, response):
    return client.post(reverse("metrics:return_import_confirm"), {"token": response.context["token"]}, follow=True)


def test_template_has_a_sheet_per_dataset_with_chinese_headers_and_the_users_regions(
    world, client_for, street_editor_a
):
    response = client_for(street_editor_a).get(reverse("metrics:return_template"), {"month": MONTH})
    assert response.status_code == 200 and response["Content-Type"] == spreadsheets.XLSX_TYPE
    wb = load_workbook(io.BytesIO(response.content))
    assert {"组织建设", "项目建设", "说明"} <= set(wb.sheetnames)
    sheet = wb["组织建设"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["区域编号", "区域", "上级区域", "月份"] and "党员人数（人）" in headers
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["金海路街道", "朱庄社区"]


def test_template_is_for_writers_only(world, client_for, viewer_a):
    assert client_for(viewer_a).get(reverse("metrics:return_template"), {"month": MONTH}).status_code == 403


def test_export_xlsx_and_csv_carry_values_and_status_and_are_audited(world, client_for, street_editor_a, viewer_a):
    ret = services.return_get_or_create(
        user=street_editor_a, region=world.street_a, dataset=DataSet.objects.get(code="organisation"), month=MONTH_START
    )
    services.return_save_values(
        user=street_editor_a, monthly_return=ret, values={"party_members": "120"}, expected_version=ret.version
    )
    client = client_for(viewer_a)
    response = client.get(reverse("metrics:return_export"), {"month": MONTH, "region": world.district_a.pk})
    sheet = load_workbook(io.BytesIO(response.content))["组织建设"]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[1] == "金海路街道")
    headers = [c.value for c in sheet[1]]
    assert row[headers.index("党员人数（人）")] == 120 and row[-1] == "草稿"
    text = client.get(reverse("metrics:return_export"), {"month": MONTH, "format": "csv"}).content.decode("utf-8-sig")
    assert "金海路街道" in text and ",120," in text and "党员人数（人）" in text
    assert AuditEvent.objects.filter(action="export", user=viewer_a).count() == 2


def test_export_never_leaves_the_users_scope(world, client_for, editor_b):
    client = client_for(editor_b)
    assert (
        client.get(reverse("metrics:return_export"), {"month": MONTH, "region": world.district_a.pk}).status_code == 404
    )
    text = client.get(reverse("metrics:return_export"), {"month": MONTH, "format": "csv"}).content.decode("utf-8-sig")
    assert "金海路街道" not in text and "文昌街道" in text


def test_import_preview_lists_bad_rows_and_cells_and_writes_nothing(world, client_for, street_editor_a):
    earlier = f"{MONTH_START.year - 1}年{MONTH_START.month}月"
    upload = xlsx(
        [
            ["金海路街道党建工作台账"],  # a title row above the header, as real ledgers have
            ["区域", "月份", "党员人数（人）", "正式党员人数", "项目数", "走访户数", "备用列"],
            ["金海路街道", MONTH, 120, 110, 3, None, "x"],
            ["朱庄社区", MONTH, "很多", 10, None, None, None],
            ["朱庄社区", earlier, 50, 60, None, None, None],
            ["不存在社区", MONTH, 1, 1, None, None, None],
            ["景园社区", MONTH, 5, 5, None, None, None],  # district B: outside this user's scope
            ["金海路街道", MONTH, 1, None, None, None, None],
            ["金海路街道", earlier, -1, None, None, None, None],
            ["朱庄社区", "2020-02", None, None, 2, 5, None],  # projects are not reported by communities
        ]
    )
    response = preview(client_for(street_editor_a), upload)
    html = response.content.decode()
    rows = response.context["preview"].rows
    assert [r.number for r in rows] == [3, 4, 5, 6, 7, 8, 9, 10]
    assert [r.ok for r in rows] == [True, False, False, False, False, False, False, False]
    assert "“党员人数（人）”：“很多”不是有效的数字" in html
    assert "正式党员人数不能超过党员人数" in html
    assert "区域“不存在社区”不存在或不在您的权限范围内" in html
    assert "区域“景园社区”不存在或不在您的权限范围内" in html
    assert "与“台账”第 3 行重复" in html
    assert "不能为负数" in html
    assert "社区/村不填报此指标" in html
    assert "备用列" in html  # ignored columns are named
    assert not DataValue.objects.exists() and not MonthlyReturn.objects.exists()


def test_confirming_writes_the_valid_rows_in_one_go(world, client_for, street_editor_a):
    client = client_for(street_editor_a)
    response = preview(
        client,
        xlsx(
            [
                ["区域", "月份", "党员人数", "正式党员人数", "项目数", "已完成项目数"],
                ["金海路街道", MONTH, 120, 110, 3, 1],
                ["朱庄社区", MONTH, 40, 38, None, None],
                ["朱庄社区", "2020年13月", 40, 38, None, None],
            ]
        ),
    )
    assert len(response.context["preview"].good_rows) == 2
    assert "月份“2020年13月”无法识别" in response.content.decode()
    page = confirm(client, response)
    assert "已导入 3 张报表" in page.content.decode()
    assert DataValue.objects.filter(source="import").count() == 6
    ret = MonthlyReturn.objects.get(region=world.street_a, dataset__code="projects")
    assert ret.status == "draft" and ret.events.filter(action="import", reason__contains="台账.xlsx").exists()
    assert AuditEvent.objects.filter(action="return_import").exists()


def test_confirm_writes_nothing_if_a_form_was_locked_after_the_preview(world, client_for, street_editor_a, approver_a):
    client = client_for(street_editor_a)
    response = preview(
        client,
        xlsx([["区域", "党员人数", "项目数"], ["金海路街道", 120, 3]]),
    )
    ret = services.return_get_or_create(
        user=street_editor_a, region=world.street_a, dataset=DataSet.objects.get(code="projects"), month=MONTH_START
    )
    services.return_save_values(user=street_editor_a, monthly_return=ret, values={"projects": "2"}, expected_version=1)
    services.return_submit(user=street_editor_a, monthly_return=ret)
    page = confirm(client, response)
    assert "导入未完成，没有写入任何数据" in page.content.decode()
    assert not DataValue.objects.filter(indicator__code="party_members").exists()


def test_import_refuses_forms_already_submitted(world, client_for, street_editor_a):
    ret = services.return_get_or_create(
        user=street_editor_a, region=world.street_a, dataset=DataSet.objects.get(code="projects"), month=MONTH_START
    )
    services.return_save_values(user=street_editor_a, monthly_return=ret, values={"projects": "2"}, expected_version=1)
    services.return_submit(user=street_editor_a, monthly_return=ret)
    response = preview(client_for(street_editor_a), xlsx([["区域", "项目数"], ["金海路街道", 3]]))
    assert "“项目建设”当前状态为“已提交”，不能导入" in response.content.decode()


def test_exported_sheet_imports_again(world, client_for, editor_a):
    client = client_for(editor_a)
    ret = services.return_get_or_create(
        user=editor_a, region=world.community_a, dataset=DataSet.objects.get(code="organisation"), month=MONTH_START
    )
    services.return_save_values(user=editor_a, monthly_return=ret, values={"party_members": "40"}, expected_version=1)
    exported = client.get(reverse("metrics:return_export"), {"month": MONTH, "dataset": ret.dataset.pk}).content
    wb = load_workbook(io.BytesIO(exported))
    sheet = wb["组织建设"]
    headers = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == "朱庄社区":
            row[headers.index("党员人数（人）")].value = 42
    out = io.BytesIO()
    wb.save(out)
    response = preview(client, SimpleUploadedFile("导出.xlsx", out.getvalue()), month="")
    assert response.context["preview"].bad_rows == []
    confirm(client, response)
    assert DataValue.objects.get(region=world.community_a, indicator__code="party_members").value == 42


def test_csv_ledger_in_gbk_imports(world, client_for, street_editor_a):
    text = "区域,上级区域,走访户数,收集问题数,解决问题件数\r\n朱庄社区,金海路街道,66,10,8\r\n"
    upload = SimpleUploadedFile("台账.csv", text.encode("gb18030"), content_type="text/csv")
    client = client_for(street_editor_a)
    response = preview(client, upload)
    assert [r.ok for r in response.context["preview"].rows] == [True]
    confirm(client, response)
    assert DataValue.objects.get(indicator__code="households_visited").value == 66


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-8-sig"])
def test_csv_ledger_saved_as_unicode_text_imports(world, client_for, street_editor_a, encoding):
    # Excel's "Unicode 文本" is UTF-16; the ledger import reads it like a report upload does.
    text = "区域,上级区域,走访户数,收集问题数,解决问题件数\r\n朱庄社区,金海路街道,66,10,8\r\n"
    upload = SimpleUploadedFile("台账.csv", text.encode(encoding), content_type="text/csv")
    response = preview(client_for(street_editor_a), upload)
    assert [r.ok for r in response.context["preview"].rows] == [True]


def test_unreadable_file_is_explained(world, client_for, street_editor_a):
    upload = SimpleUploadedFile("坏文件.xlsx", b"not a spreadsheet")
    response = preview(client_for(street_editor_a), upload)
    assert response.status_code == 400 and "无法读取文件" in response.content.decode()


def test_wrong_extension_is_refused(world, client_for, street_editor_a):
    response = preview(client_for(street_editor_a), SimpleUploadedFile("a.txt", b"x"))
    assert "只支持 .xlsx 或 .csv 文件" in response.content.decode()


def test_viewer_cannot_import(world, client_for, viewer_a):
    client = client_for(viewer_a)
    assert client.get(reverse("metrics:return_import")).status_code == 403
    assert client.post(reverse("metrics:return_import_confirm"), {"token": "x"}).status_code == 403


def test_stale_or_forged_token_writes_nothing(world, client_for, street_editor_a):
    client = client_for(street_editor_a)
    preview(client, xlsx([["区域", "项目数"], ["金海路街道", 3]]))
    page = client.post(reverse("metrics:return_import_confirm"), {"token": "forged"}, follow=True)
    assert "导入预览已过期" in page.content.decode()
    assert not DataValue.objects.exists()
