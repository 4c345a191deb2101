"""The plain data the engine is configured with and returns; no behaviour lives here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class IndicatorSpec:
    """A catalogue entry: its code, name, canonical unit and the words that name its subject."""

    code: str
    name: str = ""
    unit: str = ""
    synonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlaceSpec:
    """A region known to the product; ``level`` is city, district, street or community."""

    key: str
    name: str
    aliases: tuple[str, ...] = ()
    parent_key: str | None = None
    level: str = ""


@dataclass(frozen=True)
class CampaignSpec:
    code: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExtractionContext:
    """What is known about a report besides its text."""

    region: str | None = None
    region_key: str | None = None
    published: datetime.date | None = None


@dataclass
class ExtractionResult:
    mentions: list[dict[str, Any]] = field(default_factory=list)
    campaigns: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"mentions": self.mentions, "campaigns": self.campaigns}
