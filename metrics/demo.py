"""Deterministic demo data: the real places behind the sample reports, their organisations,
campaigns, projects, 36 months of plausible figures with approvals in various states, and
demo users for every role. ``load_demo`` calls :func:`load_demo`; running it twice is safe.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from metrics.catalogue import DATASETS, sync_catalogue
from metrics.models import Campaign, CampaignTarget, DataSet, DataValue, Indicator, MonthlyReturn, Project
from metrics.periods import MONTH, Period
from metrics.services import RegionImportError, region_gazetteer, region_import_subtree
from portal.models import Profile
from regions.models import Organisation, Region, StarDefinition, StarRating

DEMO_PASSWORD = "Dangjian@2026"  # noqa: S105 - printed for demo users, never used in production
SEED = 20231
MONTHS = 36  # three years, so that last year's briefing compares with a whole year before it

# (name, short name, aliases, division code, children); a child tuple of one string is a leaf.
# The 示范区 are no administrative divisions, so they carry no 区划代码 (411671 and 410671 are the
# 经济技术开发区 of those cities): an import by code would otherwise graft those zones' streets on.
# Aliases hold the gazetteer's names where the demo's differ (小乔/小桥, 陈州/陈州回族, 孙嘴/孙咀),
# so that importing the real subtree matches these rows instead of adding a second one.
TREE = [
    (
        "周口市",
        "",
        "",
        "411600",
        [
            (
                "城乡一体化示范区",
                "示范区",
                "周口市城乡一体化示范区,市城乡一体化示范区,周口示范区",
                "",
                [
                    (
                        "文昌街道",
                        "",
                        "文昌街道办事处",
                        "",
                        ["中原社区", "景园社区", "建业社区", "碧桂园社区", "天明社区"],
                    ),
                    ("搬口街道", "", "搬口街道办事处", "", ["丰和社区", "庆丰社区", "罗庄社区", "曾庄村", "石庄村"]),
                    ("许湾街道", "", "许湾街道办事处,许湾乡", "", ["孔庄村", "许湾村", "朱集村"]),
                ],
            ),
            (
                "川汇区",
                "",
                "周口市川汇区",
                "411602",
                [
                    (
                        "金海路街道",
                        "",
                        "金海路街道办事处",
                        "",
                        ["朱庄社区", "德化社区", ("孙嘴村", "", "孙咀村", "", [])],
                    ),
                    ("小乔街道", "", "小乔街道办事处,小桥街道", "", ["北花园社区", "小乔社区"]),
                    ("陈州街道", "", "陈州街道办事处,陈州回族街道", "", ["宁庄社区", "陈州社区"]),
                    ("城北街道", "", "城北街道办事处", "", ["北关社区", "西寨社区"]),
                    ("七一路街道", "", "七一路街道办事处", "", ["七一路社区", "五一路社区"]),
                    ("城南街道", "", "城南街道办事处", "", ["南关社区", "大庆路社区"]),
                    ("人和街道", "", "人和街道办事处", "", ["人和社区", "和平社区"]),
                ],
            ),
        ],
    ),
    (
        "郑州市",
        "",
        "",
        "410100",
        [
            (
                "中原区",
                "",
                "郑州市中原区",
                "410102",
                [
                    ("桐柏路街道", "", "桐柏路街道办事处", "", ["西站东社区", "桐柏社区", "工人新村社区"]),
                    ("中原西路街道", "", "中原西路街道办事处", "", ["保利心语社区", "西流湖社区"]),
                    ("须水街道", "", "须水街道办事处", "", ["付庄村", "段庄村", "须水村"]),
                    ("航海西路街道", "", "航海西路街道办事处", "", ["航海社区", "冉屯社区"]),
                    ("林山寨街道", "", "林山寨街道办事处", "", ["林山寨社区", "秦岭社区"]),
                ],
            ),
        ],
    ),
    (
        "鹤壁市",
        "",
        "",
        "410600",
        [
            (
                "城乡一体化示范区",
                "示范区",
                "鹤壁市城乡一体化示范区,鹤壁示范区",
                "",
                [
                    ("古城街道", "", "古城街道办事处", "", ["古城社区", "兴鹤社区"]),
                    ("朝阳街道", "", "朝阳街道办事处", "", ["朝阳社区", "天赉社区"]),
                ],
            ),
        ],
    ),
]

LEVELS = [Region.Level.CITY, Region.Level.DISTRICT, Region.Level.STREET, Region.Level.COMMUNITY]
# Real districts whose whole subtree comes from the national gazetteer, around the hand-made rows.
REAL_DISTRICTS = [("周口市", "川汇区"), ("郑州市", "中原区")]


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    region_path: tuple[str, ...]
    role: str
    staff: bool = False


USERS = [
    DemoUser("zk_leader", "周口市领导", ("周口市",), Profile.Role.VIEWER),
    DemoUser("zk_approver", "周口市审核员", ("周口市",), Profile.Role.APPROVER),
    DemoUser("sfq_admin", "示范区管理员", ("周口市", "城乡一体化示范区"), Profile.Role.ADMIN, staff=True),
    DemoUser("sfq_approver", "示范区审核员", ("周口市", "城乡一体化示范区"), Profile.Role.APPROVER),
    DemoUser("wenchang_editor", "文昌街道填报员", ("周口市", "城乡一体化示范区", "文昌街道"), Profile.Role.EDITOR),
    DemoUser(
        "jingyuan_editor", "景园社区填报员", ("周口市", "城乡一体化示范区", "文昌街道", "景园社区"), Profile.Role.EDITOR
    ),
    DemoUser("chuanhui_approver", "川汇区审核员", ("周口市", "川汇区"), Profile.Role.APPROVER),
    DemoUser("jinhailu_editor", "金海路街道填报员", ("周口市", "川汇区", "金海路街道"), Profile.Role.EDITOR),
    DemoUser("zhongyuan_leader", "中原区领导", ("郑州市", "中原区"), Profile.Role.VIEWER),
    DemoUser("zhongyuan_admin", "中原区管理员", ("郑州市", "中原区"), Profile.Role.ADMIN, staff=True),
    DemoUser("zhongyuan_approver", "中原区审核员", ("郑州市", "中原区"), Profile.Role.APPROVER),
    DemoUser("tongbailu_editor", "桐柏路街道填报员", ("郑州市", "中原区", "桐柏路街道"), Profile.Role.EDITOR),
    DemoUser("hebi_editor", "鹤壁示范区填报员", ("鹤壁市", "城乡一体化示范区"), Profile.Role.EDITOR),
]

# Typical monthly level per community for flows, and the stock ranges.
FLOW_MEANS = {
    "events_held": 4,
    "event_participants": 90,
    "members_mobilized": 25,
    "households_visited": 60,
    "people_visited": 150,
    "problems_collected": 12,
    "problems_solved": 10,
    "masses_mobilized": 40,
    "beneficiaries": 120,
    "materials_distributed": 200,
    "projects": 0.4,
    "projects_completed": 0.3,
    "investment": 600000,
    "funds_disbursed": 80000,
    "jobs": 6,
    "model_units": 0.2,
}
# Spring Festival and the summer heat mean fewer activities in February and August.
SEASON = {1: 0.9, 2: 0.55, 3: 1.0, 4: 1.05, 5: 1.0, 6: 1.1, 7: 0.95, 8: 0.75, 9: 1.0, 10: 0.9, 11: 1.05, 12: 1.15}


def load_demo_world(*, today: date | None = None, stdout=None) -> list[tuple[str, str, str, str]]:
    """Build the demo world without its news reports (reports.demo.load_demo adds them); returns
    (username, password, role, region) rows for printing."""
    today = today or timezone.localdate()
    rng = random.Random(SEED)
    with transaction.atomic():
        sync_catalogue()
        regions = _build_regions()
        regions |= _import_real_subtrees(regions, stdout)
        orgs = _build_organisations(rng, regions, today)
        _build_stars(rng, orgs, today.year)
        _build_campaigns(regions, today.year)
        _build_projects(rng, regions, orgs, today)
        users = _build_users(regions)
        _build_values(rng, regions, today, users)
    return [(u.username, DEMO_PASSWORD, Profile.Role(u.role).label, " / ".join(u.region_path)) for u in USERS]


def _build_regions() -> dict[tuple[str, ...], Region]:
    regions: dict[tuple[str, ...], Region] = {}

    def visit(node, parent: Region | None, key: tuple[str, ...], depth: int) -> None:
        if isinstance(node, str):
            name, short, aliases, code, children = node, "", "", "", []
        else:
            name, short, aliases, code, children = node
        region = Region.objects.filter(parent=parent, name=name).first() or Region(parent=parent, name=name)
        region.short_name, region.aliases, region.code, region.level = short, aliases, code, LEVELS[depth]
        region.save()
        regions[(*key, name)] = region
        for child in children:
            visit(child, region, (*key, name), depth + 1)

    for city in TREE:
        visit(city, None, (), 0)
    return regions


def _import_real_subtrees(regions, stdout) -> dict[tuple[str, ...], Region]:
    """The gazetteer's streets and communities of the real districts, keyed like ``_build_regions``."""
    try:
        gazetteer = region_gazetteer()
    except RegionImportError:  # without the data package the demo keeps its hand-made tree
        return {}
    imported: dict[tuple[str, ...], Region] = {}
    for key in REAL_DISTRICTS:
        district = regions[key]
        division = gazetteer.division(gazetteer.find(district.code))
        result = region_import_subtree(division=division, parent=district.parent)
        if stdout is not None:
            stdout.write(result.summary())
        names = {r.path: r.name for r in district.ancestors(include_self=True)}
        for region in district.descendants(include_self=False):
            names[region.path] = region.name
            imported[tuple(names[p] for p in region.ancestor_paths())] = region
    return imported


