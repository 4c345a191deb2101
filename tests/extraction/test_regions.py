"""General place-detection and region rules, each on a short string."""

from __future__ import annotations

from extraction.engine import _segment_needed
from extraction.gazetteer import Gazetteer
from extraction.numbers import find_numbers
from extraction.regions import PlaceIndex, detect_places
from extraction.specs import PlaceSpec

from ._helpers import extractor, mentions


def _places(text: str) -> list[str]:
    """The names the detector finds in a text, in order."""
    return [p.name for p in detect_places(text, _segment_needed(text, find_numbers(text)), extractor().places)]


def _regions(text: str) -> list[str | None]:
    return [m["region"] for m in mentions(text)]


def test_common_noun_ending_in_qu_is_no_place() -> None:
    # 聚居区 (聚居 is a verb) and 核心区 (核心 an everyday noun) are kinds of area, not districts.
    text = "本报讯 雁塔区推进治理。\n\n把服务与产业工人聚居区治理结合起来,全区建成驿站12个。"
    assert _regions(text) == ["雁塔区"]
    text = "本报讯 雁塔区推进治理。\n\n在核心区,全区建成驿站12个。"
    assert _regions(text) == ["雁塔区"]


def test_district_name_ending_in_a_generic_tail_is_a_place() -> None:
    # 禅城区 ends in 城区, but one name character in front makes a name (unlike 老城区, 中心城区).
    assert _regions("禅城区:物业企业建起党组织\n\n辖内共有住宅小区1182个。") == ["禅城区"]
    assert _regions("本报讯 禅城区是佛山中心城区,辖内共有住宅小区1182个。") == ["禅城区"]


def test_town_turned_street_keeps_its_full_name() -> None:
    assert _regions("本报讯 禅城区推进治理。\n\n石湾镇街道则组建志愿队伍12支。") == ["石湾镇街道"]


def test_party_prefix_is_not_part_of_the_place() -> None:
    assert _regions("中共肥西县委组织部工作总结\n\n全县共有基层党组织1046个。") == ["肥西县"]


def test_headline_place_is_the_article_place_without_a_news_opener() -> None:
    # No 本报讯: the leading headline paragraphs still name the article's place, and a village
    # talked about at length further down does not replace it.
    text = (
        "竹海深处共富账本越算越厚\n——安吉县天荒坪镇党建联盟见闻\n\n"
        "大溪村有民宿40家,村里游客不断,村党总支带头创业。\n\n"
        "大溪村的溪流边,村里新建了驿站。\n\n"
        "近年来,镇党委牵头成立党建联盟,吸纳企业21家。"
    )
    assert _regions(text) == ["大溪村", "天荒坪镇"]


def test_paper_named_news_opener_ends_the_headline() -> None:
    text = "拱墅区:红色物业建设见闻\n\n杭州日报讯(记者 沈晓雯)大关街道开展走访。\n\n全区建成驿站12个。"
    assert _regions(text) == ["拱墅区"]


def test_one_character_village_name() -> None:
    # jieba reads 余 as a numeral; at a clause start (or after 在) 余村 is a village.
    text = "本报讯 天荒坪镇推进振兴。\n\n在余村,2023年共接待考察团队1360批次。"
    assert _regions(text) == ["余村"]
    # …but 1000余村民 is no village.
    assert _regions("本报讯 天荒坪镇推进振兴。\n\n1000余村民参与,新建驿站12个。") == ["天荒坪镇"]


def test_unknown_town_name_opening_a_clause() -> None:
    # jieba splits 上派 into 上|派 (a verb): a run of single characters opening a clause is a name.
    text = "本报讯 肥西县推进集体经济。\n\n上派镇探索新模式,由镇党委牵头组建强村公司3家。"
    assert _regions(text) == ["上派镇"]
    # 驻村: a verb before 村 makes no village.
    assert _regions("本报讯 肥西县推进振兴。\n\n驻村工作队员96名全覆盖派驻。") == ["肥西县"]


def test_village_level_of_people_is_no_village() -> None:
    text = "本报讯 栾川县推进头雁工程。\n\n今年举办培训班3期,培训村干部620人次,储备后备干部437名。"
    assert _regions(text) == ["栾川县", "栾川县", "栾川县"]
    text = "本报讯 江岸区推进培训。\n\n举办培训班12期,培训社区“两委”成员1200余人次。"
    assert _regions(text) == ["江岸区", "江岸区"]


def test_kinds_of_village_are_no_villages() -> None:
    text = "本报讯 肥西县推进振兴。\n\n全面排查软弱涣散村,重点村新建党群服务中心12个。"
    assert _regions(text) == ["肥西县"]


def test_xiang_before_cun_starts_another_word() -> None:
    assert _regions("本报讯 蒲江县推进振兴。\n\n蒲江乡村振兴大赛吸引创业团队12支。") == ["蒲江县"]


