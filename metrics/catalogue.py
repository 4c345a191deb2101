"""The core indicator catalogue, star definitions and data sets every installation ships with.

Kept as plain data so that the data migration, ``load_demo`` and the tests share one source.
The codes of the extraction spec (party_orgs … rate) must keep these meanings.
"""

from __future__ import annotations

# code, name, unit, category, time aggregation, region aggregation, key, synonyms, name_en
INDICATORS: list[dict] = [
    dict(
        code="party_orgs",
        name="基层党组织数",
        unit="个",
        category="organisation",
        time="latest",
        region="sum",
        key=True,
        synonyms="基层党组织,党组织,党委,党总支,党支部,机关党支部",
        en="Grassroots Party organisations",
    ),
    dict(
        code="party_members",
        name="党员人数",
        unit="人",
        category="organisation",
        time="latest",
        region="sum",
        key=True,
        synonyms="党员,共产党员,在册党员",
        en="Party members",
    ),
    dict(
        code="full_members",
        name="正式党员人数",
        unit="人",
        category="organisation",
        time="latest",
        region="sum",
        synonyms="正式党员",
        en="Full Party members",
    ),
    dict(
        code="members_mobilized",
        name="发动党员干部人数",
        unit="人",
        category="members",
        time="sum",
        region="sum",
        key=True,
        synonyms="发动党员,下沉党员,党员干部,抽调干部,党员志愿者",
        en="Party members mobilised",
    ),
    dict(
        code="masses_mobilized",
        name="带动群众人数",
        unit="人",
        category="service",
        time="sum",
        region="sum",
        synonyms="带动群众,群众参与,志愿者",
        en="Residents mobilised",
    ),
    dict(
        code="households_visited",
        name="走访户数",
        unit="户",
        category="service",
        time="sum",
        region="sum",
        key=True,
        synonyms="走访,入户,走访群众,走访农户",
        en="Households visited",
    ),
    dict(
        code="people_visited",
        name="走访排查人数",
        unit="人",
        category="service",
        time="sum",
        region="sum",
        synonyms="走访群众,排查,摸排",
        en="People visited",
    ),
    dict(
        code="problems_collected",
        name="收集问题数",
        unit="件",
        category="service",
        time="sum",
        region="sum",
        synonyms="收集问题,梳理问题,收集意见建议",
        en="Problems collected",
    ),
    dict(
        code="problems_solved",
        name="解决问题件数",
        unit="件",
        category="service",
        time="sum",
        region="sum",
        key=True,
        synonyms="解决问题,办实事,整改,化解矛盾,解决诉求",
        en="Problems solved",
    ),
    dict(
        code="events_held",
        name="活动场次",
        unit="场",
        category="members",
        time="sum",
        region="sum",
        key=True,
        synonyms="党课,主题党日,培训,会议,活动,宣讲",
        en="Events held",
    ),
    dict(
        code="event_participants",
        name="参加活动人数",
        unit="人",
        category="members",
        time="sum",
        region="sum",
        synonyms="受众,参训,参加学习,参与活动",
        en="Event participants",
    ),
    dict(
        code="service_centers",
        name="党群服务中心数",
        unit="个",
        category="organisation",
        time="latest",
        region="sum",
        synonyms="党群服务中心,便民服务站,服务驿站,红色驿站",
        en="Service centres",
    ),
    dict(
        code="model_units",
        name="示范点创建数",
        unit="个",
        category="stars",
        time="sum",
        region="sum",
        key=True,
        synonyms="示范点,标杆党支部,示范社区,示范小区,示范村,红旗支部",
        en="Model units created",
    ),
    dict(
        code="projects",
        name="项目数",
        unit="个",
        category="projects",
        time="sum",
        region="sum",
        synonyms="项目,民生项目,重点项目",
        en="Projects",
    ),
    dict(
        code="projects_completed",
        name="已完成项目数",
        unit="个",
        category="projects",
        time="sum",
        region="sum",
        synonyms="完工项目,已完成项目",
        en="Projects completed",
    ),
    dict(
        code="investment",
        name="投资金额",
        unit="元",
        category="projects",
        time="sum",
        region="sum",
        key=True,
        integer_only=False,
        synonyms="投资,投入资金,总投资,筹集资金",
        en="Investment",
    ),
    dict(
        code="funds_disbursed",
        name="发放资金",
        unit="元",
        category="projects",
        time="sum",
        region="sum",
        integer_only=False,
        synonyms="奖励资金,分红,补助资金,慰问金",
        en="Funds disbursed",
    ),
    dict(
        code="beneficiaries",
        name="受益人数",
        unit="人",
        category="service",
        time="sum",
        region="sum",
        synonyms="受益群众,惠及群众,服务群众",
        en="Beneficiaries",
    ),
    dict(
        code="materials_distributed",
        name="发放宣传资料份数",
        unit="份",
        category="service",
        time="sum",
        region="sum",
        synonyms="宣传资料,宣传彩页,倡议书,明白纸",
        en="Materials distributed",
    ),
    dict(
        code="jobs",
        name="就业岗位数",
        unit="个",
        category="development",
        time="sum",
        region="sum",
        synonyms="就业岗位,带动就业,提供岗位",
        en="Jobs",
    ),
    dict(
        code="enterprises",
        name="企业数",
        unit="家",
        category="development",
        time="latest",
        region="sum",
        synonyms="企业,商户,市场主体",
        en="Enterprises",
    ),
    dict(
        code="rate",
        name="满意率等比率",
        unit="%",
        category="development",
        time="mean",
        region="mean",
        integer_only=False,
        max_value=100,
        synonyms="满意率,化解率,覆盖率,办结率",
        en="Rates (satisfaction etc.)",
    ),
    dict(
        code="solve_rate",
        name="问题解决率",
        unit="%",
        category="service",
        time="ratio",
        region="ratio",
        integer_only=False,
        max_value=100,
        numerator="problems_solved",
        denominator="problems_collected",
        en="Share of problems solved",
    ),
]

