"""django-filter FilterSets of the API; every region choice is limited to the caller's subtree."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from metrics.filters import PeriodFilter
from metrics.models import DataValue, Indicator, MonthlyReturn
from metrics.periods import PERIOD_TYPES, Period
from portal import access
from regions.models import Organisation, Region
from reports.models import Mention, Report


def visible_regions(request) -> QuerySet[Region]:
    """The region choices of a filter: the caller's subtree (nothing while the schema is built)."""
    if request is None:
        return Region.objects.none()
    return access.regions_visible_to(request.user)


def visible_organisations(request) -> QuerySet[Organisation]:
    if request is None:
        return Organisation.objects.none()
    return access.filter_for_user(request.user, Organisation.objects.all())


def visible_reports(request) -> QuerySet[Report]:
    if request is None:
        return Report.objects.none()
    return access.filter_for_user(request.user, Report.objects.all())


@extend_schema_field(OpenApiTypes.INT)
class RegionChoiceFilter(filters.ModelChoiceFilter):
    """A region id from the caller's subtree; any other id is refused like a missing one."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", visible_regions)
        super().__init__(*args, **kwargs)


@extend_schema_field(OpenApiTypes.STR)
class CodeMultipleChoiceFilter(filters.ModelMultipleChoiceFilter):
    """Catalogue codes, repeated (?indicator=a&indicator=b)."""


def _within(queryset: QuerySet, name: str, region: Region | None) -> QuerySet:
    if region is None:
        return queryset
    return queryset.filter(**{f"{name}__path__startswith": region.path})


class RegionFilter(filters.FilterSet):
    parent = RegionChoiceFilter(help_text="只列出该区域的直接下级")
    within = RegionChoiceFilter(method="filter_within", help_text="该区域及其全部下级（子树）")
    level = filters.ChoiceFilter(choices=Region.Level.choices)
    name = filters.CharFilter(lookup_expr="icontains", help_text="名称包含")

    class Meta:
        model = Region
        fields = ["parent", "within", "level", "code", "name"]

    def filter_within(self, queryset, name, value):
        return queryset.filter(path__startswith=value.path)


class OrganisationFilter(filters.FilterSet):
    region = RegionChoiceFilter(method="filter_region", help_text="该区域及其全部下级（子树）中的党组织")
    kind = filters.ChoiceFilter(choices=Organisation.Kind.choices)
    category = filters.ChoiceFilter(choices=Organisation.Category.choices)
    parent = filters.ModelChoiceFilter(queryset=visible_organisations, help_text="上级党组织")
    name = filters.CharFilter(lookup_expr="icontains", help_text="名称包含")
    election_due_before = filters.DateFilter(
        field_name="next_election_due", lookup_expr="lte", help_text="下次换届到期日不晚于该日"
    )

    class Meta:
        model = Organisation
        fields = ["region", "kind", "category", "parent", "name", "election_due_before"]

    def filter_region(self, queryset, name, value):
        return _within(queryset, "region", value)


class IndicatorFilter(filters.FilterSet):
    category = filters.ChoiceFilter(choices=Indicator.Category.choices)

    class Meta:
        model = Indicator
        fields = ["category", "is_key", "active"]


class DataValueFilter(filters.FilterSet):
    indicator = CodeMultipleChoiceFilter(
        field_name="indicator__code",
        to_field_name="code",
        queryset=Indicator.objects.all(),
        help_text="指标代码，可重复",
    )
    region = RegionChoiceFilter(method="filter_region", help_text="该区域及其全部下级（子树）的数据")
    exact_region = RegionChoiceFilter(field_name="region", help_text="仅该区域本身的数据")
    period_type = filters.ChoiceFilter(choices=[(t, t) for t in PERIOD_TYPES])
    period_from = PeriodFilter(method="filter_period_from", help_text="期间起（含），如 2024-01、2024-Q1、2024")
    period_to = PeriodFilter(method="filter_period_to", help_text="期间止（含），如 2024-12、2024-Q4、2024")
    source = filters.MultipleChoiceFilter(choices=DataValue.Source.choices)
    status = filters.MultipleChoiceFilter(choices=DataValue.Status.choices)
    campaign = filters.CharFilter(field_name="campaign__code", help_text="活动代码")

    class Meta:
        model = DataValue
        fields = [
            "indicator",
            "region",
            "exact_region",
            "period_type",
            "period_from",
            "period_to",
            "source",
            "status",
            "campaign",
        ]

    def filter_region(self, queryset, name, value):
        return _within(queryset, "region", value)

    def filter_period_from(self, queryset, name, value: Period):
        return queryset.filter(period_start__gte=value.start)

    def filter_period_to(self, queryset, name, value: Period):
        return queryset.filter(period_start__lt=value.end)


class MonthlyReturnFilter(filters.FilterSet):
    region = RegionChoiceFilter(method="filter_region", help_text="该区域及其全部下级（子树）的报表")
    exact_region = RegionChoiceFilter(field_name="region", help_text="仅该区域本身的报表")
    dataset = filters.CharFilter(field_name="dataset__code", help_text="报表代码")
    month = PeriodFilter(method="filter_month", help_text="月份，如 2024-03；写 2024-Q1 或 2024 取整季、整年")
    status = filters.MultipleChoiceFilter(choices=MonthlyReturn.Status.choices, help_text="流程状态，可重复")
    locked = filters.BooleanFilter(help_text="是否已锁定")
    waived = filters.BooleanFilter(help_text="是否免报")

    class Meta:
        model = MonthlyReturn
        fields = ["region", "exact_region", "dataset", "month", "status", "locked", "waived"]

    def filter_region(self, queryset, name, value):
        return _within(queryset, "region", value)

    def filter_month(self, queryset, name, value: Period):
        return queryset.filter(month__gte=value.start, month__lt=value.end)


class ReportFilter(filters.FilterSet):
    region = RegionChoiceFilter(method="filter_region", help_text="该区域及其全部下级（子树）的报道")
    status = filters.MultipleChoiceFilter(choices=Report.Status.choices)
    published_from = filters.DateFilter(field_name="published", lookup_expr="gte")
    published_to = filters.DateFilter(field_name="published", lookup_expr="lte")

    class Meta:
        model = Report
        fields = ["region", "status", "source_kind", "published_from", "published_to"]

    def filter_region(self, queryset, name, value):
        return _within(queryset, "region", value)


class MentionFilter(filters.FilterSet):
    report = filters.ModelChoiceFilter(queryset=visible_reports)
    review = filters.MultipleChoiceFilter(choices=Mention.Review.choices)
    indicator = filters.CharFilter(field_name="indicator__code", help_text="指标代码")

    class Meta:
        model = Mention
        fields = ["report", "review", "indicator"]