def test_verb_between_two_places_ends_the_first() -> None:
    text = "本报讯 沂南县推进振兴。\n\n朱家林村是依汶镇的一个典型,建成田园综合体1处。"
    assert _regions(text) == ["朱家林村"]


def test_section_heading_place_scopes_its_paragraphs() -> None:
    text = (
        "本报讯 天荒坪镇推进共富。\n\n大溪村:闲置农房变身金屋子\n\n"
        "前些年,青壮年外出务工,如今新开民宿40家。\n\n（三）下一步工作\n\n目前已建成驿站12个。"
    )
    assert _regions(text) == ["大溪村", "天荒坪镇"]


def test_a_name_learned_after_its_district_is_found_wherever_it_is_written() -> None:
    # 猛追 is a verb to jieba, so 猛追湾街道 alone does not look like a name; written again right
    # after its district it does, and then every occurrence is the same street.
    text = (
        "老院落里议出新生活\n——成华区猛追湾街道见闻\n\n"
        "这样的场景，在猛追湾街道已是常态。这个紧邻锦江的老城街道，共有党员2860余名。"
    )
    assert _regions(text) == ["猛追湾街道"]


def test_compound_names_end_in_li_yuan_yuan() -> None:
    # 河畔|里: jieba tags 里 as a direction, yet it ends the 小区's name; a place that 建于 or 共有
    # is what its sentence is about.
    text = "本报讯 锦汇社区推进改造。\n\n社区里的河畔里小区建于1988年，共有居民326户。"
    assert _regions(text) == ["河畔里小区"]


def test_a_count_right_after_a_place_belongs_to_it() -> None:
    text = "本报讯 猛追湾街道推行院落议事。\n\n据了解，这一做法已在成华区全部14个街道推广。"
    assert _regions(text) == ["成华区"]


def test_xiaoqu_alone_stands_for_the_compound_just_named() -> None:
    text = (
        "本报讯 翠湖湾社区推进红色物业。\n\n其中丰茂里小区建于上世纪90年代。"
        "社区党委成立小区党支部，小区的31名党员业主全部亮明身份，小区累计整治楼道堆物380余处。"
    )
    assert _regions(text) == ["丰茂里小区", "丰茂里小区"]


def test_numeral_place_names_and_functional_zones() -> None:
    # 二七 is a date that names places; an 儿童游乐区 is a zone, not a district.
    text = "本报讯 后湖街道推进治理。\n\n同样的变化也发生在二七街道。街道党工委推动辖区11家物业企业组建联盟。"
    assert _regions(text) == ["二七街道"]
    text = "本报讯 后湖街道推进治理。\n\n志愿队看护儿童游乐区，辖区建成驿站12个。"
    assert _regions(text) == ["后湖街道"]


def test_town_named_after_a_village_and_bare_level_words() -> None:
    # 苏|村镇: jieba reads "villages and towns"; opening a clause it is the town 苏村镇. 街道 alone
    # opening a clause with its verb is the street just named.
    text = "本报讯 沂南县推进网格治理。\n\n苏村镇则把党员中心户作为前哨，在村内设立党员中心户320户。"
    assert _regions(text) == ["苏村镇"]
    text = (
        "本报讯 沂南县推进网格治理。\n\n在县城所在的界湖街道，网格治理延伸到了小区楼栋。"
        "街道把46个城市小区划分为213个网格。"
    )
    assert _regions(text) == ["界湖街道", "界湖街道"]


def test_counts_and_common_nouns_are_not_part_of_names() -> None:
    text = "本报讯 沂南县推进振兴。\n\n岸堤镇一位村党支部书记说，全镇建成驿站12个。"
    assert _regions(text) == ["岸堤镇"]
    text = "本报讯 沂南县推进振兴。\n\n在红嫂家乡马牧池乡，乡党委组织党员200名。"
    assert _regions(text) == ["马牧池乡"]


def test_inner_mongolian_units_banners_leagues_sumu_and_gacha() -> None:
    text = "本报讯 杭锦旗推进党建。\n\n锡尼镇巴音乌素嘎查建成党群服务中心1个，全旗共有党员3200名。"
    assert _regions(text) == ["巴音乌素嘎查", "杭锦旗"]
    text = "本报讯 鄂托克旗推进党建。\n\n阿尔巴斯苏木组织党员120名开展走访，苏木党委投入资金80万元。"
    assert _regions(text) == ["阿尔巴斯苏木", "阿尔巴斯苏木"]
    # Flags are no banners (杭锦旗 ends in 锦旗, yet is one word), and 战旗村 is still a village.
    text = "本报讯 杭锦旗推进党建。\n\n各支部高举党旗，获得流动红旗3面，全旗建成驿站12个。"
    assert _regions(text) == ["杭锦旗", "杭锦旗"]
    text = "本报讯 兴安盟推进党建。\n\n科尔沁右翼前旗组织党员500名，全盟建成驿站20个。"
    assert _regions(text) == ["科尔沁右翼前旗", "兴安盟"]


