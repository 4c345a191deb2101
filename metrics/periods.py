"""Reporting periods (month, quarter, year) as values: parsing, containment and neighbours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

MONTH, QUARTER, YEAR = "month", "quarter", "year"
PERIOD_TYPES = (MONTH, QUARTER, YEAR)
_SPAN_MONTHS = {MONTH: 1, QUARTER: 3, YEAR: 12}
_PATTERN = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|(\d{1,2})))?$", re.IGNORECASE)
# One message per month, so that a translation can name the month (2025年3月 → March 2025).
_MONTH_LABELS = (
    gettext_noop("%(year)s年1月"),
    gettext_noop("%(year)s年2月"),
    gettext_noop("%(year)s年3月"),
    gettext_noop("%(year)s年4月"),
    gettext_noop("%(year)s年5月"),
    gettext_noop("%(year)s年6月"),
    gettext_noop("%(year)s年7月"),
    gettext_noop("%(year)s年8月"),
    gettext_noop("%(year)s年9月"),
    gettext_noop("%(year)s年10月"),
    gettext_noop("%(year)s年11月"),
    gettext_noop("%(year)s年12月"),
)


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, quarter or year, identified by its type and first day."""

    type: str
    start: date

    def __post_init__(self) -> None:
        if self.type not in PERIOD_TYPES:
            raise ValueError(f"unknown period type {self.type!r}")
        if self.start.day != 1 or (self.start.month - 1) % _SPAN_MONTHS[self.type]:
            raise ValueError(f"{self.start} does not start a {self.type}")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(MONTH, date(year, month, 1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        return cls(QUARTER, date(year, 3 * quarter - 2, 1))

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(YEAR, date(year, 1, 1))

    @classmethod
    def parse(cls, text: str) -> Period:
        """Parse ``2024``, ``2024-Q1`` or ``2024-03``; raise ValueError otherwise."""
        match = _PATTERN.match((text or "").strip())
        if not match:
            raise ValueError(_("无法识别的期间：%(text)s（应为 2024、2024-Q1 或 2024-03）") % {"text": repr(text)})
        year, quarter, month = match.groups()
        if quarter:
            return cls.quarter(int(year), int(quarter))
        if month:
            if not 1 <= int(month) <= 12:
                raise ValueError(_("无效的月份：%(text)s") % {"text": repr(text)})
            return cls.month(int(year), int(month))
        return cls.year(int(year))

    @classmethod
    def containing(cls, day: date, type: str = MONTH) -> Period:
        span = _SPAN_MONTHS[type]
        return cls(type, date(day.year, (day.month - 1) // span * span + 1, 1))

    @property
    def months(self) -> int:
        return _SPAN_MONTHS[self.type]

    @property
    def end(self) -> date:
        """First day after the period (half-open, like Python ranges)."""
        return add_months(self.start, self.months)

    def month_starts(self) -> list[date]:
        return [add_months(self.start, i) for i in range(self.months)]

    def contains(self, day: date) -> bool:
        return self.start <= day < self.end

    def previous(self) -> Period:
        return Period(self.type, add_months(self.start, -self.months))

    def next(self) -> Period:
        return Period(self.type, self.end)

    def same_last_year(self) -> Period:
        return Period(self.type, self.start.replace(year=self.start.year - 1))

    @property
    def code(self) -> str:
        if self.type == YEAR:
            return f"{self.start.year}"
        if self.type == QUARTER:
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        return f"{self.start.year}-{self.start.month:02d}"

    @property
    def label(self) -> str:
        if self.type == YEAR:
            return _("%(year)s年") % {"year": self.start.year}
        if self.type == QUARTER:
            return _("%(year)s年第%(quarter)s季度") % {
                "year": self.start.year,
                "quarter": (self.start.month - 1) // 3 + 1,
            }
        return _(_MONTH_LABELS[self.start.month - 1]) % {"year": self.start.year}

    def __str__(self) -> str:
        return self.code


def add_months(day: date, months: int) -> date:
    """The first day of the month ``months`` after ``day``'s month (negative: before); the one month arithmetic."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_range(first: date, last: date) -> list[date]:
    """Month starts from ``first``'s month to ``last``'s month inclusive."""
    out, current = [], date(first.year, first.month, 1)
    while current <= last:
        out.append(current)
        current = add_months(current, 1)
    return out
