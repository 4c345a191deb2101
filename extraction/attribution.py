"""Indicator attribution: which catalogue code a figure reports, read from its counted phrase and verbs."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import catalogue as cat
from .specs import IndicatorSpec
from .units import EVENT_UNITS, MATERIAL_UNITS, MEASURE_UNITS
from .wordlists import word_table

_EVENT_HEADS = word_table("event_heads")
_EVENT_CONTEXT = tuple(w for w in cat.EVENT_NOUNS if len(w) > 1 and w not in ("行动", "学习", "交流"))
_PERSON_NOUNS = word_table("person_nouns")
_QUOTES = re.compile(r"[“”‘’\"「」『』]")


@dataclass
class Clue:
    """What the text around one figure says; all strings are compact-text slices."""

    unit: str
    subject: str  # the counted noun phrase, campaign names removed
    before: str  # from the clause start (or the previous figure) up to the number
    clause_before: str  # from the clause start up to the number
    after: str  # from the figure to the clause end
    subject_after: bool  # the counted phrase follows the measure word (81个基层党组织)
    sentence_before: str = ""  # from the sentence start up to the number


# Nouns that contain a verb of the groups below (党组织 holds 组织, 服务队 holds 服务, 党务工作者 务工): hidden
# before verbs are read.
_VERB_LOOKALIKES = re.compile(
    r"党组织|组织部|组织员|组织委员|服务队|服务中心|服务站|服务点|新就业群体|就业群体|新就业形态|务工作|"
    r"(?<=参与)志愿服务|(?<=参加)志愿服务|志愿服务(?=活动|时长|项目)"
)
# Verbs for things only gathered or claimed, not settled: 收集诉求, 认领微心愿, 梳理清单.
_COLLECT_VERBS = word_table("collect_verbs")
_PEOPLE_WORDS = (*cat.CADRE_WORDS, *cat.MASSES_WORDS, "人", "员", "者", "户", "群体", "老人", "儿童", "学生", "农民")
_MATTER_UNITS = ("件", "项", "条", "个", "起", "处")
_LIST_HEADS = ("清单", "台账", "目录", "建议", "意见")
_TO_BE_SOLVED = re.compile(r"(?:需要|需|待|亟待|亟需|有待)(?:协调|研究)?$")
_SETTLED_AFTER = re.compile(r"(?:已|均已|全部|已全部)(?:解决|办结|化解|整改|销号)")
# A count that is the object of a preposition is who something was done to, not what was made: 向43个小区发放.
_PREP_OBJECT = re.compile(r"(?:向|给|对)$")
# Members a Party organisation is made of are its members (stock): 由7名党员组成的小区党支部.
_ORG_COMPOSITION = re.compile(r"^(?:组成|构成)的?[^，,。;；]{0,10}?(?:党支部|支部|党组织|党小组|党总支|党委)")
# Cadres by what they were sent to do (驻村干部, 第一书记) are mobilised whatever the verb.
_IN_SERVICE_MEMBERS = word_table("in_service_members")
# Members given a role in the neighbourhood's work (党员楼栋长, 党员网格员, 党员中心户) serve, so are mobilised.
_MEMBER_ROLE = re.compile(r"党员(?:楼栋长|单元长|网格员|网格长|中心户|志愿者|骨干|信息员|调解员|宣传员|示范岗)")
# Members taking part in service or governance work are mobilised, not an audience (组织党员…参与小区治理志愿服务).
_SERVICE_WORK = ("志愿服务", "治理", "服务")
# Teams cadres are sent out in; their members are mobilised (11名尖刀班成员, 工作组的7名成员).
_TEAM = re.compile(r"(?:工作组|工作队|尖刀班|突击队|服务队|专班|小分队|帮扶队)")
_TEAM_MEMBERS = re.compile(_TEAM.pattern + r"(?:成员|队员)$|工作队员$")
_PER_UNIT_MONEY = re.compile(r"(?:户均|人均|村均|工资|月薪|年薪|日薪)")
# Money named after the figure: 拿出300万元用于整治 (put in), 78万元作为收益分红 (paid out).
_INVESTED_AFTER = ("入股", "投入", "投资", "注入")
_SPENT_AFTER = ("用于", "用来", "投入", "投资")
_PURPOSE = re.compile(r"(?:用于|用来)([\u4e00-\u9fff]{1,8})")
# What members do right after they are counted: at work, so mobilised (25名党员同时发力, 开展…).
_MEMBERS_ACT_AFTER = word_table("members_act_after")
_STOCK_BEFORE = re.compile(r"(?:(?<![所没])有|发展|吸纳|其中)[^，,。；;]{0,8}$")
_MONEY_NOT_SPENT = re.compile(r"(?:缺口|差额|还差|尚缺|缺少|短缺)(?:资金|经费)?(?:达|约|近)?$")
_INCOME_WORDS = word_table("income_words")
_PARTICIPATE_AFTER = ("参与", "参加", "加入", "投身")
# 摸排出/找到…党员: members identified (on a roll), not people visited.
_FOUND_BEFORE = re.compile(r"(?:摸排出|排查出|梳理出|找到了?|摸清了?|发现了?)[^，,。；;]{0,14}$")
# 为…N名…提供/发放: the people something was done for.
_SERVED_BEFORE = re.compile(r"(?:为|向|给)[^，,。；;]{0,14}$")
_SERVE_AFTER = word_table("serve_after")


# The change itself right before the figure: 同比下降41%, 增长了18.2%, 提高5个百分点 (not 提高到).
_GROWTH_BEFORE = re.compile(
    r"(?:同比|环比|比上年|较上年|较去年)?(?:" + "|".join(word_table("growth_words")) + r")了?(?:约|近|达)?$"
)


_ENTER_BEFORE = re.compile(r"(?:深入|走进|走入|进入)(?:到|了)?$")


def _served(c: Clue) -> bool:
    """为…N名/户…提供/送去: the count is of whom something was done for."""
    return bool(_SERVED_BEFORE.search(c.before)) and _has(c.after[:24], _SERVE_AFTER)


# The people or households something reached: they received it (75户村民收获分红), or a hardship
# of theirs was solved (解决近千名群众出行难问题).
_RECEIVE_AFTER = ("收获", "获得", "领到", "得到", "享受", "分得", "领取")
_HARDSHIP_AFTER = re.compile(r"[^，,。；;]{0,12}(?:难|难题|问题|困难)")


def _own_words(after: str, limit: int, breaks: str = "，,。；;") -> str:
    """The words right after a figure up to the next break or number: what belongs to this figure."""
    return re.split(f"[{breaks}\\d]", after[:limit], maxsplit=1)[0]


def _received(c: Clue) -> bool:
    head = _own_words(c.after, 14)
    if _has(head, _RECEIVE_AFTER):
        return not _PER_UNIT_MONEY.search(head)  # 412户股民户均分得分红: the average, told of a roll
    return c.before.endswith("解决") and bool(_HARDSHIP_AFTER.match(c.after))


def _mask(text: str) -> str:
    return _VERB_LOOKALIKES.sub(lambda m: "□" * len(m.group()), text)


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def _last_pos(text: str, words: tuple[str, ...]) -> int:
    return max((text.rfind(w) for w in words), default=-1)


def _head(subject: str, heads: tuple[str, ...]) -> int:
    """End position of the rightmost head noun of the group in the subject, or -1.

    A Chinese noun phrase ends in its head (非公企业|党组织), so the word ending last wins.
    """
    ends = [subject.rfind(h) + len(h) for h in heads if h in subject]
    return max(ends) if ends else -1


class Attributor:
    """Maps a Clue to (indicator code or None, confidence), with the catalogue's extra synonyms."""

    def __init__(self, indicators: list[IndicatorSpec] | None = None) -> None:
        self.extra: dict[str, tuple[str, ...]] = {}
        self.units: dict[str, str] = {spec.code: spec.unit for spec in cat.CORE}
        for spec in indicators or ():
            merged = self.extra.get(spec.code, ()) + tuple(s for s in spec.synonyms if s)
            self.extra[spec.code] = merged
            if spec.unit:
                self.units[spec.code] = spec.unit

    def attribute(self, clue: Clue) -> tuple[str | None, float]:
        custom = self._custom(clue, head_only=True)
        if custom and custom[0] not in cat.CORE_CODES:
            return custom
        code, conf = self._builtin(clue)
        if code is None:
            custom = custom or self._custom(clue, head_only=False)
            if custom:
                return custom
        return code, conf

    def _custom(self, clue: Clue, *, head_only: bool) -> tuple[str, float] | None:
        subject = clue.subject
        for code, synonyms in self.extra.items():
            unit = self.units.get(code, "")
            if unit and not _unit_compatible(unit, clue.unit):
                continue
            for syn in synonyms:
                if subject.endswith(syn) if head_only else syn in subject or syn in clue.before:
                    return code, 0.85 if head_only else 0.6
        return None

    def _builtin(self, c: Clue) -> tuple[str | None, float]:
        if c.unit == "%":
            return self._rate(c)
        if c.unit == "元":
            return self._money(c)
        if c.unit in ("人", "人次"):
            return self._people(c)
        if c.unit in ("户", "户次"):
            return self._households(c)
        if c.unit in MEASURE_UNITS:
            return None, 0.0
        return self._count(c)

    def _households(self, c: Clue) -> tuple[str | None, float]:
        """户 counts households: visited, reached by a benefit, or brought in (带动茶农3800余户)."""
        before = _mask(c.before)
        if "党员中心户" in c.subject:
            return "members_mobilized", 0.75  # 吸纳党员中心户15户: members who each look after households
        if _served(c):
            return "beneficiaries", 0.7  # 为86户困难家庭送去慰问金: the households served
        groups = (
            ("households_visited", cat.VISIT_VERBS),
            ("beneficiaries", cat.HOUSEHOLD_BENEFIT_VERBS),
            ("masses_mobilized", cat.HOUSEHOLD_MOBILIZE_VERBS),
        )
        best, best_pos = None, -1
        for code, words in groups:
            pos = _last_pos(before, words)
            if pos > best_pos:
                best, best_pos = code, pos
        if _ENTER_BEFORE.search(before) or (best is None and _has(_own_words(c.after, 24), cat.VISIT_VERBS)):
            # 深入21户优抚对象家庭走访慰问: households entered, or named before the visit, are visited.
            best = "households_visited"
        if best is None and _has(c.subject, ("走访", "入户")):
            best = "households_visited"
        if best is None and _received(c):
            return "beneficiaries", 0.6  # 75户村民收获分红资金, 解决227户牧民饮水难题
        if best is None and _has(c.subject, cat.ENTERPRISE_HEADS):
            return "enterprises", 0.7  # 新增市场主体2300户
        if best == "masses_mobilized" and _has(c.before + c.after[:8], cat.JOIN_WORDS):
            return None, 0.0  # 带动村民入社1.2万户: households that joined a co-operative
        if best is None:
            return None, 0.0
        return best, 0.9 if best == "households_visited" else 0.7

    def _rate(self, c: Clue) -> tuple[str | None, float]:
        # A percentage reached is a rate (满意率达到96%, 从82%提升到96.3%); a change is not a
        # rate of anything (投诉同比下降41%, 增长18.2%), so it gets no indicator.
        if _GROWTH_BEFORE.search(c.before[-8:]):
            return None, 0.0
        if _has(c.subject + c.clause_before, cat.RATE_WORDS):
            return "rate", 0.9
        return "rate", 0.6

    def _money(self, c: Clue) -> tuple[str | None, float]:
        if _PER_UNIT_MONEY.search(c.before[-8:]):
            return None, 0.0  # 户均分得分红2600元, 人均增收: an average per household or person
        if _MONEY_NOT_SPENT.search(c.before[-6:]):
            return None, 0.0  # 尚有资金缺口22万元, 还差资金8万元: money missing, not put in
        text = c.before + c.subject
        conf = 0.9
        if not _has(text, cat.FUNDS_WORDS + cat.INVEST_WORDS + cat.WEAK_INVEST_WORDS):
            text = c.clause_before
            conf = 0.6
        funds = _last_pos(text, cat.FUNDS_WORDS)
        invest = _last_pos(text, cat.INVEST_WORDS)
        income = _last_pos(text, _INCOME_WORDS)
        if income > max(funds, invest):
            return None, 0.0  # 收缴资金近1000万元, 投资…后销售额: money that came in
        if invest < 0 and funds < 0:
            head = _own_words(c.after, 10, "、，,。；;")  # 自筹资金312万元、争取政府补贴…: not the next item's
            purpose = _PURPOSE.search(head)  # 提取34900元用于成员分红: money is paid out by what it is for
            paid_out = purpose is not None and _has(purpose.group(1), cat.FUNDS_WORDS)
            if _has(head, cat.FUNDS_WORDS) and (paid_out or not _has(head, _SPENT_AFTER)):
                return "funds_disbursed", 0.6
            if _has(head, _SPENT_AFTER):
                return "investment", 0.6
            # 资金/经费 alone: money put in, unless it is income.
            if _has(text, cat.WEAK_INVEST_WORDS) and "收益" not in text:  # 收入/增收 returned above
                return "investment", 0.6
            return None, 0.0
        if funds > invest and c.after.startswith(_INVESTED_AFTER):
            return "investment", conf  # 将财政补助资金400万元入股: a subsidy put into a venture
        return ("funds_disbursed", conf) if funds > invest else ("investment", conf)

    def _people(self, c: Clue) -> tuple[str | None, float]:
        subject, after = c.subject, c.after
        before = _mask(c.before)
        if "吸引" in before and not _has(after[:10], _PARTICIPATE_AFTER):
            before = before.replace("吸引", "□□")  # 吸引游客, 吸引人才入驻: attracted, not mobilised
        visited = _has(before, cat.VISIT_VERBS)  # 摸排外出务工人员2.3万人: people visited, not jobs
        if _has(_mask(subject) + before, cat.JOB_WORDS) and not _has(subject, ("群众", "党员", "干部")) and not visited:
            return "jobs", 0.85
        if _has(_mask(after[:14]), ("就业", "务工", "上岗")) and not _has(subject, ("党员", "干部")):
            return "jobs", 0.75  # 带动300余名村民在家门口就业
        if subject.endswith(("就业", "务工", "上岗")) and not _has(subject, ("党员", "干部")):
            return "jobs", 0.75  # 带动群众就近就业210人: the people counted are the jobs
        if "党员" in subject and _FOUND_BEFORE.search(before):
            return "party_members", 0.7  # 摸排出党员快递员312名: members found on the roll, not visited
        if _served(c):
            return "beneficiaries", 0.7  # 为辖区80岁以上老人1360名提供助餐: the people served
        rest = after[len(subject) :] if c.subject_after and after.startswith(subject) else after
        if subject.endswith("党员") and _ORG_COMPOSITION.match(rest):
            return "party_members", 0.8
        if _has(before, cat.HONOUR_VERBS + cat.SANCTION_VERBS) or (
            _has(_own_words(after, 12), cat.HONOUR_VERBS + cat.SANCTION_VERBS) and "对" in before[-10:]
        ):
            # 表彰优秀共产党员120名, 处置不合格党员9名, 对37名驻村干部予以表彰: people acted upon,
            # neither roll nor turnout.
            return None, 0.0
        # Who is counted: the phrase after the number, or when that names no people (1200余人次深入基层)
        # the noun right before it.
        # 入户 holds 户 but names an act (2100余人次入户征求意见), not the people counted.
        names_people = _has(subject.replace("入户", ""), _PEOPLE_WORDS)
        # A phrase naming no people (在职党员回社区报到1560名: 社区报到) widens to the words before it.
        who = subject if names_people else subject + before[-12:]
        cadre = _has(who, cat.CADRE_WORDS)
        masses = _has(who, cat.MASSES_WORDS) and not cadre
        # The verb closest to the number governs it: 发动党员3760名带动1.5万名群众.
        groups = (
            ("visit", cat.VISIT_VERBS),
            ("participate", cat.PARTICIPANT_WORDS),
            ("benefit", cat.BENEFIT_WORDS),
            ("mobilize", cat.MOBILIZE_VERBS + cat.MASS_VERBS),
        )
        best, best_pos = None, -1
        for name, words in groups:
            pos = _last_pos(before, words)
            if pos > best_pos:
                best, best_pos = name, pos
        if best is None and _received(c) and not cadre:
            return "beneficiaries", 0.6  # 解决近千名群众出行难问题: the people a hardship was lifted from
        if best is None:
            # Nothing before: the verb may follow (8名领导班子成员分包联系16个村; 610人参加培训).
            head = after[:12]
            if _has(head, ("发放", "补贴", "资助", "救助", "慰问金", "奖励")):
                return "beneficiaries", 0.7  # 为398名青年人才发放租房补贴
            for name, words in groups:
                if _has(head, words):
                    best = name
                    break
            if best == "visit" and (cadre or _TEAM_MEMBERS.search(subject)):
                return "members_mobilized", 0.7  # 120名党员走访群众: the visitors, not the visited
            if best is None and cadre and _has(_own_words(after, 40, "，,。；;"), cat.VISIT_VERBS):
                return "members_mobilized", 0.6  # 31名县领导采取“四不两直”等方式遍访全县482个村
            conf = 0.7
        else:
            conf = 0.85
        if best == "visit":
            return "people_visited", conf
        if best == "participate":
            return "event_participants", conf
        if (
            best == "mobilize"
            and (_has(before, ("参与", "参加")) or _has(after[:6], ("参与", "参加")))
            and _has(c.sentence_before, _EVENT_CONTEXT)
            and not (cadre and _has(after[:16], _SERVICE_WORK))
        ):
            return "event_participants", conf  # 召开议事会36场,参与居民1200余人次 / 吸引居民3400余人次参与
        if best == "benefit" and _has(before, ("覆盖",)) and _has(c.sentence_before, _EVENT_CONTEXT):
            return "event_participants", conf  # 开展宣讲120场,覆盖党员群众1.5万人次: the audience
        if best == "benefit":
            if cadre and subject.endswith("党员") and not _has(before, cat.MOBILIZE_VERBS):
                return "party_members", conf  # 覆盖党员1.1万余名: the members an organisation has
            if cadre and _has(before, cat.MOBILIZE_VERBS):
                return "members_mobilized", conf
            return "beneficiaries", conf
        if best == "mobilize":
            if subject.endswith("党员") and before.rfind("吸纳") >= best_pos >= 0:
                return "party_members", conf  # 吸纳党员1100余名: members an organisation took in and has
            if cadre:
                return "members_mobilized", conf
            if masses:
                return "masses_mobilized", conf
            if _has(before[best_pos:], cat.MASS_VERBS):
                return "masses_mobilized", 0.6  # 发动12名“骑友”: people who are not cadres, mobilised
            if _has(before, ("抽调", "下沉", "选派", "派驻", "下派")):
                return "members_mobilized", 0.6
            return None, 0.0
        if _has(subject + before, ("发展党员", "新发展", "发展新党员", "新党员")) and "党员" in subject + before:
            return None, 0.0  # newly recruited members are a flow the catalogue has no code for
        if _TEAM_MEMBERS.search(subject) or (subject in ("成员", "队员") and _TEAM.search(before[-10:])):
            return "members_mobilized", 0.7  # 11名尖刀班成员, 工作组的7名成员: cadres sent out as a team
        if _has(subject, _IN_SERVICE_MEMBERS) or _MEMBER_ROLE.search(subject) or _MEMBER_ROLE.match(after.lstrip("“")):
            return "members_mobilized", 0.7  # 两千余名在职党员志愿者每天…: members serving, not the roll
        if subject.endswith("志愿者") and not cadre:
            return "masses_mobilized", 0.6  # 注册志愿者1.2万余名: residents who volunteer
        if (
            subject.endswith("党员")
            and c.subject_after
            and not _STOCK_BEFORE.search(before)
            and _has(_own_words(after, 10), _MEMBERS_ACT_AFTER)
        ):
            return "members_mobilized", 0.6  # 网格党小组25名党员同时发力: members at work, not the roll
        if subject.endswith("党员") or _has(subject, ("正式党员", "预备党员", "在册党员", "党员总数", "党员人数")):
            return "party_members", 0.75
        if _has(subject, ("受众", "学员", "听众", "参训")):
            return "event_participants", 0.75
        if _has(subject, ("受益",)):
            return "beneficiaries", 0.75
        return None, 0.0

    def _solved(self, c: Clue) -> tuple[str | None, float] | None:
        """problems_solved when a settling verb governs the count; None to let other rules decide."""
        subject, before = c.subject, c.before
        solve = _last_pos(before, cat.SOLVE_VERBS)
        if solve < 0 and "整治" in before and subject.endswith(("问题", "隐患")):
            solve = before.rfind("整治")  # 整治…等7项问题 settles problems; 整治杂物100余处 clears things
        if solve > 0 and _TO_BE_SOLVED.search(before, max(0, solve - 4), solve):
            solve = -1  # 梳理出需要协调解决的问题101项: problems still to be solved
        if c.unit in _MATTER_UNITS and _SETTLED_AFTER.match(c.after):
            return "problems_solved", 0.7  # 目前,49项已解决: the matters just counted are settled
        if solve < 0 and _has(subject, cat.SOLVE_VERBS):
            solve = len(before) - len(subject)  # 办实事清单: the verb is only a modifier inside the phrase
        matter_unit = c.unit in _MATTER_UNITS
        settled_after = (
            c.subject_after and _has(subject, cat.PROBLEM_WORDS) and _has(_mask(c.after[:16]), cat.SOLVE_VERBS)
        )
        if solve < 0 and matter_unit and settled_after:
            return "problems_solved", 0.7  # 28起纠纷全部在院坝化解: the settling verb follows
        if matter_unit and re.search(r"(?:办结|化解|办理完成|整改到位)$", before):
            return "problems_solved", 0.6  # 本月按期办结1241件: 办结 settles a case whatever it is called
        if solve < 0:
            # 议定事项135件,已实施完成118件: a listed matter reported as carried out.
            done = _has(before[-6:], cat.DONE_VERBS) and matter_unit
            return ("problems_solved", 0.7) if done and _has(c.sentence_before, cat.PROBLEM_WORDS) else None
        if not _has(subject + before, cat.PROBLEM_WORDS):
            # 受理诉求1865件,办结1790件: the verb right before the count, the matter earlier in the sentence.
            return ("problems_solved", 0.7) if matter_unit and _has(c.sentence_before, cat.PROBLEM_WORDS) else None
        if subject.endswith(_LIST_HEADS) or _last_pos(before, _COLLECT_VERBS) > solve:
            return None, 0.0  # 梳理形成办实事清单58项: a list drawn up, nothing settled yet
        return "problems_solved", 0.8

    def _count(self, c: Clue) -> tuple[str | None, float]:
        subject = c.subject
        before = c.before
        if _PREP_OBJECT.search(before):
            return None, 0.0  # 向43个星级小区发放奖励资金: recipients of the act, not units created
        model_head = _head(subject, cat.MODEL_HEADS)
        if (
            model_head >= 0
            and (
                _has(subject, cat.MODEL_MARKERS)
                or (
                    _has(c.clause_before, ("创建", "评选", "命名", "认定", "打造", "建起", "建成", "培育"))
                    and _has(c.clause_before, cat.MODEL_MARKERS)
                )
            )
            and (not _has(subject, ("示范区",)) or _has(subject, ("示范点",)))
            # 樱桃种植示范园, 乡级示范园: farming demonstration parks and bases are no model units,
            # unless they are the Party's own (党员示范茶园).
            and not (subject.endswith(("园", "基地")) and "党" not in subject + c.clause_before)
        ):
            return "model_units", 0.85
        heads = (
            ("service_centers", cat.SERVICE_CENTER_HEADS),
            ("party_orgs", cat.PARTY_ORG_HEADS),
            ("projects", cat.PROJECT_HEADS),
            ("enterprises", cat.ENTERPRISE_HEADS),
            ("jobs", ("就业岗位", "岗位") if _job_posts(c) else ("就业岗位",)),
            (None, cat.UNCODED_HEADS),
        )
        if c.unit in EVENT_UNITS and subject.endswith(_EVENT_HEADS):
            # 开展“我为群众办实事”实践活动1200余次, 物业项目经理培训班6期: the last noun is an event,
            # whatever the words in front of it name.
            return "events_held", 0.8
        found = [(pos, code or "") for code, words in heads if (pos := _head(subject, words)) >= 0]
        if found:
            pos, code = max(found)
            if not code or _has(subject[pos:], _PERSON_NOUNS):
                # 村党组织书记 counts people; 党组织领办合作社 counts co-operatives: the last noun decides.
                return None, 0.0
            if code == "service_centers" and _has(subject, ("电商", "快递", "物流", "直播")):
                return None, 0.0  # 村级电商服务站: a business outlet, not a 党群/便民 service centre
            return code, 0.85
        is_material = _has(subject, cat.MATERIAL_NOUNS) and (
            _has(c.clause_before, cat.DISTRIBUTE_VERBS) or "宣传" in subject
        )
        if (c.unit in MATERIAL_UNITS or c.unit in ("份", "套")) and is_material:
            return "materials_distributed", 0.85
        if c.unit in ("份", "册") and _last_pos(before, cat.DISTRIBUTE_VERBS) >= 0 and not _has(subject, ("金", "款")):
            return "materials_distributed", 0.6  # 发放民生工程政策解读2000余份: copies handed out
        solved = self._solved(c)
        if solved is not None:
            return solved
        if c.unit in EVENT_UNITS:
            event_verb = _last_pos(before, ("开展", "举办", "召开", "组织", "举行", "讲授", "上党课"))
            if event_verb >= 0 and _last_pos(before, cat.SERVICE_VERBS) > event_verb:
                event_verb = -1  # 组织党员为老人提供上门服务2600余次: the last verb counts services, not events
            if _has(subject, cat.EVENT_NOUNS) or event_verb >= 0:
                return "events_held", 0.8
        elif _has(subject, ("党课", "主题党日", "培训班", "会议", "讲座", "宣讲")) and c.unit in ("个", "期"):
            return "events_held", 0.6
        if c.unit == "期" and _has(c.sentence_before[-24:], ("培训", "党课", "讲座", "课堂", "夜校")):
            return "events_held", 0.6  # 开设“云端党课”线上培训,累计12期: issues of the course
        return None, 0.0


def _job_posts(c: Clue) -> bool:
    """岗位 are jobs when offered or created (提供岗位1200个), not posts claimed by members (认领岗位)."""
    return _has(c.subject + c.before, cat.JOB_POST_CONTEXT) and not _has(c.before, ("认领", "设立", "设置"))


def _unit_compatible(spec_unit: str, unit: str) -> bool:
    if spec_unit == unit:
        return True
    groups = ({"人", "名", "位", "人次"}, {"元", "万元", "亿元"}, {"个", "件", "项", "处", "家", "场", "次", "场次"})
    return any(spec_unit in g and unit in g for g in groups)


def clean_subject(subject: str) -> str:
    # 网格党支部（党小组）: a bracketed alternative after the head does not replace it.
    return _TRAILING_ALTERNATIVE.sub("", _QUOTES.sub("", subject))


_TRAILING_ALTERNATIVE = re.compile(r"[（(][^（()）]{1,8}[)）]$")
