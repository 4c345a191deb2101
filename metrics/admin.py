"""Admin in Chinese for the catalogue, regions and organisations; scoped for district admins."""

from django.contrib import admin

from metrics.models import (
    Campaign,
    CampaignTarget,
    DashboardPreset,
    DataSet,
    DataSetIndicator,
    DataValue,
    Indicator,
    MonthlyReturn,
    Organisation,
    Project,
    Region,
    ReturnEvent,
    StarDefinition,
    StarRating,
    ValidationRule,
)
from portal.admin import ScopedAdminMixin

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

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        if request.user.is_superuser:
            return qs
        from portal import access

        return access.regions_visible_to(request.user)

    @admin.display(description="名称", ordering="path")
    def indented_name(self, obj):
        return "　" * (obj.depth - 1) + obj.name


@admin.register(Organisation)
class OrganisationAdmin(RegionScopeAdmin):
    list_display = ("name", "kind", "category", "region", "member_count", "last_election", "next_election_due")
    list_filter = ("kind", "category")
    search_fields = ("name", "region__name")
    raw_id_fields = ("parent",)


@admin.register(StarDefinition)
class StarDefinitionAdmin(admin.ModelAdmin):
    list_display = ("name", "scheme", "order", "active")
    list_filter = ("scheme",)


@admin.register(StarRating)
class StarRatingAdmin(RegionScopeAdmin):
    list_display = ("organisation", "year", "star", "status")
    list_filter = ("year", "status", "star")
    region_field = "organisation__region"
    raw_id_fields = ("organisation",)


class DataSetIndicatorInline(admin.TabularInline):
    model = DataSetIndicator
    extra = 1


@admin.register(DataSet)
class DataSetAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "levels", "deadline_day", "lock_after_deadline")
    inlines = [DataSetIndicatorInline]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "unit", "category", "time_aggregation", "region_aggregation", "is_key", "active")
    list_filter = ("category", "time_aggregation", "is_key", "active")
    search_fields = ("code", "name", "synonyms")


@admin.register(ValidationRule)
class ValidationRuleAdmin(admin.ModelAdmin):
    list_display = ("left", "operator", "right", "message", "active")


class CampaignTargetInline(admin.TabularInline):
    model = CampaignTarget
    extra = 1
    raw_id_fields = ("region",)


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "start", "end")
    filter_horizontal = ("regions",)
    inlines = [CampaignTargetInline]


@admin.register(Project)
class ProjectAdmin(RegionScopeAdmin):
    list_display = ("name", "region", "campaign", "status", "progress", "planned_investment", "actual_investment")
    list_filter = ("status", "campaign")
    search_fields = ("name",)
    raw_id_fields = ("lead_organisation",)


class ReturnEventInline(admin.TabularInline):
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
    raw_id_fields = ("region", "organisation", "campaign", "project", "monthly_return", "mention")


@admin.register(DashboardPreset)
class DashboardPresetAdmin(admin.ModelAdmin):
    """Which KPI cards a region's (or a role's) dashboard shows."""

    list_display = ("name", "region", "role")
    filter_horizontal = ("indicators",)
    raw_id_fields = ("region",)
