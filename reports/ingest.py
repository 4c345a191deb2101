"""Turn pasted text or an uploaded file into report text, judging the file by its content, not its name.

Every failure is an :class:`IngestError` with a Chinese message for the form; nothing is stored
until the text has been read in full, so an unreadable upload never leaves half a report behind.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings

from portal.decoding import UndecodableText, decode_text

# A .docx of a news report is a few hundred kilobytes unpacked; more than this is a zip bomb.
DOCX_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
DOCX_MAX_MEMBERS = 2000
DOCX_MAX_RATIO = 200
PDF_MAX_PAGES = 300
# Longer than any real report; guards the parser and the page from a runaway text.
MAX_TEXT_CHARS = 500_000

_BINARY_MAGIC = {
    b"\x89PNG": "PNG 图片",
    b"\xff\xd8\xff": "JPEG 图片",
    b"GIF8": "GIF 图片",
    b"\xd0\xcf\x11\xe0": "旧版 Office 文件（.doc/.xls），请另存为 .docx 后上传",
    b"Rar!": "RAR 压缩包",
    b"7z\xbc\xaf": "7z 压缩包",
    b"\x1f\x8b": "gzip 压缩包",
    b"\x7fELF": "可执行文件",
}
_HTML_START = re.compile(
    r"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body|meta|title)\b", re.IGNORECASE | re.DOTALL
)
_HTML_TAGS = re.compile(r"</(p|div|span|body|section|article|td|li|h[1-6])\s*>|<br\s*/?>", re.IGNORECASE)
_BLOCK_TAGS = ("p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "table")


class IngestError(ValueError):
    """The input cannot become a report; ``str(error)`` is the Chinese message for the user."""


@dataclass(frozen=True)
class Ingested:
    text: str
    kind: str  # text, html, docx, pdf
    encoding: str = ""


def text_from_paste(text: str) -> Ingested:
    """Pasted text: normalise line ends, refuse empty input."""
    return Ingested(_finish(text), "text", "")


def text_from_upload(data: bytes, *, max_bytes: int | None = None) -> Ingested:
    """Read an upload's bytes; the file name is deliberately not consulted."""
    limit = settings.REPORT_MAX_UPLOAD_BYTES if max_bytes is None else max_bytes
    if len(data) > limit:
        raise IngestError(f"文件过大：{_size(len(data))}，上限为 {_size(limit)}。")
    if not data.strip():
        raise IngestError("文件为空，请选择包含报道正文的文件。")
    if data.startswith(b"%PDF-"):
        return Ingested(_finish(_pdf_text(data)), "pdf")
    if data.startswith(b"PK\x03\x04"):
        return Ingested(_finish(_docx_text(data)), "docx")
    for magic, label in _BINARY_MAGIC.items():
        if data.startswith(magic):
            raise IngestError(f"无法读取：这是{label}，不是报道文本。支持 .txt、.docx、.pdf（文字版）和 .html。")
    try:
        text, encoding = decode_text(data)
    except UndecodableText as exc:
        raise IngestError(str(exc)) from None
    if _looks_like_html(text):
        return Ingested(_finish(_html_text(text)), "html", encoding)
    return Ingested(_finish(text), "text", encoding)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _finish(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    if not text.strip():
        raise IngestError("报道正文为空，请粘贴或上传包含文字的报道。")
    if len(text) > MAX_TEXT_CHARS:
        raise IngestError(f"报道正文过长（{len(text)} 字），上限为 {MAX_TEXT_CHARS} 字。")
    return text


# --- HTML ---------------------------------------------------------------------------------------


def _looks_like_html(text: str) -> bool:
    head = text[:4000]
    return bool(_HTML_START.match(head)) or len(_HTML_TAGS.findall(head)) >= 3


def _html_text(html: str) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head"]):
        tag.decompose()
    for tag in soup.find_all(_BLOCK_TAGS):
        tag.insert_before("\n")
        tag.insert_after("\n")
    lines = [re.sub(r"[ \t\u3000\xa0]+", " ", line).strip() for line in soup.get_text().split("\n")]
    return "\n\n".join(line for line in lines if line)


# --- .docx --------------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise IngestError("文件已损坏，无法作为 .docx 打开。") from exc
    if "word/document.xml" not in archive.namelist():
        raise IngestError("这是一个压缩文件，但不是 Word 文档（.docx）。")
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if len(members) > DOCX_MAX_MEMBERS or unpacked > DOCX_MAX_UNPACKED_BYTES or unpacked / packed > DOCX_MAX_RATIO:
        raise IngestError("Word 文档解压后异常庞大（疑似压缩炸弹），已拒绝。")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        parts = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                parts.append("\t".join(cell.text for cell in row.cells))
    except Exception as exc:
        raise IngestError("Word 文档已损坏或格式不受支持，无法读取。") from exc
    return "\n\n".join(p for p in parts if p.strip())


# --- PDF ----------------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    try:
        from pdfminer.high_level import extract_text

        text = extract_text(io.BytesIO(data), maxpages=PDF_MAX_PAGES)
    except Exception as exc:
        raise IngestError("PDF 文件已损坏或已加密，无法读取。") from exc
    text = text.replace("\x0c", "\n")
    if not text.strip():
        raise IngestError("PDF 中没有文字层（可能是扫描件），请上传文字版 PDF 或直接粘贴正文。")
    return text
