"""Thin Celery task for PDF summaries of large subtrees: takes an id and calls the service."""

from __future__ import annotations

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError

from reports.summaries import summary_generate


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=settings.SUMMARY_TIME_LIMIT,
    time_limit=settings.SUMMARY_TIME_LIMIT + 30,
)
def generate_summary(self, summary_id: int) -> str:
    """Render one summary; a redelivered message may take over its own interrupted claim."""
    delivery = self.request.delivery_info or {}
    reclaim = bool(delivery.get("redelivered")) or bool(self.request.retries)
    budget = None if self.request.is_eager else float(settings.SUMMARY_TIME_LIMIT)
    return summary_generate(summary_id=summary_id, time_budget=budget, reclaim=reclaim)
