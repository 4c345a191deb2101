"""Middleware of the portal."""

import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)
DB_UNAVAILABLE = "数据库暂时不可用，您填写的内容未保存，请稍后重试。"


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


class DatabaseUnavailableMiddleware:
    """Turn a lost database, a lock timeout or a deadlock into a 503 the user can act on.

    The write that failed ran in ``transaction.atomic`` and was rolled back whole. The page is
    rendered without context processors, because they would query the same database again; fetch,
    htmx and API callers get JSON with the same message. The monthly-return form keeps what was
    typed in the browser's local draft (static/js/returns.js) and restores it on the way back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.warning("database unavailable at %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            from portal.api.exceptions import MESSAGES, error_body

            response = JsonResponse(error_body("database_unavailable", *MESSAGES["database_unavailable"]), status=503)
        elif _wants_json(request):
            response = JsonResponse({"ok": False, "message": DB_UNAVAILABLE}, status=503)
        else:
            back = request.headers.get("Referer", "")
            same_site = back.startswith(f"{request.scheme}://{request.get_host()}/")
            html = render_to_string(
                "portal/db_unavailable.html", {"message": DB_UNAVAILABLE, "back": back if same_site else ""}
            )
            response = HttpResponse(html, status=503)
        response["Retry-After"] = "30"
        return response


def _wants_json(request) -> bool:
    return request.headers.get("HX-Request") == "true" or "application/json" in request.headers.get("Accept", "")


class ChineseByDefaultMiddleware:
    """Ignore the browser's Accept-Language so the portal speaks Chinese unless the user chose.

    Many office PCs run an English Windows; their browsers ask for English although the staff
    read Chinese. The explicit choice (the language cookie set by the switcher) still wins.
    Must sit before LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
