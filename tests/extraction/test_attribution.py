"""Indicator attribution from the counted phrase and verbs, and region attribution from the text."""

from __future__ import annotations

import pytest

from extraction import ExtractionContext, Extractor, IndicatorSpec, PlaceSpec

from ._helpers import mentions, one


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("走访群众622户", "households_visited"),
        ("全区有81个基层党组织", "party_orgs"),
        ("全区共有党员1600余名", "party_members"),
        ("累计发动党员3760名", "members_mobilized"),
        ("全区累计抽调56名党员科级干部驻点", "members_mobilized"),
        ("示范带动1.5万名群众积极参与", "masses_mobilized"),
        ("走访群众6500余人", "people_visited"),
        ("排查外地返乡人员409人", "people_visited"),
        ("现场解决问题57个", "problems_solved"),
        ("解决民生实事3000余件", "problems_solved"),
        ("开展专题党课18场", "events_held"),
        ("开展主题党日活动22次", "events_held"),
        ("举办培训班6期,受众5000余人", None),  # checked below per figure
        ("新建、改建党群服务中心6个", "service_centers"),
        ("培育13个“红色物业”市级示范点", "model_units"),
        ("谋划实施工程性项目29个", "projects"),
        ("投资985万元", "investment"),
        ("发放分红108.5万元", "funds_disbursed"),
        ("受益群众1550名", "beneficiaries"),
        ("发放宣传彩页3600余份", "materials_distributed"),
        ("提供就业岗位9632个", "jobs"),
        ("带动就业1.7万人次", "jobs"),
        ("汇聚企业1728家", "enterprises"),
        ("满意率达到99.01%", "rate"),
        ("建成通车道路13条", None),
        ("清理小广告900余张", None),
        ("新增绿化面积70万平方米", None),
        ("探索成立10个“五星”支部创建聚力团", None),
    ],
)
def test_indicator_codes(text: str, code: str | None) -> None:
    found = mentions(text)
    if text.startswith("举办培训班"):
        assert [m["indicator"] for m in found] == ["events_held", "event_participants"]
        return
    assert len(found) == 1, found
    assert found[0]["indicator"] == code
    assert 0.0 <= found[0]["confidence"] <= 1.0


def test_confidence_weighs_how_the_place_was_found() -> None:
    # A place named in the figure's own clause is better evidence than the article's main place
    # (the weights are fitted on the real reports, see test_confidence.py).
    own_clause = one("本报讯 近日,川汇区金海路街道办事处完成问题整改39个。")["confidence"]
    article = one("川汇区推进基层治理\n\n近年来,各单位共完成问题整改39个。")["confidence"]
    assert own_clause > article


def test_region_is_the_most_specific_place_of_the_clause() -> None:
    m = one("本报讯 近日,川汇区金海路街道办事处完成问题整改39个。")
    assert m["region"] == "金海路街道办事处"


def test_anaphor_resolves_to_the_named_street() -> None:
    text = "本报讯 连日来,川汇区城北街道办事处开展排查。\n\n截至目前,该街道办事处累计排查外地返乡人员409人。"
    assert one(text)["region"] == "城北街道办事处"


def test_topic_place_scopes_its_sentence() -> None:
    text = "本报讯 今年以来,唐昌镇推进乡村振兴。\n\n在战旗村,村党委引进农业企业12家。全镇新建党群服务中心3个。"
    found = mentions(text)
    assert [m["region"] for m in found] == ["战旗村", "唐昌镇"]


def test_region_falls_back_to_the_submitting_region() -> None:
    ex = Extractor(places=[PlaceSpec("zy", "中原区", ("中原",), None, "district")])
    result = ex.extract("累计发动党员3760名。", ExtractionContext(region="中原区", region_key="zy"))
    assert (result.mentions[0]["region"], result.mentions[0]["region_key"]) == ("中原区", "zy")


def test_known_place_resolves_to_its_key() -> None:
    ex = Extractor(places=[PlaceSpec("sfq", "城乡一体化示范区", ("示范区",), "zk", "district")])
    m = ex.extract("2023年,示范区培育13个“红色物业”市级示范点。").mentions[0]
    assert (m["region"], m["region_key"]) == ("示范区", "sfq")


