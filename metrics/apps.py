from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("指标与组织")

    def ready(self) -> None:
        # Registers the roll-up refresh task and the signal handlers that queue it.
        from metrics import aggregation  # noqa: F401
