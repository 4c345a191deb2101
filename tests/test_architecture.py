"""Rules about where code lives that a reviewer would otherwise have to remember."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("regions", "portal", "metrics", "reports")


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


# Per-object rights that metrics.services / reports.services compute and enforce; a view or an API
# module asks the service (return_rights, return_require_editor, report_may_review) instead.
_RIGHTS = re.compile(
    r"access\.(can_edit_region|can_approve_region|can_view_region|can_administer_region|is_admin)\("
    r"|\.editable\b|monthly_return_id != "
)


def _views_and_api():
    for path, text in _sources():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("portal/api/", "metrics/views/")) or rel in ("reports/views.py", "portal/views.py"):
            yield rel, text


def test_no_view_or_api_module_computes_a_right_the_services_compute():
    offenders = {rel: _RIGHTS.findall(text) for rel, text in _views_and_api() if _RIGHTS.search(text)}
    assert offenders == {}
