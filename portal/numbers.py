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


def exact(value) -> str:
    """Every digit of a stored figure as people write it: 120, 92.5, 15000 — never 1.5E+4 or 120.0000."""
    if value is None or value == "":
        return ""
    if not isinstance(value, Decimal | int | float):
        return str(value)
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(number.normalize(), "f")


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


def in_wan(value_yuan) -> Decimal:
    """An amount in 元 as a number of 万元, to the cent of a 万 (files keep the exact 元 beside it)."""
    return (to_decimal(value_yuan) / WAN).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money_parts(value_yuan, *, prose: bool = False) -> tuple[str, str]:
    """(number, unit) for an amount in 元: below 1 万 in 元, below 1 亿 in 万元, else 亿元.

    ``prose`` leaves out the thousands separators, as figures are written inside a sentence.
    """
    number = to_decimal(value_yuan)
    if number is None:
        return "", ""
    divisor, unit = _money_scale_of(abs(number))
    return (plain if prose else grouped)(number / divisor, 2), unit


def money(value_yuan, *, prose: bool = False) -> str:
    """7,637.77 万元 for 76 377 700 元; in ``prose`` 7637.77万元."""
    number, unit = money_parts(value_yuan, prose=prose)
    return f"{number}{'' if prose else ' '}{unit}" if number else ""


def count(value, *, prose: bool = False) -> str:
    """A count or measured quantity with separators; decimals only when the figure has them.

    In ``prose`` (a sentence of a briefing) there are no separators and from 10 万 on the figure
    is written in 万 or 亿 with two decimals, as officials write it: 10646, 10.05万, 1.35亿.
    """
    if not prose:
        return grouped(value, 2)
    number = to_decimal(value)
    if number is None:
        return ""
    if abs(number) >= YI:
        return f"{plain(number / YI, 2)}亿"
    if abs(number) >= 10 * WAN:
        return f"{plain(number / WAN, 2)}万"
    return plain(number, 2)


def rate(value, places: int = 1) -> str:
    """A percentage already in percent: 8.5%."""
    text = plain(value, places)
    return f"{text}%" if text else ""


def figure(value, unit: str, *, prose: bool = False) -> str:
    """A value in its indicator's unit, written for a reader: money scales, counts get separators.

    ``prose`` writes it as inside a sentence, the unit (a measure word) right after the number:
    10646户, 10.05万户, 9813.44万元.
    """
    if unit == "元":
        return money(value, prose=prose)
    if unit == "%":
        return rate(value)
    text = count(value, prose=prose)
    if not text:
        return ""
    return f"{text}{unit}" if prose else f"{text} {unit}".strip()


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
    return _money_scale_of(max(found, default=Decimal(0)))


def _money_scale_of(size: Decimal) -> tuple[Decimal, str]:
    """Below 1 万 in 元, below 1 亿 in 万元, else 亿元."""
    if size >= YI:
        return YI, "亿元"
    if size >= WAN:
        return WAN, "万元"
    return Decimal(1), "元"
