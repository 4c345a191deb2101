"""Confidences are fitted on the real reports' tuning half and must hold on the test half."""

from __future__ import annotations

import itertools
from pathlib import Path

from extraction.confidence import ConfidenceModel, fit, labelled, reliability

REAL = Path(__file__).resolve().parents[2] / "fixtures" / "reports" / "real"


def test_high_confidence_is_right_about_as_often_as_it_says_on_reports_never_tuned_on() -> None:
    rows = labelled([REAL / "test"])
    accepted = [y for _f, y, c in rows if c >= 0.7]  # the review page's default threshold
    low = [y for _f, y, c in rows if c < 0.5]
    assert len(accepted) >= len(rows) / 2
    assert sum(accepted) / len(accepted) >= 0.75  # what "accept all above 0.7" relies on
    assert sum(low) / len(low) < 0.6
    shares = [share for _rng, _n, share in reliability(rows)]
    assert shares == sorted(shares) or max(a - b for a, b in itertools.pairwise(shares)) < 0.1


def test_the_fit_separates_what_the_evidence_separates() -> None:
    samples = [({"bias": 1.0, "how:clause": 1.0}, 1)] * 9 + [({"bias": 1.0, "how:clause": 1.0}, 0)]
    samples += [({"bias": 1.0, "how:article": 1.0}, 0)] * 7 + [({"bias": 1.0, "how:article": 1.0}, 1)] * 3
    model = ConfidenceModel(fit(samples, l2=0.01))
    assert 0.85 < model.score({"bias": 1.0, "how:clause": 1.0}, 0.0) < 0.95
    assert 0.25 < model.score({"bias": 1.0, "how:article": 1.0}, 0.0) < 0.35
    assert ConfidenceModel().score({"bias": 1.0}, 0.7) == 0.7  # no model file: the rule's constant
