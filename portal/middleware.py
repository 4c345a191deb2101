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


NUL_IN_INPUT = "提交的内容含有无法保存的控制字符（NUL），请删除后重试。"


class NulInputMiddleware:
    """Refuse a NUL character in query or form values with a 400, in one place.

    PostgreSQL text cannot hold NUL, so such a value reaching a filter or a save would end as a
    500 (SQLite accepts it, so only the PostgreSQL run of schemathesis found it). No field of
    the portal has a use for it; the user is told what to remove.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            "\x00" in request.META.get("QUERY_STRING", "")
            or "%00" in request.META.get("QUERY_STRING", "")
            or (request.method == "POST" and _form_has_nul(request))
        ):
            if request.path.startswith("/api/"):
                body = {
                    "error": {
                        "code": "invalid",
                        "message": NUL_IN_INPUT,
                        "message_en": "The input holds a NUL character.",
                    }
                }
                return JsonResponse(body, status=400)
            return HttpResponse(NUL_IN_INPUT, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _form_has_nul(request) -> bool:
    if request.content_type == "application/json":
        return b"\\u0000" in request.body or b"\x00" in request.body
    if not request.content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return False
    return any("\x00" in v for values in request.POST.lists() for v in values[1])


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
