"""Periodic jobs of the metrics app; thin wrappers around services."""

from celery import shared_task

from metrics.services import return_lock_overdue


@shared_task
def lock_overdue_returns() -> int:
    """Lock drafts whose deadline has passed (for data sets that ask for it); idempotent."""
    return return_lock_overdue()
