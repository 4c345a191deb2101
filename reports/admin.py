"""Admin for reports: read-mostly, for support staff looking at a report's parse and its mentions."""

from django.contrib import admin

from portal.admin import ScopedAdminMixin, ScopedFieldsMixin
from reports.models import Mention, Report, Summary


class MentionInline(ScopedFieldsMixin, admin.TabularInline):
    model = Mention
    extra = 0
    fields = ("text", "value", "unit", "indicator", "region", "period_type", "period_start", "confidence", "review")
    readonly_fields = ("text",)
    raw_id_fields = ("indicator", "region")
    show_change_link = True


@admin.register(Report)
class ReportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("title", "region", "published", "status", "attempts", "created_at")
    list_filter = ("status", "source_kind")
    search_fields = ("title", "source_name")
    date_hierarchy = "created_at"
    raw_id_fields = ("region", "campaign", "duplicate_of", "submitted_by")
    readonly_fields = ("text_hash", "attempts", "queued_at", "parse_started_at", "parsed_at", "created_at")
    inlines = [MentionInline]


@admin.register(Mention)
class MentionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("text", "report", "indicator", "region", "confidence", "review")
    list_filter = ("review", "borderline")
    raw_id_fields = ("report", "indicator", "region", "reviewed_by")
    region_field = "report__region"


@admin.register(Summary)
class SummaryAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Generated PDF summaries: to see what was produced, for whom, and why one failed."""

    list_display = ("region", "period", "campaign", "status", "progress", "requested_by", "created_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Summary._meta.fields]

    def has_add_permission(self, request):
        return False
