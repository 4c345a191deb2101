"""Measure words and units: which ones make a figure, and their canonical form (spec section 2)."""

from __future__ import annotations

# Written unit -> (canonical unit, multiplier). Longest forms must be tried first, so the
# regular expression below is built from this table sorted by length.
_UNIT_TABLE: dict[str, tuple[str, float]] = {
    "人(次)": ("人次", 1),
    "人（次）": ("人次", 1),
    "场(次)": ("场次", 1),
    "场（次）": ("场次", 1),
    "人次": ("人次", 1),
    "场次": ("场次", 1),
    "批次": ("批次", 1),
    "户次": ("户次", 1),
    "家次": ("家次", 1),
    "件次": ("件次", 1),
    "车次": ("车次", 1),
    "架次": ("架次", 1),
    "航次": ("航次", 1),
    "名": ("人", 1),
    "人": ("人", 1),
    "位": ("人", 1),
    "元": ("元", 1),
    "块钱": ("元", 1),
    "平方公里": ("平方公里", 1),
    "平方米": ("平方米", 1),
    "平米": ("平方米", 1),
    "㎡": ("平方米", 1),
    "立方米": ("立方米", 1),
    "方": ("方", 1),
    "公里": ("公里", 1),
    "千米": ("千米", 1),
    "米": ("米", 1),
    "公顷": ("公顷", 1),
    "亩": ("亩", 1),
    "吨": ("吨", 1),
    "公斤": ("公斤", 1),
    "斤": ("斤", 1),
    "%": ("%", 1),
    "个": ("个", 1),
    "户": ("户", 1),
    "件": ("件", 1),
    "次": ("次", 1),
    "场": ("场", 1),
    "份": ("份", 1),
    "处": ("处", 1),
    "家": ("家", 1),
    "条": ("条", 1),
    "套": ("套", 1),
    "篇": ("篇", 1),
    "项": ("项", 1),
    "支": ("支", 1),
    "座": ("座", 1),
    "张": ("张", 1),
    "所": ("所", 1),
    "间": ("间", 1),
    "栋": ("栋", 1),
    "幢": ("幢", 1),
    "台": ("台", 1),
    "辆": ("辆", 1),
    "艘": ("艘", 1),
    "倍": ("倍", 1),
    "部": ("部", 1),
    "本": ("本", 1),
    "册": ("册", 1),
    "期": ("期", 1),
    "批": ("批", 1),
    "轮": ("轮", 1),
    "棵": ("棵", 1),
    "株": ("株", 1),
    "盏": ("盏", 1),
    "面": ("面", 1),
    "幅": ("幅", 1),
    "块": ("块", 1),
    "组": ("组", 1),
    "队": ("队", 1),
    "类": ("类", 1),
    "种": ("种", 1),
    "起": ("起", 1),
    "宗": ("宗", 1),
    "笔": ("笔", 1),
    "单": ("单", 1),
    "节": ("节", 1),
    "堂": ("堂", 1),
    "课时": ("课时", 1),
    "学时": ("学时", 1),
    "小时": ("小时", 1),
}

# Written forms sorted longest first for the alternation.
UNIT_FORMS: tuple[str, ...] = tuple(sorted(_UNIT_TABLE, key=len, reverse=True))

# A unit followed by one of these characters is the first half of another word
# (支部, 条例, 家庭, 处理 …), not a measure word.
BAD_NEXT: dict[str, str] = {
    "支": "部持援付出撑书",
    "条": "例件款约",
    "家": "庭属长乡园风门里人具电政",
    "处": "理置长室级罚分于在",
    "名": "单称义额次列誉片牌字",
    "户": "籍型外口主",
    "份": "额子",
    "场": "所地馆景合面域上",
    "座": "谈位右",
    "所": "以有在属得谓长",
    "台": "账上阶风下湾",
    "张": "贴挂家",
    "单": "位元独一",
    "组": "织建成长",
    "队": "伍员长",
    "类": "似型",
    "种": "植养类子",
    "面": "积向对貌上临",
    "节": "日点约能",
    "批": "准示评复",
    "轮": "流换",
    "次": "数序日年月要密",
    "位": "置于数",
    "个": "别性",
    "间": "隔断",
    "起": "来点步草",
    "本": "地人领科届次土",
    "期": "间望待",
    "人": "民口均员",
    "方": "面式法案针向位",
    "米": "粮面",
    "块": "头",
    "笔": "记者",
    "项": "目",
    "元": "旦素",
    "部": "门署分队长委位件级",
}

# Units that count people, money and so on; the engine uses the class, not the exact unit.
PERSON_UNITS = frozenset({"人"})
PERSON_TIMES_UNITS = frozenset({"人次"})
MONEY_UNITS = frozenset({"元"})
EVENT_UNITS = frozenset({"场", "场次", "次", "期", "堂", "节", "轮", "批次"})
MATERIAL_UNITS = frozenset({"份", "册", "张", "本", "幅"})
MEASURE_UNITS = frozenset(
    {
        "平方公里",
        "平方米",
        "立方米",
        "方",
        "公里",
        "千米",
        "米",
        "公顷",
        "亩",
        "吨",
        "公斤",
        "斤",
        "小时",
        "课时",
        "学时",
    }
)


def canonical_unit(written: str) -> tuple[str, float]:
    """Return the canonical unit and the factor a written unit multiplies the value by."""
    return _UNIT_TABLE.get(written, (written, 1))
