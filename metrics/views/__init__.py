"""Views of the metrics app, one module per area; each module exports its own ``urlpatterns``."""