def test_a_county_named_only_in_the_title_owns_the_summarys_quan_xian() -> None:
    # 莲花 is an everyday noun, yet 莲花县委 is a county's committee; 全县 before the county is
    # named in the body stands for it.
    text = "中共莲花县委组织部2024年上半年工作总结\n\n今年以来，全县新建党群服务站12个。"
    assert _regions(text) == ["莲花县"]


def test_rare_county_names_and_the_short_form_of_autonomous_counties() -> None:
    text = "本报讯 走进木垒哈萨克自治县大南沟乌孜别克族乡，处处可见新变化。今年以来，木垒县选派41支驻村工作队。"
    assert _regions(text) == ["木垒县"]


def test_verbs_and_terms_of_office_make_no_community_or_village() -> None:
    text = "本报讯 黄桷坪街道推进治理。\n\n黄桷坪街道还利用闲置用房，新建社区食堂3个。"
    assert _regions(text) == ["黄桷坪街道"]
    text = "本报讯 苍南县完成换届。\n\n在凤岭村，新一届村“两委”流转撂荒地320亩。"
    assert _regions(text) == ["凤岭村"]


def test_each_point_of_a_work_summary_starts_afresh() -> None:
    text = (
        "中共莲花县委组织部工作总结\n\n"
        "三是发展集体经济。坊楼镇高滩村建成茶园5个。四是扩大覆盖。新组建非公企业党组织11个。"
    )
    assert _regions(text) == ["高滩村", "莲花县"]


def test_a_described_place_opening_a_clause_owns_it() -> None:
    text = (
        "本报讯 苍南县完成换届。\n\n在县城所在地灵溪镇，新一届社区“两委”推行“网格连心”机制，23个社区共划分网格412个。"
    )
    assert _regions(text) == ["灵溪镇", "灵溪镇"]


def test_names_jieba_joins_with_the_next_word() -> None:
    # 福建省委 and 新华社|区 are single words to jieba; 万柏林区 is a district, not a 林区.
    text = "本报讯 记者从福建省委组织部了解到，全省已建立小区党组织1.6万余个。"
    assert _regions(text) == ["福建省"]
    text = "本报讯 鼓楼区推进治理。\n\n新华社区建于上世纪90年代，辖区有14个小区。"
    assert _regions(text) == ["新华社区"]
    text = "本报讯 太原推进治理。\n\n据统计，今年以来万柏林区共投入资金2.35亿元。"
    assert _regions(text) == ["万柏林区"]


def test_bare_province_names_where_they_plainly_are_the_place() -> None:
    text = "福建：党组织扎根“家门口”\n\n在福建，全省已建立小区党组织1.6万余个。河南日报记者走访群众622户。"
    assert _regions(text) == ["福建", "福建"]


def test_categories_of_compound_and_a_place_doing_things_somewhere() -> None:
    text = "本报讯 红旗街道推进改造。\n\n安泰小区曾是典型的三无小区，小区先后召开居民议事会17次。"
    assert _regions(text) == ["安泰小区"]
    text = "本报讯 恭城瑶族自治县推进红色物业。\n\n恭城镇在6个城市社区推行“红色物业”，覆盖小区43个。"
    assert _regions(text) == ["恭城镇", "恭城镇"]


def test_function_words_and_idioms_are_never_inside_a_name() -> None:
    text = "本报讯 宝塔区推进助餐。\n\n延河湾社区长者食堂由社区党委牵头运营，日均就餐190余人次。"
    assert _regions(text) == ["延河湾社区"]
    text = "本报讯 保靖县推进志愿服务。\n\n清水坪镇成立了志愿服务队，今年以来镇里组织活动32次。"
    assert _regions(text) == ["清水坪镇"]
    # 秋|那|当村: a pronoun to jieba, yet part of the village's name after its town.
    text = "本报讯 贡山县推进强边固防。\n\n在丙中洛镇秋那当村，合作社发展林下草果1400亩。"
    assert _regions(text) == ["秋那当村"]


def test_a_place_right_before_its_verb_and_a_bare_level_word_with_one() -> None:
    text = "本报讯 临泉县推进组织建设。\n\n近两年新塘村确定入党积极分子11名。"
    assert _regions(text) == ["新塘村"]
    text = "本报讯 宝塔区推进改造。\n\n东苑小区建于上世纪80年代。改造后，小区更换雨污管网1.2公里，新增停车位64个。"
    assert _regions(text) == ["东苑小区", "东苑小区"]
    # An object after its verb is not the agent of the next one.
    text = "本报讯 临泉县推进帮扶。\n\n工作队走访新塘村了解情况，全县建成驿站12个。"
    assert _regions(text) == ["临泉县"]


