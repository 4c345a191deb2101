"""Report pages as each persona sees them: submission by paste and upload, scope, read-only users, XSS."""

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from metrics.models import DataValue
from reports.models import Report
from tests.reports.conftest import SAMPLE

pytestmark = pytest.mark.django_db


def _form(world, **extra):
    data = {
        "title": "走访报道",
        "source_kind": "newspaper",
        "source_name": "周口日报",
        "published": "2024-03-31",
        "region": world.street_a.pk,
    }
    data.update(extra)
    return data


def _post(client, data, capture):
    with capture(execute=True):
        return client.post(reverse("reports:submit"), data)


def _docx_bytes(text: str) -> bytes:
    document = docx.Document()
    for line in text.split("\n"):
        document.add_paragraph(line)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def test_paste_submission_is_stored_parsed_and_shown(world, editor_a, client_for, django_capture_on_commit_callbacks):
    client = client_for(editor_a)
    response = _post(client, _form(world, text=SAMPLE), django_capture_on_commit_callbacks)
    report = Report.objects.get()
    assert response.status_code == 302 and response.url == reverse("reports:detail", args=[report.pk])
    assert report.status == Report.Status.PARSED and report.submitted_by == editor_a
    page = client.get(response.url).content.decode()
    assert "已解析" in page and reverse("reports:review", args=[report.pk]) in page


