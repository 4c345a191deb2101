"""Every page renders for every role: no server error anywhere, and the main pages answer 200."""

import pytest
from django.urls import reverse

from portal.models import Profile
from tests.factories import make_user
from tests.portal.test_scope_walk import SKIP_PREFIXES, _a_objects, _fill, _patterns

ROLES = [Profile.Role.VIEWER, Profile.Role.EDITOR, Profile.Role.APPROVER, Profile.Role.ADMIN]
MAIN_PAGES = [
    "home",
    "metrics:return_index",
    "metrics:dashboard",
    "metrics:completeness",
    "reports:list",
    "reports:exports",
    "notifications",
]


@pytest.mark.parametrize("role", ROLES)
def test_every_get_page_renders_without_error_for_every_role(world, editor_a, client_for, role):
    ids, region_a = _a_objects(world, editor_a)
    user = make_user(world.district_a, role, f"smoke_{role}")
    client = client_for(user)
    for name in MAIN_PAGES:
        response = client.get(reverse(name), {"region": region_a.pk})
        assert response.status_code == 200, (name, response.status_code)
    errors = []
    for route, entry in _patterns():
        if route.startswith(SKIP_PREFIXES):
            continue
        has_args = bool(getattr(entry.pattern, "converters", {}))
        for obj_id in sorted(ids) if has_args else [None]:
            url = _fill(route, entry, obj_id) if has_args else "/" + route.replace("^", "").replace("$", "")
            if url is None:
                continue
            response = client.get(url, {"region": region_a.pk})
            if response.status_code >= 500:
                errors.append(f"GET {url} -> {response.status_code}")
    assert errors == []
