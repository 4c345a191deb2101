"""The built-in core indicator catalogue (spec section 3) and the vocabulary that points to each code."""

from __future__ import annotations

from .specs import IndicatorSpec
from .wordlists import word_table

CORE: tuple[IndicatorSpec, ...] = (
    IndicatorSpec("party_orgs", "基层党组织数", "个", ("基层党组织", "党组织", "党委", "党总支", "党支部", "支部")),
    IndicatorSpec("party_members", "党员人数", "人", ("党员", "正式党员", "预备党员", "在册党员")),
    IndicatorSpec(
        "members_mobilized",
        "发动下沉党员干部人数",
        "人",
        ("党员干部", "下沉党员", "机关干部", "在职党员", "党员中心户"),
    ),
    IndicatorSpec("masses_mobilized", "带动参与群众人数", "人", ("群众", "居民", "村民", "志愿者")),
    IndicatorSpec("households_visited", "走访户数", "户", ("走访户", "入户走访")),
    IndicatorSpec("people_visited", "走访排查人数", "人", ("走访群众", "排查人员", "返乡人员")),
    IndicatorSpec("problems_solved", "解决问题件数", "件", ("问题", "民生实事", "矛盾纠纷", "诉求", "隐患")),
    IndicatorSpec("events_held", "活动场次", "场", ("党课", "主题党日", "培训", "会议", "活动", "宣讲")),
    IndicatorSpec("event_participants", "参加活动人数", "人", ("受众", "学员", "参训人员", "参会人员")),
    IndicatorSpec("service_centers", "党群服务中心数", "个", ("党群服务中心", "便民服务中心", "服务站", "驿站")),
    IndicatorSpec("model_units", "示范点数", "个", ("示范点", "标杆党支部", "示范社区", "示范村", "样板村")),
    IndicatorSpec("projects", "项目数", "个", ("项目",)),
    IndicatorSpec("investment", "投资额", "元", ("投资", "投入资金", "总投资")),
    IndicatorSpec("funds_disbursed", "发放资金", "元", ("奖励资金", "分红", "补助", "补贴")),
    IndicatorSpec("beneficiaries", "受益人数", "人", ("受益群众", "受益人", "惠及群众")),
    IndicatorSpec("materials_distributed", "发放宣传资料份数", "份", ("宣传资料", "宣传彩页", "宣传手册", "明白纸")),
    IndicatorSpec("jobs", "就业岗位", "个", ("就业岗位", "岗位", "就业")),
    IndicatorSpec("enterprises", "企业数", "家", ("企业",)),
    IndicatorSpec("rate", "比率", "%", ("满意率", "化解率", "覆盖率", "知晓率")),
)
CORE_CODES = frozenset(spec.code for spec in CORE)

# Head nouns: the last noun of the counted phrase decides what is counted.
PARTY_ORG_HEADS = word_table("party_org_heads")
SERVICE_CENTER_HEADS = word_table("service_center_heads")
MODEL_MARKERS = word_table("model_markers")
MODEL_HEADS = word_table("model_heads")
PROJECT_HEADS = ("项目",)
# Heads with no code of their own: when one of them ends the phrase, the count is of that thing.
UNCODED_HEADS = ("合作社", "党小组", "小组", "工作室", "服务队", "宣讲团", "协会", "联盟")
# Verbs that count acts of service rather than events held: 提供上门服务2600余次.
SERVICE_VERBS = ("提供", "接待", "受理", "帮助", "办理", "出动")
# 合作社 is left out: a co-operative is not counted as an enterprise.
ENTERPRISE_HEADS = ("企业", "公司", "商户", "个体工商户", "市场主体", "工厂", "商家", "门店")
JOB_POST_CONTEXT = word_table("job_post_context")
HONOUR_VERBS = ("表彰", "评选", "授予", "命名", "评为", "获评")
SANCTION_VERBS = ("处置", "处分", "问责", "清退", "劝退", "除名", "组织处理", "召回")
JOB_WORDS = ("就业岗位", "岗位", "就业", "务工", "用工", "就近就业", "灵活就业")
PROBLEM_WORDS = word_table("problem_words")
SOLVE_VERBS = word_table("solve_verbs")
# Verbs that report a listed matter as done, read only right before the count: 议定事项135件,已实施完成118件.
DONE_VERBS = ("完成", "落实", "实施")
EVENT_NOUNS = word_table("event_nouns")
MATERIAL_NOUNS = word_table("material_nouns")
DISTRIBUTE_VERBS = word_table("distribute_verbs")
FUNDS_WORDS = word_table("funds_words")
INVEST_WORDS = word_table("invest_words")
WEAK_INVEST_WORDS = ("资金", "经费", "专项资金", "资本", "入股", "筹到", "募集", "众筹")
VISIT_VERBS = word_table("visit_verbs")
MOBILIZE_VERBS = word_table("mobilize_verbs")
CADRE_WORDS = word_table("cadre_words")
MASSES_WORDS = word_table("masses_words")
MASS_VERBS = word_table("mass_verbs")
BENEFIT_WORDS = word_table("benefit_words")
PARTICIPANT_WORDS = word_table("participant_words")
RATE_WORDS = word_table("rate_words")
HOUSEHOLD_BENEFIT_VERBS = ("惠及", "受益", "受惠", "服务", "覆盖", "帮扶", "结对", "帮助")
HOUSEHOLD_MOBILIZE_VERBS = ("带动", "发动", "动员", "组织", "引导", "号召")
JOIN_WORDS = ("入社", "入股", "加入合作社")

# Counted phrases that are plain abstractions after a Chinese numeral: 两种方式, 三支力量.
ABSTRACT_NOUNS = word_table("abstract_nouns")
