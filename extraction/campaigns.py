"""Campaigns named in a report: the built-in common ones plus those configured in the product."""

from __future__ import annotations

import re
from typing import Any

from .specs import CampaignSpec

BUILTIN_CAMPAIGNS: tuple[CampaignSpec, ...] = (
    CampaignSpec(
        "five_star_branch",
        "“五星”支部创建",
        ("“五星”支部创建", "“五星”支部", "五星支部", "五星党支部", "“五星”党支部", "争创“五星”支部", "创“星”"),
    ),
    CampaignSpec("red_property", "“红色物业”", ("“红色物业”", "红色物业")),
    CampaignSpec("theme_education", "主题教育", ("主题教育",)),
    CampaignSpec(
        "civilized_city",
        "全国文明城市创建",
        ("全国文明城市创建", "创建全国文明城市", "文明城市创建", "创建文明城市", "“创文”", "创文"),
    ),
    CampaignSpec("home_visits", "入户大走访", ("入户大走访", "大走访", "万名干部进万家", "千人进千村")),
    CampaignSpec("party_history_education", "党史学习教育", ("党史学习教育",)),
    CampaignSpec("practical_deeds", "我为群众办实事", ("我为群众办实事", "为群众办实事")),
    CampaignSpec("four_to_grassroots", "“四下基层”", ("“四下基层”", "四下基层")),
    CampaignSpec("double_report", "“双报到”", ("“双报到”", "双报到", "双报到双服务")),
    CampaignSpec("knock_door", "“敲门行动”", ("“敲门行动”", "敲门行动")),
    CampaignSpec(
        "three_projects_one_management", "“三项工程、一项管理”", ("“三项工程、一项管理”", "三项工程、一项管理")
    ),
    CampaignSpec("rural_revitalization", "乡村振兴", ("乡村振兴",)),
    CampaignSpec("learn_from_leifeng", "学雷锋志愿服务", ("学雷锋",)),
)


class CampaignMatcher:
    """Finds campaign names; configured campaigns extend or override the built-in list by code."""

    def __init__(self, campaigns: list[CampaignSpec] | None = None) -> None:
        by_code = {c.code: c for c in BUILTIN_CAMPAIGNS}
        for c in campaigns or ():
            base = by_code.get(c.code)
            aliases = tuple(dict.fromkeys((c.name, *c.aliases, *(base.aliases if base else ()))))
            by_code[c.code] = CampaignSpec(c.code, c.name, aliases)
        self.names: dict[str, CampaignSpec] = {}
        for spec in by_code.values():
            for alias in (spec.name, *spec.aliases):
                alias = (alias or "").strip()
                if len(alias) >= 2:
                    self.names.setdefault(alias, spec)
        ordered = sorted(self.names, key=len, reverse=True)
        self.pattern = re.compile("|".join(re.escape(a) for a in ordered)) if ordered else None

    def find(self, text: str) -> list[tuple[int, int, CampaignSpec]]:
        if self.pattern is None:
            return []
        return [(m.start(), m.end(), self.names[m.group()]) for m in self.pattern.finditer(text)]

    @staticmethod
    def record(spec: CampaignSpec, start: int, end: int) -> dict[str, Any]:
        return {"code": spec.code, "name": spec.name, "start": start, "end": end}
