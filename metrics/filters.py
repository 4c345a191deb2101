"""The dashboard's filters (django-filter): region within the user's scope, period range, campaign,
indicator category, source, and whether submitted figures count. Applied inside the selectors."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from metrics.models import Campaign, DataValue, Indicator
from metrics.periods import Period
from portal import access
from regions.models import Region


def _regions(request):
    return access.regions_visible_to(request.user) if request else Region.objects.none()


class PeriodField(forms.CharField):
    """A period code: ``2024``, ``2024-Q1`` or ``2024-03``; the one period field of the pages and the API."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return Period.parse(value)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None


class PeriodFilter(django_filters.CharFilter):
    """A period written as 2024, 2024-Q1 or 2024-03."""

    field_class = PeriodField


class DashboardFilter(django_filters.FilterSet):
    """Filters of the dashboard; ``qs`` gives the matching data values (news highlights), the
    cleaned data drives the roll-up reads."""

    region = django_filters.ModelChoiceFilter(
        label=_("区域"), queryset=_regions, method="filter_region", empty_label=None
    )
    period_from = PeriodFilter(label=_("起始期间"), method="filter_period_from")
    period_to = PeriodFilter(label=_("截止期间"), method="filter_period_to")
    campaign = django_filters.ModelChoiceFilter(
        label=_("活动/创建"), queryset=Campaign.objects.all(), method="filter_campaign", empty_label=_("全部")
    )
    category = django_filters.ChoiceFilter(
        label=_("指标类别"), choices=Indicator.Category.choices, field_name="indicator__category", empty_label=_("全部")
    )
    source = django_filters.ChoiceFilter(label=_("来源"), choices=DataValue.Source.choices, empty_label=_("全部"))
    indicator = django_filters.ModelChoiceFilter(
        label=_("比较指标"),
        queryset=Indicator.objects.filter(active=True),
        method="keep",
        empty_label=None,
        required=False,
    )
    submitted = django_filters.BooleanFilter(
        label=_("含已提交（未审核）"), method="filter_submitted", widget=forms.CheckboxInput
    )

    class Meta:
        model = DataValue
        fields = ["region", "period_from", "period_to", "campaign", "category", "source", "indicator", "submitted"]

    def filter_region(self, queryset: QuerySet, name: str, region) -> QuerySet:
        return queryset.filter(region__path__startswith=region.path) if region else queryset

    def filter_period_from(self, queryset: QuerySet, name: str, period: Period | None) -> QuerySet:
        return queryset.filter(period_start__gte=period.start) if period else queryset

    def filter_period_to(self, queryset: QuerySet, name: str, period: Period | None) -> QuerySet:
        return queryset.filter(period_start__lt=period.end) if period else queryset

    def filter_campaign(self, queryset: QuerySet, name: str, campaign) -> QuerySet:
        return queryset.filter(campaign=campaign) if campaign else queryset

    def filter_submitted(self, queryset: QuerySet, name: str, include: bool | None) -> QuerySet:
        statuses = ["approved", "submitted"] if include else ["approved"]
        return queryset.filter(status__in=statuses)

    def keep(self, queryset: QuerySet, name: str, value) -> QuerySet:
        """A parameter of the charts, not a restriction of the values."""
        return queryset

    @property
    def qs(self) -> QuerySet:
        # The submitted filter also applies when the box is unticked: approved figures only.
        qs = super().qs
        if self.is_bound and self.form.is_valid() and not self.form.cleaned_data.get("submitted"):
            qs = qs.filter(status="approved")
        return qs