def test_custom_indicator_synonyms_extend_the_catalogue() -> None:
    ex = Extractor(indicators=[IndicatorSpec("volunteer_teams", "志愿服务队数", "支", ("志愿服务队",))])
    assert ex.extract("组建志愿服务队12支").mentions[0]["indicator"] == "volunteer_teams"


def test_periods_follow_the_time_expression() -> None:
    import datetime

    ex = Extractor()
    ctx = ExtractionContext(published=datetime.date(2024, 6, 30))
    found = ex.extract("2023年,示范区培育1个示范点。今年以来,累计走访群众622户。", ctx).mentions
    assert found[0]["period"] == {"kind": "year", "year": 2023}
    assert found[1]["period"] == {"kind": "cumulative", "year": 2024, "until": "2024-06-30"}


def test_campaigns_are_reported_with_offsets() -> None:
    text = "大力推进“五星”支部创建工作,助力全国文明城市创建。"
    result = Extractor().extract(text)
    codes = [c["code"] for c in result.campaigns]
    assert codes == ["five_star_branch", "civilized_city"]
    for c in result.campaigns:
        assert text[c["start"] : c["end"]]


def _regions(text: str) -> list[str | None]:
    return [m["region"] for m in mentions(text)]


def test_place_name_may_start_with_a_function_character() -> None:
    # 和睦 is one word: the 和 is part of the name, not the conjunction.
    assert _regions("本报讯 拱墅区推进治理。\n\n在和睦街道,街道将辖区划分为12个基础网格。") == ["和睦街道"]


def test_village_names_jieba_reads_as_time_or_numeral() -> None:
    assert _regions("本报讯 蒲江县推进振兴。\n\n在明月村,村党委吸引62名人才入驻。") == ["明月村"]
    assert _regions("本报讯 大关街道推进服务。\n\n其中,东一社区开设食堂3处。") == ["东一社区"]


def test_clause_initial_location_after_an_unnamed_higher_place() -> None:
    assert _regions("本报讯 蒲江县推进振兴。\n\n在西来镇铁牛村,村党委流转土地3200亩。") == ["铁牛村"]


def test_clause_initial_chain_of_places_is_the_topic() -> None:
    text = "本报讯 市北区开展走访。\n\n在敦化路街道鞍山二路社区,针对居民反映的问题,新增停车位180个。"
    assert _regions(text) == ["鞍山二路社区"]


def test_named_residential_compound_is_a_place() -> None:
    text = "本报讯 市北区推进物业。\n\n福林苑小区建成于上世纪90年代,共有居民楼24栋。"
    assert _regions(text) == ["福林苑小区"]


def test_descriptive_compound_is_no_place() -> None:
    assert _regions("本报讯 市北区推进物业。\n\n全区已向43个星级小区发放奖励资金386万元。") == ["市北区", "市北区"]


def test_organ_anaphor_from_an_earlier_paragraph_yields_to_a_smaller_place_named_here() -> None:
    text = (
        "本报讯 在敦化路街道鞍山二路社区,居民反映问题。\n\n"
        "福林苑小区建成较早。去年以来,社区党委牵头引入物业,新增停车位180个。"
    )
    assert _regions(text) == ["福林苑小区"]


def test_village_word_refers_back_to_the_last_village() -> None:
    text = "本报讯 蒲江县推进振兴。\n\n在明月村,村党委吸引62名人才入驻。\n\n村里还组建了由23名党员组成的宣讲团。"
    assert _regions(text) == ["明月村", "明月村"]


