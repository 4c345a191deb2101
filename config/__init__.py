"""The project shell: settings, URLs and the Celery app; imported by nothing below it."""

from .celery import app as celery_app

__all__ = ("celery_app",)
