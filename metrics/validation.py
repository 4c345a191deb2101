"""Checks on a monthly form's figures: per-indicator rules, relations between values, outliers.

The rules are data (Indicator fields and ValidationRule rows, edited in the admin); this module
only interprets them. Errors block any save, a missing required figure blocks submission, and a
warning (an outlier) must be explained in the value's comment before the form can be submitted.
"""

from __future__ import annotations

import statistics
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from metrics.models import Indicator, ValidationRule
from portal.numbers import exact

MAX_DECIMALS = 4
MAX_INTEGER_DIGITS = 16  # DataValue.value holds 20 digits, 4 of them after the point

# Outliers: a robust z-score against the region's own last 12 months.
HISTORY_MONTHS = 12
MIN_HISTORY = 6  # fewer points say nothing about what is normal
ZERO_HEAVY_SHARE = 0.5  # sparse counts (示范点 0, 0, 1, 0…) make any non-zero look extreme
OUTLIER_Z = 5.0
MAD_TO_SD = 1.4826

_RELATION_WORDS = {"le": "不能大于", "lt": "应小于", "ge": "不能小于", "gt": "应大于", "eq": "应等于"}


@dataclass
class Findings:
    """The outcome of checking one form: parsed values, then messages keyed by indicator code."""

    values: dict[str, Decimal | None] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def add_error(self, code: str, message: str) -> None:
        self.errors.setdefault(code, []).append(message)

    def add_warning(self, code: str, message: str) -> None:
        self.warnings.setdefault(code, []).append(message)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self, names: Mapping[str, str]) -> list[dict]:
        """Every message with its indicator's name, errors first, for the list at the top of the form."""
        out = [
            {"code": c, "name": names.get(c, c), "level": "error", "message": m}
            for c, msgs in self.errors.items()
            for m in msgs
        ]
        out += [
            {"code": c, "name": names.get(c, c), "level": "warning", "message": m}
            for c, msgs in self.warnings.items()
            for m in msgs
        ]
        return out


class CellError(ValueError):
    """A cell that cannot be read as a number; the message is shown to the user."""


def parse_value(raw: object) -> Decimal | None:
    """Read a typed or spreadsheet cell: blank is None; full-width digits and thousands separators are fine."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise CellError("请填写数字")
    if isinstance(raw, int | float | Decimal):
        try:
            return Decimal(str(raw))
        except InvalidOperation:
            raise CellError("请填写数字") from None
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(",", "").replace(" ", "")
    if not text:
        return None
    if "e" in text.lower():
        # Decimal reads 1e9 as a billion; nobody types an exponent into a count on purpose.
        raise CellError(f"“{str(raw).strip()[:20]}”不是有效的数字，请直接填写数字，不要用科学计数法")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"“{str(raw).strip()[:20]}”不是有效的数字") from None
    if not number.is_finite():
        raise CellError("请填写数字")
    return number


def check_cell(indicator: Indicator, value: Decimal) -> list[str]:
    """The per-indicator rules: integer, bounds (min 0 means non-negative), size and precision."""
    errors = []
    exponent = value.as_tuple().exponent
    if indicator.integer_only and value != value.to_integral_value():
        errors.append("只能填写整数")
    elif isinstance(exponent, int) and -exponent > MAX_DECIMALS and value != value.quantize(Decimal("0.0001")):
        errors.append(f"最多保留{MAX_DECIMALS}位小数")
    if abs(value) >= Decimal(10) ** MAX_INTEGER_DIGITS:
        errors.append("数值过大，请核对单位")
    if indicator.min_value is not None and value < indicator.min_value:
        errors.append("不能为负数" if indicator.min_value == 0 else f"不能小于 {exact(indicator.min_value)}")
    if indicator.max_value is not None and value > indicator.max_value:
        errors.append(f"不能大于 {exact(indicator.max_value)}")
    return errors


def relation_message(rule: ValidationRule, left: Decimal, right: Decimal) -> str:
    base = rule.message or f"{rule.left.name}{_RELATION_WORDS[rule.operator]}{rule.right.name}"
    return f"{base}（{rule.left.name} {exact(left)}，{rule.right.name} {exact(right)}）"


def outlier_message(value: Decimal | None, history: Sequence[Decimal]) -> str | None:
    """A warning when ``value`` lies far outside the region's recent history, else None.

    Median and MAD instead of mean and standard deviation, because one odd month must not
    move the yardstick; the scale has a floor so that steady series (党组织数 3, 3, 3…) do not
    warn on every small change. Short or zero-heavy histories say nothing reliable, so they
    stay silent rather than flooding staff with false alarms.
    """
    if value is None or len(history) < MIN_HISTORY:
        return None
    points = [float(h) for h in history]
    if sum(1 for p in points if p == 0) / len(points) >= ZERO_HEAVY_SHARE:
        return None
    median = statistics.median(points)
    mad = statistics.median(abs(p - median) for p in points)
    scale = max(MAD_TO_SD * mad, 0.05 * abs(median), 1.0)
    if abs(float(value) - median) <= OUTLIER_Z * scale:
        return None
    direction = "高于" if float(value) > median else "低于"
    return (
        f"明显{direction}本区域近{len(points)}个月的水平（中位数 {exact(round(Decimal(median), 2))}），"
        "请核实；如确属实，请在备注中说明原因"
    )


def validate_form(
    *,
    indicators: Iterable[Indicator],
    raw_values: Mapping[str, object],
    comments: Mapping[str, str] | None = None,
    rules: Iterable[ValidationRule] = (),
    history: Mapping[str, Sequence[Decimal]] | None = None,
    submitting: bool = False,
) -> Findings:
    """Check one form's values; ``submitting`` adds the rules that only bind at submission."""
    comments = comments or {}
    history = history or {}
    findings = Findings()
    indicators = list(indicators)
    for ind in indicators:
        try:
            value = parse_value(raw_values.get(ind.code))
        except CellError as exc:
            findings.add_error(ind.code, str(exc))
            findings.values[ind.code] = None
            continue
        findings.values[ind.code] = value
        if value is None:
            if submitting and ind.required:
                findings.add_error(ind.code, "必填项，请填写（无数据请填 0）")
            if (comments.get(ind.code) or "").strip() and not submitting:
                # A comment lives on its figure; without one it would be lost.
                findings.add_error(ind.code, "填写备注前请先填写数值（无数据请填 0）")
            continue
        for message in check_cell(ind, value):
            findings.add_error(ind.code, message)
    codes = {ind.code for ind in indicators}
    for rule in rules:
        if not rule.active or rule.left.code not in codes or rule.right.code not in codes:
            continue
        left, right = findings.values.get(rule.left.code), findings.values.get(rule.right.code)
        if left is None or right is None or rule.left.code in findings.errors or rule.right.code in findings.errors:
            continue
        if not rule.holds(left, right):
            findings.add_error(rule.left.code, relation_message(rule, left, right))
    for ind in indicators:
        if ind.code in findings.errors:
            continue
        warning = outlier_message(findings.values.get(ind.code), history.get(ind.code, ()))
        if warning:
            findings.add_warning(ind.code, warning)
            if submitting and not (comments.get(ind.code) or "").strip():
                findings.add_error(ind.code, "该值偏离历史水平，提交前须在备注中说明原因")
    return findings
