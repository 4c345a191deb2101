"""The scope rules for every role, decided in portal.access."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from portal import access
from regions.models import Region


def test_district_users_see_their_subtree_only(world, editor_a, editor_b):
    seen_a = set(access.regions_visible_to(editor_a).values_list("name", flat=True))
    assert seen_a == {"川汇区", "金海路街道", "朱庄社区"}
    assert "川汇区" not in set(access.regions_visible_to(editor_b).values_list("name", flat=True))


def test_city_leader_sees_both_districts_but_cannot_write(world, city_leader):
    seen = set(access.regions_visible_to(city_leader).values_list("name", flat=True))
    assert {"川汇区", "城乡一体化示范区", "朱庄社区", "景园社区"} <= seen
    assert not access.can_write(city_leader)


def test_other_districts_object_looks_missing(world, editor_b):
    with pytest.raises(Http404):
        access.get_region_for_user(editor_b, world.community_a.pk)
    with pytest.raises(Http404):
        access.get_region_for_user(editor_b, 999999)


def test_viewer_cannot_write_inside_own_scope(world, viewer_a):
    assert access.get_region_for_user(viewer_a, world.community_a.pk) == world.community_a
    with pytest.raises(PermissionDenied):
        access.get_region_for_user(viewer_a, world.community_a.pk, write=True)


def test_approver_approves_below_own_region_only(world, approver_a, editor_a):
    assert access.can_approve_region(approver_a, world.street_a)
    assert not access.can_approve_region(approver_a, world.district_a)
    assert not access.can_approve_region(approver_a, world.street_b)
    assert not access.can_approve_region(editor_a, world.street_a)


def test_user_without_profile_sees_nothing(db, django_user_model):
    user = django_user_model.objects.create_user("nobody", password="x-Long-pass-1")
    assert access.regions_visible_to(user).count() == 0
    assert access.filter_for_user(user, Region.objects.all()).count() == 0


def test_superuser_without_profile_sees_everything(world, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x-Long-pass-1")
    assert access.regions_visible_to(root).count() == Region.objects.count()
