"""Middleware of the portal."""

from django.db import connection
from django.http import JsonResponse


class HealthCheckMiddleware:
    """Answer ``/healthz`` before host validation and HTTPS redirects.

    Container health checks call it by IP over plain HTTP; the request must not need a public
    host name or TLS to prove that the process and its database are alive.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            return JsonResponse({"status": "ok"})
        return self.get_response(request)
