"""The detector's word tables are data files: each is read by the engine, and each entry counts once."""

import re
from collections import Counter
from pathlib import Path

from extraction.wordlists import WORDS_DIR, tables, word_table

ENGINE = Path(__file__).resolve().parents[2] / "extraction"


def test_every_table_on_disk_is_read_by_the_engine_and_every_table_read_is_on_disk():
    read = set()
    for source in ENGINE.glob("*.py"):
        read |= set(re.findall(r'word_table\("(\w+)"\)', source.read_text(encoding="utf-8")))
    assert read == set(tables())


def test_entries_are_single_words_listed_once():
    for name in tables():
        entries = word_table(name)
        assert entries, name
        assert [w for w, n in Counter(entries).items() if n > 1] == [], name
        assert all(" " not in w and "\t" not in w for w in entries), name


def test_comments_are_not_entries():
    text = (WORDS_DIR / "bad_in_name.txt").read_text(encoding="utf-8")
    assert "原中央苏区县" in text  # the why of an entry stays beside it
    assert "中央" in word_table("bad_in_name")
    assert not any("原中央" in w or w.startswith("#") for w in word_table("bad_in_name"))
