"""Which entries of the place detector's word lists does the evaluation need?

For each list named (default: all module-level word lists of extraction/regions.py; the vocabularies
among them are the data files extraction/data/words/*.txt), every entry is
removed in turn and every non-test set is scored again (the real tuning half, the samples, heldout
and blind1–11; never the test half). An entry whose removal changes no count is then probed in
template sentences with and without it. The report says, per list, which entries the corpus needs,
which only the probes need, and which neither needs (candidates to drop; score the test half once
after dropping, as the README describes).

    python scripts/check_word_lists.py                 # every list, about 25 minutes on 2 cores
    python scripts/check_word_lists.py _FLAG_WORDS     # one list
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extraction import Extractor  # noqa: E402
from extraction import regions as R  # noqa: E402
from extraction.scoring import evaluate_dirs  # noqa: E402

FIXTURES = ROOT / "fixtures" / "reports"
SETS = ["real/tune", ".", "heldout", *(f"blind{n}" for n in ["", *range(2, 12)])]
# Where each kind of list acts: words around a name, stems before a level word, modifiers of a kind.
PROBES = {
    "name": ["{w}东风村共走访群众20户。", "全镇{w}新华社区建成驿站3个。", "今年{w}柳河镇投入资金50万元。"],
    "stem": ["在{w}小区开展活动12次。", "{w}小区共有党员35名。", "{w}区建成驿站3个。", "{w}社区共有党员35名。"],
    "kind": ["全县{w}村46个。", "在{w}村开展活动12次。", "{w}镇投入资金50万元。", "{w}乡共有党员35名。"],
    "word": ["在{w}开展活动12次。", "{w}共有党员35名。", "推进{w}建设,走访群众20户。", "全县{w}党组织46个。"],
}
KIND_OF_LIST = {
    "_NAME_STOP": "name",
    "_BAD_IN_NAME": "name",
    "_LOCAL_STOP_WORDS": "name",
    "_UNKNOWN_STOP": "name",
    "_GENERIC_COMPOUND_STEMS": "stem",
    "_GENERIC_LOCAL_MODIFIERS": "kind",
}


def word_lists() -> list[str]:
    return [
        name
        for name, value in vars(R).items()
        if name.startswith("_")
        and name != "_GENERIC_TAILS"  # derived from _GENERIC_WORDS
        and isinstance(value, frozenset | tuple)
        and len(value) > 8
        and all(isinstance(x, str) and not x.islower() for x in value)  # not jieba's tag lists
    ]


class Lists:
    """Swaps one list's entries in the module (and what is derived from it) and puts it back."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.original = getattr(R, name)

    def use(self, entries) -> None:
        setattr(R, self.name, type(self.original)(entries))
        if self.name == "_GENERIC_WORDS":
            R._GENERIC_TAILS = tuple(w for w in R._GENERIC_WORDS if len(w) == 2 and w[-1] in "区市县镇乡村")

    def without(self, entry: str) -> None:
        self.use(x for x in self.original if x != entry)

    def restore(self) -> None:
        self.use(self.original)


def counts(extractor: Extractor) -> dict[str, tuple[int, int, int]]:
    out = {}
    for s in SETS:
        gold = FIXTURES / s / "gold"
        _, micro = evaluate_dirs(gold, FIXTURES / s, extractor)
        c = micro["counts"]
        out[s] = (c["matched"], c["strict_matched"], c["predicted"])
    return out


def probe(extractor: Extractor, templates: list[str], entry: str) -> list:
    return [
        [(m["region"], m["indicator"]) for m in extractor.extract(t.format(w=entry)).mentions] for t in templates
    ]


def check(name: str, extractor: Extractor) -> None:
    lists = Lists(name)
    base = counts(extractor)
    templates = PROBES[KIND_OF_LIST.get(name, "word")]
    corpus, probes, neither = [], [], []
    for entry in lists.original:
        lists.without(entry)
        changed = counts(extractor) != base
        lists.restore()
        if changed:
            corpus.append(entry)
            continue
        with_it = probe(extractor, templates, entry)
        lists.without(entry)
        without_it = probe(extractor, templates, entry)
        lists.restore()
        (probes if with_it != without_it else neither).append(entry)
    print(f"{name}: {len(lists.original)} entries")
    print(f"  the corpus needs {len(corpus)}: {' '.join(corpus)}")
    print(f"  only the probes need {len(probes)}: {' '.join(probes)}")
    print(f"  neither needs {len(neither)}: {' '.join(neither)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lists", nargs="*", help="names of lists in extraction/regions.py (default: all)")
    args = parser.parse_args()
    extractor = Extractor()
    for name in args.lists or word_lists():
        check(name, extractor)


if __name__ == "__main__":
    main()
