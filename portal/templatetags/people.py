"""How a page names a person: records outlive the accounts of the people who made them."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user, missing: str | None = None) -> str:
    """Full name or username; “已删除用户” (or ``missing``) once the account is gone (a null FK)."""
    if user is None:
        return missing if missing is not None else _("已删除用户")
    return user.get_full_name() or user.username
