"""The REST API under /api/v1/: the same data and the same scope rules as the portal's pages."""
