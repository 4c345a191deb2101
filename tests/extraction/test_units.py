"""Canonical units (spec section 2)."""

from __future__ import annotations

import pytest

from extraction.units import canonical_unit

from ._helpers import figures, one


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("名", "人"),
        ("人", "人"),
        ("位", "人"),
        ("人次", "人次"),
        ("人(次)", "人次"),
        ("场(次)", "场次"),
        ("元", "元"),
        ("平米", "平方米"),
        ("㎡", "平方米"),
        ("个", "个"),
        ("立方米", "立方米"),
        ("亩", "亩"),
    ],
)
def test_canonical_units(written: str, canonical: str) -> None:
    assert canonical_unit(written)[0] == canonical


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("3名党员", 3, "人"),
        ("5位老人", 5, "人"),
        ("8亿元", 800_000_000, "元"),
        ("2万平方米", 20_000, "平方米"),
        ("5块宣传牌", 5, "块"),
        ("开展消防安全检查2100余家次", 2100, "家次"),
        ("加装电梯4部", 4, "部"),
        ("覆盖渔船240余艘", 240, "艘"),
        ("建成光伏电站，装机容量300千瓦", 300, "千瓦"),
        ("拥有大型农机具112台套", 112, "台套"),
        ("村里的牛现在存栏186头", 186, "头"),
        ("香菇合作社今年出菇120万袋", 1_200_000, "袋"),
        ("开展海上安全巡查120余航次", 120, "航次"),
        ("村集体年收入比5年前增长近8倍", 8, "倍"),
    ],
)
def test_scales_and_units_in_context(text: str, value: int, unit: str) -> None:
    m = one(text)
    assert (m["value"], m["unit"]) == (value, unit)


def test_bu_is_no_measure_word_in_front_of_bumen() -> None:
    from ._helpers import mentions

    assert [m["text"] for m in mentions("联合3部门开展检查，走访群众622户")] == ["622户"]


def test_greenhouses_truckloads_pairs_and_bracketed_livestock_are_measure_words() -> None:
    assert figures("种植38棚高端西芹,清理楼道杂物5车,结成联建关系18对,牲畜共计约415头(只)。") == [
        (38, "棚"),
        (5, "车"),
        (18, "对"),
        (415, "头(只)"),
    ]
    # 对 after a sum or a numeral word, or before the word it starts, is no measure word.
    assert figures("投入100万对村道进行硬化,开展一对一帮扶,3个村对接企业。") == [(3, "个")]


def test_quilts_and_kettles_but_not_the_number_one_boss() -> None:
    assert figures("赠送了棉被8床、热水壶5把、学习用品2套,结成13对党员帮扶对子。") == [
        (8, "床"),
        (5, "把"),
        (2, "套"),
        (13, "对"),
    ]
    assert figures("各村一把手带头,投入100万把道路修好。") == []


def test_poultry_in_yu_and_households_written_zhuhu() -> None:
    assert figures("发展土杂鸡70万羽,联结起小区1800余住户。") == [(700000, "羽"), (1800, "户")]
    assert figures("羽毛球场3个。") == [(3, "个")]


def test_shares_of_a_cooperative() -> None:
    assert figures("按3427股计算,每股分红90元。") == [(3427, "股")]
    assert figures("村集体持股的合作社5家。") == [(5, "家")]
