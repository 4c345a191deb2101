"""Rules about where code lives that a reviewer would otherwise have to remember."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("portal", "metrics", "reports")


def _sources():
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path, path.read_text(encoding="utf-8")


def test_the_audit_log_has_one_writer():
    writers = [
        str(path.relative_to(ROOT))
        for path, text in _sources()
        if re.search(r"(?<!class )AuditEvent(\.objects\.(create|bulk_create|get_or_create)|\()", text)
    ]
    assert writers == ["portal/services.py"]
