"""Writes of the portal app: what a district administrator may do follows from the role."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission

DISTRICT_ADMIN_GROUP = "区级管理员"
# Self-service inside the subtree: users and their roles, organisations, regions, ratings, projects.
DISTRICT_ADMIN_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("user", "profile", "organisation", "region", "starrating", "project", "dashboardpreset")
    for action in ("view", "add", "change")
]


def district_admin_group() -> Group:
    group, _ = Group.objects.get_or_create(name=DISTRICT_ADMIN_GROUP)
    perms = Permission.objects.filter(
        content_type__app_label__in=["metrics", "portal", "auth"], codename__in=DISTRICT_ADMIN_PERMISSIONS
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
