"""A large subtree's PDF summary is rendered by a real Celery worker process (REDIS_URL + PostgreSQL)."""

import time
from pathlib import Path

import pytest

from metrics.periods import Period
from reports import summaries
from reports.models import Summary
from tests.reports.summary_helpers import build_figures, pdf_text

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_queued_summary_is_rendered_by_the_worker_with_visible_progress(
    celery_worker_process, world, city_leader, settings
):
    build_figures(world)
    settings.SUMMARY_SYNC_MAX_REGIONS = 0  # everything counts as large: the worker renders it
    summary = summaries.summary_request(user=city_leader, region=world.district_a, period=Period.parse("2024"))
    assert summary.status == Summary.Status.PENDING
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        summary.refresh_from_db()
        if summary.status in (Summary.Status.DONE, Summary.Status.FAILED):
            break
        time.sleep(0.5)
    assert summary.status == Summary.Status.DONE, summary.failure_reason
    assert summary.progress == 100
    text = pdf_text(Path(summary.file.path))
    assert "川汇区" in text and "2024年" in text
    # The same selection with unchanged figures reuses the worker's file.
    assert summaries.summary_request(user=city_leader, region=world.district_a, period=Period.parse("2024")).pk == (
        summary.pk
    )
