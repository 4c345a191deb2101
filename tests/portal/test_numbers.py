from decimal import Decimal

import pytest

from portal import numbers


@pytest.mark.parametrize(
    ("yuan", "written"),
    [
        (Decimal("76377700"), "7,637.77 万元"),
        (Decimal("135000000"), "1.35 亿元"),
        (Decimal("9800"), "9,800 元"),
        (Decimal("10000"), "1 万元"),
        (Decimal("-25000"), "-2.5 万元"),
        (Decimal("0"), "0 元"),
    ],
)
def test_money_scales_to_wan_and_yi_with_separators(yuan, written):
    assert numbers.money(yuan) == written


def test_counts_get_separators_and_no_trailing_zeros():
    assert numbers.count(Decimal("10646.000000")) == "10,646"
    assert numbers.count(Decimal("1234.50")) == "1,234.5"
    assert numbers.count(None) == ""


def test_rate_and_figure_follow_the_unit():
    assert numbers.rate(Decimal("8.54")) == "8.5%"
    assert numbers.figure(Decimal("10646"), "户") == "10,646 户"
    assert numbers.figure(Decimal("76377700"), "元") == "7,637.77 万元"
    assert numbers.figure(Decimal("98.5"), "%") == "98.5%"


def test_template_filters_use_the_same_rules():
    from django.template import Context, Template

    html = Template("{% load numbers %}{{ v|money }}|{{ n|count }}|{{ n|figure:'户' }}").render(
        Context({"v": Decimal("76377700"), "n": 10646})
    )
    assert html == "7,637.77 万元|10,646|10,646 户"


def test_prose_writes_the_measure_word_after_the_number_and_large_figures_in_wan_and_yi():
    assert numbers.figure(Decimal("10646"), "户", prose=True) == "10646户"
    assert numbers.figure(Decimal("100503"), "户", prose=True) == "10.05万户"
    assert numbers.figure(Decimal("250000000"), "人", prose=True) == "2.5亿人"
    assert numbers.figure(Decimal("76377700"), "元", prose=True) == "7637.77万元"
    assert numbers.figure(Decimal("8.54"), "%", prose=True) == "8.5%"
    assert numbers.figure(None, "户", prose=True) == ""
    assert numbers.figure(Decimal("100503"), "户") == "100,503 户"  # tables keep the exact figure


def test_a_card_sets_the_unit_apart_and_a_column_keeps_only_the_scale():
    assert numbers.figure_parts(Decimal("135000000"), "元") == ("1.35", "亿元")
    assert numbers.figure_parts(Decimal("10646"), "户") == ("10,646", "户")
    assert numbers.figure_parts(None, "户") == ("", "")
    assert numbers.in_column(Decimal("76377700"), "元") == "7,637.77 万元"
    assert numbers.in_column(Decimal("10646"), "户") == "10,646"
    assert numbers.in_column(Decimal("12.34"), "%") == "12.3%"


def test_a_chart_of_amounts_is_drawn_in_the_scale_of_its_largest_figure():
    assert numbers.money_scale([Decimal("9800"), Decimal("76377700"), None]) == (Decimal(10_000), "万元")
    assert numbers.money_scale([Decimal("135000000")]) == (Decimal(100_000_000), "亿元")
    assert numbers.money_scale([None]) == (Decimal(1), "元")
