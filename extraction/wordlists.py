"""The detector's word tables, kept as data files beside the code (``data/words/NAME.txt``).

Each file holds one entry per line; ``#`` starts a comment, which says why an entry is there.
A table is data, not design: the rules that read it stay in the modules, and
``scripts/check_word_lists.py`` measures what each entry does on the annotated corpus.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

WORDS_DIR = Path(__file__).with_name("data") / "words"


@cache
def word_table(name: str) -> tuple[str, ...]:
    """The entries of ``data/words/<name>.txt`` in file order, comments and blank lines left out."""
    entries = []
    for line in (WORDS_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        entry = line.split("#", 1)[0].strip()
        if entry:
            entries.append(entry)
    return tuple(entries)


def tables() -> list[str]:
    """The names of every word table on disk."""
    return sorted(p.stem for p in WORDS_DIR.glob("*.txt"))
