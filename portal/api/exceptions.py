"""One error body for every API failure, in Chinese and English.

``{"error": {"code": "not_found", "message": "…", "message_en": "…", "fields": {…}}}``: clients
branch on ``code``, show ``message`` to Chinese users, log ``message_en``, and find per-field
problems under ``fields`` (present only for invalid input).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django.utils.log import log_response
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from portal.api.throttling import InvalidTokenThrottled

# code → (Chinese, English) for the failures DRF itself raises.
MESSAGES: dict[str, tuple[str, str]] = {
    "invalid": ("提交的数据有误，请按字段提示修改。", "The submitted data is invalid; see the fields."),
    "malformed_request": ("请求格式有误，无法解析。", "The request body could not be parsed."),
    "not_authenticated": ("请先登录，或在请求头中提供有效的令牌。", "Authentication credentials were not provided."),
    "authentication_failed": ("令牌无效或已被吊销。", "The token is invalid or has been revoked."),
    "permission_denied": ("您无权执行此操作。", "You do not have permission to perform this action."),
    "read_only_role": ("您的角色为只读，不能修改数据。", "Your role is read-only; you cannot change data."),
    "approver_only": ("只有审核员可以执行此操作。", "Only approvers may perform this action."),
    "not_found": ("对象不存在或不在您的权限范围内。", "Not found, or outside your scope."),
    "method_not_allowed": ("不支持该请求方法。", "This HTTP method is not allowed here."),
    "not_acceptable": ("无法按所请求的格式返回。", "The requested response format is not available."),
    "unsupported_media_type": ("不支持该请求内容类型。", "Unsupported media type in the request."),
    "throttled": ("请求过于频繁，请稍后再试。", "Too many requests; please retry later."),
    "conflict": ("操作与当前状态冲突。", "The request conflicts with the current state."),
    "server_error": ("服务器内部错误，已记录，请稍后再试。", "Internal server error; it has been logged."),
    "database_unavailable": (
        "数据库暂时不可用，您提交的内容未保存，请稍后重试。",
        "The database is temporarily unavailable; nothing was saved. Please retry.",
    ),
    "error": ("请求失败。", "The request failed."),
    # Refusals of the monthly-return workflow (metrics.services); the Chinese message the client
    # sees is the service's own, which names the state, the regions or the person involved.
    "version_conflict": (
        "他人已先修改了此报表，您的操作未执行。",
        "Someone else changed this monthly return after you read it; nothing was written. "
        "Compare their figures and retry with the new version.",
    ),
    "not_editable": ("报表当前状态不能修改。", "The monthly return cannot be changed now."),
    "checks_failed": (
        "报表未通过校验，不能提交。请按提示修改。",
        "The monthly return does not pass its checks and was not submitted; see the findings per indicator.",
    ),
    "empty_return": ("报表没有填写任何数值，不能提交。", "The monthly return has no figures; nothing to submit."),
    "not_submitted": (
        "只有已提交的报表可以审核或退回。",
        "Only a submitted monthly return can be approved or sent back.",
    ),
    "self_approval": (
        "不能审核自己提交或最后修改的报表，请由另一位审核员审核。",
        "Whoever submitted a monthly return or last saved its figures cannot approve it; another approver must.",
    ),
    "children_pending": (
        "下级区域尚未全部审核或免报，请先处理下级报表。",
        "Not every region below has its return approved or waived yet; deal with those first.",
    ),
    "not_locked": ("该报表未锁定。", "The monthly return is not locked."),
    "already_locked": ("报表已处于锁定状态。", "The monthly return is already locked."),
    "already_waived": ("该报表已是免报状态。", "The monthly return is already waived."),
    "not_waivable": (
        "已提交或已审核的报表不能设为免报。",
        "A submitted or approved monthly return cannot be waived.",
    ),
    "not_waived": ("该报表不是免报状态。", "The monthly return is not waived."),
}

_BY_CLASS: list[tuple[type[exceptions.APIException], str]] = [
    (exceptions.ValidationError, "invalid"),
    (exceptions.ParseError, "malformed_request"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "permission_denied"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


class ApiError(exceptions.APIException):
    """A domain refusal with its own code and both messages, e.g. a write to a locked form."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(
        self,
        message: str,
        message_en: str,
        *,
        code: str | None = None,
        status_code: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail=message, code=code or self.default_code)
        self.code = code or self.default_code
        self.message_en = message_en
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code


def error_body(code: str, message: str, message_en: str, **extra: Any) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "message_en": message_en, **extra}}


def _fields(detail: Any) -> dict[str, Any]:
    """Serializer errors as {field: [messages]}; a bare list becomes non_field_errors."""
    if isinstance(detail, dict):
        return {("non_field_errors" if key == "__all__" else key): _messages(value) for key, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _messages(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {key: _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_messages(item) for item in detail]
    return str(detail)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        # Services validate with full_clean(); their errors are the client's, not the server's.
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)

    if isinstance(exc, OperationalError | InterfaceError):
        # A lost connection, a lock timeout or a deadlock: the write was rolled back whole and a
        # retry may succeed, so this is a 503 the client can act on, not a 500.
        zh, en = MESSAGES["database_unavailable"]
        response = Response(error_body("database_unavailable", zh, en), status=status.HTTP_503_SERVICE_UNAVAILABLE)
        response["Retry-After"] = "30"
        return response

    response = drf_exception_handler(exc, context)
    if response is None:
        # An unexpected failure: logged as Django logs a 500 (so mail_admins still fires), but
        # answered in the API's own shape so that clients can parse every response.
        request = context.get("request")
        zh, en = MESSAGES["server_error"]
        response = Response(error_body("server_error", zh, en), status=status.HTTP_500_INTERNAL_SERVER_ERROR)
        log_response(
            "Internal Server Error: %s",
            getattr(request, "path", ""),
            response=response,
            request=getattr(request, "_request", None),
            exception=exc,
        )
        return response

    if isinstance(exc, ApiError):
        response.data = error_body(exc.code, str(exc.detail), exc.message_en, **exc.extra)
        return response

    code = next((name for cls, name in _BY_CLASS if isinstance(exc, cls)), "error")
    zh, en = MESSAGES[code]
    extra: dict[str, Any] = {}
    if code == "invalid":
        extra["fields"] = _fields(exc.detail)
    elif code == "permission_denied":
        detail = str(exc.detail)
        for special in ("read_only_role", "approver_only"):
            if detail == MESSAGES[special][0]:
                code, (zh, en) = special, MESSAGES[special]
                break
        else:
            if detail and detail != str(exceptions.PermissionDenied.default_detail):
                zh = detail
    elif code == "throttled" and exc.wait is not None:
        wait = int(exc.wait + 0.999)
        if isinstance(exc, InvalidTokenThrottled):
            zh = f"该地址的无效令牌尝试过多，请 {wait} 秒后再试。"
            en = f"Too many invalid tokens from this address; retry in {wait} seconds."
        else:
            zh = f"请求过于频繁，请 {wait} 秒后再试。"
            en = f"Too many requests; retry in {wait} seconds."
        extra["retry_after"] = wait
        # DRF's own header truncates; a client waiting that long must find the window passed.
        response["Retry-After"] = str(wait)
    elif code == "method_not_allowed":
        en = f"Method {context['request'].method} is not allowed here."
    response.data = error_body(code, zh, en, **extra)
    return response
