"""extract() never raises and every offset indexes the text, whatever the input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ._helpers import extractor

_ALPHABET = st.sampled_from(
    list("0123456789０１２３.,%％万亿千百十一二两三四五六七八九")
    + list("个名人户件次场份处家元平方米余多近约第每“”《》()（）、，。；：\n \u3000")
    + list("党员群众走访发放投资示范区街道办事处社区村镇该全中原金海路")
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(_ALPHABET, max_size=80) | st.text(max_size=60))
def test_extract_never_raises_and_offsets_are_valid(text: str) -> None:
    result = extractor().extract(text)
    for m in result.mentions:
        assert 0 <= m["start"] < m["end"] <= len(text)
        assert text[m["start"] : m["end"]] == m["text"]
        assert isinstance(m["value"], (int, float))
    for c in result.campaigns:
        assert 0 <= c["start"] < c["end"] <= len(text)


def test_odd_inputs() -> None:
    for text in ["", "\n\n\n", "１２３４５", "“" * 50, "第" * 10 + "3个", "a" * 1000 + "5个"]:
        extractor().extract(text)
