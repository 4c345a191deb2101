"""The SVG chart module on plain data: well-formed, vector, colour-blind-safe colours, CJK text."""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree

from reports import charts
from reports.charts import Series

SVG = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ElementTree.Element:
    return ElementTree.fromstring(svg)  # noqa: S314 - our own output, not untrusted input


def test_bars_are_rectangles_in_the_okabe_ito_palette_with_chinese_labels():
    svg = charts.bar_chart(
        categories=["川汇区", "周口市城乡一体化示范区"],
        series=[Series("2024年", [Decimal("15"), 7]), Series("2023年", [3, None])],
        title="下级区域对比 · 走访户数",
    )
    root = _parse(svg)
    assert "Noto Sans CJK SC" in root.get("font-family")
    fills = {r.get("fill") for r in root.iter(f"{SVG}rect")}
    assert {charts.OKABE_ITO[0], charts.OKABE_ITO[1]} <= fills
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "川汇区" in texts and "2024年" in texts and "15" in texts
    assert root.find(f"{SVG}title").text == "下级区域对比 · 走访户数"
    assert "<image" not in svg


def test_labels_are_escaped():
    svg = charts.bar_chart(categories=["<b>&"], series=[Series("a<b", [1])], title="x & y")
    root = _parse(svg)
    assert "<b>&" in [t.text for t in root.iter(f"{SVG}text")]


def test_lines_break_where_a_month_has_no_figure_and_the_comparison_is_dashed():
    svg = charts.line_chart(
        categories=["2024-01", "2024-02", "2024-03", "2024-04"],
        series=[Series("本期", [1, 2, None, 4]), Series("上年同月", [1, 1, 1, 1], dashed=True)],
        title="月度趋势",
    )
    root = _parse(svg)
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == 2  # 本期: one run of two points (the lone April point is a marker only); 上年: one run
    assert any(pl.get("stroke-dasharray") for pl in lines)
    assert len(list(root.iter(f"{SVG}circle"))) == 3 + 4


def test_stacked_and_horizontal_bars_and_negative_values_fit_the_axis():
    stacked = _parse(
        charts.bar_chart(
            categories=["金海路街道"], series=[Series("已审核", [8]), Series("未开始", [2])], title="t", stacked=True
        )
    )
    assert len(list(stacked.iter(f"{SVG}rect"))) == 2 + 2  # two segments, two legend keys
    horizontal = charts.bar_chart(
        categories=["走访户数", "投资金额"], series=[Series("环比(%)", [-20, 35])], title="t", horizontal=True
    )
    for rect in _parse(horizontal).iter(f"{SVG}rect"):
        assert float(rect.get("width")) >= 0 and float(rect.get("x")) >= 0


def test_no_data_says_so():
    for svg in (
        charts.bar_chart(categories=[], series=[], title="空"),
        charts.line_chart(categories=["2024-01"], series=[Series("本期", [None])], title="空"),
    ):
        assert "暂无数据" in svg and _parse(svg) is not None