def test_person_title_in_a_list_does_not_move_the_region() -> None:
    text = "本报讯 近日,市北区组织开展宣讲活动,由区级领导、街道党工委书记组成宣讲团,开展宣讲132场。"
    assert _regions(text) == ["市北区"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # 户 counts: the verb before the count decides, as for people.
        ("惠及居民1300余户", "beneficiaries"),
        ("带动茶农3800余户", "masses_mobilized"),
        ("带动村民入社1.2万户", None),
        ("入户走访群众1.8万户", "households_visited"),
        ("工作队用两个月时间走遍了全村413户", "households_visited"),
        # Members in a neighbourhood role serve; volunteers from the public are mobilised masses.
        ("推选党员楼栋长、单元长612名", "members_mobilized"),
        ("其中党员网格员1870名", "members_mobilized"),
        ("街道注册志愿者达1.2万余名", "masses_mobilized"),
        ("带动群众就近就业210人", "jobs"),
        ("今年以来举办物业项目经理、业委会成员培训班6期", "events_held"),
        ("今年以来28起纠纷全部在院坝化解", "problems_solved"),
        ("推动1.6万余名党员亮身份、作表率", "members_mobilized"),
        ("全县划分网格1032个，3600余名党员编入网格", "members_mobilized"),
        ("街道共摸排出党员快递员、党员骑手312名", "party_members"),
        ("村里还建起党员示范茶园5个", "model_units"),
        ("帮助解决实际困难71件", "problems_solved"),
        ("收集意见建议560条，已办结508条", "problems_solved"),
        ("组织党员志愿者2100余人次入户征求意见", "members_mobilized"),
        ("为行动不便的62位独居老人送餐", "beneficiaries"),
        ("享受助餐补贴的老年人超过5000名", "beneficiaries"),
        ("在职党员回社区报到1560名，参与供暖巡查", "members_mobilized"),
        ("选派工作队员562名，结对帮扶脱贫户和监测户1.36万户", "beneficiaries"),
        ("受理派单1302件。本月按期办结1241件", "problems_solved"),
        ("镇里建起直播电商服务站8个", None),
        ("他用3个月时间走遍了全村11个村民小组的426户人家", "households_visited"),
        ("走访农户4.2万户，摸排外出务工人员2.3万人", "people_visited"),
        ("把1280余名党员编进了小区网格", "members_mobilized"),
        ("今年村里发展新党员2名", None),
        ("截至9月底，全区党员总数达到4.26万名", "party_members"),
        ("组织党员志愿者下沉小区860余人", "members_mobilized"),
        # 志愿服务 taken part in is an activity, not a service people benefit from.
        ("带动居民参与志愿服务2.3万人次", "event_participants"),
        ("为老人提供志愿服务3000余人次", "beneficiaries"),
        ("新建改建村级党群活动场所17个", "service_centers"),
        ("工作队还为86户困难家庭送去慰问金", "beneficiaries"),
        ("为辖区高龄老人1360名提供助餐、助浴服务", "beneficiaries"),
        ("建成人才公寓3处，为1100余名青年人才提供住房保障", "beneficiaries"),
        ("在镇村两级设立代办点126个", "service_centers"),
        ("全县共建立网格党支部（党小组）1260个", "party_orgs"),
        # A reached percentage is a rate, 满意度 included; a change is a rate of nothing.
        ("居民满意度提升至96.8%", "rate"),
        ("物业费收缴率从不足30%提高到92%", "rate"),
        ("收入达到2.48万元,同比增长7.2%", None),
        ("物业类投诉同比下降41%", None),
        # Settled matters: the settling verb may stand alone, the matter named earlier in the sentence.
        ("受理居民诉求1865件,办结1790件", "problems_solved"),
        ("收集问题建议673条,已解决582条", "problems_solved"),
        ("发现并处置各类问题4.7万余件", "problems_solved"),
        ("议定村内公益事项135件,已实施完成118件", "problems_solved"),
        # Gathered, claimed or listed matters are not settled ones.
        ("认领微心愿1900余个", None),
        ("梳理形成为民办实事清单58项", None),
        # A noun that hides a verb (党组织 holds 组织) does not govern the count.
        ("举办培训班8期,培训村党组织书记、合作社负责人等560余人次", "event_participants"),
        ("开展“物业开放日”活动24场,吸引居民3400余人次参与", "event_participants"),
        ("全县新吸引返乡创业青年380余人", None),
        ("吸纳党员1100余名", "party_members"),
        ("组建由7名党员组成的小区党支部", "party_members"),
        ("组建由23名党员组成的宣讲团", "members_mobilized"),
        ("两千余名在职党员志愿者每天上岗执勤", "members_mobilized"),
        # 新就业群体 are couriers and riders, not jobs; serving them is a benefit.
        ("累计服务新就业群体4.2万人次", "beneficiaries"),
        ("吸纳47名新就业群体代表担任兼职网格员", None),
        # The last noun of the phrase is its head, even when it has no code.
        ("推动村级党组织领办合作社87个", None),
        ("成立楼栋党小组46个", None),
        # A count after 向/给/对 is who received something, not what was created.
        ("已向43个星级小区发放奖励", None),
        ("组织党员志愿者为老人提供上门服务2600余次", None),
        # Households entered, or named right before their visit, are visited.
        ("该镇组织党员、干部深入21户重点优抚对象家庭进行了走访慰问", "households_visited"),
        ("党员和教职工深入36户民情联系户家中座谈", "households_visited"),
        ("召开分类处置会议30余次,回访群众100余人", "people_visited"),
        # Cadres named by what they were sent to do are mobilised; recalled or honoured ones are not.
        ("全县348支工作队,1905名驻村干部迅速转变角色", "members_mobilized"),
        ("对工作不力召回第一书记1人", None),
        ("对年度考核优秀的37名驻村干部予以表彰", None),
        ("实施操场扩建项目,但尚有资金缺口22万元", None),
        # Households something was given to, the second of a list as well as the first.
        ("开展送温暖活动,给36户民情联系户、13户党员困难户赠送了棉被", "beneficiaries"),
        # Members counted as they act are mobilised; members a branch has are its roll.
        ("会后,所有网格党小组25名党员同时发力,开展捐资助学", "members_mobilized"),
        ("制作民生展板8块,发放民生工程政策解读2000余份", "materials_distributed"),
        ("开设“云端党课”线上培训,累计12期", "events_held"),
        ("村党支部现有29名党员,平均年龄45岁", "party_members"),
    ],
)
def test_general_attribution_rules(text: str, code: str | None) -> None:
    assert mentions(text)[-1]["indicator"] == code


