"""The briefing's narrative: Chinese sentences written from the dashboard's tables, every figure in
them one that the briefing's tables show, changes in words (持平, 无上年数据, 百分点), 万/亿."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from metrics.dashboard import Table, cell_text
from metrics.periods import Period
from reports import narrative, summaries
from tests.reports.summary_helpers import PROSE_NUMBER, pdf_text, unshown_numbers

KPI_COLUMNS = ["指标", "单位", "2025年", "上期", "环比(%)", "上年同期", "同比(%)"]


def _kpis(*rows) -> Table:
    return Table("kpis", "关键指标", KPI_COLUMNS, [list(r) for r in rows])


def _kpi_text(*rows, annual: bool = True) -> str:
    return narrative.kpi_paragraph(_kpis(*rows), region_name="川汇区", period_label="2025年", annual=annual).text


def test_a_change_is_said_in_words_and_no_change_is_invented():
    text = _kpi_text(
        ["走访户数", "户", 10646, 9812, Decimal("8.5"), 9812, Decimal("8.5")],
        ["活动场次", "场", 120, 131, Decimal("-8.4"), 131, Decimal("-8.4")],
        ["基层党组织数", "个", 261, 261, Decimal("0"), 261, Decimal("0")],
        ["示范点创建数", "个", 26, None, None, None, None],
        ["投资金额", "元", 0, None, None, 0, None],
        ["党员人数", "人", None, None, None, None, None],
    )
    assert text.startswith("2025年，川汇区走访户数10646户，同比增长8.5%；")
    assert "活动场次120场，同比下降8.4%" in text
    assert "基层党组织数261个，与上年同期持平" in text
    assert "示范点创建数26个，无上年数据" in text
    assert "投资金额0元，上年同期为0" in text  # not "增长∞%", and not "无数据" either
    assert "党员人数暂无数据" in text and text.endswith("。")
    assert "环比" not in text  # a year's previous period is last year: said once, as 同比


def test_a_quarter_says_both_changes():
    text = _kpi_text(["走访户数", "户", 500, 400, Decimal("25"), None, None], annual=False)
    assert text == "2025年，川汇区走访户数500户，无上年数据，环比增长25%。"


def test_a_rates_change_is_in_percentage_points():
    text = _kpi_text(
        ["党员参学率", "%", Decimal("92.5"), Decimal("93"), Decimal("-0.5"), Decimal("90.2"), Decimal("2.5")],
        ["组织覆盖率", "%", Decimal("80"), Decimal("80"), Decimal("0"), None, None],
        annual=False,
    )
    assert "党员参学率92.5%，同比提高2.3个百分点，环比下降0.5个百分点" in text
    assert "组织覆盖率80%，无上年数据，与上期持平" in text
    assert "增长2.5%" not in text  # the relative change of a rate is never said


def test_large_figures_are_written_in_wan_and_yi_with_their_measure_word():
    assert narrative.amount(100503, "户") == "10.05万户"
    assert narrative.amount(9999, "人") == "9999人"
    assert narrative.amount(Decimal("98134400"), "元") == "9813.44万元"
    assert narrative.amount(Decimal("135000000"), "元") == "1.35亿元"
    assert narrative.amount(Decimal("53.70"), "%") == "53.7%"


def test_the_ranking_names_the_best_and_the_weakest_child():
    columns = ["名次", "区域", "走访户数", "党员人数", "每百名党员"]
    rows = [
        [1, "七一路街道", 11820, 1622, Decimal("728.73")],
        [2, "小乔街道", 11335, 1574, Decimal("720.14")],
        [3, "城南街道", 12003, 1893, Decimal("634.07")],
        [4, "陈州街道", 5714, 1226, Decimal("466.07")],
        [5, "新区", None, None, None],  # no figures: not the weakest, just absent
    ]
    text = narrative.ranking_paragraph(Table("ranking", "亮赛比排名", columns, rows), unit="户").text
    assert text == (
        "亮赛比排名（按每百名党员走访户数）：七一路街道居首，每百名党员728.73户；"
        "小乔街道、城南街道分列第二、第三；陈州街道居末位，每百名党员466.07户。"
    )


def test_stars_without_last_years_ratings_say_so():
    columns = ["星级", "2025年", "2024年", "变化"]
    fresh = [["0星", 5, 115, -110], ["1星", 12, 0, 12], ["4星", 38, 0, 38], ["5星", 11, 0, 11]]
    text = narrative.stars_paragraph(Table("stars", "五星", columns, fresh)).text
    assert text == "2025年“五星”支部11个，无上年数据；一星支部12个、四星支部38个；尚未获星的党组织5个。"
    moved = [["0星", 3, 5, -2], ["5星", 9, 9, 0]]
    text = narrative.stars_paragraph(Table("stars", "五星", columns, moved)).text
    assert "2025年“五星”支部9个，与2024年持平" in text and "尚未获星的党组织3个，较2024年减少2个" in text


def test_the_narrative_cannot_quote_a_figure_that_no_table_shows():
    rows = [["走访户数", "100503", "9396"], ["走访户数的变化", "969.6"]]
    assert unshown_numbers("走访户数10.05万户，同比增长969.6%。", rows) == []
    assert unshown_numbers("走访户数10.06万户，同比增长969.7%。", rows) == ["10.06万", "969.7"]
    rates = [["参学率", "92.5", "90.2"]]
    assert unshown_numbers("提高2.3个百分点", rates) == []
    assert unshown_numbers("提高2.4个百分点", rates) == ["2.4个百分点"]


@pytest.fixture
def city_content(briefing_world):
    world = briefing_world
    user = summaries.system_user()
    return summaries.summary_content(user=user, region=world.city, period=Period.parse("2024"))


def _briefing_rows(content) -> list[list[str]]:
    """What the briefing prints below the narrative: each table's title, columns, rows and note."""
    rows = []
    for _key, table in content.briefing_sections():
        rows += [[table.title, table.note], [str(c) for c in table.columns]]
        rows += [[cell_text(c) for c in row] for row in table.rows]
    return rows


