"""Small server-side SVG charts (bars and lines) for the PDF summaries: vector, print-safe, CJK text.

The colours are the Okabe-Ito palette, readable for colour-blind readers; a dashed line and a
hollow marker tell the comparison series apart in black-and-white print too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"
AXIS = "#555555"
GRID = "#DDDDDD"

Number = int | float | Decimal | None


@dataclass
class Series:
    name: str
    values: Sequence[Number]
    dashed: bool = False


def _num(value: Number) -> float | None:
    return None if value is None else float(value)


def _nice_step(span: float, steps: int = 4) -> float:
    raw = span / steps if span > 0 else 1.0
    power = 10 ** math.floor(math.log10(raw))
    for mult in (1, 2, 2.5, 5, 10):
        if mult * power >= raw:
            return mult * power
    return 10 * power


def _scale(values: list[float]) -> tuple[float, float, float]:
    """Axis bounds and tick step: zero included, ends on round numbers."""
    lo, hi = min([0.0, *values]), max([0.0, *values])
    if hi == lo:
        hi = lo + 1
    step = _nice_step(hi - lo)
    return math.floor(lo / step) * step, math.ceil(hi / step) * step, step


def _tick(value: float) -> str:
    if abs(value) >= 10000 and value % 1000 == 0:
        return f"{value / 10000:g}万"
    return f"{value:g}"


def _label(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def _text(x: float, y: float, body: str, *, size: int = 11, anchor: str = "middle", fill: str = AXIS, extra="") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{escape(body)}</text>"
    )


def _rect(x: float, y: float, width: float, height: float, fill: str) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{fill}"/>'


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label={quoteattr(title)} font-family="{FONT}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def _legend(series: Sequence[Series], x: float, y: float, *, line: bool) -> list[str]:
    out = []
    for i, s in enumerate(series):
        colour = OKABE_ITO[i % len(OKABE_ITO)]
        if line:
            dash = ' stroke-dasharray="5 3"' if s.dashed else ""
            out.append(
                f'<line x1="{x:.1f}" y1="{y - 4:.1f}" x2="{x + 18:.1f}" y2="{y - 4:.1f}" '
                f'stroke="{colour}" stroke-width="2"{dash}/>'
            )
        else:
            out.append(f'<rect x="{x:.1f}" y="{y - 10:.1f}" width="12" height="12" fill="{colour}"/>')
        out.append(_text(x + 22, y, s.name, anchor="start", fill="#222222"))
        x += 30 + 12 * len(s.name) + 8
    return out


def _empty(width: int, height: int, title: str) -> str:
    return _svg(width, height, title, [_text(width / 2, height / 2, "暂无数据", size=13)])


def _y_axis(lo: float, hi: float, step: float, left: float, right: float, top: float, bottom: float) -> list[str]:
    out = []
    value = lo
    while value <= hi + step / 2:
        y = bottom - (value - lo) / (hi - lo) * (bottom - top)
        out.append(
            f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{right:.1f}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.6"/>'
        )
        out.append(_text(left - 6, y + 4, _tick(value), size=10, anchor="end"))
        value += step
    out.append(f'<line x1="{left:.1f}" y1="{top:.1f}" x2="{left:.1f}" y2="{bottom:.1f}" stroke="{AXIS}"/>')
    return out


def _x_labels(categories: Sequence[str], xs: list[float], bottom: float, band: float) -> list[str]:
    """Category names under the axis, turned 45° when they would overlap."""
    longest = max((len(c) for c in categories), default=0)
    turned = longest * 11 > band
    every = 1
    if turned and band < 12:
        every = math.ceil(12 / band)
    out = []
    for i, (cat, x) in enumerate(zip(categories, xs, strict=True)):
        if i % every:
            continue
        label = _shorten(cat, 12)
        if turned:
            out.append(
                _text(
                    x,
                    bottom + 14,
                    label,
                    size=10,
                    anchor="end",
                    extra=f' transform="rotate(-40 {x:.1f} {bottom + 14:.1f})"',
                )
            )
        else:
            out.append(_text(x, bottom + 16, label, size=10))
    return out


def bar_chart(
    *,
    categories: Sequence[str],
    series: Sequence[Series],
    title: str,
    horizontal: bool = False,
    stacked: bool = False,
    width: int = 640,
    height: int | None = None,
) -> str:
    """Grouped or stacked bars, vertical or horizontal, with the values at the bar ends."""
    if not categories or not any(_num(v) is not None for s in series for v in s.values):
        return _empty(width, height or 220, title)
    if horizontal:
        return _horizontal_bars(categories, series, title, stacked, width, height)
    height = height or 280
    longest = max(len(c) for c in categories)
    left, right, top = 56, width - 16, 34
    band = (right - left) / len(categories)
    bottom = height - (min(longest, 12) * 8 + 22 if longest * 11 > band else 34)
    values = (
        _totals(series, len(categories))
        if stacked
        else [v for s in series for v in map(_num, s.values) if v is not None]
    )
    lo, hi, step = _scale(values)
    body = _y_axis(lo, hi, step, left, right, top, bottom)

    def y_of(v: float) -> float:
        return bottom - (v - lo) / (hi - lo) * (bottom - top)

    groups = 1 if stacked else len(series)
    bar = band * 0.72 / groups
    show_values = len(categories) * groups <= 24
    base = [0.0] * len(categories)
    for si, s in enumerate(series):
        colour = OKABE_ITO[si % len(OKABE_ITO)]
        for ci, raw in enumerate(s.values):
            v = _num(raw)
            if v is None:
                continue
            x = left + ci * band + band * 0.14 + (0 if stacked else si * bar)
            start = base[ci] if stacked else 0.0
            y0, y1 = y_of(start), y_of(start + v)
            body.append(_rect(x, min(y0, y1), bar, abs(y0 - y1), colour))
            if stacked:
                base[ci] += v
            elif show_values:
                body.append(_text(x + bar / 2, min(y0, y1) - 3, _label(v), size=9, fill="#222222"))
    body.append(f'<line x1="{left:.1f}" y1="{y_of(0):.1f}" x2="{right:.1f}" y2="{y_of(0):.1f}" stroke="{AXIS}"/>')
    body += _x_labels(categories, [left + (i + 0.5) * band for i in range(len(categories))], bottom, band)
    body += _legend(series, left, 16, line=False)
    return _svg(width, height, title, body)


def _totals(series: Sequence[Series], n: int) -> list[float]:
    return [sum(_num(s.values[i]) or 0.0 for s in series) for i in range(n)]


def _horizontal_bars(
    categories: Sequence[str], series: Sequence[Series], title: str, stacked: bool, width: int, height: int | None
) -> str:
    groups = 1 if stacked else len(series)
    row = max(16, 10 * groups + 8)
    top = 34
    height = height or top + row * len(categories) + 28
    longest = min(max(len(c) for c in categories), 18)
    left, right, bottom = 12 + longest * 11, width - 48, height - 24
    values = (
        _totals(series, len(categories))
        if stacked
        else [v for s in series for v in map(_num, s.values) if v is not None]
    )
    lo, hi, step = _scale(values)

    def x_of(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (right - left)

    body = []
    value = lo
    while value <= hi + step / 2:
        x = x_of(value)
        body.append(
            f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{GRID}" stroke-width="0.6"/>'
        )
        body.append(_text(x, bottom + 14, _tick(value), size=10))
        value += step
    band = (bottom - top) / len(categories)
    bar = band * 0.7 / groups
    base = [0.0] * len(categories)
    for ci, cat in enumerate(categories):
        body.append(_text(left - 6, top + (ci + 0.5) * band + 4, _shorten(cat, 18), size=10, anchor="end"))
    for si, s in enumerate(series):
        colour = OKABE_ITO[si % len(OKABE_ITO)]
        for ci, raw in enumerate(s.values):
            v = _num(raw)
            if v is None:
                continue
            y = top + ci * band + band * 0.15 + (0 if stacked else si * bar)
            start = base[ci] if stacked else 0.0
            x0, x1 = x_of(start), x_of(start + v)
            body.append(_rect(min(x0, x1), y, abs(x1 - x0), bar, colour))
            if stacked:
                base[ci] += v
            else:
                body.append(_text(max(x0, x1) + 4, y + bar / 2 + 4, _label(v), size=9, anchor="start", fill="#222222"))
    body.append(f'<line x1="{x_of(0):.1f}" y1="{top:.1f}" x2="{x_of(0):.1f}" y2="{bottom:.1f}" stroke="{AXIS}"/>')
    body += _legend(series, 12, 16, line=False)
    return _svg(width, height, title, body)


def line_chart(
    *, categories: Sequence[str], series: Sequence[Series], title: str, width: int = 640, height: int = 260
) -> str:
    """Lines over time; gaps where a month has no figure, markers on every point."""
    if not categories or not any(_num(v) is not None for s in series for v in s.values):
        return _empty(width, height, title)
    left, right, top = 56, width - 16, 34
    longest = max(len(c) for c in categories)
    band = (right - left) / len(categories)
    bottom = height - (min(longest, 12) * 7 + 22 if longest * 11 > band else 34)
    values = [v for s in series for v in map(_num, s.values) if v is not None]
    lo, hi, step = _scale(values)
    body = _y_axis(lo, hi, step, left, right, top, bottom)
    xs = [left + (i + 0.5) * band for i in range(len(categories))]

    def y_of(v: float) -> float:
        return bottom - (v - lo) / (hi - lo) * (bottom - top)

    for si, s in enumerate(series):
        colour = OKABE_ITO[si % len(OKABE_ITO)]
        dash = ' stroke-dasharray="5 3"' if s.dashed else ""
        runs: list[list[tuple[float, float]]] = [[]]
        for x, raw in zip(xs, s.values, strict=True):
            v = _num(raw)
            if v is None:
                runs.append([])
                continue
            runs[-1].append((x, y_of(v)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
                body.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
            for x, y in run:
                fill = "#FFFFFF" if s.dashed else colour
                body.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{fill}" stroke="{colour}" stroke-width="1.4"/>'
                )
    body.append(f'<line x1="{left:.1f}" y1="{y_of(lo):.1f}" x2="{right:.1f}" y2="{y_of(lo):.1f}" stroke="{AXIS}"/>')
    body += _x_labels(categories, xs, bottom, band)
    body += _legend(series, left, 16, line=True)
    return _svg(width, height, title, body)
