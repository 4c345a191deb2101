"""Leaders' dashboards."""

urlpatterns: list = []
