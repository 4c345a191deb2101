"""The one place that decides which regions, and so which data, a user may see and change.

Every view, selector and API endpoint goes through these helpers. Another district's object
and a missing object give the same 404, so nobody learns what exists outside their scope;
a write by a user whose role cannot write gives 403.
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from portal.models import Profile
from regions.models import Region

M = TypeVar("M", bound=Model)

WRITE_ROLES = {Profile.Role.EDITOR, Profile.Role.APPROVER, Profile.Role.ADMIN}
APPROVE_ROLES = {Profile.Role.APPROVER, Profile.Role.ADMIN}


def profile_of(user) -> Profile | None:
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.profile
    except Profile.DoesNotExist:
        return None


def scope_root(user) -> Region | None:
    """The top of the user's subtree; None means the user sees no region at all."""
    profile = profile_of(user)
    if profile is not None:
        return profile.region
    if getattr(user, "is_superuser", False):
        return Region.objects.filter(parent__isnull=True).order_by("path").first()
    return None


def scope_path(user) -> str | None:
    """Path prefix of everything the user may see; '' for a superuser without a profile."""
    profile = profile_of(user)
    if profile is not None:
        return profile.region.path
    if getattr(user, "is_superuser", False):
        return ""
    return None


def role_of(user) -> str | None:
    profile = profile_of(user)
    if profile is not None:
        return profile.role
    return Profile.Role.ADMIN if getattr(user, "is_superuser", False) else None


def can_write(user) -> bool:
    return role_of(user) in WRITE_ROLES


def can_approve(user) -> bool:
    return role_of(user) in APPROVE_ROLES


def is_admin(user) -> bool:
    return role_of(user) == Profile.Role.ADMIN


def regions_visible_to(user) -> QuerySet[Region]:
    path = scope_path(user)
    if path is None:
        return Region.objects.none()
    return Region.objects.filter(path__startswith=path)


def filter_for_user(user, queryset: QuerySet[M], region_field: str = "region") -> QuerySet[M]:
    """Restrict any queryset whose rows belong to a region to the user's subtree.

    ``region_field`` is the lookup from the row to its Region; "self" for a queryset of regions.
    """
    path = scope_path(user)
    if path is None:
        return queryset.none()
    if not path:
        return queryset
    lookup = "path__startswith" if region_field == "self" else f"{region_field}__path__startswith"
    return queryset.filter(**{lookup: path})


def can_view_region(user, region: Region) -> bool:
    path = scope_path(user)
    return path is not None and region.path.startswith(path)


def can_edit_region(user, region: Region) -> bool:
    return can_write(user) and can_view_region(user, region)


def can_administer_region(user, region: Region) -> bool:
    """District administrators manage the structure of their own subtree (regions, users)."""
    return is_admin(user) and can_view_region(user, region)


def can_approve_region(user, region: Region) -> bool:
    """Approvers approve the forms of the regions strictly below their own."""
    path = scope_path(user)
    return can_approve(user) and path is not None and region.path.startswith(path) and region.path != path


def get_region_for_user(user, pk, *, write: bool = False) -> Region:
    try:
        region = regions_visible_to(user).get(pk=pk)
    except (Region.DoesNotExist, ValueError, TypeError):
        raise Http404("区域不存在或不在您的权限范围内") from None
    if write and not can_write(user):
        raise PermissionDenied("您的角色为只读，不能修改数据。")
    return region


def get_object_for_user(user, queryset: QuerySet[M], pk, *, region_field: str = "region", write: bool = False) -> M:
    """Fetch one row in the user's scope: 404 when missing or out of scope, 403 when read-only."""
    try:
        obj = filter_for_user(user, queryset, region_field).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("对象不存在或不在您的权限范围内") from None
    if write and not can_write(user):
        raise PermissionDenied("您的角色为只读，不能修改数据。")
    return obj


def require_write(user) -> None:
    if not can_write(user):
        raise PermissionDenied("您的角色为只读，不能修改数据。")


def require_approver(user) -> None:
    if not can_approve(user):
        raise PermissionDenied("只有审核员可以执行此操作。")
