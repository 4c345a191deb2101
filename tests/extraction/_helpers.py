"""Shared helpers for the extraction tests: one extractor per test session and a figure lookup."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from extraction import Extractor

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "reports"


@lru_cache(maxsize=1)
def extractor() -> Extractor:
    return Extractor()


def mentions(text: str) -> list[dict[str, Any]]:
    return extractor().extract(text).mentions


def figures(text: str) -> list[tuple[Any, str]]:
    """(value, unit) of every mention, in order."""
    return [(m["value"], m["unit"]) for m in mentions(text)]


def one(text: str) -> dict[str, Any]:
    found = mentions(text)
    assert len(found) == 1, found
    return found[0]