def test_list_marks_blank_lines_and_prefecture_short_names() -> None:
    text = "沙河街道接诉即办月报\n\n（2）花园社区：响应率100%。\n\n（3）怡清社区：响应率98%。"
    assert _regions(text) == ["花园社区", "怡清社区"]
    # A subheading with a comma is still its own line: 一盘棋 does not run into 丰源村.
    text = "本报讯 共合镇推进合作社。\n\n支部领办，一镇一盘棋\n\n丰源村的变化，是合作社的缩影，全村入社486户。"
    assert _regions(text) == ["丰源村"]
    text = "本报讯 从江县推进乡村振兴。\n\n去年，黔东南州评选出100个“红旗村寨”。"
    assert _regions(text) == ["黔东南州"]


def test_ordinary_word_compound_names_when_described() -> None:
    text = "本报讯 青枫社区推进治理。\n\n在青枫社区，建于1957年的绿荫小区共有楼房23栋、住户960户。"
    assert _regions(text) == ["绿荫小区", "绿荫小区"]
    text = "本报讯 清河街道推进供暖保障。\n\n围绕本月主题，街道提前对辖区63个老旧小区开展排查。"
    assert _regions(text) == ["清河街道"]


def test_quan_sheng_and_historical_designations() -> None:
    text = "本报讯 海伦市推进合作社。\n\n据黑龙江省委组织部统计，全省村党组织领办合作社已达1.3万余个。"
    assert _regions(text) == ["黑龙江省"]
    text = "本报讯 寻乌县推进产业振兴。\n\n寻乌县地处赣粤闽三省交界，是原中央苏区县。全县发放奖补资金3860余万元。"
    assert _regions(text) == ["寻乌县"]


def test_streets_named_after_roads_and_time_words_before_a_village() -> None:
    text = "前进街街道：网格里有了“红马甲”\n\n前进街街道辖区常住人口约3.2万人，街道党工委组建志愿服务队28支。"
    assert _regions(text) == ["前进街街道", "前进街街道"]
    text = "本报讯 芒部镇推进集体经济。\n\n在茶园村，现在村集体一年收入80多万元。"
    assert _regions(text) == ["茶园村"]


def test_quan_shi_in_a_citys_summary_is_the_city() -> None:
    # 瑞金市 is a county-level city named in one paragraph; 全市 in later paragraphs of 赣州's
    # summary is 赣州市, while right after 瑞金市 it is 瑞金市.
    text = (
        "赣州市基层党建工作综述\n\n今年以来，赣州市坚持大抓基层。\n\n"
        "瑞金市推行积分管理，全市建成驿站12个。\n\n"
        "（二）推动在职党员“双报到”。全市在职党员到社区报到3.2万名。"
    )
    assert _regions(text) == ["瑞金市", "赣州市"]


def test_descriptions_and_people_are_no_place_names() -> None:
    text = "本报讯 双江县推进茶产业。\n\n勐库镇是双江县的产茶大镇，全镇有茶园12万亩。"
    assert _regions(text) == ["勐库镇"]
    text = "本报讯 光山县推进乡村振兴。\n\n2023年以来共调整优化村党组织书记43名。"
    assert _regions(text) == ["光山县"]


def test_place_index_look_ups_are_by_name_tail_and_submitting_region() -> None:
    specs = [
        PlaceSpec(key="1", name="川汇区", level="district"),
        PlaceSpec(key="2", name="人和街道", parent_key="1", level="street"),
        PlaceSpec(key="3", name="中原区", level="district"),
        PlaceSpec(key="4", name="文昌社区", parent_key="2", level="community"),
        PlaceSpec(key="5", name="文昌社区", parent_key="3", level="community"),
    ]
    index = PlaceIndex(specs)
    assert index.lookup("周口市川汇区").key == "1"  # a full name whose tail is known
    assert index.lookup("文昌社区", within="3").key == "5"  # homonyms: the one under the submitter
    assert index.lookup("文昌社区", within="1").key == "4"
    assert index.find_all("川汇区人和街道文昌社区") == [(0, 3, "川汇区"), (3, 7, "人和街道"), (7, 11, "文昌社区")]


# -- the national gazetteer and discourse rules (real reports, issue 15) ---------------------------


def test_digits_inside_a_place_name_are_no_figure() -> None:
    found = mentions("三门峡陕州区新建驿站8个，七台河组织党员300名。")
    assert [(m["text"], m["region"]) for m in found] == [("8个", "陕州区"), ("300名", "七台河")]
    assert _regions("六盘水：全市新建驿站12个。") == ["六盘水"]


def test_cities_by_their_short_form_are_places_but_newspapers_are_not() -> None:
    text = "南通启动“5580”计划\n\n记者获悉，我市落实党费援建村党群服务中心22个。"
    assert _regions(text) == ["南通"]  # 我市 is the city the report is about
    text = "河南日报记者报道，郑州市新建驿站18个。"
    assert _regions(text) == ["郑州市"]