@pytest.mark.parametrize(
    ("name", "payload"),
    [
        ("gbk.txt", SAMPLE.encode("gbk")),
        ("utf16.txt", SAMPLE.encode("utf-16")),
        ("page.html", f"<html><body><script>alert(1)</script><p>{SAMPLE}</p></body></html>".encode()),
        ("report.docx", _docx_bytes(SAMPLE)),
        ("no-extension", SAMPLE.encode("gb18030")),
    ],
)
def test_uploads_of_each_kind_become_the_same_text(
    world, editor_a, client_for, django_capture_on_commit_callbacks, name, payload
):
    upload = SimpleUploadedFile(name, payload)
    response = _post(client_for(editor_a), _form(world, file=upload), django_capture_on_commit_callbacks)
    assert response.status_code == 302
    report = Report.objects.get()
    assert "走访群众622户" in report.text and "alert" not in report.text
    assert report.original_filename == name
    assert report.mentions.filter(text="622户").exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("empty.txt", b""), "文件为空"),
        (SimpleUploadedFile("blank.txt", b"  \n  "), "文件为空"),
        (SimpleUploadedFile("photo.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8), "PNG 图片"),
        (SimpleUploadedFile("random.txt", bytes(range(256)) * 16), "不是文本"),
        (SimpleUploadedFile("broken.docx", b"PK\x03\x04" + b"\x00" * 64), "已损坏"),
    ],
)
def test_bad_uploads_store_nothing_and_keep_what_was_typed(
    world, editor_a, client_for, django_capture_on_commit_callbacks, upload, message
):
    data = _form(world, title="我的标题", file=upload)
    response = _post(client_for(editor_a), data, django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert 'value="我的标题"' in page and 'value="周口日报"' in page
    assert not Report.objects.exists()


def test_oversized_upload_is_refused(world, editor_a, client_for, settings, django_capture_on_commit_callbacks):
    settings.REPORT_MAX_UPLOAD_BYTES = 1024
    upload = SimpleUploadedFile("big.txt", SAMPLE.encode() * 20)
    response = _post(client_for(editor_a), _form(world, file=upload), django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert not Report.objects.exists()


def test_empty_paste_is_refused_in_chinese(world, editor_a, client_for, django_capture_on_commit_callbacks):
    response = _post(client_for(editor_a), _form(world, text="   \n "), django_capture_on_commit_callbacks)
    assert response.status_code == 400 and "正文不能为空" in response.content.decode()
    assert not Report.objects.exists()


def test_region_outside_scope_cannot_be_chosen(world, editor_a, client_for, django_capture_on_commit_callbacks):
    response = _post(
        client_for(editor_a), _form(world, region=world.street_b.pk, text=SAMPLE), django_capture_on_commit_callbacks
    )
    assert response.status_code == 400 and not Report.objects.exists()


def test_resubmission_is_linked_to_the_first(world, editor_a, client_for, django_capture_on_commit_callbacks):
    client = client_for(editor_a)
    _post(client, _form(world, text=SAMPLE), django_capture_on_commit_callbacks)
    response = _post(client, _form(world, text=SAMPLE + "\n"), django_capture_on_commit_callbacks)
    first, second = Report.objects.order_by("id")
    assert second.duplicate_of == first and second.mentions.count() == 0
    page = client.get(response.url).content.decode()
    assert "内容相同" in page and reverse("reports:review", args=[first.pk]) in page


def test_viewer_cannot_submit_or_review_writes(world, viewer_a, editor_a, parsed_report, client_for):
    client = client_for(viewer_a)
    assert client.get(reverse("reports:submit")).status_code == 403
    assert client.post(reverse("reports:submit"), _form(world, text=SAMPLE)).status_code == 403
    m = parsed_report.mentions.first()
    for action in ("accept", "reject", "correct"):
        url = reverse(f"reports:mention_{action}", args=[parsed_report.pk, m.pk])
        assert client.post(url).status_code == 403
    assert client.post(reverse("reports:accept_above", args=[parsed_report.pk]), {"threshold": "0"}).status_code == 403
    assert client.post(reverse("reports:retry", args=[parsed_report.pk])).status_code == 403
    # Reading is allowed, without the buttons.
    page = client.get(reverse("reports:review", args=[parsed_report.pk])).content.decode()
    assert "622户" in page and "采纳</button>" not in page
    assert not DataValue.objects.exists()


def test_other_district_gets_404_everywhere(world, editor_b, parsed_report, client_for):
    client = client_for(editor_b)
    m = parsed_report.mentions.first()
    for url in (reverse("reports:detail", args=[parsed_report.pk]), reverse("reports:review", args=[parsed_report.pk])):
        assert client.get(url).status_code == 404
    for action in ("accept", "reject", "correct"):
        assert client.post(reverse(f"reports:mention_{action}", args=[parsed_report.pk, m.pk])).status_code == 404
    assert client.post(reverse("reports:retry", args=[parsed_report.pk])).status_code == 404
    assert "走访报道" not in client.get(reverse("reports:list")).content.decode()


def test_city_leader_sees_both_districts(world, city_leader, parsed_report, client_for):
    page = client_for(city_leader).get(reverse("reports:list")).content.decode()
    assert "走访报道" in page and "提交报道" not in page


def test_script_in_a_report_is_rendered_escaped(world, editor_a, submit, client_for):
    report = submit(editor_a, world.street_a, text='<script>alert("x")</script><b>走访群众622户</b>' + SAMPLE)
    client = client_for(editor_a)
    for name in ("reports:detail", "reports:review"):
        page = client.get(reverse(name, args=[report.pk])).content.decode()
        assert '<script>alert("x")' not in page and "<b>走访" not in page
        assert "&lt;script&gt;" in page
    review = client.get(reverse("reports:review", args=[report.pk])).content.decode()
    assert 'class="mention' in review and ">622户</mark>" in review


def test_list_and_detail_poll_while_parsing_and_stop_when_done(world, editor_a, client_for, parsed_report):
    client = client_for(editor_a)
    list_url, detail_url = reverse("reports:list"), reverse("reports:detail", args=[parsed_report.pk])
    assert 'hx-trigger="every' not in client.get(list_url).content.decode()
    Report.objects.filter(pk=parsed_report.pk).update(status=Report.Status.PARSING)
    rows = client.get(list_url, headers={"HX-Request": "true"}).content.decode()
    assert rows.startswith('<div id="report-rows"') and 'hx-trigger="every' in rows and "解析中" in rows
    status = client.get(detail_url, headers={"HX-Request": "true"}).content.decode()
    assert status.startswith('<section id="report-status"') and 'hx-trigger="every' in status


def test_failed_report_shows_its_reason_and_retry_requeues_it(
    world, editor_a, client_for, parsed_report, django_capture_on_commit_callbacks
):
    Report.objects.filter(pk=parsed_report.pk).update(status=Report.Status.FAILED, failure_reason="解析超时（测试）")
    client = client_for(editor_a)
    page = client.get(reverse("reports:detail", args=[parsed_report.pk])).content.decode()
    assert "解析超时（测试）" in page and "重新解析" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[parsed_report.pk]))
    assert response.status_code == 302
    assert Report.objects.get(pk=parsed_report.pk).status == Report.Status.PARSED


