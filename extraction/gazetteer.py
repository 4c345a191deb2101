"""China's administrative divisions (province → city → county → township → village), as a place lexicon.

The data is JioNLP's ``dictionary/china_location.zip`` (2025 divisions, about 700 000 rows,
Apache-2.0), read from the installed package without importing it (its import loads models we do
not need). The file is a tab-indented outline in depth-first order, so a subtree is a contiguous
range of rows; names are stored once each in a reversed-key marisa trie, which finds every name
ending at a position of the text in one call and keeps the whole lexicon in a few megabytes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import marisa_trie

logger = logging.getLogger(__name__)

# Depth in the outline -> the engine's level names.
LEVELS = ("province", "city", "district", "street", "community")
# Rows that are no places a report would name as such (农场/林场 units, 管理委员会 offices): kept
# for the tree, but never matched as bare names in running text.
_MAX_NAME = 16


@dataclass(frozen=True)
class Division:
    """One row of the outline."""

    index: int
    name: str
    level: str
    code: str
    short: str
    parent: int  # -1 for a province


def _data_path() -> Path | None:
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "dictionary" / "china_location.zip"
    return path if path.exists() else None


class Gazetteer:
    """Names, levels and the parent chain of every division; built from the outline's lines."""

    def __init__(self, lines: Iterable[str]) -> None:
        row_name: list[str] = []
        depth = array("b")
        parent = array("i")
        codes: dict[int, tuple[str, str]] = {}
        stack: list[int] = []
        for line in lines:
            stripped = line.strip("\t\r\n")
            if not stripped:
                continue
            d = len(line) - len(line.lstrip("\t"))
            fields = stripped.split("\t")
            if d > len(LEVELS) - 1 or not fields[0]:
                continue
            i = len(row_name)
            del stack[d:]
            name = fields[0]
            if stack and name.startswith(row_name[stack[-1]]) and len(name) - len(row_name[stack[-1]]) >= 2:
                # A few rows repeat their county in the name (孝南区朋兴乡): the division is 朋兴乡.
                name = name[len(row_name[stack[-1]]) :]
            row_name.append(name)
            depth.append(d)
            parent.append(stack[-1] if stack else -1)
            if len(fields) >= 3:
                codes[i] = (fields[1], fields[2])
            stack.append(i)
        self._depth = depth
        self._parent = parent
        self._codes = codes
        # One trie key per distinct name, reversed so that names ending at a position are its
        # prefixes; rows refer to their name by the trie's key id, and the rows of one name are a
        # slice of one array (rows sorted by key id), so nothing here is a Python object per row.
        self._names = marisa_trie.Trie({n[::-1] for n in row_name})
        self._name_id = array("i", (self._names[n[::-1]] for n in row_name))
        del row_name
        order = sorted(range(len(self._name_id)), key=self._name_id.__getitem__)
        self._by_name = array("i", order)
        self._by_name_keys = array("i", (self._name_id[i] for i in order))
        del order
        self._index_short_forms()

    # -- loading ---------------------------------------------------------------------------

    _loaded: Gazetteer | None = None
    _lock = threading.Lock()

    @classmethod
    def load(cls) -> Gazetteer | None:
        """The process-wide gazetteer; None when the data package is missing.

        The first process on a machine builds a compact cache (a marisa trie file and three
        arrays) in a child process, because parsing 700 000 rows leaves the parser's heap
        fragmented at ~170 MB; every later load maps the cache in a fraction of a second.
        """
        if cls._loaded is None:
            with cls._lock:
                if cls._loaded is None:
                    source = _data_path()
                    if source is None:
                        return None
                    cache = _cache_dir(source)
                    if not (cache / "done").exists():
                        try:
                            subprocess.run(  # noqa: S603 - our own module, no shell
                                [sys.executable, "-c", _BUILD, str(source), str(cache)],
                                check=True,
                                cwd=Path(__file__).resolve().parents[1],
                            )
                        except (OSError, subprocess.CalledProcessError):
                            logger.exception("could not build the gazetteer cache in %s", cache)
                            return None
                    cls._loaded = cls._from_cache(cache)
        return cls._loaded

    @classmethod
    def from_source(cls, source: Path) -> Gazetteer:
        with zipfile.ZipFile(source) as zf, zf.open("china_location.txt") as fh:
            return cls(io.TextIOWrapper(fh, encoding="utf-8"))

    def save(self, cache: Path) -> None:
        cache.mkdir(parents=True)
        self._names.save(str(cache / "names.marisa"))
        for field in ("_depth", "_parent", "_name_id", "_by_name", "_by_name_keys"):
            with open(cache / f"{field}.bin", "wb") as fh:
                getattr(self, field).tofile(fh)
        (cache / "codes.json").write_text(json.dumps(self._codes, ensure_ascii=False), encoding="utf-8")
        (cache / "done").write_text("ok", encoding="utf-8")

    @classmethod
    def _from_cache(cls, cache: Path) -> Gazetteer:
        g = cls.__new__(cls)
        g._names = marisa_trie.Trie()
        g._names.mmap(str(cache / "names.marisa"))
        for field, code in (
            ("_depth", "b"),
            ("_parent", "i"),
            ("_name_id", "i"),
            ("_by_name", "i"),
            ("_by_name_keys", "i"),
        ):
            arr = array(code)
            path = cache / f"{field}.bin"
            with open(path, "rb") as fh:
                arr.fromfile(fh, path.stat().st_size // arr.itemsize)
            setattr(g, field, arr)
        g._codes = {int(k): tuple(v) for k, v in json.loads((cache / "codes.json").read_text(encoding="utf-8")).items()}
        g._index_short_forms()
        return g

    def _index_short_forms(self) -> None:
        # Usual short forms of provinces, cities and counties (重庆, 六盘水, 嘉定), as the data gives them.
        self.short_forms: dict[str, tuple[int, ...]] = {}
        for i, (_code, short) in self._codes.items():
            if len(short) >= 2 and short != self.name_of(i):
                self.short_forms[short] = (*self.short_forms.get(short, ()), i)

    # -- look-ups --------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._depth)

    def division(self, i: int) -> Division:
        code, short = self._codes.get(i, ("", ""))
        return Division(i, self.name_of(i), LEVELS[self._depth[i]], code, short, self._parent[i])

    def name_of(self, i: int) -> str:
        return self._names.restore_key(self._name_id[i])[::-1]

    def names(self, i: int) -> tuple[str, ...]:
        """A division's full name and, where the data gives one, its usual short form."""
        _code, short = self._codes.get(i, ("", ""))
        return (self.name_of(i), short) if short else (self.name_of(i),)

    def level_of(self, i: int) -> str:
        return LEVELS[self._depth[i]]

    def rows(self, name: str) -> tuple[int, ...]:
        """Every division with exactly this name (there are many 新村 and 文昌社区)."""
        nid = self._names.get(name[::-1])
        if nid is None:
            return ()
        lo = bisect_left(self._by_name_keys, nid)
        hi = bisect_right(self._by_name_keys, nid, lo)
        return tuple(self._by_name[lo:hi])

    def __contains__(self, name: str) -> bool:
        return name[::-1] in self._names

    def names_ending_at(self, text: str, end: int, min_len: int = 2) -> list[str]:
        """The gazetteer names that end at ``end`` in ``text``, longest first."""
        window = text[max(0, end - _MAX_NAME) : end][::-1]
        found = [k[::-1] for k in self._names.prefixes(window) if len(k) >= min_len]
        return sorted(found, key=len, reverse=True)

    def ancestors(self, i: int) -> list[int]:
        out = []
        p = self._parent[i]
        while p >= 0:
            out.append(p)
            p = self._parent[p]
        return out

    def children(self, i: int) -> list[int]:
        d = self._depth[i]
        out = []
        j = i + 1
        while j < len(self._depth) and self._depth[j] > d:
            if self._depth[j] == d + 1:
                out.append(j)
            j += 1
        return out

    def resolve(self, name: str, above: list[str] | tuple[str, ...] = ()) -> int | None:
        """The one division a name means: the only one, or the one under places named above it.

        ``above`` holds names the report (or the submitting region) puts above this one, nearest
        first; each may be a full name or a usual short form. None when the name is unknown or
        stays ambiguous.
        """
        rows = self.rows(name) or self.short_forms.get(name, ())
        if len(rows) == 1:
            return rows[0]
        for hint in above:
            if not hint or hint == name:
                continue
            hits = [r for r in rows if any(hint in self.names(a) for a in self.ancestors(r))]
            if len(hits) == 1:
                return hits[0]
            if hits:
                rows = tuple(hits)
        return None

    def find(self, name: str) -> int | None:
        """A division by full name, short form, 区划代码, or ancestors and name (郑州市中原区)."""
        if name.isdigit():
            return next((i for i, (code, _s) in self._codes.items() if code == name), None)
        hit = self.resolve(name)
        if hit is not None:
            return hit
        # A name written with its parents in front: 河南省郑州市中原区, 郑州中原区.
        for cut in range(len(name) - 2, 0, -1):
            head, tail = name[:cut], name[cut:]
            if tail in self or tail in self.short_forms:
                rows = self.rows(tail) or self.short_forms.get(tail, ())
                hits = [r for r in rows if any(head.endswith(self.names(a)) for a in self.ancestors(r))]
                if len(hits) == 1:
                    return hits[0]
        return None


def _cache_dir(source: Path) -> Path:
    """A cache folder per data file version (size and modification time), under PORTAL_CACHE_DIR."""
    st = source.stat()
    tag = hashlib.sha256(f"{source}:{st.st_size}:{st.st_mtime_ns}:2".encode()).hexdigest()[:16]
    root = Path(os.environ.get("PORTAL_CACHE_DIR") or Path.home() / ".cache" / "dangjian-portal")
    return root / f"gazetteer-{tag}"


def _build(source: Path, cache: Path) -> None:
    """Write the cache beside its final place and rename it, so a concurrent reader sees all or nothing."""
    if (cache / "done").exists():
        return
    tmp = cache.with_name(f"{cache.name}.tmp{os.getpid()}")
    Gazetteer.from_source(source).save(tmp)
    try:
        tmp.rename(cache)
    except OSError:  # another process finished first
        shutil.rmtree(tmp, ignore_errors=True)


_BUILD = (
    "import sys; from pathlib import Path; from extraction.gazetteer import _build; _build(*map(Path, sys.argv[1:]))"
)