def test_a_village_named_by_an_ordinary_word_needs_its_county_or_township() -> None:
    # 联合村 is a village of 射阳县千秋镇 in the gazetteer; 大型社区 is some division's name too, but
    # this report names none of the places above it, so it is a description.
    text = "射阳县千秋镇加快发展。\n\n联合村收回土地17.4亩。"
    assert _regions(text) == ["联合村"]
    text = "本报讯 昌平区打造大型社区治理样板。\n\n大型社区新建驿站4个。"
    assert _regions(text) == ["昌平区"]


def test_an_unknown_name_made_of_ordinary_or_level_words_is_no_place() -> None:
    text = "本报讯 南通市推进党群服务中心建设，带动市县乡配套投入880多万元。"
    assert _regions(text) == ["南通市"]


def test_a_place_owning_a_noun_of_the_clause_owns_the_figure() -> None:
    text = "本报讯 新蒲新区群乐村发展产业。\n\n她用一年时间将山堡村的辣椒种植面积扩大到4000多亩。"
    assert _regions(text) == ["山堡村"]


def test_a_name_followed_only_by_its_count_is_what_is_counted() -> None:
    text = "本报讯 全市1639个社区中，天津评出五星社区161个、四星社区647个。"
    assert _regions(text)[-2:] == ["天津", "天津"]


def test_the_gazetteer_knows_two_character_villages_and_resolves_homonyms_by_their_parents() -> None:
    gaz = Gazetteer.load()
    assert len(gaz.rows("王村")) > 100 and "李庄" not in gaz and "村村通" not in gaz
    zhongyuan = gaz.find("郑州市中原区")
    assert gaz.division(zhongyuan).code == "410102" and len(gaz.children(zhongyuan)) == 14
    wenchang = gaz.resolve("文昌社区", ["川汇区"])
    assert wenchang is not None and "川汇区" in [gaz.name_of(a) for a in gaz.ancestors(wenchang)]
    assert gaz.resolve("文昌社区") is None  # 106 of them: ambiguous without a parent
    assert gaz.find("六盘水") == gaz.find("六盘水市")


def test_a_level_word_inside_a_known_name_is_no_suffix_and_a_province_in_front_is_its_parent() -> None:
    assert _regions("河北平乡县委组织部推进治理。全县划分网格300个。") == ["平乡县"]


def test_a_county_by_its_short_form_after_its_province_and_cities_with_verbs_for_names() -> None:
    assert _regions("江苏泗阳加快发展\n\n泗阳各村共成立了20多个劳务合作社。") == ["泗阳"]
    # jieba reads 扶余 as a verb and glues 市以; the gazetteer knows the county-level city.
    assert _regions("吉林日报讯(孙健)扶余市以“党建领航”为抓手。全市新建驿站12个。") == ["扶余市"]


def test_a_verb_phrase_before_a_level_word_is_no_place() -> None:
    text = "坚持问题导向，做实社区党建工作\n\n近年来，泾阳县推动6个城市社区升格为党总支。"
    assert _regions(text) == ["泾阳县"]


def test_places_in_a_list_or_after_a_copula_or_a_count_are_not_the_subject() -> None:
    # Apposition and lists are not subjects: the street owns the figures about its communities.
    text = "本报讯 寒亭街道推进治理。\n\n对文化街社区、镜湖社区、祥亭街社区等3个党群服务中心进行改造提升。"
    assert _regions(text) == ["寒亭街道"]
    text = "本报讯 六龙村发展产业。\n\n六龙村是宾阳县48个贫困村之一，村委下辖6个党支部。"
    assert _regions(text) == ["宾阳县", "六龙村"]  # the county owns its count; 村委 is 六龙村's
    text = "本报讯 东乌珠穆沁旗盘活草场。\n\n全旗8个苏木镇29个嘎查集体经济收入730余万元。"
    assert _regions(text)[-1] == "东乌珠穆沁旗"


def test_in_quoted_speech_the_village_is_the_speakers_and_a_place_owns_the_count_after_it() -> None:
    text = (
        "本报讯 望远镇通桥村发展糯玉米，通桥村党支部将产业做大。\n\n"
        "“2023年全村集体经济收入为70.17万元。”贺兰县习岗镇新平村党支部书记张成元介绍。"
    )
    assert _regions(text)[-1] == "新平村"
    assert _regions("本报讯 六龙村是宾阳县48个贫困村之一。")[0] == "宾阳县"


def test_a_compound_named_once_in_full_is_found_when_written_alone() -> None:
    text = (
        "江苏路街道老小区电梯同日竣工\n"
        "当天上午，长宁区江苏路街道长新小区的部分居民收到了好消息。\n"
        "紧邻中山公园，长新小区集合了12家商户。"
    )
    assert _regions(text) == ["长新小区"]


def test_a_figure_before_the_story_turns_to_a_village_belongs_to_the_place_named_before_it() -> None:
    text = (
        "2021年7月，我省启动新一轮对口帮扶工作。\n"
        "省直单位帮扶神农架林区由省政协办公厅牵头，8家单位参与。\n"
        "各单位已先后投入帮扶资金1038.8万元。\n"
        "双建村\n"
        "神农架林区阳日镇双建村海拔1000多米。双建村党支部书记介绍，工作队走访100余户村民。\n"
        "双建村新建水塔2座。"
    )
    regions = _regions(text)
    assert regions[:2] == ["神农架林区", "神农架林区"]
    assert regions[-1] == "双建村"


