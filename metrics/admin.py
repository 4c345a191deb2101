"""Admin in Chinese for the catalogue, regions and organisations; scoped for district admins."""

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrics import selectors, services
from metrics.models import (
    Campaign,
    CampaignTarget,
    DashboardPreset,
    DataSet,
    DataSetIndicator,
    DataValue,
    Indicator,
    MonthlyReturn,
    Project,
    ReturnEvent,
    ValidationRule,
)
from portal import access
from portal.admin import ScopedAdminMixin, ScopedFieldsMixin
from regions.models import Organisation, Region, StarDefinition, StarRating

admin.site.site_header = "基层党建数据平台 · 管理"
admin.site.site_title = "基层党建数据平台"
admin.site.index_title = "管理"


class RegionScopeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    pass


@admin.register(Region)
class RegionAdmin(RegionScopeAdmin):
    list_display = ("indented_name", "level", "code", "parent")
    list_filter = ("level",)
    search_fields = ("name", "short_name", "aliases", "code")
    region_field = "self"
    actions = ["import_from_gazetteer"]

    @admin.action(description=gettext_lazy("从全国行政区划导入下级区域"), permissions=["add"])
    def import_from_gazetteer(self, request, queryset):
        """Import the gazetteer's streets and communities below each selected 区/县 or 街道/乡镇."""
        # The changelist drops selected rows outside the user's scope without a word; treat a
        # forged selection like a missing region instead (404), before anything is written.
        if request.POST.get("select_across") != "1":
            selected = set(request.POST.getlist(ACTION_CHECKBOX_NAME))
            if len(selected) != queryset.count():
                raise Http404(_("区域不存在或不在您的权限范围内"))
        regions = list(queryset.select_related("parent"))
        if any(not access.can_administer_region(request.user, region) for region in regions):
            raise PermissionDenied(_("只有本区域的管理员可以导入下级区域。"))
        try:
            gazetteer = services.region_gazetteer()
        except services.RegionImportError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        for region in regions:
            if region.level not in (Region.Level.DISTRICT, Region.Level.STREET):
                message = _("只能为区/县或街道/乡镇导入下级区域：%(region)s") % {"region": region.name}
                self.message_user(request, message, messages.WARNING)
                continue
            found = selectors.region_division(region=region, gazetteer=gazetteer)
            if found is None:
                self.message_user(
                    request,
                    _("全国行政区划中没有“%(region)s”（示范区等功能区不是行政区划），未导入。")
                    % {"region": region.display_name},
                    messages.WARNING,
                )
                continue
            result = services.region_import_subtree(
                division=gazetteer.division(found), parent=region.parent, user=request.user
            )
            self.message_user(request, _import_message(result), messages.SUCCESS)

    @admin.display(description="名称", ordering="path")
    def indented_name(self, obj):
        return "　" * (obj.depth - 1) + obj.name


def _import_message(result: services.ImportResult) -> str:
    message = _(
        "%(region)s：新建街道/乡镇 %(streets)d 个、社区/村 %(communities)d 个，"
        "保留已有 %(kept)d 个，补填区划代码 %(updated)d 个。"
    ) % {
        "region": result.root.display_name,
        "streets": result.created[Region.Level.STREET],
        "communities": result.created[Region.Level.COMMUNITY],
        "kept": result.kept,
        "updated": result.updated,
    }
    if result.skipped:
        names = "、".join(result.skipped)
        message += _("已在其他区域（如示范区）下的街道/乡镇未重复创建：%(names)s。") % {"names": names}
    return message


@admin.register(Organisation)
class OrganisationAdmin(RegionScopeAdmin):
    list_display = ("name", "kind", "category", "region", "member_count", "last_election", "next_election_due")
    list_filter = ("kind", "category")
    search_fields = ("name", "region__name")
    raw_id_fields = ("parent",)


@admin.register(StarDefinition)
class StarDefinitionAdmin(ScopedFieldsMixin, admin.ModelAdmin):
    list_display = ("name", "scheme", "order", "active")
    list_filter = ("scheme",)


@admin.register(StarRating)
class StarRatingAdmin(RegionScopeAdmin):
    list_display = ("organisation", "year", "star", "status")
    list_filter = ("year", "status", "star")
    region_field = "organisation__region"
    raw_id_fields = ("organisation",)


class DataSetIndicatorInline(ScopedFieldsMixin, admin.TabularInline):
    model = DataSetIndicator
    extra = 1


@admin.register(DataSet)
class DataSetAdmin(ScopedFieldsMixin, admin.ModelAdmin):
    list_display = ("name", "code", "levels", "deadline_day", "lock_after_deadline")
    inlines = [DataSetIndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(ScopedFieldsMixin, admin.ModelAdmin):
    list_display = ("code", "name", "unit", "category", "time_aggregation", "region_aggregation", "is_key", "active")
    list_filter = ("category", "time_aggregation", "is_key", "active")
    search_fields = ("code", "name", "synonyms")


@admin.register(ValidationRule)
class ValidationRuleAdmin(ScopedFieldsMixin, admin.ModelAdmin):
    list_display = ("left", "operator", "right", "message", "active")


class CampaignTargetInline(ScopedFieldsMixin, admin.TabularInline):
    model = CampaignTarget
    extra = 1
    raw_id_fields = ("region",)


@admin.register(Campaign)
class CampaignAdmin(ScopedFieldsMixin, admin.ModelAdmin):
    list_display = ("name", "code", "start", "end")
    filter_horizontal = ("regions",)
    inlines = [CampaignTargetInline]


@admin.register(Project)
class ProjectAdmin(RegionScopeAdmin):
    list_display = ("name", "region", "campaign", "status", "progress", "planned_investment", "actual_investment")
    list_filter = ("status", "campaign")
    search_fields = ("name",)
    raw_id_fields = ("lead_organisation",)


class ReturnEventInline(ScopedFieldsMixin, admin.TabularInline):
    """The form's workflow history, read-only: steps are taken on the 数据填报 pages, never here."""

    model = ReturnEvent
    extra = 0
    can_delete = False
    fields = ("at", "user", "action", "old_status", "new_status", "reason")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReturn)
class MonthlyReturnAdmin(RegionScopeAdmin):
    list_display = ("region", "dataset", "month", "status", "locked", "lock_reason", "waived")
    list_filter = ("status", "locked", "dataset")
    inlines = [ReturnEventInline]
    # Workflow state changes only through metrics.services, which records who, when and why.
    readonly_fields = (
        "status",
        "status_reason",
        "locked",
        "lock_reason",
        "locked_by",
        "locked_at",
        "deadline_lifted",
        "waived",
        "waiver_reason",
        "version",
        "submitted_by",
        "submitted_at",
        "approved_by",
        "approved_at",
        "updated_by",
    )


@admin.register(DataValue)
class DataValueAdmin(RegionScopeAdmin):
    list_display = ("indicator", "region", "period_type", "period_start", "value", "source", "status")
    list_filter = ("source", "status", "period_type", "indicator")
    raw_id_fields = ("region", "organisation", "campaign", "project", "monthly_return")


@admin.register(DashboardPreset)
class DashboardPresetAdmin(RegionScopeAdmin):
    """Which KPI cards a region's (or a role's) dashboard shows.

    Presets without a region apply everywhere, so only a superuser sees and changes them.
    """

    list_display = ("name", "region", "role")
    filter_horizontal = ("indicators",)
    raw_id_fields = ("region",)
