"""System checks of the reports app: what the PDF summaries need from the machine."""

from __future__ import annotations

from django.core import checks

from reports.fonts import CJK_FONT_PACKAGE, cjk_font_count


@checks.register()
def cjk_font_check(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warn, not fail: the portal works without fonts; only its PDFs would show boxes."""
    if cjk_font_count() != 0:
        return []
    return [
        checks.Warning(
            "未找到中文字体（fc-list :lang=zh 为空），导出的 PDF 和 Word 摘要将无法生成。",
            hint=f"请安装 {CJK_FONT_PACKAGE}：sudo apt-get install {CJK_FONT_PACKAGE}",
            id="reports.W001",
        )
    ]
