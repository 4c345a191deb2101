"""Helpers for report tests: a short report about district A, submitted through the service."""

from __future__ import annotations

from datetime import date

import pytest

from reports.models import Report
from reports.services import report_submit
from tests.reports.summary_helpers import build_figures

SAMPLE = (
    "金海路街道党工委今年3月组织开展入户走访活动，走访群众622户，现场解决问题57个。\n"
    "全街道共有党员1600余名，带动1.5万名群众积极参与。"
)


@pytest.fixture
def submit(django_capture_on_commit_callbacks):
    """Submit a report as a user and run what it queues after commit (in-process tasks)."""

    def _submit(user, region, text: str = SAMPLE, **fields) -> Report:
        values = dict(title="走访报道", source_kind="newspaper", published=date(2024, 3, 31))
        values.update(fields)
        with django_capture_on_commit_callbacks(execute=True):
            report = report_submit(user=user, region=region, text=text, **values)
        report.refresh_from_db()
        return report

    return _submit


@pytest.fixture
def parsed_report(world, editor_a, submit) -> Report:
    report = submit(editor_a, world.street_a)
    assert report.status == Report.Status.PARSED
    return report


@pytest.fixture
def briefing_world(world, settings, tmp_path):
    """The persona world with figures in every dashboard section; files under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    build_figures(world)
    return world
