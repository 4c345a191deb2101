"""OpenAPI post-processing: document the one error body on every operation that can return it."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "message_en"],
            "properties": {
                "code": {"type": "string", "description": "机器可读的错误代码，如 not_found、invalid、locked"},
                "message": {"type": "string", "description": "中文说明"},
                "message_en": {"type": "string", "description": "English message"},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "按字段列出的错误（仅输入有误时）",
                },
                "retry_after": {"type": "integer", "description": "限流时需等待的秒数"},
            },
            "additionalProperties": True,
        }
    },
}

_DESCRIPTIONS = {
    "400": "输入有误 / Invalid input",
    "401": "未认证或令牌无效 / Not authenticated",
    "403": "无权执行 / Forbidden",
    "404": "不存在或不在权限范围内 / Not found or out of scope",
    "409": "与当前状态冲突（如报表已锁定） / Conflict (e.g. locked form)",
    "429": "请求过于频繁 / Throttled",
}


def add_error_responses(result: dict, generator, request, public) -> dict:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            codes = ["401", "403", "429"]
            if "{" in path:
                codes.append("404")
            if method in ("post", "put", "patch") or operation.get("parameters"):
                codes.append("400")
            if method in ("post", "put", "patch", "delete"):
                codes.append("409")
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {"description": _DESCRIPTIONS[code], "content": ref})
    return result
