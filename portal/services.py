"""Writes of the portal app: the audit log, what a district administrator may do follows from the role; API tokens."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from portal.models import ApiToken, AuditEvent


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def audit_record(*, user, action: str, target: str = "", detail: dict | None = None, request=None) -> AuditEvent:
    """The one writer of the audit log; ``request`` adds the client's address, an anonymous user is kept as none."""
    event = AuditEvent(
        user=user if getattr(user, "pk", None) else None,
        action=action,
        target=str(target)[:200],
        detail=detail or {},
        ip_address=client_ip(request),
    )
    event.save()
    return event


DISTRICT_ADMIN_GROUP = "区级管理员"
# Self-service inside the subtree: users and their roles, organisations, regions, ratings, projects.
DISTRICT_ADMIN_PERMISSIONS = [
    *(
        f"{action}_{model}"
        for model in ("user", "profile", "organisation", "region", "starrating", "project", "dashboardpreset")
        for action in ("view", "add", "change")
    ),
    # API tokens are listed and revoked there, never issued: a key is shown only to its own user.
    "view_apitoken",
    "delete_apitoken",
]


def district_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=DISTRICT_ADMIN_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label__in=["regions", "metrics", "portal", "auth"], codename__in=DISTRICT_ADMIN_PERMISSIONS
    )
    group.permissions.set(perms)
    return group


def profile_apply_role(*, profile) -> None:
    """Give an administrator the admin site (scoped by portal.access) and take it away again."""
    from portal.models import Profile

    user = profile.user
    group = district_admin_group()
    if profile.role == Profile.Role.ADMIN:
        if not user.is_staff:
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        user.groups.add(group)
    else:
        user.groups.remove(group)
        if user.is_staff and not user.is_superuser:
            user.is_staff = False
            user.save(update_fields=["is_staff"])


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    key: str  # for the one response that shows it; nothing keeps it afterwards
    rotated: bool


def api_token_issue(*, user) -> IssuedToken:
    """Issue the user's API token, replacing the one they had; only the key's hash is stored."""
    key = ApiToken.generate_key()
    with transaction.atomic():
        rotated = ApiToken.objects.filter(user=user).delete()[0] > 0
        token = ApiToken(user=user, key_hash=ApiToken.hash_key(key), prefix=key[: ApiToken.PREFIX_LENGTH])
        token.full_clean()
        token.save()
    return IssuedToken(token=token, key=key, rotated=rotated)


def api_token_revoke(*, user) -> bool:
    """Revoke the user's API token; False when they had none."""
    return ApiToken.objects.filter(user=user).delete()[0] > 0
