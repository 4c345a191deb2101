"""Reporting periods: the year, quarter or month a figure is for, or a running total up to a date.

A period is a small dict: ``{"kind": "year", "year": 2023}``, ``{"kind": "quarter", "year": 2024,
"quarter": 1}``, ``{"kind": "month", "year": 2024, "month": 1}`` or ``{"kind": "cumulative",
"year": 2024 | None, "until": "2024-06-30"}`` (a running total since ``year`` began, or since an
unstated start, up to ``until``). Figures with no time expression get ``None``.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

_PERIOD_RE = re.compile(
    r"(?P<ym>(?P<y1>\d{4})年(?P<m1>\d{1,2})月(?:份)?(?!\d{0,2}日))"
    r"|(?P<ymd>(?P<y3>\d{4})年)?(?P<m3>\d{1,2})月(?P<d3>\d{1,2})日"
    r"|(?P<yq>(?P<y2>\d{4})年)?(?:第)?(?P<q>[一二三四1-4])季度"
    r"|(?P<y>(?P<y0>\d{4})年(?:度)?)(?P<since0>以来)?"
    r"|(?P<m>(?P<m0>\d{1,2})月份?)(?P<since1>以来)?"
    r"|(?P<rel>今年以来|年初以来|今年|本年度|去年以来|去年|上年度|上一年|过去一年|上半年|下半年)"
    r"|(?P<cum>截至目前|截至\d{0,4}年?\d{1,2}月底?|截止目前|至今|目前|累计)"
)
_Q = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def find_periods(text: str) -> list[tuple[int, re.Match[str]]]:
    """Time expressions of the compact text with their positions."""
    return [(m.start(), m) for m in _PERIOD_RE.finditer(text)]


def period_of(m: re.Match[str], published: datetime.date | None) -> dict[str, Any] | None:
    """Turn one time expression into a period dict, using the publication date for 今年, 目前 …"""
    year = published.year if published else None
    until = published.isoformat() if published else None
    if m.group("ym"):
        return {"kind": "month", "year": int(m.group("y1")), "month": int(m.group("m1"))}
    if m.group("ymd") is not None or m.group("d3"):
        y = int(m.group("y3")) if m.group("y3") else year
        month = int(m.group("m3"))
        if y is not None and published and not m.group("y3") and month > published.month:
            y -= 1
        return {"kind": "month", "year": y, "month": month} if 1 <= month <= 12 else None
    if m.group("q"):
        y = int(m.group("y2")) if m.group("y2") else year
        return {"kind": "quarter", "year": y, "quarter": _Q[m.group("q")]}
    if m.group("y"):
        y = int(m.group("y0"))
        if m.group("since0"):
            return {"kind": "cumulative", "year": y, "until": until}
        return {"kind": "year", "year": y}
    if m.group("m"):
        month = int(m.group("m0"))
        if not 1 <= month <= 12:
            return None
        y = year
        if y is not None and published and month > published.month:
            y -= 1
        if m.group("since1"):
            return {"kind": "cumulative", "year": y, "until": until}
        return {"kind": "month", "year": y, "month": month}
    rel = m.group("rel")
    if rel:
        if rel in ("今年以来", "年初以来"):
            return {"kind": "cumulative", "year": year, "until": until}
        if rel in ("今年", "本年度", "上半年", "下半年"):
            return {"kind": "year", "year": year}
        if rel == "去年以来":
            return {"kind": "cumulative", "year": year - 1 if year else None, "until": until}
        return {"kind": "year", "year": year - 1 if year else None}
    if m.group("cum"):
        return {"kind": "cumulative", "year": None, "until": until}
    return None