def _build_organisations(rng: random.Random, regions, today: date) -> dict[tuple[str, ...], Organisation]:
    orgs: dict[tuple[str, ...], Organisation] = {}
    for key, region in sorted(regions.items(), key=lambda kv: kv[1].path):
        parent_org = orgs.get(key[:-1])
        if region.level == Region.Level.CITY:
            continue
        if region.level == Region.Level.DISTRICT:
            name = f"{region.display_name}党工委" if "示范区" in region.name else f"中共{region.name}委员会"
            kind, category, members = Organisation.Kind.COMMITTEE, Organisation.Category.ORGAN, rng.randint(3000, 9000)
        elif region.level == Region.Level.STREET:
            name, kind, category = f"{region.name}党工委", Organisation.Kind.COMMITTEE, Organisation.Category.ORGAN
            members = rng.randint(400, 1600)
        else:
            rural = region.name.endswith("村")
            kind = Organisation.Kind.BRANCH if rng.random() < 0.5 else Organisation.Kind.GENERAL_BRANCH
            name = f"{region.name}{'党支部' if kind == Organisation.Kind.BRANCH else '党总支'}"
            category = Organisation.Category.RURAL if rural else Organisation.Category.COMMUNITY
            members = rng.randint(25, 180)
        # Spread elections so that some fall due within 90 days and a few are overdue.
        years = Organisation.TERM_YEARS[kind]
        due = today + timedelta(days=rng.randint(-60, 3 * 365))
        last = (
            due.replace(year=due.year - years)
            if not (due.month == 2 and due.day == 29)
            else due - timedelta(days=365 * years)
        )
        org, _ = Organisation.objects.update_or_create(
            region=region,
            name=name,
            defaults=dict(
                kind=kind,
                category=category,
                parent=parent_org,
                member_count=members,
                last_election=last,
                next_election_due=due,
            ),
        )
        orgs[key] = org
    return orgs


