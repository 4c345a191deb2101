"""API tokens in the admin: administrators see and revoke the tokens of users in their subtree."""

from django.contrib import admin
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from portal import access
from portal.models import AuditEvent
from portal.signals import client_ip

admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class ScopedTokenAdmin(TokenAdmin):
    list_display = ("user", "key_prefix", "created")
    autocomplete_fields = ("user",)

    @admin.display(description="令牌（前 6 位）")
    def key_prefix(self, obj) -> str:
        # Enough to match a token a caller reports, without putting whole keys on a screen.
        return f"{obj.key[:6]}…"

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        if request.user.is_superuser:
            return qs
        path = access.scope_path(request.user)
        return qs.filter(user__profile__region__path__startswith=path) if path is not None else qs.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "user" and not request.user.is_superuser:
            path = access.scope_path(request.user)
            related = db_field.related_model.objects
            kwargs["queryset"] = (
                related.filter(profile__region__path__startswith=path) if path is not None else related.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._audit(request, "api_token_issue", obj)

    def delete_model(self, request, obj):
        self._audit(request, "api_token_revoke", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit(request, "api_token_revoke", obj)
        super().delete_queryset(request, queryset)

    def _audit(self, request, action_name: str, obj) -> None:
        AuditEvent.objects.create(
            user=request.user,
            action=action_name,
            target=str(obj.user)[:200],
            detail={"via": "admin"},
            ip_address=client_ip(request),
        )
