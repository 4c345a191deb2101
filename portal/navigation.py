"""Breadcrumbs along the region tree, cut at the top of the user's scope."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from portal import access
from regions.models import Region


def region_breadcrumbs(user, region: Region, url_name: str, **params) -> list[dict]:
    """Crumbs from the user's scope root down to ``region``, each linking to the same page."""
    root_path = access.scope_path(user) or ""
    crumbs = []
    for node in region.ancestors(include_self=True):
        if not node.path.startswith(root_path):
            continue
        query = urlencode({"region": node.pk, **{k: v for k, v in params.items() if v not in (None, "")}})
        crumbs.append({"label": node.display_name, "url": f"{reverse(url_name)}?{query}", "region": node})
    return crumbs
