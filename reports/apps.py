from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("新闻报道")

    def ready(self) -> None:
        # Registers the summary task (Celery autodiscovery looks only at reports/tasks.py).
        from reports import summary_tasks  # noqa: F401
