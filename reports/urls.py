from django.urls import path

from reports import views, views_exports

app_name = "reports"
urlpatterns = [
    path("reports/", views.report_list, name="list"),
    path("reports/new/", views.report_submit, name="submit"),
    path("reports/<int:pk>/", views.report_detail, name="detail"),
    path("reports/<int:pk>/retry/", views.report_retry, name="retry"),
    path("reports/<int:pk>/review/", views.report_review, name="review"),
    path("reports/<int:pk>/review/accept-above/", views.accept_above, name="accept_above"),
    *[
        path(
            f"reports/<int:pk>/mentions/<int:mention_pk>/{action}/",
            views.mention_action,
            {"action": action},
            name=f"mention_{action}",
        )
        for action in ("accept", "reject", "correct")
    ],
    *views_exports.urlpatterns,
]
