"""Thin Celery tasks for reports: they take ids, load nothing themselves and call a service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from reports.services import report_parse, report_requeue_stale


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,  # nobody waits for it, and no result backend means no Redis round trip at submit
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def parse_report(self, report_id: int) -> str:
    """Parse one report; a redelivered or retried message may take over its own interrupted claim."""
    delivery = self.request.delivery_info or {}
    reclaim = bool(delivery.get("redelivered")) or bool(self.request.retries)
    # The limits travel in the message (set by the publisher), so read them from the request.
    soft = (self.request.timelimit or (None, None))[1] or self.soft_time_limit or settings.CELERY_TASK_SOFT_TIME_LIMIT
    budget = None if self.request.is_eager else float(soft)
    return report_parse(report_id=report_id, reclaim=reclaim, time_budget=budget)


@shared_task(ignore_result=True)
def requeue_stale_reports() -> dict[str, int]:
    """Beat sweep: queue reports that never reached the broker or whose parse was interrupted."""
    return report_requeue_stale()