def test_a_name_ending_in_a_common_word_is_no_place_unless_the_gazetteer_knows_it() -> None:
    text = "本报讯 丰台区推进接诉即办。\n\n区级领导干部43名带头包联26个街镇，走访群众6300余户。"
    assert set(_regions(text)) == {"丰台区"}
    assert _regions("本报讯 安徽省萧县圣泉乡古城村今年新建党群服务中心2个。") == ["古城村"]


def test_a_paragraph_without_a_subject_place_belongs_to_the_smaller_place_it_names() -> None:
    text = (
        "浙江富阳：共富工坊带富一方\n"
        "富阳区委组织部坚持党建联建，目前已建成各类共富工坊120余家。\n"
        "直播间销售产品不仅有富阳区永昌镇范围内的臭豆腐、高菜等，去年工坊销售农产品超1000万元。"
    )
    assert _regions(text) == ["富阳区", "永昌镇"]


def test_one_stem_names_a_compound_and_its_residents_area_and_keeps_its_first_name() -> None:
    text = (
        "天台机关党员进社区\n"
        "党员们来到天台县赤城街道丰泽居民区，参加社区党员志愿服务。\n"
        "丰泽社区党总支书记陈雪娥将消息传递给各临时支部，3个临时党支部的153名党员筹到两万元。"
    )
    assert _regions(text) == ["丰泽居民区", "丰泽居民区", "丰泽居民区"]
    text = (
        "本报讯 长宁区江苏路街道长新小区的居民收到好消息。\n"
        "紧邻中山公园的长新居民区共有户籍老人1505名。"
    )
    assert _regions(text) == ["长新居民区"]


def test_a_villagers_group_named_after_its_village_is_a_place_below_it() -> None:
    text = (
        "本报讯 巴里坤县花园乡头道河子村建强组织。\n"
        "为解决头道河子村黑沟组人畜饮水难题，工作组争取到项目资金50万元，打5口饮水井。\n"
        "3点半，在头道河子村一组的田头，工作组走访农户30户。"
    )
    assert _regions(text) == ["黑沟组", "黑沟组", "头道河子村"]
    text = "本报讯 在梅溪镇梅埔村白河江自然村，种植大户张世锦的合作社去年卖了1200多万元。"
    assert _regions(text) == ["白河江自然村"]


def test_an_area_named_in_the_headline_and_the_body_is_a_place() -> None:
    text = (
        "市委书记第8次调研回天地区：打造社区治理样板\n"
        "今年以来，回天地区累计疏解提升4家批发市场，拆除违法建设24万平方米。\n"
        "中高风险地区人员排查12人。"
    )
    assert _regions(text)[:2] == ["回天地区", "回天地区"]
    assert _regions("本报讯 民族地区新建党群服务中心3个。") == [None]


def test_a_post_holder_named_with_their_place_speaks_for_it_later() -> None:
    text = (
        "天台机关党员进社区\n"
        "丰泽社区党总支书记陈雪娥将这一消息传递给各临时支部。\n"
        "陈雪娥介绍，目前到社区报到的机关党员有1265人，组建了31个临时党支部。\n"
        "记者陈雪说，天台县有3000多名在职机关党员。"
    )
    assert _regions(text) == ["丰泽社区", "丰泽社区", "天台县"]


def test_a_division_that_repeats_its_county_in_its_name_is_known_by_its_own_name() -> None:
    outline = [
        "湖北省\t42\t鄂\n",
        "\t孝感市\t4209\t孝感\n",
        "\t\t孝南区\t420902\t孝南\n",
        "\t\t\t孝南区朋兴乡\t420902210\t朋兴\n",
    ]
    gaz = Gazetteer(outline)
    assert gaz.rows("孝南区朋兴乡") == ()
    (row,) = gaz.rows("朋兴乡")
    assert [gaz.name_of(r) for r in gaz.ancestors(row)] == ["孝南区", "孝感市", "湖北省"]


def test_a_village_written_right_after_its_township_is_a_place_though_its_name_is_a_word() -> None:
    text = "本报讯 孝南区朋兴乡长风村，村支书和农民一道忙碌着。去年，村集体收入12.86万元。"
    assert _regions(text) == ["长风村"]


def test_a_township_filed_under_a_named_city_is_a_place_whatever_words_jieba_reads_in_it() -> None:
    assert _regions("本报讯 2023年以来，安徽省淮南市三和镇组建网格党支部23个。") == ["三和镇"]


def test_a_zone_is_named_after_the_place_word_before_it_and_who_is_stationed_there_is_no_part_of_a_name() -> None:
    places = _places("印发淮南高新区融合工作方案。气象局驻察隅县工作队走访群众20户。工业大区、人口大区。")
    assert places == ["淮南高新区", "察隅县"]


