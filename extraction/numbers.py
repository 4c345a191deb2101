"""Number grammar: Arabic and Chinese numerals, 万/亿 scales, approximation words and measure words."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .units import BAD_NEXT, UNIT_FORMS, canonical_unit

CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "壹": 1,
    "二": 2,
    "贰": 2,
    "两": 2,
    "三": 3,
    "叁": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陆": 6,
    "七": 7,
    "柒": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_BIG_UNITS)

_AR = r"\d{1,3}(?:,\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT_ALT = "|".join(re.escape(u) for u in UNIT_FORMS)
NUMBER_RE = re.compile(
    rf"(?P<num>{_AR}|[{_CN_CHARS}]+)"
    r"(?P<approx1>余|多)?"
    r"(?P<scale>万亿|[万亿千])?"
    r"(?P<approx2>余|多)?"
    r"(?:(?<=\d) )?"  # 394 个: some papers set a space between Arabic digits and the measure word
    rf"(?P<unit>{_UNIT_ALT})"
)
# 五六千, 十五六个: two neighbouring digits give a range; the figure is its lower bound, marked approximate.
_RANGE_RE = re.compile(r"([一二两三四五六七八])([二两三四五六七八九])(?=[十百千万亿]|$)")
PERCENT_WORD_RE = re.compile(rf"百分之(?P<num>{_AR}|[{_CN_CHARS}]+)")

# Words right before a number that make it approximate or a lower bound (spec section 2).
_APPROX_BEFORE = ("将近", "大约", "超过", "不少于", "至少", "突破", "约", "近", "超", "逾", "上")
# A character in front of 近/上 that turns it into another word (附近, 线上 …).
_NOT_APPROX_PREFIX = {"近": "附最接临亲靠邻将", "上": "线会网晚早加以马台村镇路街楼身手面"}
_APPROX_AFTER = ("以上", "左右", "上下")


@dataclass
class NumberMatch:
    """One number-with-unit found in the compact text (offsets are compact offsets)."""

    start: int
    end: int
    num_start: int
    value: float
    unit: str
    written_unit: str
    approx: bool
    chinese: bool
    bare_scale: bool  # 万/千 with no digit in front, as in 千家万户 or 上万名

    @property
    def int_or_float(self) -> int | float:
        rounded = round(self.value)
        return int(rounded) if abs(self.value - rounded) < 1e-9 else round(self.value, 6)


def parse_chinese(s: str) -> float | None:
    """Value of a Chinese numeral (三, 十三, 两千五百, 一万二千, 二〇二三); None if malformed."""
    if not s:
        return None
    if all(ch in CN_DIGITS for ch in s) and len(s) > 1:
        # Digit-by-digit form such as 二〇二三.
        return float("".join(str(CN_DIGITS[ch]) for ch in s))
    total = 0
    section = 0
    number = 0
    seen_digit = False
    added = 0  # what the last 万/亿 added, so that 万亿 (10¹²) scales it again
    previous = ""
    for ch in s:
        if ch in CN_BIG_UNITS and previous in CN_BIG_UNITS and not section and not number:
            total += added * (CN_BIG_UNITS[ch] - 1)
            added *= CN_BIG_UNITS[ch]
            previous = ch
            continue
        previous = ch
        if ch in CN_DIGITS:
            number = CN_DIGITS[ch]
            seen_digit = True
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if number == 0 and not seen_digit:
                number = 1  # 十三 = 13, 百 alone = 100
            section += number * unit
            number = 0
            seen_digit = False
        elif ch in CN_BIG_UNITS:
            section += number
            if section == 0:
                section = 1
            added = section * CN_BIG_UNITS[ch]
            total += added
            section = 0
            number = 0
            seen_digit = False
        else:
            return None
    return float(total + section + number)


def parse_number(s: str) -> float | None:
    """Value of an Arabic (with thousands commas) or Chinese numeral string."""
    if not s:
        return None
    if s[0].isdigit():
        try:
            return float(s.replace(",", ""))
        except ValueError:
            return None
    return parse_chinese(s)


def _approx_before(text: str, pos: int) -> bool:
    for word in _APPROX_BEFORE:
        if text.startswith(word, pos - len(word)):
            prev = text[pos - len(word) - 1] if pos - len(word) - 1 >= 0 else ""
            if len(word) == 1 and prev and prev in _NOT_APPROX_PREFIX.get(word, ""):
                continue
            return True
    return False


def find_numbers(text: str) -> list[NumberMatch]:
    """All number+unit candidates of the compact text, before any contextual rejection."""
    found: list[NumberMatch] = []
    for m in NUMBER_RE.finditer(text):
        raw = m.group("num")
        start = m.start("num")
        chinese = not raw[0].isdigit()
        scale_char = m.group("scale") or ""
        if chinese:
            # The character class already swallows 万/千; a scale matched separately
            # (only after backtracking) still belongs to the numeral.
            reading = raw + scale_char
            ranged = None if "〇" in reading or "零" in reading else _RANGE_RE.search(reading)
            if ranged and CN_DIGITS[ranged.group(2)] != CN_DIGITS[ranged.group(1)] + 1:
                ranged = None
            if ranged:
                reading = reading[: ranged.start(2)] + reading[ranged.end(2) :]
            value = parse_chinese(reading)
        else:
            if start > 0 and (text[start - 1].isascii() and (text[start - 1].isalnum() or text[start - 1] in ".-/:")):
                continue  # model numbers, versions, ranges, times: COVID-19, 5.0, 8:30
            value = parse_number(raw)
            if value is not None and scale_char:
                value *= {"万": 10_000, "亿": 100_000_000, "千": 1000, "万亿": 10**12}[scale_char]
        if value is None:
            continue
        written = m.group("unit")
        nxt = text[m.end() : m.end() + 1]
        if nxt and nxt in BAD_NEXT.get(written, ""):
            # Try a shorter reading is pointless: the measure word is really part of a noun.
            continue
        if written == "把" and scale_char:
            continue  # 投入100万把…: after a sum 把 is the preposition
        if written == "对" and (scale_char or chinese):
            continue  # 投入100万对村道…, 一对一: 对 after a sum or a numeral word is the preposition
        canon, factor = canonical_unit(written)
        if written == "块" and text.startswith("钱", m.end()):
            canon = "元"
        bare_scale = chinese and not any(ch in CN_DIGITS or ch in "十拾" for ch in raw)
        approx = bool(m.group("approx1") or m.group("approx2")) or _approx_before(text, start)
        approx = approx or bool(chinese and ranged)
        if text.startswith(_APPROX_AFTER, m.end()):
            approx = True
        found.append(
            NumberMatch(
                start=start,
                end=m.end(),
                num_start=start,
                value=value * factor,
                unit=canon,
                written_unit=written,
                approx=approx,
                chinese=chinese,
                bare_scale=bare_scale,
            )
        )
    for m in PERCENT_WORD_RE.finditer(text):
        value = parse_number(m.group("num"))
        if value is not None:
            found.append(
                NumberMatch(
                    m.start(), m.end(), m.start(), value, "%", "%", _approx_before(text, m.start()), True, False
                )
            )
    found.sort(key=lambda n: n.start)
    return found
