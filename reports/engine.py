"""The one extractor of this process, built from the catalogue in the database and rebuilt when it changes.

Building an extractor loads jieba and the place and campaign vocabularies, which is too slow to do
per report; reading the three small catalogue tables is not. So every call reads them, hashes
them, and rebuilds only when the hash moved — which also keeps web and worker processes in step
without any signal between them.
"""

from __future__ import annotations

import hashlib
import threading
from datetime import date

from metrics.models import Campaign, Indicator, Region
from reports.extraction import CampaignSpec, ExtractionContext, Extractor, IndicatorSpec, PlaceSpec

_lock = threading.Lock()
_cached: tuple[str, Extractor] | None = None


def catalogue_specs() -> tuple[list[IndicatorSpec], list[PlaceSpec], list[CampaignSpec]]:
    """The engine's view of the catalogue: indicator synonyms, places keyed by pk, campaign aliases."""
    indicators = [
        IndicatorSpec(code=i.code, name=i.name, unit=i.unit, synonyms=tuple(i.synonym_list()))
        for i in Indicator.objects.filter(active=True).order_by("code")
    ]
    places = [
        PlaceSpec(
            key=str(r.pk),
            name=r.name,
            aliases=tuple(a for a in r.alias_list() if a != r.name),
            parent_key=str(r.parent_id) if r.parent_id else None,
            level=r.level,
        )
        for r in Region.objects.order_by("path")
    ]
    campaigns = [
        CampaignSpec(code=c.code, name=c.name, aliases=tuple(c.alias_list())) for c in Campaign.objects.order_by("code")
    ]
    return indicators, places, campaigns


def _fingerprint(*parts: list) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def get_extractor() -> Extractor:
    """The process-wide extractor for the current catalogue (rebuilt only after a catalogue change)."""
    global _cached
    indicators, places, campaigns = catalogue_specs()
    key = _fingerprint(indicators, places, campaigns)
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != key:
            extractor = Extractor(indicators=indicators, places=places or None, campaigns=campaigns or None)
            _cached = (key, extractor)
        return _cached[1]


def context_for(region: Region | None, published: date | None) -> ExtractionContext:
    """The submitting region (by its usual short name when it has one) and the publication date."""
    if region is None:
        return ExtractionContext(published=published)
    return ExtractionContext(region=region.short_name or region.name, region_key=str(region.pk), published=published)
