"""Scoring of predicted mentions against gold mentions, exactly as spec section 4 defines it."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

COUNT_KEYS = (
    "gold",
    "predicted",
    "matched",
    "strict_matched",
    "approx_ok",
    "approx_n",
    "indicator_ok",
    "indicator_n",
    "region_ok",
    "region_n",
)


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def _same_value(a: Any, b: Any) -> bool:
    try:
        x, y = float(a), float(b)
    except (TypeError, ValueError):
        return False
    if x == y:
        return True
    return abs(x - y) / max(abs(x), abs(y)) < 1e-6


def _matches(g: dict[str, Any], p: dict[str, Any]) -> bool:
    return _overlap(g, p) and _same_value(g.get("value"), p.get("value")) and g.get("unit") == p.get("unit")


def region_compatible(gold: str | None, predicted: str | None) -> bool:
    """A gold region is matched when either string contains the other."""
    if not gold:
        return True
    if not predicted:
        return False
    return gold in predicted or predicted in gold


def _strict(g: dict[str, Any], p: dict[str, Any]) -> bool:
    return g.get("indicator") == p.get("indicator") and region_compatible(g.get("region"), p.get("region"))


def _assign(gold: list[dict[str, Any]], predicted: list[dict[str, Any]], strict: bool) -> list[tuple[int, int]]:
    """Pair gold and predicted mentions one to one, in text order (first free candidate wins)."""
    used: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for gi, g in enumerate(gold):
        if g.get("borderline"):
            continue
        for pi, p in enumerate(predicted):
            if pi in used or not _matches(g, p) or (strict and not _strict(g, p)):
                continue
            used.add(pi)
            pairs.append((gi, pi))
            break
    return pairs


def count(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> dict[str, int]:
    """The raw counts behind the scores of one document (they add up across documents)."""
    borderline = [g for g in gold if g.get("borderline")]
    scored_predictions = [p for p in predicted if not any(_overlap(p, b) for b in borderline)]
    pairs = _assign(gold, scored_predictions, strict=False)
    strict_pairs = _assign(gold, scored_predictions, strict=True)
    c = dict.fromkeys(COUNT_KEYS, 0)
    c["gold"] = sum(1 for g in gold if not g.get("borderline"))
    c["predicted"] = len(scored_predictions)
    c["matched"] = len(pairs)
    c["strict_matched"] = len(strict_pairs)
    for gi, pi in pairs:
        g, p = gold[gi], scored_predictions[pi]
        c["approx_n"] += 1
        c["approx_ok"] += bool(g.get("approx")) == bool(p.get("approx"))
        if g.get("indicator") is not None:
            c["indicator_n"] += 1
            c["indicator_ok"] += g.get("indicator") == p.get("indicator")
        if g.get("region"):
            c["region_n"] += 1
            c["region_ok"] += region_compatible(g.get("region"), p.get("region"))
    return c


def _ratio(a: int, b: int) -> float:
    return a / b if b else 0.0


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def scores_from_counts(c: dict[str, int]) -> dict[str, Any]:
    precision = _ratio(c["matched"], c["predicted"])
    recall = _ratio(c["matched"], c["gold"])
    s_precision = _ratio(c["strict_matched"], c["predicted"])
    s_recall = _ratio(c["strict_matched"], c["gold"])
    return {
        "precision": precision,
        "recall": recall,
        "f1": _f1(precision, recall),
        "strict_precision": s_precision,
        "strict_recall": s_recall,
        "strict_f1": _f1(s_precision, s_recall),
        "approx_accuracy": _ratio(c["approx_ok"], c["approx_n"]),
        "indicator_accuracy": _ratio(c["indicator_ok"], c["indicator_n"]),
        "region_accuracy": _ratio(c["region_ok"], c["region_n"]),
        "counts": dict(c),
    }


def score(gold: list[dict[str, Any]], predicted: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision, recall, F1, strict P/R/F1 and approx/indicator/region accuracy of one document."""
    return scores_from_counts(count(gold, predicted))


def micro_average(pairs: list[tuple[list[dict[str, Any]], list[dict[str, Any]]]]) -> dict[str, Any]:
    """Scores over several documents by summing their counts."""
    total = dict.fromkeys(COUNT_KEYS, 0)
    for gold, predicted in pairs:
        for key, value in count(gold, predicted).items():
            total[key] += value
    return scores_from_counts(total)


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def evaluate_dirs(
    gold_dir: str | Path, report_dir: str | Path, extractor: Any = None
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Extract every report that has a gold file and score it; returns (per-document, micro-average)."""
    from . import Extractor

    extractor = extractor or Extractor()
    per_doc: dict[str, dict[str, Any]] = {}
    pairs = []
    for gold_path in sorted(Path(gold_dir).glob("*.jsonl")):
        name = gold_path.name[: -len(".jsonl")]
        report = Path(report_dir) / name
        if not report.exists():
            continue
        gold = read_jsonl(gold_path)
        predicted = extractor.extract(report.read_text(encoding="utf-8"), doc=name).mentions
        per_doc[name] = score(gold, predicted)
        pairs.append((gold, predicted))
    return per_doc, micro_average(pairs)


def format_report(per_doc: dict[str, dict[str, Any]], micro: dict[str, Any]) -> str:
    """A plain-text table of the scores, one row per document and one for the micro-average."""
    cols = ("P", "R", "F1", "sP", "sR", "sF1", "approx", "ind", "region")
    keys = (
        "precision",
        "recall",
        "f1",
        "strict_precision",
        "strict_recall",
        "strict_f1",
        "approx_accuracy",
        "indicator_accuracy",
        "region_accuracy",
    )
    width = max([len(n) for n in per_doc] + [5])
    lines = [f"{'doc':<{width}}  " + "  ".join(f"{c:>6}" for c in cols) + "   gold  pred"]
    for name, s in [*per_doc.items(), ("micro", micro)]:
        row = "  ".join(f"{s[k]:6.3f}" for k in keys)
        lines.append(f"{name:<{width}}  {row}  {s['counts']['gold']:5d} {s['counts']['predicted']:5d}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extraction.scoring", description=__doc__)
    parser.add_argument("gold_dir")
    parser.add_argument("report_dir")
    args = parser.parse_args(argv)
    per_doc, micro = evaluate_dirs(args.gold_dir, args.report_dir)
    sys.stdout.write(format_report(per_doc, micro) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
