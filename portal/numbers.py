"""How figures are written for officials: 10,646 户, 7,637.77 万元, 1.35 亿元, 8.5%.

One module so the dashboard, the 大屏, the PDF and Word briefings and the narrative all
write a figure the same way. Spreadsheet exports keep exact 元 in a column of their own.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

WAN = Decimal(10_000)
YI = Decimal(100_000_000)


def to_decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def plain(value, places: int = 2) -> str:
    """A decimal as people write it, at most ``places`` decimals, trailing zeros dropped: 15000, 99.01."""
    number = to_decimal(value)
    if number is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    text = format(number.quantize(quantum, rounding=ROUND_HALF_UP), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def grouped(value, places: int = 2) -> str:
    """``plain`` with thousands separators: 10,646 and 7,637.77."""
    text = plain(value, places)
    if not text:
        return ""
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = text.partition(".")
    whole = f"{int(whole):,}"
    return sign + whole + (f".{frac}" if frac else "")


def money_parts(value_yuan) -> tuple[str, str]:
    """(number, unit) for an amount in 元: below 1 万 in 元, below 1 亿 in 万元, else 亿元."""
    number = to_decimal(value_yuan)
    if number is None:
        return "", ""
    size = abs(number)
    if size >= YI:
        return grouped(number / YI, 2), "亿元"
    if size >= WAN:
        return grouped(number / WAN, 2), "万元"
    return grouped(number, 2), "元"


def money(value_yuan) -> str:
    """7,637.77 万元 for 76 377 700 元."""
    number, unit = money_parts(value_yuan)
    return f"{number} {unit}" if number else ""


def count(value) -> str:
    """A count or measured quantity with separators; decimals only when the figure has them."""
    return grouped(value, 2)


def rate(value, places: int = 1) -> str:
    """A percentage already in percent: 8.5%."""
    text = plain(value, places)
    return f"{text}%" if text else ""


def figure(value, unit: str) -> str:
    """A value in its indicator's unit, written for a reader: money scales, counts get separators."""
    if unit == "元":
        return money(value)
    if unit == "%":
        return rate(value)
    text = count(value)
    return f"{text} {unit}".strip() if text else ""


def figure_parts(value, unit: str) -> tuple[str, str]:
    """(number, unit) as ``figure`` writes them, for a card that sets the unit apart: ("7,637.77", "万元")."""
    if unit == "元":
        return money_parts(value)
    text = plain(value, 1) if unit == "%" else count(value)
    return (text, unit) if text else ("", "")


def in_column(value, unit: str | None) -> str:
    """A figure in a table column whose header already names the unit.

    Money still carries its scale (the header cannot say whether a cell is in 万元 or 亿元) and a
    rate its %; any other count is written bare, with separators.
    """
    if unit == "元":
        return money(value)
    if unit == "%":
        return rate(value)
    return count(value)


def money_scale(values) -> tuple[Decimal, str]:
    """The one scale (divisor, unit) a chart axis of amounts in 元 is drawn in, set by its largest figure."""
    found = [abs(n) for n in map(to_decimal, values) if n is not None]
    top = max(found, default=Decimal(0))
    if top >= YI:
        return YI, "亿元"
    if top >= WAN:
        return WAN, "万元"
    return Decimal(1), "元"
