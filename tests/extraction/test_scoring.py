"""Scoring (spec section 4) on tiny hand-made cases."""

from __future__ import annotations

from extraction.scoring import micro_average, score


def rec(
    start: int, end: int, value: float, unit: str = "个", indicator: str | None = None, region: str | None = None, **kw
) -> dict:
    return {
        "start": start,
        "end": end,
        "value": value,
        "unit": unit,
        "indicator": indicator,
        "region": region,
        "approx": kw.get("approx", False),
        "borderline": kw.get("borderline", False),
    }


def test_perfect_match() -> None:
    gold = [rec(0, 3, 13, "条", None, "示范区")]
    s = score(gold, [rec(0, 3, 13, "条", None, "城乡一体化示范区")])
    assert (s["precision"], s["recall"], s["f1"], s["strict_f1"], s["region_accuracy"]) == (1, 1, 1, 1, 1)


def test_overlap_is_enough_but_value_and_unit_must_agree() -> None:
    gold = [rec(10, 15, 9_850_000, "元")]
    assert score(gold, [rec(12, 16, 9_850_000.0000001, "元")])["f1"] == 1
    assert score(gold, [rec(12, 16, 985, "元")])["f1"] == 0
    assert score(gold, [rec(12, 16, 9_850_000, "万元")])["f1"] == 0
    assert score(gold, [rec(20, 25, 9_850_000, "元")])["f1"] == 0


def test_each_gold_matches_at_most_one_prediction() -> None:
    gold = [rec(0, 3, 5)]
    s = score(gold, [rec(0, 3, 5), rec(1, 2, 5)])
    assert (s["precision"], s["recall"]) == (0.5, 1.0)


def test_borderline_gold_is_neither_rewarded_nor_punished() -> None:
    gold = [rec(0, 3, 10, borderline=True), rec(5, 8, 20)]
    s = score(gold, [rec(0, 3, 10), rec(5, 8, 20)])
    assert (s["precision"], s["recall"], s["counts"]["predicted"], s["counts"]["gold"]) == (1, 1, 1, 1)
    assert score(gold, [rec(5, 8, 20)])["recall"] == 1


def test_strict_needs_same_indicator_and_compatible_region() -> None:
    gold = [
        rec(0, 3, 5, indicator="party_orgs", region="金海路街道办事处"),
        rec(5, 8, 6, indicator=None, region="中原区"),
    ]
    pred = [
        rec(0, 3, 5, indicator="model_units", region="金海路街道办事处"),
        rec(5, 8, 6, indicator=None, region="川汇区"),
    ]
    s = score(gold, pred)
    assert s["f1"] == 1 and s["strict_f1"] == 0
    assert s["indicator_accuracy"] == 0 and s["region_accuracy"] == 0.5
    assert score([rec(0, 3, 5, region=None)], [rec(0, 3, 5, region="中原区")])["strict_f1"] == 1


def test_approx_accuracy() -> None:
    s = score([rec(0, 3, 5, approx=True)], [rec(0, 3, 5, approx=False)])
    assert s["approx_accuracy"] == 0 and s["f1"] == 1


def test_micro_average_sums_counts() -> None:
    doc_a = ([rec(0, 3, 5)], [rec(0, 3, 5)])
    doc_b = ([rec(0, 3, 5), rec(5, 8, 6)], [rec(20, 23, 7)])
    s = micro_average([doc_a, doc_b])
    assert s["counts"]["matched"] == 1 and s["counts"]["gold"] == 3 and s["counts"]["predicted"] == 2
    assert abs(s["precision"] - 0.5) < 1e-9 and abs(s["recall"] - 1 / 3) < 1e-9


def test_empty_inputs_do_not_divide_by_zero() -> None:
    assert score([], [])["f1"] == 0.0
