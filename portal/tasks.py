"""Portal-wide tasks."""

from celery import shared_task

from regions.models import Region


@shared_task
def ping_database(region_id: int) -> str | None:
    """Proves a worker reaches the same database as the web process (used by the worker test)."""
    region = Region.objects.filter(pk=region_id).first()
    return region.name if region else None