def test_a_place_opening_a_paragraph_is_the_scope_of_the_paragraphs_after_it() -> None:
    text = (
        "孝感实现“10万元村”全覆盖\n"
        "孝感1810个村集体经济收入全部过10万元。\n"
        "孝南区朋兴乡长风村，村支书赵泽平和农民一道忙碌着。\n"
        "去年，村集体收入12.86万元。\n"
        "今年，全市共收回村集体资源1.4万亩。"
    )
    assert _regions(text) == ["孝感", "长风村", "孝感"]  # 过10万元 is the bar, no figure


def test_a_city_short_form_that_is_also_a_word_is_the_city_where_it_opens_clauses() -> None:
    text = "孝感实现“10万元村”全覆盖\n孝感1810个村集体经济收入全部过10万元。"
    assert _regions(text)[0] == "孝感"
    # 周口“智慧岛”: the city names a thing of its own
    assert "周口" not in _places("周口“智慧岛”上榜名单。\n周口“智慧岛”汇聚企业1728家。")


def test_examples_side_by_side_are_no_scope_for_the_paragraphs_after_them() -> None:
    text = (
        "本报讯 示范区坚持党建引领乡村振兴。\n"
        "在曾庄村，蚯蚓养殖基地发展良好；在石庄村，葡萄种植产业加速发展。\n"
        "开展党群服务中心提升行动，投资985万元。"
    )
    assert _regions(text) == ["示范区"]


def test_the_place_aid_is_for_owns_what_the_aid_did() -> None:
    text = (
        "茂名市委办公室到沙琅镇开展慰问活动\n"
        "近年来，茂名市委办根据部署，大力对沙琅镇村开展帮扶，目前共统筹专项资金4071.1万元。\n"
        "省直单位帮扶神农架林区，8家单位参与。"
    )
    assert _regions(text) == ["沙琅镇", "神农架林区"]


def test_a_partner_a_road_and_an_adverb_are_no_part_of_the_place_doing_the_work() -> None:
    text = (
        "本报讯 大竹县石桥铺镇与重庆市梁平区碧山镇交界。\n"
        "石桥铺镇针对梁山街、镇江路等交界路段，协同碧山镇开展联合执法。联合碧山镇司法所成立联调中心，"
        "截至目前，联合调解群众纠纷8起。"
    )
    assert _regions(text) == ["石桥铺镇"]
    assert _places("这样算下来，仅燕鸽村温棚园区370亩土地年产值可达140万元。") == ["燕鸽村"]


def test_a_grid_head_named_with_their_community_speaks_for_it_at_the_head_of_a_paragraph() -> None:
    text = (
        "本报讯 公主岭市河北街道朝阳社区第四网格长张立敏手机提示音不断。\n"
        "公主岭市推行“三长制”工作模式，全市划分网格1200个。\n"
        "张立敏现在管理的网格内有小区2个，居民3000多人。"
    )
    assert _regions(text) == ["公主岭市", "朝阳社区", "朝阳社区"]


def test_a_city_short_form_before_a_level_word_is_the_city_and_a_bare_level_word_looks_only_back() -> None:
    text = (
        "街道“二人转”的新唱法——北京开创基层治理新格局\n"
        "这一年，北京街道变化不小。\n"
        "北京这样一个超大城市，由333个街乡镇组成，其中街道办事处有152个。\n"
        "西城区德胜街道推行吹哨报到。"
    )
    assert _regions(text) == ["北京", "北京"]
    assert "北京街道" not in _places(text)
    assert _places("去年，黔东南州评选出100个“红旗村寨”。")[0] == "黔东南州"


def test_quan_qu_means_a_place_called_qu_not_the_county_named_last() -> None:
    # Districts and counties share a level; 全区 after a county is the autonomous region above it.
    text = "林芝市气象局驻察隅县古拉乡日托村工作队清理水池。\n\n活动开展以来,全区各级工作队为群众办实事4.78万件。"
    assert _regions(text)[-1] == "西藏自治区"
    # …and a district named earlier wins over the county named since.
    text = "金牛区组织党员下沉。\n\n大邑县派出干部12名。全区共走访群众1200户。"
    assert _regions(text) == ["大邑县", "金牛区"]


def test_a_clause_without_a_subject_place_is_about_the_place_it_is_set_in() -> None:
    text = "射阳县千秋镇联合村召开现场会。3点半,在该镇一心村一组的1040亩水稻田头,该村党支部书记介绍。"
    assert _regions(text) == ["一心村"]
    # …but a place in a list is one of what is counted, not where the clause is.
    text = "延河湾社区推进治理。在东苑小区、农机厂家属院等5个无物业小区推行自治。"
    assert _regions(text) == ["延河湾社区"]


