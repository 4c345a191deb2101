"""The one decoder of uploaded text (news reports, CSV ledgers): BOM, UTF-16, UTF-8, GB18030, then a guess."""

from __future__ import annotations

import codecs
import unicodedata


class UndecodableText(ValueError):
    """The bytes are not text in any encoding we read; ``str(error)`` is the Chinese message."""


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding) of a text file's bytes: a BOM first, then UTF-16 without one, UTF-8, GB18030."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return _checked(_strict(data, encoding), encoding), encoding
    candidates = ["utf-8"]
    utf16 = _utf16_without_bom(data)
    if utf16:
        candidates.insert(0, utf16)
    candidates.append("gb18030")
    for encoding in candidates:
        text = _strict(data, encoding)
        if text is not None and _plausible(text, chinese=encoding == "gb18030"):
            return text, encoding
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is not None and _plausible(str(best), chinese=False):
        return str(best), best.encoding
    raise UndecodableText("无法识别文件编码或文件不是文本。请另存为 UTF-8 编码的 .txt，或上传 .docx/.pdf。")


def _strict(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _checked(text: str | None, encoding: str) -> str:
    if text is None or not _plausible(text, chinese=False):
        raise UndecodableText(f"文件声明为 {encoding} 编码，但内容无法按该编码读取，或不是文本。")
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text of mostly ASCII or CJK has NUL or repeated high bytes in every other position."""
    if len(data) < 4 or len(data) % 2:
        return None
    even, odd = data[0::2], data[1::2]
    if odd.count(0) > len(odd) * 0.3 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.3 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    # Chinese UTF-16: the high byte of each code unit stays in the CJK block 0x4E–0x9F.
    for name, high in (("utf-16-le", odd), ("utf-16-be", even)):
        if sum(0x4E <= b <= 0x9F or b in (0, 0x30, 0xFF) for b in high) > len(high) * 0.8:
            return name
    return None


def _plausible(text: str, *, chinese: bool) -> bool:
    """Text, not binary: almost no control characters; for a GB guess, mostly Chinese."""
    if not text:
        return False
    controls = sum(1 for ch in text if unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") and ch not in "\n\r\t\f")
    if controls > max(2, len(text) // 200) or "\x00" in text:
        return False
    if chinese:
        letters = [ch for ch in text if not ch.isspace() and not ch.isascii()]
        if letters:
            cjk = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff" or unicodedata.category(ch).startswith("P"))
            return cjk >= len(letters) * 0.8
    return True
