"""Checks gold annotation files against their reports, so every record can be trusted by script.

Usage: python scripts/check_gold.py DIR [DIR ...]   (each DIR holds *.txt and gold/*.txt.jsonl)

Checks, per record: keys in spec order, content[start:end] == text, records in file order and
non-overlapping, canonical unit, an indicator code of the core catalogue with its unit family,
the value re-derived from the span (digits, full-width digits, Chinese numerals, 万/亿), approx
set by 余/多 in the span, and a region string that occurs in the report. Exits 1 on any error.
Standalone on purpose: it shares no code with the extractor it is used to measure.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from pathlib import Path

KEYS = ["doc", "start", "end", "text", "value", "unit", "approx", "subject", "indicator", "region", "borderline"]
INDICATORS = {
    "party_orgs", "party_members", "members_mobilized", "masses_mobilized", "households_visited",
    "people_visited", "problems_solved", "events_held", "event_participants", "service_centers",
    "model_units", "projects", "investment", "funds_disbursed", "beneficiaries",
    "materials_distributed", "jobs", "enterprises", "rate",
}  # fmt: skip
NON_CANONICAL = {"名", "位", "万元", "亿元", "万平方米", "㎡", "平米", "人(次)", "人（次）", "场(次)", "场（次）"}
PEOPLE = {"party_members", "members_mobilized", "masses_mobilized", "people_visited", "event_participants"}
CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}


def chinese_value(s: str) -> float | None:
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in CN:
            digit = CN[ch]
        elif ch in CN_UNITS:
            section += (digit if digit is not None else 1) * CN_UNITS[ch]
            digit = None
        elif ch == "万":
            total += (section + (digit or 0)) * 10000
            section, digit = 0, None
        elif ch == "亿":
            total = (total + section + (digit or 0)) * 100000000
            section, digit = 0, None
        else:
            return None
    return total + section + (digit or 0)


NUM = re.compile(
    r"^(?P<num>[0-9.,]+|[零〇一二三四五六七八九十百千两]+|(?=[万亿]))(?P<approx1>余|多)?(?P<scale>[万亿])?(?P<approx2>余|多)?"
)


def span_value(text: str) -> tuple[float | None, bool]:
    """The value and approximation of a span, or (None, False) when the span does not start with a number."""
    t = unicodedata.normalize("NFKC", text).replace("．", ".")
    m = NUM.match(t)
    if not m:
        return None, False
    raw = m.group("num") or "一"  # a bare 万栋 in a headline is ten thousand
    if raw[0].isdigit():
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            return None, False
    else:
        value = chinese_value(raw)
        if value is None:
            return None, False
    scale = {"万": 1e4, "亿": 1e8}.get(m.group("scale") or "", 1)
    rest = t[m.end() :]
    if rest.startswith(("万元", "万平方米")):
        scale = 1e4
    elif rest.startswith("亿元"):
        scale = 1e8
    return value * scale, bool(m.group("approx1") or m.group("approx2"))


def check_dir(folder: Path) -> list[str]:
    errors: list[str] = []
    gold_dir = folder / "gold"
    texts = sorted(folder.glob("*.txt"))
    if not texts:
        return [f"{folder}: no .txt reports"]
    for report in texts:
        content = report.read_text(encoding="utf-8")
        gold_file = gold_dir / f"{report.name}.jsonl"
        if not gold_file.exists():
            errors.append(f"{report}: no gold file {gold_file}")
            continue
        prev_end = -1
        for n, line in enumerate(gold_file.read_text(encoding="utf-8").splitlines(), 1):
            where = f"{gold_file.name}:{n}"
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: not JSON ({exc})")
                continue
            if list(rec) != KEYS:
                errors.append(f"{where}: keys {list(rec)} are not {KEYS}")
                continue
            if rec["doc"] != report.name:
                errors.append(f"{where}: doc {rec['doc']!r} is not {report.name!r}")
            s, e = rec["start"], rec["end"]
            if content[s:e] != rec["text"]:
                errors.append(f"{where}: content[{s}:{e}] is {content[s:e]!r}, not {rec['text']!r}")
            if s < prev_end:
                errors.append(f"{where}: overlaps or precedes the record before")
            prev_end = e
            unit = rec["unit"]
            if unit in NON_CANONICAL or not unit:
                errors.append(f"{where}: unit {unit!r} is not canonical")
            written = rec["text"]
            if (
                written
                and not written.endswith((unit, "%", "％"))
                and unit not in ("人", "元", "平方米", "人次", "场次")
            ):
                errors.append(f"{where}: span {rec['text']!r} does not end with its unit {unit!r}")
            value, approx_in_span = span_value(rec["text"])
            if value is None:
                errors.append(f"{where}: span {rec['text']!r} does not start with a number")
            elif abs(value - float(rec["value"])) > 1e-6 * max(1.0, abs(value)):
                errors.append(f"{where}: value {rec['value']} but the span says {value:g}")
            if approx_in_span and not rec["approx"]:
                errors.append(f"{where}: 余/多 in the span but approx is false")
            ind = rec["indicator"]
            if ind is not None and ind not in INDICATORS:
                errors.append(f"{where}: unknown indicator {ind!r}")
            if ind == "rate" and unit != "%":
                errors.append(f"{where}: rate with unit {unit!r}")
            if ind in ("investment", "funds_disbursed") and unit != "元":
                errors.append(f"{where}: money indicator with unit {unit!r}")
            # 党员中心户 are members counted in households.
            if ind in PEOPLE and unit not in ("人", "人次") and not (ind == "members_mobilized" and unit == "户"):
                errors.append(f"{where}: {ind} counted in {unit!r}")
            if rec["region"] is not None and rec["region"] not in content:
                errors.append(f"{where}: region {rec['region']!r} does not occur in the report")
            if not isinstance(rec["approx"], bool) or not isinstance(rec["borderline"], bool):
                errors.append(f"{where}: approx and borderline must be true/false")
    return errors


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    errors = [err for folder in argv for err in check_dir(Path(folder))]
    for err in errors:
        print(err)
    print(f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