def _build_stars(rng: random.Random, orgs, year: int) -> None:
    stars = {s: list(StarDefinition.objects.filter(scheme=s, active=True)) for s in ("rural", "urban")}
    for org in orgs.values():
        if org.category not in (Organisation.Category.RURAL, Organisation.Category.COMMUNITY):
            continue
        scheme = "rural" if org.category == Organisation.Category.RURAL else "urban"
        strength = rng.random()
        for y in (year - 1, year):
            for star in stars[scheme]:
                awarded = rng.random() < 0.35 + 0.5 * strength + (0.08 if y == year else 0)
                StarRating.objects.update_or_create(
                    organisation=org,
                    year=y,
                    star=star,
                    defaults=dict(
                        status=StarRating.Status.AWARDED if awarded else StarRating.Status.NOT_AWARDED,
                        evidence=f"{y}年度评定：{'达到' if awarded else '未达到'}{star.name}标准",
                        rated_at=date(y, 12, 20) if y < year else date(y, 6, 30),
                    ),
                )


def _build_campaigns(regions, year: int) -> None:
    districts = [r for r in regions.values() if r.level == Region.Level.DISTRICT]
    dates = {
        "five_star": (date(2022, 3, 1), None),
        "red_property": (date(2021, 6, 1), None),
        "theme_education": (date(2023, 4, 1), date(2024, 1, 31)),
        "civilized_city": (date(2021, 1, 1), date(year, 12, 31)),
        "home_visits": (date(year, 1, 1), date(year, 12, 31)),
    }
    targets = {
        "home_visits": ("households_visited", 3000),
        "five_star": ("model_units", 6),
        "red_property": ("service_centers", 20),
    }
    for campaign in Campaign.objects.filter(code__in=dates):
        campaign.start, campaign.end = dates[campaign.code]
        campaign.save(update_fields=["start", "end"])
        campaign.regions.set(districts)
        if campaign.code in targets:
            code, per_district = targets[campaign.code]
            indicator = Indicator.objects.get(code=code)
            for district in districts:
                streets = district.children.count()
                CampaignTarget.objects.update_or_create(
                    campaign=campaign,
                    indicator=indicator,
                    region=district,
                    defaults={"target": Decimal(per_district * max(streets, 1))},
                )


