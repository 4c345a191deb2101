"""API tokens at rest and under attack: only hashes are stored, and invalid keys are rate-limited per address."""

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from portal.models import ApiToken


def _client(key: str, address: str = "127.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


# --- At rest ------------------------------------------------------------------------------------


def test_the_database_holds_no_usable_key(world, editor_a, client_for):
    body = client_for(editor_a).post("/api/v1/me/token/").json()
    key = body["token"]
    assert len(key) >= 40 and body["prefix"] == key[:8]
    token = ApiToken.objects.get(user=editor_a)
    assert key not in (token.key_hash, token.prefix)
    assert token.key_hash == ApiToken.hash_key(key) and len(token.key_hash) == 64
    assert _client(token.key_hash).get("/api/v1/me/").status_code == 401  # a stolen hash is no key
    assert _client(key).get("/api/v1/me/").status_code == 200


def test_a_key_is_shown_once(world, editor_a, client_for):
    client = client_for(editor_a)
    first = client.post("/api/v1/me/token/").json()["token"]
    assert client.get("/api/v1/me/token/").status_code == 405  # no way to read it back
    # Asking again issues a different key rather than showing the old one.
    second = client.post("/api/v1/me/token/").json()["token"]
    assert first != second
    assert _client(first).get("/api/v1/me/").status_code == 401


def test_a_token_of_district_a_cannot_read_district_b(world, editor_a, api_for):
    api = api_for(editor_a)
    assert api.get(f"/api/v1/regions/{world.community_a.pk}/").status_code == 200
    assert api.get(f"/api/v1/regions/{world.community_b.pk}/").status_code == 404


def test_a_token_header_without_a_key_is_refused(world, anon_api):
    response = anon_api.get("/api/v1/me/", HTTP_AUTHORIZATION="Token")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "authentication_failed"


# --- last_used ------------------------------------------------------------------------------------


def _token_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith("UPDATE") and "portal_apitoken" in q["sql"]]


def test_last_used_is_written_at_most_once_a_minute(world, editor_a, api_for, django_assert_max_num_queries):
    api = api_for(editor_a)
    assert ApiToken.objects.get(user=editor_a).last_used is None
    with django_assert_max_num_queries(20) as first:
        assert api.get("/api/v1/me/").status_code == 200
    used = ApiToken.objects.get(user=editor_a).last_used
    assert used is not None and len(_token_writes(first.captured_queries)) == 1

    with django_assert_max_num_queries(20) as again:
        assert api.get("/api/v1/me/").status_code == 200
    assert not _token_writes(again.captured_queries)
    assert ApiToken.objects.get(user=editor_a).last_used == used

    ApiToken.objects.filter(user=editor_a).update(last_used=timezone.now() - timedelta(minutes=2))
    assert api.get("/api/v1/me/").status_code == 200
    assert ApiToken.objects.get(user=editor_a).last_used > used


# --- Guessing ------------------------------------------------------------------------------------


@pytest.fixture
def three_guesses(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "bad_token": "3/minute"},
    }


def test_invalid_tokens_beyond_the_limit_get_429_while_a_valid_token_keeps_working(
    world, editor_a, api_key_for, three_guesses
):
    valid = _client(api_key_for(editor_a))
    assert valid.get("/api/v1/regions/").status_code == 200
    for n in range(3):
        response = _client(f"guess-{n}").get("/api/v1/regions/")
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "authentication_failed"

    response = _client("guess-4").get("/api/v1/regions/")
    assert response.status_code == 429
    error = response.json()["error"]
    assert error["code"] == "throttled" and 0 < error["retry_after"] <= 60
    assert "无效令牌尝试过多" in error["message"] and "invalid tokens" in error["message_en"]
    assert int(response["Retry-After"]) == error["retry_after"]

    assert valid.get("/api/v1/regions/").status_code == 200
    assert _client("guess-5").get("/api/v1/regions/").status_code == 429
    # Another address has its own budget.
    assert _client("guess-6", address="10.0.0.9").get("/api/v1/regions/").status_code == 401


def test_a_blocked_address_gets_no_lookups_until_the_window_passes(
    world, editor_a, editor_b, api_key_for, three_guesses, monkeypatch, django_assert_num_queries
):
    key_b = api_key_for(editor_b)  # never used from this address before the block
    for n in range(3):
        _client(f"guess-{n}").get("/api/v1/me/")
    with django_assert_num_queries(0):
        # Not even tried: a right guess from a blocked address is answered like a wrong one.
        assert _client(key_b).get("/api/v1/me/").status_code == 429

    later = timezone.now().timestamp() + 61
    monkeypatch.setattr("portal.api.throttling.time.time", lambda: later)
    assert _client(key_b).get("/api/v1/me/").status_code == 200


def test_an_inactive_users_real_key_is_refused_but_not_counted_as_a_guess(
    world, editor_a, viewer_a, api_key_for, three_guesses
):
    key = api_key_for(viewer_a)
    viewer_a.is_active = False
    viewer_a.save(update_fields=["is_active"])
    for _ in range(5):
        assert _client(key).get("/api/v1/me/").status_code == 401
    assert _client(api_key_for(editor_a)).get("/api/v1/me/").status_code == 200
    assert _client("guess").get("/api/v1/me/").status_code == 401


def test_ipv6_guesses_are_counted_per_64_block(world, three_guesses):
    for n in range(3):
        _client(f"guess-{n}", address=f"2001:db8:1:2::{n + 1}").get("/api/v1/me/")
    assert _client("guess", address="2001:db8:1:2:ffff::1").get("/api/v1/me/").status_code == 429
    assert _client("guess", address="2001:db8:1:3::1").get("/api/v1/me/").status_code == 401


# --- Migration of DRF tokens ----------------------------------------------------------------------


def test_a_drf_token_keeps_working_after_the_migration(world, editor_a):
    migration = importlib.import_module("portal.migrations.0002_api_tokens")
    old_key = "4e366cd87ea0431653ce776e0bf85fc3df634336"  # DRF's format: 40 hex digits
    with connection.cursor() as cursor:
        cursor.execute(
            'CREATE TABLE authtoken_token ("key" varchar(40) PRIMARY KEY, "created" timestamp NOT NULL, '
            '"user_id" integer NOT NULL)'
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [old_key, "2024-03-01 08:00:00", editor_a.pk])

    migration.copy_drf_tokens(apps, SimpleNamespace(connection=connection))

    token = ApiToken.objects.get(user=editor_a)
    assert token.prefix == old_key[:8] and token.key_hash == ApiToken.hash_key(old_key)
    assert token.created == datetime(2024, 3, 1, 8, tzinfo=UTC)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM authtoken_token")
        assert cursor.fetchone()[0] == 0  # the clear-text key is gone from the database
    assert _client(old_key).get("/api/v1/me/").json()["username"] == "editor_a"


def test_the_migration_does_nothing_without_drfs_table(world, editor_a):
    migration = importlib.import_module("portal.migrations.0002_api_tokens")
    migration.copy_drf_tokens(apps, SimpleNamespace(connection=connection))
    assert not ApiToken.objects.exists()
