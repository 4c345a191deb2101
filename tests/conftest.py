"""Personas shared by every test: two districts of one city, their staff, and the city leader."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from metrics.models import Region
from portal.models import Profile
from tests.factories import make_user


@dataclass
class World:
    city: Region
    district_a: Region  # 川汇区
    street_a: Region
    community_a: Region
    district_b: Region  # 城乡一体化示范区
    street_b: Region
    community_b: Region


@pytest.fixture
def world(db) -> World:
    city = Region.objects.create(name="周口市", level=Region.Level.CITY, code="411600")
    district_a = Region.objects.create(name="川汇区", level=Region.Level.DISTRICT, parent=city, code="411602")
    street_a = Region.objects.create(
        name="金海路街道", level=Region.Level.STREET, parent=district_a, aliases="金海路街道办事处"
    )
    community_a = Region.objects.create(name="朱庄社区", level=Region.Level.COMMUNITY, parent=street_a)
    district_b = Region.objects.create(
        name="城乡一体化示范区", short_name="示范区", level=Region.Level.DISTRICT, parent=city
    )
    street_b = Region.objects.create(name="文昌街道", level=Region.Level.STREET, parent=district_b)
    community_b = Region.objects.create(name="景园社区", level=Region.Level.COMMUNITY, parent=street_b)
    return World(city, district_a, street_a, community_a, district_b, street_b, community_b)


@pytest.fixture
def editor_a(world):
    """District-A staff who enter figures (填报员)."""
    return make_user(world.district_a, Profile.Role.EDITOR, "editor_a")


@pytest.fixture
def street_editor_a(world):
    return make_user(world.street_a, Profile.Role.EDITOR, "street_editor_a")


@pytest.fixture
def viewer_a(world):
    """A district-A leader who may look but not write."""
    return make_user(world.district_a, Profile.Role.VIEWER, "viewer_a")


@pytest.fixture
def approver_a(world):
    return make_user(world.district_a, Profile.Role.APPROVER, "approver_a")


@pytest.fixture
def editor_b(world):
    return make_user(world.district_b, Profile.Role.EDITOR, "editor_b")


@pytest.fixture
def city_leader(world):
    return make_user(world.city, Profile.Role.VIEWER, "city_leader")


@pytest.fixture
def client_for(client):
    """Log a persona in: ``client_for(user)`` returns the logged-in test client."""

    def login(user):
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return login
