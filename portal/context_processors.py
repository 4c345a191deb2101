"""Navigation shared by every page: main sections (shown only once their URLs exist), role and scope."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from portal import access

NAV = [
    ("home", _("首页")),
    ("metrics:return_index", _("数据填报")),
    ("reports:list", _("新闻报道")),
    ("metrics:dashboard", _("数据看板")),
    ("reports:exports", _("导出")),
]


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    items = []
    for name, label in NAV:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue  # a section appears only once it exists
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"url": url, "label": label, "active": active})
    if access.is_admin(user) or user.is_staff:
        items.append({"url": reverse("admin:index"), "label": _("管理"), "active": request.path.startswith("/admin")})
    return {
        "nav_items": items,
        "scope_root": access.scope_root(user),
        "user_role": access.role_of(user),
        "can_write": access.can_write(user),
        "can_approve": access.can_approve(user),
        "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
    }