def test_coordinated_figure_shares_the_verb_of_the_one_before() -> None:
    found = mentions("共走访居民1.35万户、3.9万人。")
    assert [m["indicator"] for m in found] == ["households_visited", "people_visited"]


def test_yearly_budget_is_kept_as_investment() -> None:
    assert one("区财政每年安排专项资金1500万元。")["indicator"] == "investment"
    assert mentions("每人每月发放补贴200元。") == []


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("本报讯 西湖区推进治理。\n\n在文新街道,街道党工委组织党员走访群众3000户。", "文新街道"),  # 新 inside a name
        ("本报讯 在五一路街道百花小区,社区党委帮助居民解决问题42个。", "百花小区"),  # a compound chained to a street
        ("本报讯 新城街道推进红色物业。街道所辖的阳光社区组建突击队,化解矛盾纠纷36起。", "阳光社区"),  # agent
        ("本报讯 城关镇划分网格。在东关村,村党支部带领群众发展产业。镇里还投入资金200万元。", "城关镇"),
    ],
)
def test_region_rules(text: str, region: str) -> None:
    assert mentions(text)[-1]["region"] == region


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("引导200余户群众参与人居环境整治", "masses_mobilized"),
        ("排查安全隐患560处,整改到位520处", "problems_solved"),
    ],
)
def test_more_attribution_rules(text: str, code: str) -> None:
    assert mentions(text)[-1]["indicator"] == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("累计开展“我为群众办实事”实践活动1200余次", "events_held"),  # the last noun is an event
        ("组织党员干部1200余人次深入基层", "members_mobilized"),  # who is counted is named before
        ("评选表彰优秀共产党员120名", None),  # people honoured
        ("新增市场主体2300户", "enterprises"),
        ("组织在职党员认领岗位2300个", None),  # posts claimed are not jobs
        ("提供岗位1200个", "jobs"),
    ],
)
def test_head_and_context_rules(text: str, code: str | None) -> None:
    assert mentions(text)[-1]["indicator"] == code


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        # a share of a person-times figure counted in persons keeps its indicator
        ("培训党员干部1.1万余人次,其中村“两委”干部1420人。", ["event_participants", "event_participants"]),
        # list items joined by 、 share the clause's verb
        ("选派驻村第一书记41名、驻村工作队员96名。", ["members_mobilized", "members_mobilized"]),
        # people acted upon are neither the roll nor a turnout
        ("稳妥处置不合格党员9名。", [None]),
        # an average per household is no money paid out
        ("全村股民户均分得分红2600元,共计发放分红107万元。", [None, "funds_disbursed"]),
        # members organised for service work are mobilised, even in an event's sentence
        ("开展进小区活动,组织机关党员2300余人次参与小区治理志愿服务。", ["members_mobilized"]),
        # a mobilising verb over people who are not cadres: the masses, whatever they are called
        ("共发动12名“骑友”担任“移动观察员”,动员21名“亲友”提供日常照料。", ["masses_mobilized"] * 2),
        # a verb inside the description of the people counted does not end it (农村|无职|党员)
        ("划分网格300个,将5000多名农村无职党员编入网格。", [None, "members_mobilized"]),
        # money named by what follows it: put in, or paid out
        ("近3年,花井村拿出300万元用于人居环境整治。", ["investment"]),
        ("种植高粱收入106万元,其中78万元作为收益分红。", [None, "funds_disbursed"]),
        # money that came in, and wages, are no outlay
        ("清理村集体资产,收缴资金近1000万元。", [None]),
        ("24人在公司务工,平均月工资1800元。", ["jobs", None]),
        ("整合衔接资金2.06亿元,引入社会资本2.35亿元。", ["investment", "investment"]),
        # the people or households something reached, named by what follows them
        ("30余名村民共享喜悦,75户村民收获分红资金。", [None, "beneficiaries"]),
        ("扩宽硬化村道4公里,解决1000名群众出行难问题。", [None, "beneficiaries"]),
        ("全村412户股民户均分得分红2600元。", [None, None]),
        # the households something was paid to, whichever preposition names them
        ("现场共向79户参与其中的村民发放分红。", ["beneficiaries"]),
        # 整治…问题 settles problems
        ("整治违规占道经营、消防通道堵塞等7项问题。", ["problems_solved"]),
        ("清理小广告900余张,整治小区堆积杂物100余处。", [None, None]),
        ("25个机关党支部组织党员走访群众。", ["party_orgs"]),
        # cadres sent out as a team, and members given a role, are mobilised
        ("11名尖刀班成员在全村开展走访。", ["members_mobilized"]),
        ("驻村“访惠聚”工作组的7名成员分别来自建设局。", ["members_mobilized"]),
        ("目前,全县共有667名“党员中心户”。", ["members_mobilized"]),
        # problems still to be solved, and matters reported settled after their count
        ("共梳理出需要协调解决的集中问题101项。目前,49项已解决。", [None, "problems_solved"]),
        # every item of a breakdown shares the figure's indicator
        ("新选派45名贫困村“第一书记”。其中,自治区选派9名,市级11名,县级25名。", ["members_mobilized"] * 4),
    ],
)
def test_list_share_and_action_rules(text: str, codes: list[str | None]) -> None:
    assert [m["indicator"] for m in mentions(text)] == codes


