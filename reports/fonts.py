"""Whether fontconfig can find a Chinese font for the PDF renderer, asked the way Pango will ask.

Without one WeasyPrint does not fail: it draws every Chinese character as an empty box
(``.notdef``) and the PDF looks finished. So the system check warns and rendering refuses.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

CJK_FONT_PACKAGE = "fonts-noto-cjk"
MISSING_FONT_MESSAGE = (
    f"未找到中文字体，无法生成 PDF 或 Word 摘要（否则中文会显示为空白方框）。"
    f"请安装 {CJK_FONT_PACKAGE}（Debian/Ubuntu：sudo apt-get install {CJK_FONT_PACKAGE}）后重试。"
)


class FontMissing(RuntimeError):
    """No font with Chinese glyphs is installed: a PDF would show boxes instead of text."""

    def __init__(self) -> None:
        super().__init__(MISSING_FONT_MESSAGE)


class _FontSet(ctypes.Structure):
    _fields_ = [("nfont", ctypes.c_int), ("sfont", ctypes.c_int), ("fonts", ctypes.c_void_p)]


@functools.cache
def _fontconfig() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("fontconfig") or "libfontconfig.so.1"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    vp = ctypes.c_void_p
    for func, restype, argtypes in (
        ("FcInitLoadConfigAndFonts", vp, []),
        ("FcNameParse", vp, [ctypes.c_char_p]),
        ("FcObjectSetCreate", vp, []),
        ("FcObjectSetAdd", ctypes.c_int, [vp, ctypes.c_char_p]),
        ("FcFontList", ctypes.POINTER(_FontSet), [vp, vp, vp]),
        ("FcFontSetDestroy", None, [ctypes.POINTER(_FontSet)]),
        ("FcObjectSetDestroy", None, [vp]),
        ("FcPatternDestroy", None, [vp]),
        ("FcConfigDestroy", None, [vp]),
    ):
        getattr(lib, func).restype = restype
        getattr(lib, func).argtypes = argtypes
    return lib


def cjk_font_count() -> int | None:
    """How many fonts cover Chinese (``fc-list :lang=zh``); None when fontconfig cannot be loaded.

    A fresh configuration is loaded each time, so the current ``FONTCONFIG_FILE`` and fonts
    installed since start-up count; it costs a few milliseconds with fontconfig's caches.
    """
    lib = _fontconfig()
    if lib is None:
        return None
    config = lib.FcInitLoadConfigAndFonts()
    if not config:
        return 0
    pattern = lib.FcNameParse(b":lang=zh")
    objects = lib.FcObjectSetCreate()
    lib.FcObjectSetAdd(objects, b"family")
    found = lib.FcFontList(config, pattern, objects)
    count = found.contents.nfont if found else 0
    if found:
        lib.FcFontSetDestroy(found)
    lib.FcObjectSetDestroy(objects)
    lib.FcPatternDestroy(pattern)
    lib.FcConfigDestroy(config)
    return count


def require_cjk_font() -> None:
    """Raise FontMissing unless a Chinese font is installed (an unloadable fontconfig is
    WeasyPrint's own error to report)."""
    if cjk_font_count() == 0:
        raise FontMissing
