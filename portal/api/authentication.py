"""``Authorization: Token <key>`` against the portal's hashed API tokens, with invalid attempts rate-limited."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from portal.api.throttling import InvalidTokenLimiter, InvalidTokenThrottled
from portal.models import ApiToken
from portal.services import client_ip

# Writing last_used on every request would turn each read into a write; a minute is precise enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid token header.")
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed("Invalid token header.") from None

        key_hash = ApiToken.hash_key(key)
        limiter = InvalidTokenLimiter(client_ip(request))
        if limiter.exhausted() and not limiter.known(key_hash):
            raise InvalidTokenThrottled(limiter.wait)
        # Found through the unique index on the hash, not compared here. No constant-time compare
        # is needed: timing could at most tell how much of a stored hash a guess's hash shares,
        # and as no one can pick a key for a wanted hash, that brings no guess closer to a key.
        token = ApiToken.objects.select_related("user").filter(key_hash=key_hash).first()
        if token is None:
            limiter.record_failure()
            raise exceptions.AuthenticationFailed()
        if not token.user.is_active:
            # A real key of a disabled account: refused, but it is no guess, so not counted.
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        limiter.remember(key_hash)
        _touch(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


def _touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used is not None and now - token.last_used < LAST_USED_RESOLUTION:
        return
    stale = Q(last_used__isnull=True) | Q(last_used__lt=now - LAST_USED_RESOLUTION)
    # Conditional, so that concurrent requests of one client write it once.
    ApiToken.objects.filter(stale, pk=token.pk).update(last_used=now)
    token.last_used = now


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents the header in the OpenAPI schema (drf-spectacular only knows DRF's own classes)."""

    target_class = ApiTokenAuthentication
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "请求头 Authorization: Token <令牌>。令牌由 POST /api/v1/me/token/ 签发，只显示一次；"
                "服务器只保存其摘要。同一地址的无效令牌尝试过多时返回 429。"
                " / Header 'Authorization: Token <key>'. The key is shown once when issued and stored only "
                "as a hash; too many invalid keys from one address are answered 429."
            ),
        }