def test_a_level_word_followed_by_a_word_of_its_own_ends_the_name() -> None:
    # 镇民 would be a word, but here jieba reads 民政办: 西递镇 is the township.
    text = "活动开展以来,西递镇民政办积极组织党员、干部开展行动,全镇共计走访160余户。"
    assert _regions(text) == ["西递镇"]
    assert "市" not in _places("推动农贸市场提档升级,新建市民广场1个。")


def test_a_papers_dateline_is_no_place_name() -> None:
    text = "浙江日报杭州7月1日讯 今天上午,全省在职党员志愿服务活动启动,1080个微心愿全部被领走。"
    assert "浙江日报杭州" not in _places(text)


def test_cun_li_mid_clause_is_the_village_and_a_verbs_object_is_no_village() -> None:
    text = "叶城县乌夏巴什镇亚吾斯村工作队入户走访。\n\n工作队用三天时间解决了村里45户村民的饮水问题。"
    assert _regions(text) == ["亚吾斯村"]
    assert "交通厅驻村" not in _places("贵州省交通厅驻村干部的到来改变了这一状况。")
    # A name whose own characters read as a verb stays a name.
    assert "岜培村" in _places("走进从江县丙妹镇岜培村,一座鼓楼映入眼帘。")


def test_a_name_that_swallowed_the_verb_issuing_a_document_is_no_place() -> None:
    text = "吕梁市推进小区治理。\n\n印发小区党群服务站规范化建设指导意见,打造小区党群服务站1378个。"
    assert "印发小区" not in _places(text)
    assert _regions(text) == ["吕梁市"]


def test_a_county_short_form_is_confirmed_by_one_of_its_townships_named_in_the_report() -> None:
    # 广福镇 lies in 蕉岭县 (among four 广福镇 in the gazetteer): the report's 蕉岭 is that county,
    # and 全县 after it is 蕉岭, not the township.
    text = "驻广福镇工作队推动广福镇的乡村全面发展。\n8支工作队进驻蕉岭各乡镇。三年来,全县实施帮扶项目225个。"
    assert "蕉岭" in _places(text)
    assert _regions(text)[-1] == "蕉岭"
    # Without a township of the county the short form alone is no place.
    assert "蕉岭" not in _places("8支工作队进驻蕉岭各乡镇。全县实施帮扶项目225个。")


def test_a_gazetteer_division_under_the_place_just_named_is_a_name_whatever_word_it_ends_in() -> None:
    # 药大社区 ends in 大社区 (a big community), but the gazetteer files it under 五里河街道.
    text = "沈阳市沈河区五里河街道药大社区党委书记说。\n药大社区位于文化路,共有8个居民小区,居民3012户。"
    assert _regions(text) == ["药大社区", "药大社区"]
    assert _regions("本报讯 沈河区推进治理。\n人口大社区共有8个居民小区。") == ["沈河区"]


def test_gai_gacha_is_the_gacha_named_before_and_gai_cun_the_village_not_a_nearer_place_of_the_level() -> None:
    text = "巴音塔拉嘎查党支部书记到乌盖苏木巴音村学习经验。该嘎查建有党支部1个,党员31人。"
    assert _regions(text) == ["巴音塔拉嘎查", "巴音塔拉嘎查"]
    text = "白雾坪村党支部与沅陵县城关社区结对共建。该村建有党员活动室1个,党员31人。"
    assert _regions(text) == ["白雾坪村", "白雾坪村"]


def test_here_is_a_province_makes_it_the_topic_and_a_relative_clause_figure_belongs_to_its_head() -> None:
    text = "这里是内蒙古,祖国的正北方。行走在边境线长达4200多公里的土地上。"
    assert _regions(text) == ["内蒙古"]
    # 有着1103公里边境线的内蒙古锡林郭勒盟: the figure describes the league (the chain's last place),
    # and the province written before the league is part of its chain.
    text = "这里是内蒙古,祖国的正北方。记者走进有着1103公里边境线的内蒙古锡林郭勒盟,探访党员中心户。"
    assert _regions(text) == ["锡林郭勒盟"]
    assert _places(text) == ["内蒙古", "内蒙古", "锡林郭勒盟"]


def test_xiaoqu_with_what_it_has_is_the_compound_and_er_zai_zhengge_sets_a_place() -> None:
    text = (
        "长宁区江苏路街道长新居民区完成加装电梯。\n长新小区位于长宁路491弄。\n"
        "长新居民区党总支书记赵惠萍介绍,小区现有居民1200户。"
        "而在整个长新居民区,1505名户籍老人中,独居老人有103人。"
    )
    assert _regions(text) == ["长新小区", "长新居民区", "长新居民区"]


def test_the_organs_of_a_county_are_no_place_called_xianweixian() -> None:
    assert "县委县" not in _places("收集群众对县委县政府的工作意见及建议265条。")


def test_a_measure_word_after_a_numeral_starts_no_place_name() -> None:
    assert _places("为定汉、张川、余家砭3个村村集体每年分红24万元。") == []