def test_money_set_aside_for_dividends_is_paid_out_and_party_workers_are_no_jobs() -> None:
    assert one("此次共提取34900元用于成员分红。")["indicator"] == "funds_disbursed"
    assert one("此次共提取34900元用于发展产业。")["indicator"] == "investment"
    assert one("全区选派31名专职党务工作者担任党组织书记。")["indicator"] == "members_mobilized"
    assert one("带动310名村民就近务工。")["indicator"] == "jobs"


def test_a_rise_in_pay_is_no_rate_and_troubles_eased_are_problems_solved() -> None:
    assert one("社区工作者平均月薪涨幅近20%。")["indicator"] is None
    assert one("社区满意率达到96%。")["indicator"] == "rate"
    assert one("党员为群众排忧解难35件。")["indicator"] == "problems_solved"


def test_a_count_qualifying_the_next_ones_noun_shares_its_verb() -> None:
    found = mentions("开展小区普法宣传34次,成功化解5家物业小区30余个问题。")
    assert [m["indicator"] for m in found][-1] == "problems_solved"
    # With another participant between them (与), each figure keeps its own phrase.
    assert [m["indicator"] for m in mentions("组织全村32名党员与186户农户结对。")] == ["members_mobilized", None]


def test_a_subsidy_put_into_a_venture_is_investment() -> None:
    assert one("将财政补助资金400万元入股发展菌菇种植。")["indicator"] == "investment"
    assert one("发放财政补助资金400万元。")["indicator"] == "funds_disbursed"


def test_leaders_counted_before_the_visit_they_make_are_mobilised() -> None:
    found = one("建立县领导挂钩联系制度,31名县领导采取“四不两直”“解剖麻雀”等方式遍访基层。")
    assert found["indicator"] == "members_mobilized"


def test_what_the_works_cost_is_investment() -> None:
    assert mentions("该项目总建筑面积1.84万平方米,工程造价5800万元。")[-1]["indicator"] == "investment"
