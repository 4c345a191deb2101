"""The region tree: materialised paths, subtree queries in one query, moves."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from regions.models import Region


def test_descendants_is_the_whole_subtree_in_one_query(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        names = set(world.district_a.descendants().values_list("name", flat=True))
    assert names == {"川汇区", "金海路街道", "朱庄社区"}
    assert "川汇区" not in set(world.district_a.descendants(include_self=False).values_list("name", flat=True))


def test_ancestors_walk_up_to_the_city(world):
    assert [r.name for r in world.community_a.ancestors()] == ["周口市", "川汇区", "金海路街道"]
    assert world.community_a.is_within(world.district_a)
    assert not world.community_a.is_within(world.district_b)


def test_sibling_prefixes_do_not_leak_between_subtrees(world):
    # Path steps are fixed-width, so child 1 never matches child 10's prefix.
    extra = [Region.objects.create(name=f"社区{i}", level="community", parent=world.street_a) for i in range(12)]
    assert world.street_a.descendants().count() == 14
    assert extra[0].descendants().count() == 1


def test_moving_a_region_moves_its_subtree(world):
    world.street_a.parent = world.district_b
    world.street_a.save()
    world.community_a.refresh_from_db()
    assert world.community_a.is_within(world.district_b)
    assert not world.community_a.is_within(world.district_a)
    assert world.district_a.descendants().count() == 1


def test_a_region_cannot_become_its_own_descendant(world):
    world.district_a.parent = world.community_a
    with pytest.raises(ValidationError):
        world.district_a.full_clean()


def test_names_are_unique_among_siblings_but_not_across_cities(world):
    other_city = Region.objects.create(name="鹤壁市", level="city")
    Region.objects.create(name="城乡一体化示范区", level="district", parent=other_city)
    assert Region.objects.filter(name="城乡一体化示范区").count() == 2
    with pytest.raises(IntegrityError):
        Region.objects.create(name="川汇区", level="district", parent=world.city)


def test_display_name_keeps_the_two_demonstration_zones_apart(world):
    other_city = Region.objects.create(name="鹤壁市", level="city")
    hebi = Region.objects.create(name="城乡一体化示范区", level="district", parent=other_city)
    assert world.district_b.display_name == "周口市城乡一体化示范区"
    assert hebi.display_name == "鹤壁市城乡一体化示范区"
