"""Command-line extraction of one report file, printed as UTF-8 JSON."""

from __future__ import annotations

import argparse
import datetime
import json
import sys
from pathlib import Path
from typing import Any

from . import ExtractionContext, Extractor

_extractor: Extractor | None = None


def extract_file(
    path: str | Path,
    region: str | None = None,
    date: datetime.date | str | None = None,
    extractor: Extractor | None = None,
) -> dict[str, Any]:
    """Extract one UTF-8 report file; ``date`` may be a date or an ISO string."""
    global _extractor
    if extractor is None:
        _extractor = _extractor or Extractor()
        extractor = _extractor
    if isinstance(date, str):
        date = datetime.date.fromisoformat(date)
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    result = extractor.extract(text, ExtractionContext(region=region, published=date), doc=path.name)
    return result.as_dict()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m extraction", description="Extract indicator mentions from a report."
    )
    parser.add_argument("file")
    parser.add_argument("--region", default=None, help="name of the submitting region, e.g. 中原区")
    parser.add_argument("--date", default=None, help="publication date, YYYY-MM-DD")
    args = parser.parse_args(argv)
    out = extract_file(args.file, args.region, args.date)
    sys.stdout.buffer.write(json.dumps(out, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    return 0
