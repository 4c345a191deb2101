"""The briefing as a Word document: read back with python-docx, it has the narrative, the tables as
Word tables, the charts as pictures and Chinese fonts named for Word and WPS; from the command line
and from the exports page, within the user's scope."""

from __future__ import annotations

import io
from urllib.parse import quote

import docx
import pytest
from django.core.management import call_command
from django.urls import reverse
from docx.oxml.ns import qn

from metrics.dashboard import cell_text
from metrics.periods import Period
from portal.models import AuditEvent
from reports import summaries, word
from tests.reports.summary_helpers import docx_parts, unshown_numbers


@pytest.fixture
def figures(briefing_world):
    return briefing_world


def _content(region, period="2024"):
    return summaries.summary_content(user=summaries.system_user(), region=region, period=Period.parse(period))


def test_the_word_briefing_has_the_narrative_then_the_tables(figures):
    content = _content(figures.city)
    paragraphs, tables = docx_parts(word.summary_docx(content))
    start = paragraphs.index("综述")
    for p in content.narrative():
        assert f"{p.heading}。{p.text}" in paragraphs[start + 1 : start + 9]
    printed = [(key, t) for key, t in content.briefing_sections() if t.rows]
    assert len(tables) == len(printed)
    for (key, table), found in zip(printed, tables, strict=True):
        if key == "trend":
            continue  # printed one row per year, as in the PDF
        assert found[0] == [str(c) for c in table.columns]
        assert found[1:] == [[cell_text(c) for c in row] for row in table.rows]
    # Every figure of the narrative is printed below it, in the document itself.
    below = [[text] for text in paragraphs[start + 9 :]] + [row for t in tables for row in t]
    prose = "".join(p.text for p in content.narrative())
    assert unshown_numbers(prose, below) == []


def test_the_word_briefing_names_chinese_fonts_and_has_the_charts_as_pictures(figures):
    content = _content(figures.district_a)
    document = docx.Document(io.BytesIO(word.summary_docx(content)))

    def fonts(style: str) -> dict[str, str]:
        element = document.styles[style].element.rPr.find(qn("w:rFonts"))
        return {k: element.get(qn(f"w:{k}")) for k in ("ascii", "eastAsia")}

    assert fonts("Normal") == {"ascii": word.LATIN_FONT, "eastAsia": "宋体"}
    assert fonts("Heading 1")["eastAsia"] == "黑体"
    charts = summaries.summary_charts(content)
    drawn = [key for key, table in content.briefing_sections() if key in charts and table.rows]
    pictures = document.inline_shapes
    assert len(pictures) == len(drawn) >= 3
    png = document.part.related_parts[pictures[0]._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
    assert png.startswith(b"\x89PNG")
    assert document.core_properties.title == content.title


def test_the_command_writes_the_same_briefing_as_docx(figures, tmp_path):
    out = tmp_path / "b.docx"
    call_command("export_summary", region="川汇区", period="2024", out=str(out))
    paragraphs, tables = docx_parts(out.read_bytes())
    assert "党建工作数据摘要" in paragraphs and "综述" in paragraphs
    assert any(p.startswith("总体情况。2024年，川汇区") and "走访户数637户" in p for p in paragraphs)
    assert tables and tables[0][0][:3] == ["指标", "单位", "2024年"]
    assert AuditEvent.objects.get(action="export").detail["format"] == "docx"


def test_the_exports_page_offers_word_beside_the_pdf(figures, client_for, viewer_a):
    page = client_for(viewer_a).get(reverse("reports:exports")).content.decode()
    pdf, docx_button = page.index("PDF 摘要</button>"), page.index(reverse("reports:export_docx"))
    assert 0 < docx_button - pdf < 200 and "Word 文档" in page


def test_a_user_downloads_the_word_briefing_of_their_district(figures, client_for, viewer_a):
    response = client_for(viewer_a).post(
        reverse("reports:export_docx"), {"region": figures.district_a.pk, "period": "2024"}
    )
    assert response.status_code == 200 and response["Content-Type"] == word.DOCX_TYPE
    assert quote("党建数据摘要-川汇区-2024.docx") in response["Content-Disposition"]
    paragraphs, _tables = docx_parts(response.content)
    assert any(p.startswith("总体情况。2024年，川汇区") for p in paragraphs)
    event = AuditEvent.objects.get(action="export")
    assert event.user == viewer_a and event.detail["format"] == "docx"


def test_another_districts_word_briefing_is_not_found(figures, client_for, viewer_a, editor_b):
    for user, region in ((viewer_a, figures.district_b), (editor_b, figures.district_a)):
        response = client_for(user).post(reverse("reports:export_docx"), {"region": region.pk, "period": "2024"})
        assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_bad_period_is_explained_on_the_page(figures, client_for, viewer_a):
    response = client_for(viewer_a).post(
        reverse("reports:export_docx"), {"region": figures.district_a.pk, "period": "24"}
    )
    assert response.status_code == 400 and "无法识别的期间" in response.content.decode()
