"""Rate limits: per API token (or per signed-in session), per address for anonymous callers, and a
budget of invalid token attempts per address that bounds key guessing."""

from __future__ import annotations

import ipaddress
import time

from django.conf import settings
from django.core.cache import cache
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle

from portal.models import ApiToken


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
        # The token's id: the cache holds neither the key nor anything derived from it.
        ident = f"t{request.auth.pk}" if isinstance(request.auth, ApiToken) else f"u{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AnonymousRateThrottle(_RateFromSettings, AnonRateThrottle):
    pass


class InvalidTokenThrottled(Throttled):
    """Too many invalid tokens from one address: told apart so that a client sees why it waits."""


class InvalidTokenLimiter:
    """Counts invalid token attempts per address in fixed windows of the ``bad_token`` rate.

    DRF refuses a wrong token before any throttle runs, so this is asked by the authentication
    class itself. Once an address has used up its budget, a key is looked up only if it already
    worked from that address (``remember``): a client that was using its token goes on working,
    while a guess is answered 429 without being tried, so guesses per window stay bounded.
    """

    scope = "bad_token"
    # How long a key that worked from an address still counts as that address's own.
    KNOWN_FOR = 24 * 3600

    def __init__(self, address: str | None) -> None:
        self.bucket = _bucket(address)
        self.limit, self.window = _parse_rate(
            api_settings.DEFAULT_THROTTLE_RATES.get(self.scope) or settings.API_RATE_BAD_TOKEN
        )
        now = time.time()
        index = int(now // self.window)
        self.wait = (index + 1) * self.window - now
        self.counter_key = f"api:bad-token:{self.bucket}:{index}"

    def exhausted(self) -> bool:
        return (cache.get(self.counter_key) or 0) >= self.limit

    def record_failure(self) -> None:
        # add + incr rather than get + set, so that concurrent workers cannot lose a count.
        cache.add(self.counter_key, 0, timeout=self.window + 1)
        try:
            cache.incr(self.counter_key)
        except ValueError:  # the window expired between add and incr
            cache.add(self.counter_key, 1, timeout=self.window + 1)

    def known(self, key_hash: str) -> bool:
        return cache.get(self._known_key(key_hash)) is not None

    def remember(self, key_hash: str) -> None:
        cache.set(self._known_key(key_hash), 1, timeout=self.KNOWN_FOR)

    def _known_key(self, key_hash: str) -> str:
        # Half the hash names the key well enough; the hash is no credential anyway.
        return f"api:known-token:{self.bucket}:{key_hash[:32]}"


def _bucket(address: str | None) -> str:
    """The address itself, or its /64 for IPv6, where one client commonly holds a whole /64."""
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _parse_rate(rate: str) -> tuple[int, int]:
    """A rate in DRF's notation as (count, seconds): 20/minute is (20, 60)."""
    count, period = rate.split("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
