from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "metrics"
    verbose_name = _("指标与组织")

    def ready(self) -> None:
        # Registers the roll-up and tally refresh tasks, the signal handlers that queue them and
        # those that move the panel cache on.
        from metrics import aggregation, panelcache, tallies  # noqa: F401
