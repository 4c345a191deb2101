"""Confidences that mean something: a logistic model over the evidence behind each mention.

The review page accepts every figure above a threshold, so a confidence of 0.9 has to be right
about nine times in ten. The attribution rules only know their own constants; what predicts a
correct figure is also how its place was found (the clause's subject or the report's main place),
how far away that place is, its level, and whether an indicator was found at all. The weights are
fitted on the annotated real reports' tuning half (``python -m extraction.confidence fit``)
and kept in ``data/confidence.json``; scoring is a dot product, no library.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

MODEL_PATH = Path(__file__).with_name("data") / "confidence.json"
HOW = ("owner", "clause", "paragraph", "section", "article", "document", "none")
LEVELS = ("province", "city", "district", "street", "community", "compound")
UNITS = {"人": "people", "人次": "people", "户": "households", "元": "money", "%": "rate"}


def mention_features(
    *,
    rule_confidence: float,
    indicator: str | None,
    unit: str,
    how: str,
    place: Any,
    distance: int,
    in_heading: bool,
    borderline: bool,
) -> dict[str, float]:
    """The evidence behind one mention, as named numbers (the model file names the same keys)."""
    f: dict[str, float] = {
        "bias": 1.0,
        "rule_confidence": rule_confidence,
        "no_indicator": 1.0 if indicator is None else 0.0,
        "heading": 1.0 if in_heading else 0.0,
        "borderline": 1.0 if borderline else 0.0,
        "log_distance": math.log1p(distance) / 5 if distance >= 0 else 0.0,
        "no_place": 1.0 if place is None else 0.0,
        "anaphor": 1.0 if place is not None and place.anaphor else 0.0,
        "short_form": 1.0 if place is not None and place.short else 0.0,
        "known_key": 1.0 if place is not None and place.resolved.key is not None else 0.0,
    }
    f[f"how:{how}"] = 1.0
    if place is not None and place.level in LEVELS:
        f[f"level:{place.level}"] = 1.0
    f[f"unit:{UNITS.get(unit, 'count')}"] = 1.0
    return f


class ConfidenceModel:
    """Logistic weights by feature name; without a model file the rules' own constant is kept."""

    def __init__(self, weights: dict[str, float] | None = None) -> None:
        self.weights = weights or {}

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> ConfidenceModel:
        if not path.exists():
            return cls()
        return cls(json.loads(path.read_text(encoding="utf-8"))["weights"])

    def score(self, features: dict[str, float], fallback: float) -> float:
        if not self.weights:
            return fallback
        z = sum(self.weights.get(k, 0.0) * v for k, v in features.items())
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


def fit(samples: list[tuple[dict[str, float], int]], l2: float = 1.0, steps: int = 400) -> dict[str, float]:
    """L2-regularised logistic regression by Newton's method on the few dozen features (pure Python)."""
    names = sorted({k for f, _y in samples for k in f})
    w = [0.0] * len(names)
    rows = [([f.get(k, 0.0) for k in names], y) for f, y in samples]
    for _ in range(steps):
        grad = [l2 * wi for wi in w]
        hess = [[(l2 if i == j else 0.0) for j in range(len(names))] for i in range(len(names))]
        for x, y in rows:
            z = sum(wi * xi for wi, xi in zip(w, x, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            for i, xi in enumerate(x):
                if xi:
                    grad[i] += (p - y) * xi
                    for j, xj in enumerate(x):
                        if xj:
                            hess[i][j] += p * (1 - p) * xi * xj
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step, strict=True)]
        if max(abs(si) for si in step) < 1e-8:
            break
    return {k: round(v, 6) for k, v in zip(names, w, strict=True)}


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (the Hessian is small and positive definite)."""
    n = len(b)
    m = [[*row, b[i]] for i, row in enumerate(a)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[piv] = m[piv], m[c]
        for r in range(c + 1, n):
            factor = m[r][c] / m[c][c]
            for k in range(c, n + 1):
                m[r][k] -= factor * m[c][k]
    x = [0.0] * n
    for r in range(n - 1, -1, -1):
        x[r] = (m[r][n] - sum(m[r][k] * x[k] for k in range(r + 1, n))) / m[r][r]
    return x


def labelled(folders: list[Path]) -> list[tuple[dict[str, float], int, float]]:
    """(features, 1 if strictly right else 0, confidence) for every prediction on annotated reports.

    A prediction is right when it matches a gold mention with the same indicator and a compatible
    region (spec section 4, strict); predictions on borderline gold are left out, as scoring does.
    """
    from . import Extractor
    from .scoring import region_compatible

    ex = Extractor()
    ex.explain = True
    out = []
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            gold = [
                json.loads(line) for line in (folder / "gold" / f"{path.name}.jsonl").read_text("utf-8").splitlines()
            ]
            for m in ex.extract(path.read_text(encoding="utf-8"), doc=path.name).mentions:
                over = [g for g in gold if g["start"] < m["end"] and m["start"] < g["end"]]
                if any(g["borderline"] for g in over):
                    continue
                right = any(
                    g["unit"] == m["unit"]
                    and abs(float(g["value"]) - float(m["value"])) <= 1e-6 * max(1.0, abs(float(g["value"])))
                    and g["indicator"] == m["indicator"]
                    and region_compatible(g["region"], m["region"])
                    for g in over
                )
                out.append((m["features"], int(right), m["confidence"]))
    return out


def reliability(rows: list[tuple[dict[str, float], int, float]], bins: int = 5) -> list[tuple[str, int, float]]:
    """(confidence range, predictions, share right) per equal-width confidence bin."""
    table = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [y for _f, y, c in rows if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if inside:
            table.append((f"{lo:.1f}–{hi:.1f}", len(inside), sum(inside) / len(inside)))
    return table


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Fit or check the mention confidence model.")
    parser.add_argument("action", choices=["fit", "check"])
    parser.add_argument("folders", nargs="+", type=Path, help="folders of reports with gold/")
    args = parser.parse_args(argv)
    if args.action == "fit":
        rows = labelled(args.folders)
        weights = fit([(f, y) for f, y, _c in rows])
        MODEL_PATH.parent.mkdir(exist_ok=True)
        MODEL_PATH.write_text(
            json.dumps(
                {"fitted_on": [str(f) for f in args.folders], "samples": len(rows), "weights": weights},
                ensure_ascii=False,
                indent=1,
            )
            + "\n",
            encoding="utf-8",
        )
        print(f"fitted on {len(rows)} predictions, {sum(y for _f, y, _c in rows)} right -> {MODEL_PATH}")
    rows = labelled(args.folders)
    for rng, n, share in reliability(rows):
        print(f"confidence {rng}: {n:4d} predictions, {share:.2f} right")


if __name__ == "__main__":
    main()
