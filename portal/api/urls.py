"""URLs of the API, mounted at /api/: the versioned endpoints, the schema and the docs page."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from portal.api import exports, returns, views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("data-values", views.DataValueViewSet, basename="data-value")
router.register("monthly-returns", returns.MonthlyReturnViewSet, basename="monthly-return")
router.register("reports", views.ReportViewSet, basename="report")
router.register("mentions", views.MentionViewSet, basename="mention")
router.register("aggregates", views.AggregateViewSet, basename="aggregate")
router.register("summaries", exports.SummaryViewSet, basename="summary")

app_name = "api"
urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/me/", views.MeView.as_view(), name="me"),
    path("v1/me/token/", views.MeTokenView.as_view(), name="me-token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.docs, name="docs"),
    # Last: ends in a slash so that a missing slash is still redirected by APPEND_SLASH first.
    re_path(r"^v1/(?P<path>.*/)$", views.not_found),
]
