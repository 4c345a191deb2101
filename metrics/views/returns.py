"""Monthly returns: entry, workflow, spreadsheets and completeness."""

urlpatterns: list = []
