"""API tokens in the admin: administrators list and revoke the tokens of users in their subtree.

Only the hash of a key is stored, so there is nothing secret to show; issuing stays with the user
(``POST /api/v1/me/token/``), the one place a key is ever displayed.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import ScopedAdminMixin
from portal.models import ApiToken
from portal.services import audit_record


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "shown_prefix", "created", "last_used")
    fields = ("user", "shown_prefix", "created", "last_used")
    readonly_fields = fields
    search_fields = ("user__username", "prefix")
    ordering = ("user__username",)
    region_field = "user__profile__region"

    @admin.display(description=_("令牌前缀"), ordering="prefix")
    def shown_prefix(self, obj: ApiToken) -> str:
        # Enough to match a token a caller reports; the rest of the key exists nowhere here.
        return f"{obj.prefix}…"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def delete_model(self, request, obj):
        self._audit(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit(request, obj)
        super().delete_queryset(request, queryset)

    def _audit(self, request, obj: ApiToken) -> None:
        audit_record(
            user=request.user,
            action="api_token_revoke",
            target=str(obj.user),
            detail={"via": "admin", "prefix": obj.prefix},
            request=request,
        )
