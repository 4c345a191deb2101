"""The one place-name resolver, asked against the database or against regions already loaded."""

from regions.models import Region
from regions.selectors import regions_named


def test_among_answers_from_the_loaded_regions_without_a_query(world, django_assert_num_queries):
    mine = list(world.district_a.descendants().select_related("parent"))
    with django_assert_num_queries(0):
        assert regions_named(name="金海路街道办事处", among=mine) == [world.street_a]  # an alias
        assert regions_named(name="川汇区 金海路街道", among=mine) == [world.street_a]  # qualified
        assert regions_named(name="景园社区", among=mine) == []  # district B's, not among them


def test_among_finds_what_the_database_finds_within_it(world):
    twin = Region.objects.create(name="朱庄社区", level=Region.Level.COMMUNITY, parent=world.street_b)
    everything = list(Region.objects.select_related("parent"))
    assert regions_named(name="朱庄社区") == regions_named(name="朱庄社区", among=everything)
    assert regions_named(name="朱庄社区", among=everything) == [world.community_a, twin]
    assert regions_named(name="文昌街道朱庄社区", among=everything) == [twin]
    assert regions_named(name="示范区文昌街道朱庄社区", among=everything) == [twin]


def test_names_typed_with_full_width_characters_or_a_bracketed_note_resolve(world):
    grid = Region.objects.create(name="第1网格", level=Region.Level.COMMUNITY, parent=world.street_a)
    assert regions_named(name="第１网格") == [grid]  # full-width digit, as typed in a spreadsheet
    assert regions_named(name="金海路街道（川汇区）") == [world.street_a]
    assert regions_named(name="金海路街道(备注)", among=(r for r in [world.street_a, grid])) == [world.street_a]
