"""Reads of the region tree: the one resolver of a place name to its region."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.db.models import Q

from regions.models import Region


class RegionNameError(ValueError):
    """A name that means no region or more than one; ``str(error)`` is the Chinese message."""


def regions_named(*, name: str, among: Iterable[Region] | None = None) -> list[Region]:
    """Every region a name may mean, by path: its name, a name qualified by its ancestors
    ("周口市城乡一体化示范区"), else its short name or an alias.

    ``among`` (regions loaded with their parents, such as a user's) limits the answer to those and
    answers from memory: a spreadsheet resolves thousands of rows without a query each. A name
    qualified there by ancestors above them and their parents does not resolve.
    """
    # Names typed in spreadsheets and forms come with full-width letters and digits (第１网格) and a
    # bracketed note (金海路街道（川汇区）): folded, and the note tried off when the name alone fails.
    text = "".join(unicodedata.normalize("NFKC", name or "").split())
    if not text:
        return []
    among = list(among) if among is not None else None
    bare = _TRAILING_NOTE.sub("", text)
    found = _regions_named(text, among)
    return found if found or bare == text or not bare else _regions_named(bare, among)


_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]$")


def _regions_named(text: str, among: list[Region] | None) -> list[Region]:
    suffixes = {text[i:] for i in range(len(text))}
    if among is None:
        found = list(Region.objects.filter(name__in=suffixes).select_related("parent"))
        above = {p for r in found for p in r.ancestor_paths(include_self=False)}
        ancestors = {r.path: r for r in Region.objects.filter(path__in=above)}
    else:
        found = [r for r in among if r.name in suffixes]
        ancestors = {r.parent.path: r.parent for r in among if r.parent_id} | {r.path: r for r in among}
    exact = [r for r in found if r.name == text or _qualified(text, r, ancestors)]
    if not exact:
        if among is None:
            among = Region.objects.filter(Q(short_name=text) | Q(aliases__contains=text)).select_related("parent")
        exact = [r for r in among if text in r.alias_list()]
    return sorted(exact, key=lambda r: r.path)


def region_by_name(*, name: str) -> Region:
    """The one region a name means; an unknown or ambiguous name raises RegionNameError listing the candidates."""
    text = "".join((name or "").split())
    if not text:
        raise RegionNameError("请给出区域名称")
    exact = regions_named(name=text)
    if len(exact) == 1:
        return exact[0]
    if not exact:
        raise RegionNameError(f"找不到区域“{name}”。")
    cities = {r.path: r for r in Region.objects.filter(path__in={r.path[:6] for r in exact})}
    listed = "、".join(f"{r.display_name}（{_city_of(r, cities)}）" for r in exact)
    example = next((r.display_name for r in exact if r.display_name != r.name), f"{_city_of(exact[0], cities)}{text}")
    raise RegionNameError(f"区域名称“{name}”不唯一，可能是：{listed}。请写明所属上级，如“{example}”。")


def _city_of(region: Region, cities: dict[str, Region]) -> str:
    city = cities.get(region.path[:6])
    return city.name if city else ""


def _qualified(text: str, region: Region, ancestors: dict[str, Region]) -> bool:
    """Whether ``text`` is the region's name preceded by the names of its nearest ancestors."""
    if not text.endswith(region.name):
        return False
    rest = text[: -len(region.name)]
    chain = [ancestors.get(p) for p in reversed(region.ancestor_paths(include_self=False))]
    for ancestor in chain:
        if not rest:
            return True
        if ancestor is None:
            return False
        for option in (ancestor.name, *ancestor.alias_list()):
            if option and rest.endswith(option):
                rest = rest[: -len(option)]
                break
        else:
            return False
    return not rest