def _build_projects(rng: random.Random, regions, orgs, today: date) -> None:
    names = [
        "党群服务中心改造提升",
        "老旧小区改造",
        "“红色物业”示范小区建设",
        "村级集体经济产业园",
        "口袋公园建设",
        "便民服务站新建",
        "背街小巷整治",
        "乡村振兴示范村建设",
    ]
    campaigns = {c.code: c for c in Campaign.objects.all()}
    for key, region in regions.items():
        if region.level != Region.Level.STREET:
            continue
        for i in range(2):
            name = f"{region.name}{names[(len(key[-1]) * 3 + i) % len(names)]}"
            planned = Decimal(rng.randrange(50, 900) * 10000)
            status = rng.choice(list(Project.Status))
            progress = {
                "planned": 0,
                "in_progress": rng.randint(10, 90),
                "completed": 100,
                "suspended": rng.randint(5, 50),
            }[status]
            start = today.replace(day=1) - timedelta(days=rng.randint(60, 500))
            Project.objects.update_or_create(
                region=region,
                name=name,
                defaults=dict(
                    lead_organisation=orgs.get(key),
                    campaign=campaigns.get("red_property" if i else "five_star"),
                    planned_investment=planned,
                    actual_investment=(planned * progress / 100).quantize(Decimal("1")),
                    status=status,
                    progress=progress,
                    start_date=start,
                    end_date=start + timedelta(days=365) if status == "completed" else None,
                ),
            )


def _build_users(regions) -> dict[str, object]:
    User = get_user_model()
    users = {}
    admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.first_name = "系统管理员"
        admin.save()
    for spec in USERS:
        user, created = User.objects.get_or_create(username=spec.username)
        user.first_name = spec.full_name
        user.is_staff = spec.staff
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        Profile.objects.update_or_create(user=user, defaults={"region": regions[spec.region_path], "role": spec.role})
        users[spec.username] = user
    return users


