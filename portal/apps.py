from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        from portal import signals  # noqa: F401 - connects the audit receivers
