"""Validation rules of a monthly form, on plain objects: per-indicator rules, relations, outliers."""

import random
from decimal import Decimal

import pytest

from metrics.demo import _skewed_count
from metrics.models import Indicator, ValidationRule
from metrics.validation import CellError, outlier_message, parse_value, validate_form
from portal.numbers import exact


def ind(code, name, *, integer=True, minimum=Decimal(0), maximum=None, required=False) -> Indicator:
    return Indicator(
        code=code,
        name=name,
        unit="人",
        integer_only=integer,
        min_value=minimum,
        max_value=maximum,
        required=required,
    )


MEMBERS = ind("party_members", "党员人数")
FULL = ind("full_members", "正式党员人数")
RATE = ind("rate", "满意率", integer=False, maximum=Decimal(100))
RULE = ValidationRule(left=FULL, operator="le", right=MEMBERS, message="正式党员人数不能超过党员人数")


def check(values, indicators=(MEMBERS, FULL, RATE), **kwargs):
    return validate_form(indicators=indicators, raw_values=values, rules=[RULE], **kwargs)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", Decimal(12)),
        (" 1,234 ", Decimal(1234)),
        ("１２３", Decimal(123)),
        ("", None),
        (None, None),
        (7, Decimal(7)),
    ],
)
def test_parse_value_reads_what_staff_type(raw, expected):
    assert parse_value(raw) == expected


@pytest.mark.parametrize("raw", ["十二", "12人", "abc", "1.2.3", "NaN", "inf"])
def test_parse_value_rejects_text_in_chinese(raw):
    with pytest.raises(CellError) as exc:
        parse_value(raw)
    assert "数字" in str(exc.value)


def test_display_drops_trailing_zeros():
    assert exact(Decimal("120.0000")) == "120"
    assert exact(Decimal("92.5000")) == "92.5"
    assert exact(None) == ""


def test_integer_rule_rejects_fractions():
    assert check({"party_members": "12.5"}).errors == {"party_members": ["只能填写整数"]}


def test_non_negative_rule_from_min_value_zero():
    assert check({"party_members": "-1"}).errors["party_members"] == ["不能为负数"]


def test_min_and_max_rules_come_from_the_indicator():
    assert check({"rate": "100.5"}).errors["rate"] == ["不能大于 100"]
    assert check({"rate": "99.75"}).ok
    low = ind("x", "某指标", minimum=Decimal(5))
    assert validate_form(indicators=[low], raw_values={"x": "3"}).errors["x"] == ["不能小于 5"]


def test_decimal_places_are_limited():
    assert check({"rate": "99.123456"}).errors["rate"] == ["最多保留4位小数"]


def test_text_in_a_cell_is_an_error_next_to_that_cell():
    findings = check({"party_members": "很多", "full_members": "3"})
    assert list(findings.errors) == ["party_members"]
    assert "不是有效的数字" in findings.errors["party_members"][0]


def test_relation_rule_reports_both_values_in_chinese():
    findings = check({"party_members": "100", "full_members": "120"})
    assert findings.errors == {"full_members": ["正式党员人数不能超过党员人数（正式党员人数 120，党员人数 100）"]}


def test_relation_rule_is_silent_while_one_side_is_blank():
    assert check({"full_members": "120"}).ok


def test_inactive_relation_rule_is_ignored():
    off = ValidationRule(left=FULL, operator="le", right=MEMBERS, active=False)
    assert validate_form(
        indicators=[MEMBERS, FULL], raw_values={"party_members": "1", "full_members": "2"}, rules=[off]
    ).ok


@pytest.mark.parametrize(("operator", "ok"), [("lt", False), ("ge", True), ("gt", False), ("eq", True)])
def test_every_relation_operator(operator, ok):
    rule = ValidationRule(left=FULL, operator=operator, right=MEMBERS)
    findings = validate_form(
        indicators=[MEMBERS, FULL], raw_values={"party_members": "5", "full_members": "5"}, rules=[rule]
    )
    assert findings.ok is ok


def test_required_binds_only_at_submission():
    needed = ind("party_orgs", "基层党组织数", required=True)
    assert validate_form(indicators=[needed], raw_values={}).ok
    findings = validate_form(indicators=[needed], raw_values={}, submitting=True)
    assert "必填" in findings.errors["party_orgs"][0]


def test_comment_without_a_value_is_an_error_so_it_is_not_lost():
    findings = check({"party_members": ""}, comments={"party_members": "本月无变化"})
    assert "请先填写数值" in findings.errors["party_members"][0]


def test_summary_lists_errors_before_warnings_with_names():
    findings = check({"party_members": "-1", "full_members": "3"}, history={"full_members": [Decimal(100)] * 12})
    summary = findings.summary({"party_members": "党员人数", "full_members": "正式党员人数"})
    assert [s["level"] for s in summary] == ["error", "warning"]
    assert summary[0]["name"] == "党员人数"


# --- Outliers ------------------------------------------------------------------------------

STEADY = [Decimal(v) for v in (58, 61, 60, 64, 55, 59, 62, 60, 57, 63, 61, 60)]


def test_outlier_far_above_history_warns_in_chinese():
    message = outlier_message(Decimal(600), STEADY)
    assert message and "明显高于" in message and "中位数 60" in message


def test_outlier_far_below_history_warns():
    assert "明显低于" in outlier_message(Decimal(0), STEADY)


def test_ordinary_month_does_not_warn():
    assert outlier_message(Decimal(70), STEADY) is None


def test_short_history_is_silent():
    assert outlier_message(Decimal(10_000), STEADY[:5]) is None


def test_zero_heavy_series_produces_no_outlier_warnings():
    history = [Decimal(v) for v in (0, 0, 1, 0, 0, 0, 2, 0, 0, 1, 0, 0)]
    assert [v for v in range(0, 8) if outlier_message(Decimal(v), history)] == []


def test_steady_stock_tolerates_small_changes_but_not_typos():
    orgs = [Decimal(3)] * 12
    assert outlier_message(Decimal(4), orgs) is None
    assert outlier_message(Decimal(30), orgs) is not None


def test_demo_like_skewed_counts_rarely_warn():
    """Gamma-Poisson counts like the real ones: warnings must stay rare, not flood the form."""
    rng = random.Random(7)
    warned = total = 0
    for mean in (0.2, 0.4, 2, 4, 12, 60, 150):
        for _ in range(200):
            series = [Decimal(_skewed_count(rng, mean)) for _ in range(13)]
            total += 1
            warned += outlier_message(series[-1], series[:-1]) is not None
    assert warned / total < 0.02


def test_warning_needs_a_comment_to_submit():
    history = {"party_members": STEADY}
    findings = check({"party_members": "600"}, history=history, submitting=True)
    assert findings.warnings["party_members"]
    assert "须在备注中说明" in findings.errors["party_members"][0]
    explained = check(
        {"party_members": "600"}, history=history, comments={"party_members": "新成立两新组织党委"}, submitting=True
    )
    assert explained.ok and explained.warnings["party_members"]


def test_warning_does_not_block_a_draft():
    assert check({"party_members": "600"}, history={"party_members": STEADY}).ok