def test_review_actions_by_htmx_return_the_card(world, editor_a, client_for, parsed_report):
    client = client_for(editor_a)
    m = parsed_report.mentions.get(text="622户")
    url = reverse("reports:mention_correct", args=[parsed_report.pk, m.pk])
    prefix = f"m{m.pk}"
    data = {
        f"{prefix}-value": "622",
        f"{prefix}-unit": "户",
        f"{prefix}-indicator": m.indicator_id,
        f"{prefix}-region": world.street_a.pk,
        f"{prefix}-period": "2024-03",
        "and_accept": "1",
    }
    card = client.post(url, data, headers={"HX-Request": "true"}).content.decode()
    assert card.startswith("\n<article") or card.lstrip().startswith("<article")
    assert "已采纳" in card
    assert DataValue.objects.get().mention == m
    again = client.post(
        reverse("reports:mention_accept", args=[parsed_report.pk, m.pk]), headers={"HX-Request": "true"}
    ).content.decode()
    assert "未做改动" in again and DataValue.objects.count() == 1


def test_bad_correction_keeps_what_was_typed(world, editor_a, client_for, parsed_report):
    client = client_for(editor_a)
    m = parsed_report.mentions.get(text="622户")
    prefix = f"m{m.pk}"
    data = {f"{prefix}-value": "六百", f"{prefix}-unit": "户", f"{prefix}-period": "2024-13"}
    response = client.post(reverse("reports:mention_correct", args=[parsed_report.pk, m.pk]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert 'value="六百"' in page and 'value="2024-13"' in page and "无效的月份" in page


def test_accept_above_from_the_page(world, editor_a, client_for, parsed_report):
    response = client_for(editor_a).post(reverse("reports:accept_above", args=[parsed_report.pk]), {"threshold": "0"})
    assert response.status_code == 302
    assert DataValue.objects.filter(source="report").exists()


def test_review_and_list_queries_do_not_grow_with_the_figures(
    world, editor_a, submit, client_for, django_assert_max_num_queries
):
    long_text = "\n".join(f"金海路街道第{i}网格走访群众{100 + i}户，解决问题{i + 1}个。" for i in range(40))
    report = submit(editor_a, world.street_a, text=long_text)
    for i in range(5):
        submit(editor_a, world.street_a, text=f"朱庄社区走访群众{i + 300}户。", title=f"报道{i}")
    assert report.mentions.count() >= 60
    client = client_for(editor_a)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("reports:review", args=[report.pk]))
    assert page.status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("reports:list")).status_code == 200


def test_database_error_at_submit_keeps_the_form_and_stores_nothing(
    world, editor_a, client_for, monkeypatch, django_capture_on_commit_callbacks
):
    from django.db import OperationalError

    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(Report, "save", refuse)
    data = _form(world, title="我的标题", text=SAMPLE)
    response = _post(client_for(editor_a), data, django_capture_on_commit_callbacks)
    page = response.content.decode()
    assert response.status_code == 503 and "数据库暂时不可用" in page
    assert 'value="我的标题"' in page and "走访群众622户" in page
    monkeypatch.undo()
    assert not Report.objects.exists()
