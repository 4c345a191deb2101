"""Admin for users, roles and the audit log; district administrators see only their subtree."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import access
from portal import selectors as portal_selectors
from portal.models import AuditEvent, Notification, Profile
from portal.services import audit_record

# Models every administrator shares: the catalogue, the schemes, and the security logs that only
# superusers hold permissions for. Every other registered model must declare how it reaches its
# region (ScopedAdminMixin.region_field); tests/portal/test_admin_scope.py walks them all.
GLOBAL_MODELS = frozenset(
    {
        "auth.Group",
        "auth.Permission",
        "axes.AccessAttempt",
        "axes.AccessLog",
        "axes.AccessFailureLog",
        "metrics.Indicator",
        "metrics.DataSet",
        "metrics.DataSetIndicator",
        "metrics.ValidationRule",
        "regions.StarDefinition",
        "metrics.Campaign",
    }
)


def scoped_queryset(request, model) -> QuerySet:
    """The rows of ``model`` the request's user may pick, by the scope its admin declares.

    A model that is neither global nor scoped offers no choices at all: forgetting a scope
    fails closed.
    """
    qs = model._default_manager.all()
    if request.user.is_superuser or model._meta.label in GLOBAL_MODELS:
        return qs
    model_admin = admin.site._registry.get(model)
    region_field = getattr(model_admin, "region_field", None) if isinstance(model_admin, ScopedAdminMixin) else None
    if model._meta.label == "regions.Region":
        region_field = "self"
    if region_field is None:
        return qs.none()
    return access.filter_for_user(request.user, qs, region_field)


class ScopedFieldsMixin:
    """Limit every foreign-key and many-to-many choice to rows the administrator may see.

    Choices follow the related model's own declared scope, so a raw-id or select field never
    accepts another district's organisation, region or user (a forged id fails validation).
    """

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            kwargs["queryset"] = scoped_queryset(request, db_field.related_model)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not request.user.is_superuser:
            kwargs["queryset"] = scoped_queryset(request, db_field.related_model)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedAdminMixin(ScopedFieldsMixin):
    """Limit an admin's rows, choices and object pages (change, history, delete) to the subtree.

    ``region_field`` is the lookup from the model to its Region ("self" for Region itself).
    Autocomplete and raw-id popups query the target model's admin, so they inherit its scope.
    """

    region_field = "region"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return access.filter_for_user(request.user, qs, self.region_field)

    def get_object(self, request, object_id, from_field=None):
        # Django answers a missing object with a redirect; here another district's object and a
        # missing one give the same 404, as on the portal's own pages.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(_("对象不存在或不在您的权限范围内"))
        return obj


@admin.register(Profile)
class ProfileAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "region", "role")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "region__name")
    autocomplete_fields = ("user",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            user=request.user,
            action="permission_change",
            target=str(obj.user),
            detail={"region": obj.region.name, "role": obj.role, "changed": form.changed_data},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(ScopedAdminMixin, admin.ModelAdmin):
    # Events of people outside the subtree, and failed logins that name nobody, stay hidden.
    region_field = "user__profile__region"
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
class NotificationAdmin(ScopedAdminMixin, admin.ModelAdmin):
    region_field = "user__profile__region"
    list_display = ("created_at", "user", "message", "read_at")


# District administrators manage their own users: the user list is cut to their subtree and
# they can never hand out superuser rights.
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin  # noqa: E402

User = get_user_model()
admin.site.unregister(User)


class ProfileInline(ScopedFieldsMixin, admin.StackedInline):
    model = Profile
    can_delete = False


@admin.register(User)
class ScopedUserAdmin(ScopedAdminMixin, BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = ("username", "first_name", "is_active", "is_staff", "profile")
    region_field = "profile__region"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("profile__region")

    actions = ["deactivate"]

    def get_deleted_objects(self, objs, request):
        # Records outlive their authors: a user named by returns, approvals, the audit log or
        # reports is "protected", so Django's own delete page explains why and deletes nothing.
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        for user in objs:
            counts = portal_selectors.user_record_counts(user=user)
            if counts:
                kinds = "、".join(_("%(kind)s %(n)d 条") % {"kind": k, "n": n} for k, n in counts.items())
                protected.append(
                    _("%(user)s 出现在%(kinds)s中，不能删除；请改用“停用账号”（记录中仍显示其姓名）。")
                    % {"user": user.get_full_name() or user.username, "kinds": kinds}
                )
        return to_delete, model_count, perms_needed, protected

    @admin.action(description=gettext_lazy("停用账号（保留其填报、审核与日志记录）"), permissions=["change"])
    def deactivate(self, request, queryset):
        users = list(queryset.filter(is_active=True).exclude(pk=request.user.pk))
        for user in users:
            user.is_active = False
            user.save(update_fields=["is_active"])
            audit_record(user=request.user, action="user_deactivate", target=user.username, detail={"via": "admin"})
        self.message_user(request, _("已停用 %(n)d 个账号。") % {"n": len(users)}, messages.SUCCESS)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions", "groups"]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            audit_record(
                user=request.user, action="user_change", target=obj.username, detail={"changed": form.changed_data}
            )
