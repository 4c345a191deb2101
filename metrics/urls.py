from metrics.views import dashboard, returns

app_name = "metrics"
urlpatterns = [*returns.urlpatterns, *dashboard.urlpatterns]
