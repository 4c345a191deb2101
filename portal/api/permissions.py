"""DRF permissions that defer to portal.access, so the API and the pages share one scope rule."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from portal import access


class ScopedAccess(BasePermission):
    """Signed-in users read within their subtree; only writing roles may change anything.

    Which rows a user reaches is decided by each view's queryset (``access.filter_for_user``),
    so another district's object is a 404; this class only answers "may this role write".
    """

    message = "您的角色为只读，不能修改数据。"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if request.method in SAFE_METHODS:
            return True
        return access.can_write(user)