def test_every_figure_in_the_narrative_is_shown_in_the_briefings_tables(city_content):
    paragraphs = city_content.narrative()
    assert [p.key for p in paragraphs] == [
        "kpis",
        "ranking",
        "campaigns",
        "completeness",
        "elections",
        "stars",
        "news",
    ]
    prose = "".join(p.text for p in paragraphs)
    rows = _briefing_rows(city_content)
    assert len(PROSE_NUMBER.findall(prose)) >= 10  # the check below has figures to check
    assert unshown_numbers(prose, rows) == []


def test_the_narrative_speaks_of_every_section_of_the_test_world(city_content):
    text = {p.key: p.text for p in city_content.narrative()}
    assert text["kpis"].startswith("2024年，周口市") and "走访户数644户" in text["kpis"]
    assert "川汇区居首" in text["ranking"] and "城乡一体化示范区居末位" in text["ranking"]
    # The city has no target of its own: its districts' targets are named with the district.
    assert "川汇区入户大走访活动走访户数目标60户，已完成637户，完成率1061.7%" in text["campaigns"]
    assert "1个党组织换届已逾期（朱庄社区党支部）" in text["elections"]
    assert "《金海路街道开展入户走访》报道金海路街道走访户数622户" in text["news"]


def test_the_pdf_opens_with_the_narrative(briefing_world, city_leader):
    world = briefing_world
    summary = summaries.summary_request(user=city_leader, region=world.district_a, period=Period.parse("2024"))
    text = pdf_text(Path(summary.file.path))
    assert "综述" in text and text.index("综述") < text.index("1.关键指标")
    assert "总体情况。2024年，川汇区" in text and "走访户数637户" in text
    assert "《金海路街道开展入户走访》报道金海路街道走访户数622户" in text