PER_CAPITA = {"households_visited": "party_members", "events_held": "party_members", "problems_solved": "party_members"}

RELATIONS = [
    ("full_members", "le", "party_members", "正式党员人数不能超过党员人数"),
    ("projects_completed", "le", "projects", "已完成项目数不能超过项目数"),
    ("problems_solved", "le", "problems_collected", "解决问题件数不能超过收集问题数"),
]

STARS = [
    # Rural 五星支部 (Henan's 2022 scheme).
    ("rural_branch", "支部过硬星", "rural"),
    ("rural_industry", "产业兴旺星", "rural"),
    ("rural_ecology", "生态宜居星", "rural"),
    ("rural_safety", "平安法治星", "rural"),
    ("rural_civility", "文明幸福星", "rural"),
    # Urban community stars differ by city; these are the common set, editable in the admin.
    ("urban_branch", "支部过硬星", "urban"),
    ("urban_service", "服务过硬星", "urban"),
    ("urban_governance", "治理有效星", "urban"),
    ("urban_safety", "平安法治星", "urban"),
    ("urban_civility", "文明幸福星", "urban"),
]

DATASETS = [
    (
        "organisation",
        "组织建设",
        ["street", "community"],
        ["party_orgs", "party_members", "full_members", "service_centers"],
    ),
    ("education", "党员教育管理", ["street", "community"], ["events_held", "event_participants", "members_mobilized"]),
    (
        "service",
        "为民服务",
        ["community"],
        [
            "households_visited",
            "people_visited",
            "problems_collected",
            "problems_solved",
            "masses_mobilized",
            "beneficiaries",
            "materials_distributed",
        ],
    ),
    (
        "projects",
        "项目建设",
        ["district", "street"],
        ["projects", "projects_completed", "investment", "funds_disbursed", "jobs"],
    ),
    ("stars", "“五星”创建", ["street"], ["model_units", "enterprises", "rate"]),
]

CAMPAIGNS = [
    ("five_star", "“五星”支部创建", "五星支部创建,五星支部,“五星”支部,五星创建"),
    ("red_property", "“红色物业”创建", "红色物业"),
    ("theme_education", "主题教育", "学习贯彻习近平新时代中国特色社会主义思想主题教育"),
    ("civilized_city", "全国文明城市创建", "创文,文明城市创建,全国文明城市,创建全国文明城市"),
    ("home_visits", "入户大走访", "大走访,入户走访,万名党员进万家"),
]


def sync_catalogue(apps=None) -> None:
    """Create or update the shipped catalogue; safe to run again (used by migration and load_demo)."""
    Indicator, StarDefinition, DataSet, DataSetIndicator, ValidationRule, Campaign = (
        _model(apps, name)
        for name in ("Indicator", "StarDefinition", "DataSet", "DataSetIndicator", "ValidationRule", "Campaign")
    )
    by_code = {}
    for order, spec in enumerate(INDICATORS):
        ind, _ = Indicator.objects.update_or_create(
            code=spec["code"],
            defaults=dict(
                name=spec["name"],
                name_en=spec.get("en", ""),
                unit=spec["unit"],
                category=spec["category"],
                time_aggregation=spec["time"],
                region_aggregation=spec["region"],
                is_key=spec.get("key", False),
                synonyms=spec.get("synonyms", ""),
                integer_only=spec.get("integer_only", True),
                max_value=spec.get("max_value"),
                order=order,
            ),
        )
        by_code[ind.code] = ind
    for spec in INDICATORS:
        if "numerator" in spec:
            Indicator.objects.filter(code=spec["code"]).update(
                numerator=by_code[spec["numerator"]], denominator=by_code[spec["denominator"]]
            )
    for code, base in PER_CAPITA.items():
        Indicator.objects.filter(code=code).update(per_capita_base=by_code[base])
    for left, op, right, message in RELATIONS:
        ValidationRule.objects.get_or_create(
            left=by_code[left], operator=op, right=by_code[right], defaults={"message": message}
        )
    for order, (code, name, scheme) in enumerate(STARS):
        StarDefinition.objects.update_or_create(code=code, defaults=dict(name=name, scheme=scheme, order=order))
    for order, (code, name, levels, codes) in enumerate(DATASETS):
        ds, _ = DataSet.objects.update_or_create(code=code, defaults=dict(name=name, levels=levels, order=order))
        for i, ind_code in enumerate(codes):
            DataSetIndicator.objects.update_or_create(dataset=ds, indicator=by_code[ind_code], defaults={"order": i})
    for code, name, aliases in CAMPAIGNS:
        Campaign.objects.update_or_create(code=code, defaults=dict(name=name, aliases=aliases))


def _model(apps, name: str):
    """The model from a migration's historical apps, else the live one.

    StarDefinition lives in regions now, but metrics 0003, which ships the catalogue, runs before
    regions 0001 and still sees it in metrics.
    """
    if apps is None:
        from django.apps import apps
    if name == "StarDefinition":
        try:
            return apps.get_model("regions", name)
        except LookupError:
            pass
    return apps.get_model("metrics", name)
