"""Upload ingestion: every accepted format becomes text, every bad input a clear Chinese error."""

import io
import zipfile

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.ingest import IngestError, text_from_paste, text_from_upload

TEXT = "金海路街道走访群众622户，现场解决问题57个。\n全街道共有党员1600余名。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_in_any_common_encoding_is_read_exactly(encoding):
    assert text_from_upload(TEXT.encode(encoding)).text == TEXT


def test_short_gbk_text_is_not_mistaken_for_korean():
    assert text_from_upload("走访群众622户".encode("gbk")).text == "走访群众622户"


def test_windows_line_ends_become_newlines():
    assert text_from_upload("第一段\r\n第二段".encode()).text == "第一段\n第二段"


def test_html_has_its_tags_scripts_and_styles_stripped():
    html = (
        "<!DOCTYPE html><html><head><title>t</title><style>p{color:red}</style></head><body>"
        "<script>alert('x')</script><p>走访群众622户</p><div>解决问题57个</div></body></html>"
    )
    text = text_from_upload(html.encode("utf-8")).text
    assert "走访群众622户" in text and "解决问题57个" in text
    assert "alert" not in text and "color" not in text and "<" not in text


def test_docx_paragraphs_and_tables_are_read():
    document = docx.Document()
    document.add_paragraph("走访群众622户")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "解决问题"
    table.rows[0].cells[1].text = "57个"
    buf = io.BytesIO()
    document.save(buf)
    result = text_from_upload(buf.getvalue())
    assert result.kind == "docx"
    assert "走访群众622户" in result.text and "57个" in result.text


def test_pdf_with_a_text_layer_is_read():
    from weasyprint import HTML

    pdf = HTML(string="<p>走访群众622户，解决问题57个。</p>").write_pdf()
    result = text_from_upload(pdf)
    assert result.kind == "pdf"
    assert "走访群众622户" in result.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "文件为空"),
        (b"   \n\t  ", "文件为空"),
        ("  \n ".encode("utf-16"), "正文为空"),
        (bytes(range(256)) * 20, "不是文本"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "PNG 图片"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, ".docx"),
        (b"PK\x03\x04 this is not a real zip", "已损坏"),
        (b"%PDF-1.4\n garbage", "PDF"),
        (b"\xff\xfe\xff\xfe" + b"\x00\xd8" * 10, "无法按该编码读取"),
    ],
)
def test_bad_inputs_give_a_chinese_error(data, message):
    with pytest.raises(IngestError, match=message):
        text_from_upload(data)


def test_invalid_utf8_binary_named_txt_is_refused():
    with pytest.raises(IngestError, match="不是文本"):
        text_from_upload(b"\x00\x01\x02\x03\xfe\xff" * 500)


def test_oversized_upload_is_refused_before_reading(settings):
    settings.REPORT_MAX_UPLOAD_BYTES = 1024
    with pytest.raises(IngestError, match="文件过大"):
        text_from_upload(b"a" * 2048)


def test_zip_that_is_not_a_word_document_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(IngestError, match="不是 Word 文档"):
        text_from_upload(buf.getvalue())


def test_docx_zip_bomb_is_refused_without_unpacking():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\x00" * (60 * 1024 * 1024))
    assert len(buf.getvalue()) < 200 * 1024
    with pytest.raises(IngestError, match="压缩炸弹"):
        text_from_upload(buf.getvalue())


def test_corrupt_docx_with_the_right_member_names_is_refused():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<not-xml")
    with pytest.raises(IngestError, match="Word 文档已损坏"):
        text_from_upload(buf.getvalue())


def test_pasted_whitespace_is_refused():
    with pytest.raises(IngestError, match="正文为空"):
        text_from_paste(" \n\u3000 ")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_become_text_or_a_chinese_error(data):
    try:
        result = text_from_upload(data)
    except IngestError as exc:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))
    else:
        assert result.text.strip() and "\x00" not in result.text
