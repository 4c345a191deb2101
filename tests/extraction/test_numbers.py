"""Number grammar: every written form of a figure parses to the canonical value and unit."""

from __future__ import annotations

import pytest

from extraction.numbers import find_numbers, parse_chinese

from ._helpers import figures, mentions, one


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("三", 3),
        ("十", 10),
        ("十三", 13),
        ("二十五", 25),
        ("一百零五", 105),
        ("两千五百", 2500),
        ("一万二千", 12000),
        ("三万", 30000),
        ("二〇二三", 2023),
    ],
)
def test_parse_chinese_numerals(raw: str, value: int) -> None:
    assert parse_chinese(raw) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("走访群众622户", (622, "户", False, "622户")),
        ("全区1600余名党员", (1600, "人", True, "1600余名")),
        ("投资985万元", (9_850_000, "元", False, "985万元")),
        ("带动1.5万名群众", (15_000, "人", False, "1.5万名")),
        ("总投资102亿元", (10_200_000_000, "元", False, "102亿元")),
        ("满意率达到99.01%", (99.01, "%", False, "99.01%")),
        ("新增绿化面积70万平方米", (700_000, "平方米", False, "70万平方米")),
        ("成立三个督导组", (3, "个", False, "三个")),
        ("发动1.2万余名党员", (12_000, "人", True, "1.2万余名")),
        ("筹集10余万元", (100_000, "元", True, "10余万元")),
        ("服务群众3万人次", (30_000, "人次", False, "3万人次")),
        ("培训党员500人(次)", (500, "人次", False, "500人(次)")),
        ("开展活动12场(次)", (12, "场次", False, "12场(次)")),
        ("改造面积3000㎡", (3000, "平方米", False, "3000㎡")),
        ("粉刷墙面200平米", (200, "平方米", False, "200平米")),
        ("发放奖励500块钱", (500, "元", False, "500块钱")),
        ("化解率达百分之九十五", (95, "%", False, "百分之九十五")),
        ("引进企业３２家", (32, "家", False, "３２家")),
        ("受众5000多人", (5000, "人", True, "5000多人")),
        ("服务居民1,200人", (1200, "人", False, "1,200人")),
    ],
)
def test_number_forms(text: str, expected: tuple) -> None:
    m = one(text)
    value, unit, approx, span = expected
    assert (m["value"], m["unit"], m["approx"], m["text"]) == (value, unit, approx, span)


@pytest.mark.parametrize(
    "text", ["约300名党员", "近2万人参与", "超过500户", "上100件", "逾千名", "100人以上", "300人左右"]
)
def test_approximation_words_make_figures_approximate(text: str) -> None:
    found = list(find_numbers(text))
    if "逾千名" in text:
        # A bare 千 after a bound states a round figure (annotators of real reports mark 近千名).
        assert figures(text) == [(1000, "人")] and mentions(text)[0]["approx"]
        return
    assert found and found[0].approx


def test_value_is_int_when_integral_and_float_otherwise() -> None:
    assert isinstance(one("发放补贴108万元")["value"], int)
    assert one("满意率达到99.5%")["value"] == 99.5


def test_offsets_index_the_original_text_even_with_column_breaks() -> None:
    text = "组织工作人员铲除小广告\n\n1100余处,清理杂物40立方米。"
    for m in __import__("tests.extraction._helpers", fromlist=["mentions"]).mentions(text):
        assert text[m["start"] : m["end"]] == m["text"]
