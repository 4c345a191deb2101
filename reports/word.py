"""The leaders' briefing as an editable Word document: the same narrative, tables and charts as the
PDF, for offices that edit and forward documents in Word or WPS.

Chinese text needs its East Asian font named on every style (``w:eastAsia``): without it Word and
WPS fall back to a Western font's missing glyphs or to whatever the machine's default is. The
charts are the PDF's own SVG drawings, rasterised to PNG (Word 2013 and WPS show no SVG).
"""

from __future__ import annotations

import io

from django.utils import timezone

from metrics.dashboard import Table, cell_text
from reports.fonts import require_cjk_font
from reports.summaries import (
    COVER_NOTE,
    SECTION_TITLES,
    SummaryContent,
    _cover_rows,
    _in_default_language,
    _is_number,
    _trend_by_year,
    summary_charts,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BODY_FONT = "宋体"  # SimSun: on every Chinese Windows and in WPS
HEADING_FONT = "黑体"  # SimHei
LATIN_FONT = "Times New Roman"
CHART_WIDTH_CM = 16
CHART_SCALE = 2  # PNG pixels per SVG unit: sharp when printed at 16 cm
HEADER_FILL = "DDEBF7"
# Sections whose table is long and narrow enough to print in a smaller size.
SMALL_TABLES = ("trend", "news", "elections")


def _set_fonts(style_or_run, *, east_asia: str, latin: str = LATIN_FONT, size_pt: float | None = None) -> None:
    """Name the Latin and the East Asian font (python-docx sets only the former)."""
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font = style_or_run.font
    font.name = latin
    if size_pt is not None:
        font.size = Pt(size_pt)
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr, name in (("w:ascii", latin), ("w:hAnsi", latin), ("w:eastAsia", east_asia), ("w:cs", latin)):
        fonts.set(qn(attr), name)


def _styles(document) -> None:
    from docx.shared import RGBColor

    styles = document.styles
    _set_fonts(styles["Normal"], east_asia=BODY_FONT, size_pt=10.5)
    for name, size in (("Title", 20), ("Heading 1", 15), ("Heading 2", 12)):
        _set_fonts(styles[name], east_asia=HEADING_FONT, latin="Arial", size_pt=size)
        styles[name].font.color.rgb = RGBColor(0x9E, 0x1B, 0x1B) if name != "Heading 2" else RGBColor(0, 0, 0)
        styles[name].font.bold = True


def _shade(cell, fill: str) -> None:
    from docx.oxml.ns import qn

    props = cell._tc.get_or_add_tcPr()
    shading = props.makeelement(qn("w:shd"), {qn("w:val"): "clear", qn("w:color"): "auto", qn("w:fill"): fill})
    props.append(shading)


def _table(document, columns: list, rows: list[list], *, small: bool) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    size = Pt(7.5 if small else 9)
    table = document.add_table(rows=1, cols=len(columns))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, name in zip(table.rows[0].cells, columns, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(str(name))
        run.bold, run.font.size = True, size
        _shade(cell, HEADER_FILL)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            paragraph = cell.paragraphs[0]
            paragraph.add_run(cell_text(value)).font.size = size
            if _is_number(value):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # Repeat the header row on each page a long table runs over.
    from docx.oxml.ns import qn

    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(header.makeelement(qn("w:tblHeader"), {qn("w:val"): "true"}))


def chart_png(svg: str) -> bytes:
    """One of the PDF's SVG charts as a PNG for Word (cairo draws its Chinese labels)."""
    import cairosvg

    return cairosvg.svg2png(bytestring=svg.encode("utf-8"), scale=CHART_SCALE)


def _note(document, text: str) -> None:
    from docx.shared import Pt, RGBColor

    run = document.add_paragraph().add_run(text)
    run.font.size, run.font.color.rgb = Pt(8), RGBColor(0x55, 0x55, 0x55)


@_in_default_language
def summary_docx(content: SummaryContent) -> bytes:
    """The briefing as .docx: title and selection, the narrative, then each section's chart and table."""
    require_cjk_font()  # the chart images are drawn here: without the font they would show boxes
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    _styles(document)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    core = document.core_properties
    core.title, core.author = content.title, content.generated_by
    core.created = timezone.now().replace(tzinfo=None)

    document.add_heading("党建工作数据摘要", level=0)
    subtitle = f"{content.region.display_name} · {content.period.label}"
    if content.campaign:
        subtitle += f" · {content.campaign.name}"
    document.add_paragraph(subtitle).runs[0].font.size = Pt(13)
    for label, value in _cover_rows(content):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(f"{label}：").bold = True
        paragraph.add_run(value)
    _note(document, COVER_NOTE)

    document.add_heading("综述", level=1)
    for p in content.narrative():
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.first_line_indent = Pt(21)  # two characters, as Chinese prose is set
        paragraph.paragraph_format.line_spacing = 1.5
        paragraph.add_run(f"{p.heading}。").bold = True
        paragraph.add_run(p.text)
    document.add_page_break()  # as in the PDF: the narrative is the briefing's first page

    svg = summary_charts(content)
    for n, (key, table) in enumerate(content.briefing_sections(), start=1):
        document.add_heading(f"{n}. {SECTION_TITLES[key]}", level=1)
        _section(document, key, table, svg.get(key), Cm(CHART_WIDTH_CM))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _section(document, key: str, table: Table, svg: str | None, chart_width) -> None:
    if not table.rows:
        document.add_paragraph(f"{table.title}：暂无数据。")
        if table.note:
            _note(document, table.note)
        return
    if svg:
        document.add_picture(io.BytesIO(chart_png(svg)), width=chart_width)
    columns, rows = _trend_by_year(table) if key == "trend" else (table.columns, table.rows)
    document.add_heading(table.title, level=2)
    _table(document, columns, rows, small=key in SMALL_TABLES)
    if table.note:
        _note(document, table.note)
