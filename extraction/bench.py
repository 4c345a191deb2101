"""Throughput of full extraction compared with raw ``jieba.lcut`` on the same text, in one process."""

from __future__ import annotations

import time
from typing import Any

import jieba

from . import Extractor
from .gazetteer import Gazetteer
from .specs import PlaceSpec


def run(text: str, repeat: int = 5, extractor: Extractor | None = None) -> dict[str, Any]:
    """Best-of-``repeat`` chars/second of ``extract`` and of ``jieba.lcut``, and their ratio."""
    extractor = extractor or Extractor()
    extractor.extract(text)  # load dictionaries outside the timing
    jieba.lcut(text)
    best_extract = best_lcut = float("inf")
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        jieba.lcut(text)
        t1 = time.perf_counter()
        extractor.extract(text)
        t2 = time.perf_counter()
        best_lcut = min(best_lcut, t1 - t0)
        best_extract = min(best_extract, t2 - t1)
    chars = len(text)
    extract_cps = chars / best_extract if best_extract > 0 else float("inf")
    lcut_cps = chars / best_lcut if best_lcut > 0 else float("inf")
    return {
        "chars": chars,
        "repeat": repeat,
        "extract_chars_per_second": round(extract_cps),
        "lcut_chars_per_second": round(lcut_cps),
        "ratio": round(extract_cps / lcut_cps, 3) if lcut_cps else 0.0,
    }


def tree_specs(name: str, limit: int | None = None) -> list[PlaceSpec]:
    """A real region tree for benchmarks: the gazetteer subtree below ``name`` (a city or a province)."""
    gaz = Gazetteer.load()
    if gaz is None:
        raise RuntimeError("the gazetteer data package (jionlp) is not installed")
    root = gaz.find(name)
    if root is None:
        raise ValueError(f"unknown division: {name}")
    specs: list[PlaceSpec] = []
    todo = [(root, None)]
    while todo and (limit is None or len(specs) < limit):
        row, parent = todo.pop()
        d = gaz.division(row)
        specs.append(PlaceSpec(key=str(row), name=d.name, parent_key=parent, level=d.level))
        todo.extend((child, str(row)) for child in reversed(gaz.children(row)))
    return specs


def sized(text: str, size: int) -> str:
    """The text repeated (paragraph-wise) to ``size`` characters."""
    out = text
    while len(out) < size:
        out += "\n\n" + text
    return out[:size]
