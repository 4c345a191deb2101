"""The one extractor of this process, built from the catalogue in the database and rebuilt when it changes.

Building an extractor loads jieba and the place and campaign vocabularies, which is too slow to do
per report. The indicator and campaign tables are small, so every call reads and hashes them; the
region tree can hold a prefecture's 20 000 rows, so it is represented by a version instead: its row
count, its highest key and a token that every save or delete of a region renews in the shared
cache (Redis where configured), which keeps web and worker processes in step.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from datetime import date

from django.core.cache import cache
from django.db.models import Count, Max

from extraction import CampaignSpec, ExtractionContext, Extractor, IndicatorSpec, PlaceSpec
from metrics.models import Campaign, Indicator
from regions.models import Region

_lock = threading.Lock()
_cached: tuple[str, Extractor] | None = None


REGION_VERSION_KEY = "reports:region-version"


def catalogue_specs() -> tuple[list[IndicatorSpec], list[PlaceSpec], list[CampaignSpec]]:
    """The engine's view of the catalogue: indicator synonyms, places keyed by pk, campaign aliases."""
    indicators, campaigns = _small_specs()
    return indicators, _place_specs(), campaigns


def _small_specs() -> tuple[list[IndicatorSpec], list[CampaignSpec]]:
    indicators = [
        IndicatorSpec(code=i.code, name=i.name, unit=i.unit, synonyms=tuple(i.synonym_list()))
        for i in Indicator.objects.filter(active=True).order_by("code")
    ]
    campaigns = [
        CampaignSpec(code=c.code, name=c.name, aliases=tuple(c.alias_list())) for c in Campaign.objects.order_by("code")
    ]
    return indicators, campaigns


def _place_specs() -> list[PlaceSpec]:
    return [
        PlaceSpec(
            key=str(r.pk),
            name=r.name,
            aliases=tuple(a for a in r.alias_list() if a != r.name),
            parent_key=str(r.parent_id) if r.parent_id else None,
            level=r.level,
        )
        for r in Region.objects.order_by("path")
    ]


def region_version() -> tuple:
    """Changes whenever a region is added, saved or deleted (see ``bump_region_version``)."""
    agg = Region.objects.aggregate(n=Count("pk"), top=Max("pk"))
    token = cache.get(REGION_VERSION_KEY)
    if token is None:
        token = bump_region_version()
    return agg["n"], agg["top"], token


def bump_region_version(**_signal_kwargs) -> str:
    token = uuid.uuid4().hex
    cache.set(REGION_VERSION_KEY, token, None)
    return token


def _fingerprint(*parts: list) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def get_extractor() -> Extractor:
    """The process-wide extractor for the current catalogue (rebuilt only after a catalogue change)."""
    global _cached
    indicators, campaigns = _small_specs()
    key = _fingerprint(indicators, campaigns, [region_version()])
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _lock:
        if _cached is None or _cached[0] != key:
            places = _place_specs()
            extractor = Extractor(indicators=indicators, places=places or None, campaigns=campaigns or None)
            _cached = (key, extractor)
        return _cached[1]


def context_for(region: Region | None, published: date | None) -> ExtractionContext:
    """The submitting region (by its usual short name when it has one) and the publication date."""
    if region is None:
        return ExtractionContext(published=published)
    return ExtractionContext(region=region.short_name or region.name, region_key=str(region.pk), published=published)
