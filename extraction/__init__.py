"""Indicator extraction from Party-building news reports: figures, their indicator, place and period.

Pure Python (stdlib + jieba), no Django. Usage::

    ex = Extractor(indicators=None, places=[PlaceSpec(...)], campaigns=[CampaignSpec(...)])
    result = ex.extract(text, ExtractionContext(region="中原区", published=date(2024, 6, 30)), doc="a.txt")
    result.mentions   # spec records + "period", "confidence", "region_key"
    result.campaigns  # {"code", "name", "start", "end"}
"""

from .engine import Extractor
from .specs import CampaignSpec, ExtractionContext, ExtractionResult, IndicatorSpec, PlaceSpec

__all__ = ["CampaignSpec", "ExtractionContext", "ExtractionResult", "Extractor", "IndicatorSpec", "PlaceSpec"]
