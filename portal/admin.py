"""Admin for users, roles and the audit log; district administrators see only their subtree."""

from django.contrib import admin

from portal import access
from portal.models import AuditEvent, Notification, Profile


class ScopedAdminMixin:
    """Limit an admin changelist and its foreign-key choices to the user's subtree."""

    region_field = "region"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return access.filter_for_user(request.user, qs, self.region_field)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from metrics.models import Region

        if db_field.related_model is Region and not request.user.is_superuser:
            kwargs["queryset"] = access.regions_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Profile)
class ProfileAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "region", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "region__name")
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        AuditEvent.objects.create(
            user=request.user,
            action="permission_change",
            target=str(obj.user),
            detail={"region": obj.region.name, "role": obj.role, "changed": form.changed_data},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "target", "ip_address")
    list_filter = ("action",)
    search_fields = ("user__username", "target")
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "message", "read_at")


# District administrators manage their own users: the user list is cut to their subtree and
# they can never hand out superuser rights.
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin  # noqa: E402

User = get_user_model()
admin.site.unregister(User)


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        from metrics.models import Region

        if db_field.related_model is Region and not request.user.is_superuser:
            kwargs["queryset"] = access.regions_visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class ScopedUserAdmin(BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "first_name", "is_active", "is_staff", "profile")

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("profile__region")
        if request.user.is_superuser:
            return qs
        path = access.scope_path(request.user)
        return qs.filter(profile__region__path__startswith=path) if path is not None else qs.none()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions", "groups"]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            AuditEvent.objects.create(
                user=request.user, action="user_change", target=obj.username, detail={"changed": form.changed_data}
            )
