from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("新闻报道")

    def ready(self) -> None:
        # Registers the summary task (Celery autodiscovery looks only at reports/tasks.py) and the
        # system checks.
        from django.db.models.signals import post_delete, post_save

        from regions.models import Region
        from reports import checks, summary_tasks  # noqa: F401
        from reports.engine import bump_region_version

        # A renamed, added or removed region changes what the extractor knows (reports.engine).
        post_save.connect(bump_region_version, sender=Region, dispatch_uid="reports-region-version-save")
        post_delete.connect(bump_region_version, sender=Region, dispatch_uid="reports-region-version-delete")
