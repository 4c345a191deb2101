"""Throughput of full extraction compared with raw ``jieba.lcut`` on the same text, in one process."""

from __future__ import annotations

import time
from typing import Any

import jieba

from . import Extractor


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
