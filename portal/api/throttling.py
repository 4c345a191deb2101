"""Rate limits: per API token (or per signed-in session), and per address for anonymous callers."""

from __future__ import annotations

import hashlib

from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle


class _RateFromSettings:
    def get_rate(self):
        # Read at request time, not import time, so a changed setting (and a test) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class TokenRateThrottle(_RateFromSettings, SimpleRateThrottle):
    """One budget per token; a rotated token starts a fresh budget, the old one is gone anyway."""

    scope = "token"

    def get_cache_key(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return None
        if isinstance(request.auth, Token):
            # Hashed so the cache never holds a usable credential.
            ident = "t" + hashlib.sha256(request.auth.key.encode()).hexdigest()[:32]
        else:
            ident = f"u{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousRateThrottle(_RateFromSettings, AnonRateThrottle):
    pass
