"""Leaders' dashboards: the main page, the full-screen 数据大屏 and a CSV download per section."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from metrics import panelcache
from metrics.dashboard import (
    SECTIONS,
    DashboardParams,
    Table,
    cell_display,
    dashboard_data,
    dashboard_filter,
    dashboard_params,
    dashboard_section,
    table_csv,
)
from metrics.models import Campaign, DataValue, Indicator
from portal import access, numbers
from portal.navigation import region_breadcrumbs
from regions.models import Region

SCREEN_REFRESH_SECONDS = 300
WIDE_COLUMNS = 6  # a table this wide takes a whole row of the grid, so no column is squeezed


def _load(request: HttpRequest):
    """Resolve the region through the access module (another district's id gives 404) and the filters."""
    region_id = request.GET.get("region")
    if region_id:
        region = access.get_region_for_user(request.user, region_id)
    else:
        region = access.scope_root(request.user)
        if region is None:
            raise Http404(_("您的账号尚未分配区域"))
    filterset = dashboard_filter(user=request.user, data=request.GET, region=region)
    params = dashboard_params(user=request.user, region=region, filterset=filterset)
    return region, filterset, params


def _url(name: str, params: DashboardParams, **override) -> str:
    return f"{reverse(name)}?{urlencode(params.query(**override))}"


def _series(table: Table, column: int, unit: str | None, scale, **extra) -> dict:
    """One series of a chart: the column's figures in the chart's scale, and each figure written
    out as the table writes it, for the bar labels and the tooltip."""
    values = [r[column] for r in table.rows]
    return {
        "name": table.columns[column],
        "data": [None if v is None else float(Decimal(v) / scale) for v in values],
        "texts": [cell_display(v, unit) for v in values],
        **extra,
    }


def _charts(tables: dict[str, Table], params: DashboardParams) -> list[dict]:
    """What dashboard.js draws; every chart reads the same rows (and drill links) as the table beside it.

    A chart of money is drawn in one scale (万元 or 亿元, from its largest figure) named on its
    axis; every label and tooltip shows the figure exactly as the table beside it does.
    """

    trend, children, stars = tables["trend"], tables["children"], tables["stars"]
    campaigns, completeness = tables["campaigns"], tables["completeness"]
    unit = params.indicator.unit
    one = Decimal(1)

    def scale_of(table: Table, columns: tuple[int, ...]) -> tuple[Decimal, str]:
        if unit != "元":
            return one, unit
        return numbers.money_scale(r[c] for r in table.rows for c in columns)

    trend_scale, trend_unit = scale_of(trend, (1, 2))
    children_scale, children_unit = scale_of(children, (1,))
    return [
        {
            "id": "trend",
            "kind": "line",
            "axis_unit": trend_unit,
            "categories": [r[0] for r in trend.rows],
            "series": [
                _series(trend, 1, unit, trend_scale),
                _series(trend, 2, unit, trend_scale, dashed=True),
            ],
        },
        {
            "id": "children",
            "kind": "bar",
            "axis_unit": children_unit,
            "labels": True,
            "categories": [r[0] for r in children.rows],
            "series": [_series(children, 1, unit, children_scale)],
            "drill": children.drill,
        },
        {
            "id": "campaigns",
            "kind": "bar",
            "horizontal": True,
            "axis_unit": "%",
            "labels": True,
            "categories": [f"{r[0]} · {r[1]}" for r in campaigns.rows],
            "series": [_series(campaigns, 5, "%", one)],
            "drill": campaigns.drill,
        },
        {
            "id": "completeness",
            "kind": "bar",
            "stack": True,
            "categories": [r[0] for r in completeness.rows],
            "series": [_series(completeness, i, None, one) for i in range(1, len(completeness.columns) - 1)],
            "drill": completeness.drill,
        },
        {
            "id": "stars",
            "kind": "bar",
            "labels": True,
            "categories": [r[0] for r in stars.rows],
            "series": [_series(stars, 1, None, one), _series(stars, 2, None, one)],
        },
    ]


def _panel_context(request: HttpRequest, region: Region, filterset, params: DashboardParams) -> dict:
    """What the panels show: every section's table, the KPI cards and the charts."""
    tables = dashboard_data(user=request.user, params=params, filterset=filterset)
    for table in tables.values():
        table.drill = [_url("metrics:dashboard", params, region=pk) if pk else None for pk in table.links]
        numeric = table.numeric_columns()
        table.display = [list(zip(row, numeric, strict=True)) for row in table.display_rows()]
        table.wide = len(table.columns) >= WIDE_COLUMNS
        table.csv = _url("metrics:dashboard_csv_" + table.key, params)
    kpi_cards = [
        {"name": r[0], "figure": numbers.figure_parts(r[2], r[1]), "mom": r[4], "yoy": r[6]}
        for r in tables["kpis"].rows
    ]
    return {
        "region": region,
        "params": params,
        "tables": tables,
        "kpi_cards": kpi_cards,
        "charts": _charts(tables, params),
    }


def _page(request: HttpRequest, template: str, panels_template: str) -> HttpResponse:
    """The page around the panels, and the panels from the cache when the selection's data has
    not changed since they were rendered (the same filters, role, language and day)."""
    region, filterset, params = _load(request)
    rendered: dict = {}

    def render_panels() -> str:
        rendered.update(_panel_context(request, region, filterset, params))
        return render_to_string(panels_template, rendered)

    key = (
        panels_template,
        get_language(),
        access.role_of(request.user),
        sorted(params.query().items()),
        params.today.isoformat(),
        panelcache.selection_version(region),
    )
    panels = mark_safe(panelcache.panels(key, render_panels))  # noqa: S308 - our own rendered template
    crumbs_params = {k: v for k, v in params.query().items() if k != "region"}
    breadcrumbs = region_breadcrumbs(request.user, region, "metrics:dashboard", **crumbs_params)
    nearby = [c["region"] for c in breadcrumbs[:-1]] + [region] + list(region.children.order_by("path"))
    context = {
        **rendered,  # present when rendered now (tests read the tables from it)
        "panels": panels,
        "region": region,
        "params": params,
        "filter": filterset,
        "breadcrumbs": breadcrumbs,
        "nearby_regions": nearby,
        "indicators": Indicator.objects.filter(active=True).order_by("order"),
        "campaigns": Campaign.objects.order_by("code"),
        "categories": Indicator.Category.choices,
        "sources": DataValue.Source.choices,
        "period_from": params.query()["period_from"],
        "period_to": params.query()["period_to"],
        "screen_url": _url("metrics:dashboard_screen", params),
        "page_url": _url("metrics:dashboard", params),
        "refresh_seconds": SCREEN_REFRESH_SECONDS,
    }
    return render(request, template, context)


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    return _page(request, "metrics/dashboard/index.html", "metrics/dashboard/_panels.html")


@login_required
@require_GET
def dashboard_screen(request: HttpRequest) -> HttpResponse:
    """数据大屏: the same figures, full screen, reloading itself every few minutes."""
    return _page(request, "metrics/dashboard/screen.html", "metrics/dashboard/_screen_panels.html")


def _csv_view(section: str):
    @login_required
    @require_GET
    def download(request: HttpRequest) -> HttpResponse:
        region, filterset, params = _load(request)
        table = dashboard_section(user=request.user, params=params, filterset=filterset, key=section)
        response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
        filename = f"{table.title.split(' · ')[0]}-{region.display_name}-{params.period.code}.csv"
        response["Content-Disposition"] = content_disposition_header(True, filename)
        return response

    download.__name__ = f"dashboard_csv_{section}"
    return download


urlpatterns = [
    path("dashboard/", dashboard, name="dashboard"),
    path("dashboard/screen/", dashboard_screen, name="dashboard_screen"),
    *[path(f"dashboard/csv/{key}.csv", _csv_view(key), name=f"dashboard_csv_{key}") for key in SECTIONS],
]
