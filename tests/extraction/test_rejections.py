"""What is not a mention: dates, ordinals, slogans, addresses, qualifiers, frequencies (spec section 1)."""

from __future__ import annotations

import pytest

from ._helpers import figures, mentions


@pytest.mark.parametrize(
    "text",
    [
        "2023年,示范区召开会议。",
        "对村集体经济收入排名后10位的村,由县级领导包联。",
        "他们要帮3组的几户留守老人打药。",
        "在全区街道中排名第6位，较上月上升4位。",
        "这个坐落在海拔800多米半山腰上的苗寨。",
        "8月6日下午召开会议。",
        "7月1日至今持续开展。",
        "召开五届区委第33次常委会议。",
        "3月5日是全国第61个“学雷锋纪念日”。",
        "入选全省第二批名单。",
        "推进“三项工程、一项管理”工作。",
        "“123”工作法推动创文。",
        "大力推进“五星”支部创建。",
        "开展“四下基层”活动。",
        "更新“三个清单”。",
        "实现“两个高于”目标。",
        "打造一刻钟(15分钟)生活圈。",
        "观摩西站路82号院和中原中路152号院。",
        "为70岁以上老人建档。",
        "以前瞻三十年的眼光规划。",
        "每周一推进、每月一观摩、每季一评比。",
        "每月召开一次联席会议。",
        "传达《关于实施三项工程的通知》精神。",
        "一个党员就是一面旗帜。",
        "采用“分散游击+集中清理”两种方式整治。",
        "发挥三支力量作用。",
        "物业服务事关千家万户。",
        "坚持五位一体总体布局。",
        "建立24小时数据核查机制。",
        "5个工作日内办结。",
        "连续3个月开展督查。",
        "每人每月发放补贴200元。",
        "每名党员联系5至10户群众。",
        "分3批次开展轮训。",
        "两岸建筑统一风格。",
        "排名前10名的社区。",
        "金丹乳酸、四方药业入驻。",
    ],
)
def test_not_a_mention(text: str) -> None:
    assert figures(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("创建市级标杆党支部7个、“四强”党支部3个", [(7, "个"), (3, "个")]),
        ("划分为14个大网格、82个小网格", [(14, "个"), (82, "个")]),
        ("区委成立了三个督导组", [(3, "个")]),
        ("组织党员群众参观学习两次", [(2, "次")]),
        ("志愿服务时长超过1.2万小时", [(12_000, "小时")]),
    ],
)
def test_counts_next_to_slogans_and_chinese_numerals_are_kept(text: str, expected: list) -> None:
    assert figures(text) == expected


def test_threshold_qualifier_with_de_is_no_figure() -> None:
    from ._helpers import figures

    assert figures("经营性收入50万元以上的村达到142个、30万元以下的村全部消除。") == [(142, "个")]


def test_round_hundreds_and_thousands_after_a_bound_are_figures_and_thresholds_are_not() -> None:
    found = mentions("合作社累计营收超千万元，解决近千名群众出行难，村集体收入突破百万元。")
    assert [(m["text"], m["value"], m["approx"]) for m in found] == [
        ("千万元", 10_000_000, True),
        ("千名", 1000, True),
        ("百万元", 1_000_000, True),
    ]
    found = mentions("全县238个村实现50万元以上集体经济收入，50万元以上、30万元以上嘎查数量增加。")
    assert [m["text"] for m in found] == ["238个"]
    found = mentions("全县208个村全部实现集体经济收入达5000元以上，其中132个行政村集体经济收入达2万元以上。")
    assert [m["text"] for m in found] == ["208个", "132个"]
    assert [m["text"] for m in mentions("今年村集体经济收入达到52万元以上。")] == ["52万元"]
    found = mentions("村集体积累超1000万元的村27个，来年守不守得住10万元的底线？")
    assert [m["text"] for m in found] == ["27个"]
    found = mentions("孝感1810个村集体经济收入全部过10万元，收入超50万元村实现全覆盖。")
    assert [m["text"] for m in found] == ["1810个"]


def test_a_space_between_digits_and_the_measure_word_is_part_of_the_figure() -> None:
    found = mentions("由常委会研究确定 394 个软弱涣散村党组织。")
    assert [(m["text"], m["value"], m["unit"]) for m in found] == [("394 个", 394, "个")]


def test_animals_hives_and_wells_are_counted() -> None:
    found = mentions("养殖藏鸡105.2万只、中华蜂4.8万箱，打5口饮水井。")
    assert [(m["value"], m["unit"]) for m in found] == [(1_052_000, "只"), (48_000, "箱"), (5, "口")]


def test_a_yearly_amount_is_a_figure_but_a_rate_per_person_is_not() -> None:
    assert figures("百合产业每年带动就业3000余人,每年为村集体增收70余万元。") == [(3000, "人"), (700000, "元")]
    assert figures("每名党员联系10户,每人补助500元。") == []


def test_some_tens_and_building_addresses_are_no_figures() -> None:
    assert figures("面积大的数十平方公里,小的仅1平方公里。") == [(1, "平方公里")]
    assert figures("就8栋一单元楼顶漏水问题商量办法。") == []
    assert figures("安泰小区共有8栋楼、426户。") == [(8, "栋"), (426, "户")]


def test_distances_from_a_place_and_numbered_offices_are_no_figures() -> None:
    assert figures("嘎查99户牧户中,有近一半的牧户离嘎查党群服务中心25公里以上。") == [(99, "户")]
    assert figures("王沟村距县城25公里,新修道路3.7公里。") == [(3.7, "公里")]
    assert figures("江西省委统战部二处副处长李洪涛驻村,走访农户56户。") == [(56, "户")]


def test_where_a_place_lies_and_the_size_of_a_family_are_no_figures_but_a_length_is() -> None:
    assert figures("芒来嘎查位于镇西南25公里处,共有牧户99户。") == [(99, "户")]
    assert figures("“我们家有10口人,这次分红一共5000元。”") == [(5000, "元")]
    assert figures("新巴尔虎右旗边境线长515.4公里。") == [(515.4, "公里")]
    assert figures("新建一条长3.7公里的水泥路,路宽6米。") == [(3.7, "公里")]


def test_liang_ge_counts_what_it_is_written_with_but_not_slogans() -> None:
    assert figures("张立敏管理的网格内有两个小区,居民300户。") == [(2, "个"), (300, "户")]
    assert figures("树牢“四个意识”,做到“两个维护”。") == []


def test_a_distance_away_is_no_figure() -> None:
    assert figures("327户村民都是从300多公里外的西吉县搬迁而来。") == [(327, "户")]


def test_a_bar_below_which_villages_fall_is_no_figure() -> None:
    assert figures("2018年全镇有11个村全年集体经济收入不足3万元。") == [(11, "个")]