def _build_values(rng: random.Random, regions, today: date, users) -> None:
    """36 months of figures for every form each region reports, with returns in all states."""
    last_month = Period.containing(today).previous()
    months = [last_month.start]
    for _ in range(MONTHS - 1):
        months.append(Period(MONTH, months[-1]).previous().start)
    months.reverse()
    indicators = {i.code: i for i in Indicator.objects.all()}
    datasets = {d.code: d for d in DataSet.objects.all()}
    spec_codes = {code: codes for code, _, _, codes in DATASETS}
    existing = set(MonthlyReturn.objects.filter(month__in=months).values_list("region_id", "dataset_id", "month"))
    now = timezone.now()
    new_returns: list[MonthlyReturn] = []
    new_values: list[DataValue] = []
    # Children first: a street's or district's own figure is its total (the covering rule), so it
    # is the sum of what its children state, and it is not approved before they are.
    drawn: dict[tuple[int, str, date], float] = {}
    states: dict[tuple[int, str, date], str] = {}
    children: dict[int, list[int]] = {}
    for region in regions.values():
        if region.parent_id:
            children.setdefault(region.parent_id, []).append(region.pk)
    for region in sorted(regions.values(), key=lambda r: (-r.depth, r.path)):
        for ds_code, ds in datasets.items():
            if region.level not in ds.levels:
                continue
            codes = spec_codes[ds_code]
            kids = [k for k in children.get(region.pk, []) if any((k, c, months[0]) in drawn for c in codes)]
            # One generator per form series, so a second run draws the same figures and gaps.
            rng = random.Random(f"{SEED}:{region.path}:{ds_code}")
            size = 0.5 + rng.random() * 1.5  # some communities are simply bigger
            members = rng.randint(30, 260)
            for idx, month in enumerate(months):
                # Draw everything before deciding to skip, so reruns see the same sequence.
                gap = rng.random() < 0.02 and idx < len(months) - 1  # a month nobody reported
                status, reason, locked = _return_state(rng, idx, len(months))
                figures = {code: _figure(rng, code, month, size, members, idx) for code in spec_codes[ds_code]}
                if kids:
                    figures = {code: _total(code, [drawn.get((k, code, month)) for k in kids]) for code in figures}
                    child_states = {states.get((k, ds_code, month)) for k in kids}
                    if status == "approved" and not child_states <= {"approved", "waived"}:
                        status, locked = "submitted", False
                for code, figure in figures.items():
                    drawn[(region.pk, code, month)] = figure
                states[(region.pk, ds_code, month)] = "waived" if gap else status
                # Most forms arrive a few days before the deadline; about one in eight is late.
                deadline = ds.deadline_for(month)
                offset = rng.randint(1, 6) if rng.random() < 0.12 else -rng.randint(0, 8)
                submitted = _at(min(deadline + timedelta(days=offset), today), hour=9 + rng.randint(0, 8))
                approved = _at(min(deadline + timedelta(days=offset + rng.randint(1, 5)), today), hour=15)
                if (region.pk, ds.pk, month) in existing or status is None:
                    continue
                if gap:  # a month the approver excused: shown as 免报 with its reason, not as missing
                    reason = "换届选举期间，本月免报。"
                    new_returns.append(
                        MonthlyReturn(region=region, dataset=ds, month=month, waived=True, waiver_reason=reason)
                    )
                    continue
                ret = MonthlyReturn(
                    region=region,
                    dataset=ds,
                    month=month,
                    status=status,
                    status_reason=reason,
                    locked=locked,
                    lock_reason=MonthlyReturn.LockReason.APPROVAL if locked else "",
                    submitted_at=submitted if status != "draft" else None,
                    approved_at=max(approved, submitted) if status == "approved" else None,
                )
                new_returns.append(ret)
                value_status = {
                    "draft": "draft",
                    "returned": "draft",
                    "submitted": "submitted",
                    "approved": "approved",
                }[status]
                for code, value in figures.items():
                    new_values.append(
                        DataValue(
                            indicator=indicators[code],
                            region=region,
                            period_type=MONTH,
                            period_start=month,
                            value=Decimal(value),
                            source=DataValue.Source.RETURN,
                            status=value_status,
                            monthly_return=ret,
                            updated_at=now,
                        )
                    )
    # Forms in bulk, then their figures: the gazetteer's communities make this tens of thousands of rows.
    MonthlyReturn.objects.bulk_create(new_returns, batch_size=2000)
    DataValue.objects.bulk_create(new_values, batch_size=2000, ignore_conflicts=True)


def _total(code: str, parts: list) -> float:
    """A parent's figure from its children's: rates are averaged, everything else added up."""
    known = [p for p in parts if p is not None]
    if not known:
        return 0
    if code == "rate":
        return round(sum(known) / len(known), 2)
    return sum(known)


def _at(day: date, hour: int):
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=timezone.get_current_timezone())


def _return_state(rng: random.Random, idx: int, count: int):
    age = count - 1 - idx  # 0 = last month
    if age >= 3:
        return "approved", "", True
    roll = rng.random()
    if age == 0:
        if roll < 0.15:
            return None, "", False
        if roll < 0.45:
            return "draft", "", False
        if roll < 0.55:
            return "returned", "请核实走访户数与上月差异较大的原因。", False
        if roll < 0.8:
            return "submitted", "", False
        return "approved", "", True
    if roll < 0.2:
        return "submitted", "", False
    return "approved", "", True


def _figure(rng: random.Random, code: str, month: date, size: float, members: int, idx: int):
    if code == "party_orgs":
        return 1 + int(size * 1.5)
    if code == "party_members":
        return members + idx // 6
    if code == "full_members":
        return members + idx // 6 - rng.randint(0, 4)
    if code == "service_centers":
        return 1 + (1 if size > 1.6 else 0)
    if code == "enterprises":
        return int(20 * size) + idx // 4
    if code == "rate":
        return round(92 + rng.random() * 7.5, 2)
    mean = FLOW_MEANS[code] * size * SEASON[month.month]
    value = _skewed_count(rng, mean)
    if code in ("investment", "funds_disbursed"):
        return value - value % 100
    return value


def _skewed_count(rng: random.Random, mean: float) -> int:
    """A gamma-Poisson draw: small, skewed counts with many zeros when the mean is small."""
    if mean <= 0:
        return 0
    lam = rng.gammavariate(2.0, mean / 2.0)
    if lam > 50:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    # Knuth's method is fine for the small means that matter here.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
