"""The process-wide extractor is built once from the catalogue and rebuilt only when it changes."""

import pytest

from metrics.models import Campaign
from regions.models import Region
from reports.engine import catalogue_specs, get_extractor

pytestmark = pytest.mark.django_db


def test_extractor_is_reused_until_the_catalogue_changes(world):
    first = get_extractor()
    assert get_extractor() is first
    Region.objects.create(name="新建社区", level=Region.Level.COMMUNITY, parent=world.street_a)
    second = get_extractor()
    assert second is not first
    Campaign.objects.filter(pk=Campaign.objects.first().pk).update(aliases="新别名")
    assert get_extractor() is not second


def test_places_are_keyed_by_pk_with_their_short_names_and_aliases(world):
    _, places, _ = catalogue_specs()
    by_key = {p.key: p for p in places}
    b = by_key[str(world.district_b.pk)]
    assert b.name == "城乡一体化示范区" and "示范区" in b.aliases
    assert b.parent_key == str(world.city.pk) and b.level == "district"
    assert "金海路街道办事处" in by_key[str(world.street_a.pk)].aliases


def test_a_renamed_region_rebuilds_the_extractor_without_rereading_the_tree_each_time(
    world, django_assert_max_num_queries
):
    first = get_extractor()
    with django_assert_max_num_queries(3):  # indicators, campaigns, the tree's version: never the tree itself
        assert get_extractor() is first
    world.street_a.name = "人和街道"
    world.street_a.save()
    assert get_extractor() is not first
