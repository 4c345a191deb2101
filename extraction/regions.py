"""Place names: find them (known names, generic 区/县/街道/社区/村 suffixes) and pick the one a figure belongs to."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass

import ahocorasick

from .gazetteer import Gazetteer
from .segment import FUNCTION_TAGS, Token, dictionary_entry
from .specs import PlaceSpec
from .wordlists import word_table

# Suffix -> level. Longer suffixes first so that 街道办事处 wins over 街道.
SUFFIX_LEVEL: dict[str, str] = {
    "街道办事处": "street",
    "特别行政区": "province",
    "自治区": "province",
    "自治州": "city",
    "自治县": "district",
    "自治旗": "district",
    # Inner Mongolia's units: 盟 (prefecture), 旗 (county), 苏木 (township), 嘎查 (village).
    "苏木": "street",
    "嘎查": "community",
    "盟": "city",
    "旗": "district",
    "州": "city",  # 黔东南州, 湘西州: an autonomous prefecture's short name
    "示范区": "district",
    "开发区": "district",
    "高新区": "district",
    "新区": "district",
    "管理区": "district",
    "街道": "street",
    "社区": "community",
    "居民区": "community",  # Shanghai's and Zhejiang's name for a 社区
    "省": "province",
    "市": "city",
    "区": "district",
    "县": "district",
    "镇": "street",
    "乡": "street",
    "村": "community",
    "小区": "compound",
}
_SUFFIX_RE = re.compile("|".join(sorted(SUFFIX_LEVEL, key=len, reverse=True)))
# Long suffixes whose names may be ordinary words (城乡一体化示范区, 经济技术开发区).
_LOOSE_SUFFIXES = frozenset({"示范区", "开发区", "高新区", "新区", "管理区"})
# Bare forms used in running text for the district the article is about.
BARE_DISTRICTS = ("示范区", "开发区", "高新区", "新区")

# Words that end in a suffix character but are no place: 城市, 社区 alone, 老旧小区 …
_GENERIC_WORDS = frozenset(word_table("generic_words"))
_GENERIC_TAILS = tuple(w for w in _GENERIC_WORDS if len(w) == 2 and w[-1] in "区市县镇乡村")
# Tokens that cannot be part of a place name: function words, verbs that introduce places.
_NAME_STOP = frozenset(word_table("name_stop"))
# Words that never occur inside a place name but that jieba sometimes tags as nouns.
_BAD_IN_NAME = word_table("bad_in_name")
_STOP_TAGS = frozenset(
    {
        "v",
        "vd",
        "p",
        "c",
        "u",
        "ud",
        "uj",
        "ul",
        "uv",
        "uz",
        "ug",
        "d",
        "r",
        "rr",
        "rz",
        "y",
        "e",
        "o",
        "zg",
        "a",
        "ad",
        "an",
        "vn",
        "t",
        "f",
    }
)
_STOP_TAG_OK_WORDS = frozenset({"东", "西", "南", "北", "中", "上", "下", "前", "后", "新"})
_PLACE_CHAR = re.compile(r"[\u4e00-\u9fff·]")
# Characters that, as words of their own, open a clause rather than a name: 在|铁牛村, 是|依汶镇.
_FUNCTION_CHARS = "在对到与和及的了是为由把将从向全各该本辖每此其这那等并以于赴至仅·"

# Organs and offices that may follow a place name: 中原区委, 示范区党工委, 城北街道办事处.
ORGAN_AFTER = re.compile(
    r"^(?:党工委|党委|区委|县委|市委|委员会|纪委|监委|纪工委|政府|管委会|办事处|人大|政协|组织部|宣传部|"
    r"统战部|政法委|党群服务中心|居委会|村委会|两委|党总支|党支部|支部|工委|委|党组)"
)
# Clause-initial adverbials that do not change who the clause is about.
_ADVERBIAL = re.compile(
    r"^(?:本报讯|又讯|讯|[（(][^)）]{0,30}[)）]|\d{4}年|\d{1,2}月|\d{1,2}日|上午|下午|晚上|今年以来|今年|去年以来|"
    r"去年|近年来|近年|近期|近日|日前|目前|截至目前|截至|\d{1,2}月底|连日来|此外|同时|另外|其中|据悉|据统计|据了解|当前|"
    r"下一步|随后|近来|过去一年|一年来|多年来|年初以来|以来|至今|累计|共|已|先后|还|也|都|均|始终|持续|积极|这几年|这些年|这两年|近几年|几年来|“|‘|\s)*$"
)
_CLAUSE_BREAK = "。!?！？;；,，:：、\n”"
_LIST_MARKS = ("、", "和", "及", "与")
_AGENT_VERBS = word_table("agent_verbs")
_PERSON_TITLE = re.compile(
    r"(?:副?书记|委员|副?主任|负责人|成员|副?部长|干部|工作人员|(?:第[一二三四五六七八九十\d]{1,3})?网格[长员]|楼栋长)"
)
# A higher place jieba could not name, in front of the one detected: 在|西来镇|铁牛村.
_HIGHER_PLACE_TAIL = re.compile(r"(?<=在)[\u4e00-\u9fff]{1,6}(?:街道|镇|乡|区|县|市)$")
_SENTENCE_BREAK = "。!?！？;；\n"

# 村里, 镇上: "in the village", a place word for the one just named wherever a word begins with it.
_LOCATIVE_LEVEL_WORDS = ("村里", "镇里", "镇上", "乡里", "社区里", "街道里")
_ANAPHOR_RE = re.compile(
    # 我市/我们村: a report of the place's own office speaks of it in the first person.
    r"(?P<det>全|该|本|此|我们|我)(?P<lvl>街道办事处|街道|社区|示范区|开发区|小区|苏木|嘎查|区|县|旗|盟|市|省|镇|乡|村)"
    r"|(?P<organ>区委|县委|市委|区政府|县政府|市政府|街道党工委|镇党委|乡党委|社区党委|社区党总支|村党支部|村党总支|"
    r"区纪委|县纪委|街道办事处|村党委|村委会|村委|居委会|村两委|"
    + "|".join(_LOCATIVE_LEVEL_WORDS)
    + r"|旗委|旗政府|盟委|苏木党委|嘎查党支部|嘎查党总支)"
    # 小区 alone, as a clause's subject, for the compound just named: 小区党支部…, 小区的31名党员.
    r"|(?P<compound>小区)(?=党支部|党小组|里|的|还|累计|已|共|内|居民|业主|通过|把|将|先后|今年|划分|投资|连续|现有|总)"
    # 街道把46个小区…, 社区累计…: the level word alone opening a clause, for the one just named.
    r"|(?P<level>街道|社区)(?=把|将|还|则|也|又|以|累计|共|已|先后|今年|去年|通过|推动|组织|投入|建成|开展|组建|成立|设立)"
)
_ANAPHOR_LEVEL = {
    "街道办事处": "street",
    "街道": "street",
    "社区": "community",
    "小区": "compound",
    "苏木": "street",
    "嘎查": "community",
    "旗": "district",
    "盟": "city",
    "示范区": "district",
    "开发区": "district",
    "区": "district",
    "县": "district",
    "市": "city",
    "省": "province",
    "镇": "street",
    "乡": "street",
    "村": "community",
}


@dataclass
class Place:
    start: int
    end: int
    name: str
    level: str
    key: str | None = None
    subject: bool = False
    anaphor: bool = False  # 该街道办事处, 全区, 区委: stands for an earlier place
    bare: bool = False  # 示范区 alone: the short name of a full one
    short: bool = False  # 重庆, 六盘水: a province or city by its usual short form
    full: str | None = None  # the gazetteer's full name of a short form (北海 -> 北海市)
    first_name: str | None = None  # one place written two ways: 丰泽社区 after 丰泽居民区
    antecedent: Place | None = None

    @property
    def resolved(self) -> Place:
        return self.antecedent.resolved if self.antecedent is not None and self.antecedent is not self else self

    @property
    def canonical(self) -> str:
        target = self.resolved
        return target.key or target.full or target.first_name or target.name


def level_of_name(name: str) -> str:
    m = _SUFFIX_AT_END.search(name)
    return SUFFIX_LEVEL[m.group()] if m else ""


_SUFFIX_AT_END = re.compile("(?:" + "|".join(sorted(SUFFIX_LEVEL, key=len, reverse=True)) + ")$")


class PlaceIndex:
    """Known PlaceSpecs, searchable by any of their names, and the national gazetteer behind them.

    Every look-up is a dictionary or automaton probe, so the cost of a report does not grow with
    the size of the region tree (a prefecture has 20 000 regions, the demo a hundred).
    """

    def __init__(self, places: list[PlaceSpec] | None, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer
        self.by_name: dict[str, PlaceSpec] = {}
        self._homonyms: dict[str, list[PlaceSpec]] = {}
        self._parent: dict[str, str | None] = {}
        for spec in places or ():
            self._parent[spec.key] = spec.parent_key
            for name in (spec.name, *spec.aliases):
                name = (name or "").strip()
                if len(name) < 2:
                    continue
                self._homonyms.setdefault(name, []).append(spec)
                self.by_name.setdefault(name, spec)
        # A written short name (3+ characters) that is the tail of a known full one: 人和街道 for
        # 川汇区人和街道, keyed by (tail, level); the first known name wins, as in the tree's order.
        self._tails: dict[tuple[str, str], PlaceSpec] = {}
        for name, spec in self.by_name.items():
            level = level_of_name(name)
            if not level:
                continue
            for k in range(1, len(name) - 2):
                tail = name[k:]
                if tail not in BARE_DISTRICTS:
                    self._tails.setdefault((tail, level), spec)
        self.automaton = None
        if self.by_name:
            self.automaton = ahocorasick.Automaton()
            for name in self.by_name:
                self.automaton.add_word(name, name)
            self.automaton.make_automaton()

    def find_all(self, text: str) -> list[tuple[int, int, str]]:
        """Known names in the text, leftmost-longest and non-overlapping, as (start, end, name)."""
        if self.automaton is None:
            return []
        return [(end + 1 - len(name), end + 1, name) for end, name in self.automaton.iter_long(text)]

    def lookup(self, name: str, within: str | None = None) -> PlaceSpec | None:
        """The spec a written name means; ``within`` (a region key) decides between homonyms."""
        specs = self._homonyms.get(name)
        if specs:
            if within is not None and len(specs) > 1:
                inside = [s for s in specs if self._under(s.key, within)]
                if len(inside) == 1:
                    return inside[0]
            return specs[0]
        level = level_of_name(name)
        if not level:
            return None
        # A written full name whose tail is a known short one (周口市川汇区 for 川汇区), or the reverse.
        for k in range(1, len(name) - 1):
            spec = self.by_name.get(name[k:])
            if spec is not None and level_of_name(name[k:]) == level:
                return spec
        return self._tails.get((name, level))

    def _under(self, key: str, ancestor: str) -> bool:
        seen = 0
        while key is not None and seen < 16:
            if key == ancestor:
                return True
            key = self._parent.get(key)
            seen += 1
        return False


def _token_at(starts: list[int], pos: int) -> int:
    return max(0, bisect_right(starts, pos) - 1)


def detect_places(text: str, tokens: list[Token], index: PlaceIndex) -> list[Place]:
    """All place mentions in the compact text, in order, with subject roles and anaphors resolved."""
    places: list[Place] = []
    taken = [False] * (len(text) + 1)
    for ms, me, found in index.find_all(text):
        spec = index.by_name[found]
        places.append(Place(ms, me, found, spec.level or level_of_name(found), spec.key))
        for i in range(ms, me):
            taken[i] = True
    starts = [t.start for t in tokens]
    place_ends: set[int] = {p.end for p in places}
    named = _names_in_text(text, index.gazetteer) if index.gazetteer is not None else set()
    for m in _SUFFIX_RE.finditer(text):
        s, e = m.start(), m.end()
        if taken[s] or taken[e - 1]:
            continue
        suffix = m.group()
        if index.gazetteer is not None and _inside_known_name(text, s, e, index.gazetteer):
            continue  # 平乡县: 乡 is part of the county's name, its suffix is 县
        name_start = _name_start(text, tokens, starts, s, suffix, place_ends)
        tok = tokens[_token_at(starts, s)] if tokens else None  # the word holding the suffix's start
        if (
            tok is not None
            and suffix in _LOCAL_SUFFIXES
            and tok.start <= s - 2 < s < tok.end < e
            and all(_PLACE_CHAR.match(ch) for ch in text[tok.start : s])
        ):
            # 新华社|区: jieba joined the name with the suffix's first character; the name is
            # everything from that word's start.
            name_start = tok.start
        if name_start is None and suffix in ("街道", "街道办事处") and _extend_town_street(places, s, e, suffix):
            place_ends.add(e)  # 石湾镇|街道: a town turned street keeps 镇 in its name
            for i in range(s, e):
                taken[i] = True
            continue
        if name_start is None and index.gazetteer is not None:
            name_start = _gazetteer_start(text, e, None, starts, place_ends, index, named)
        if name_start is None:
            if suffix in BARE_DISTRICTS and (
                s == 0 or not _PLACE_CHAR.match(text[s - 1]) or s in place_ends or _bare_ok(text, s)
            ):
                places.append(Place(s, e, suffix, "district", bare=True))
                place_ends.add(e)
            continue
        if index.gazetteer is not None:
            name_start = _gazetteer_start(text, e, name_start, starts, place_ends, index, named)
        if name_start is None:
            continue
        if text.startswith(_PARTY_PREFIX, name_start) and e - name_start > len(_PARTY_PREFIX) + len(suffix) + 1:
            name_start += len(_PARTY_PREFIX)  # 中共肥西县(委): the Party's organ, the county is 肥西县
        if suffix in _LOOSE_SUFFIXES:
            name_start = _loose_name_start(tokens, starts, name_start, s)
        name = text[name_start:e]
        stem = name[: -len(suffix)]
        if name in _GENERIC_WORDS or stem in _GENERIC_WORDS:
            continue
        after_numeral = name_start > 0 and (text[name_start - 1].isdigit() or text[name_start - 1] in _NUMERALS)
        if after_numeral and _COUNTED.match(name):
            continue  # 3个村村集体: a measure word after a numeral starts a count, never a name
        if stem.endswith(_ORGAN_STEMS) and not (index.gazetteer is not None and _in_gazetteer(index.gazetteer, name)):
            continue  # 县委县政府, 市委市政府: the organs of the place, no place called 县委县
        if _bad_stem(stem, name_start, tokens, starts) and not (
            # 淮南市三和镇: a division the gazetteer files under a place this report names is a
            # name, whatever words jieba reads in it (三|和|镇).
            index.gazetteer is not None
            and _in_gazetteer(index.gazetteer, name)
            and _named_parent(index.gazetteer, name, named)
        ):
            continue
        if (
            tok is not None
            and tok.start < s
            and (tok.end != e or tok.word in _GENERIC_WORDS)
            and not (tok.word in ("村镇", "城镇") and name_start == tok.start - 1)  # 苏|村镇, 恭|城镇
            and not (tok.end == e + 1 and text[e] == "委" and name_start == tok.start)  # 福建省委 is one word
            and not (s < tok.end < e and name_start == tok.start)  # 新华社|区 above
        ):
            continue  # the suffix sits inside a longer word: 城市, 市场, 社区治理 (but 苏|村镇 above)
        # 西递镇|民政办: where jieba joins the next character to the words after it, the level word
        # ends here and the checks below for a word it starts (市场, 村组, 乡村) do not apply.
        next_word = _starts_token(starts, e) and len(tokens[_token_at(starts, e)].word) > 1
        if len(suffix) == 1 and text[e : e + 1] in "场民容貌域别间块级庄" and not next_word:
            continue  # 市场, 区域, 村级 …
        if suffix == "州" and (len(stem) < 2 or text[e : e + 1] in "市区县镇乡街村河路"):
            continue  # 杭州 (one character) is named with 市; 苏州河, 郑州市 are other words
        if suffix in ("旗", "盟") and (
            len(stem) < 2
            or text[e : e + 1] in "帜手舰下袍杆鼓号员友军约主"
            or name in _FLAG_WORDS
            or (tok is not None and tok.word in _FLAG_WORDS)  # 流动|红旗, but 杭锦旗 is one word
        ):
            continue  # banners and leagues have names of two or more characters; 旗帜, 盟友 are words
        if suffix == "村" and text[e : e + 1] in "组落镇规务情史" and not next_word:
            continue  # 村组干部, 村务
        if suffix == "乡" and text[e : e + 1] in "村镇贤亲土愁情音" and not next_word:
            continue  # 蒲江|乡村振兴, 乡镇, 乡贤: 乡 starts another word
        if stem in _BUILD_VERBS and text.startswith(_FACILITY_NOUNS, e):
            continue  # 新建|社区食堂3个: a verb and a kind of facility, no community by name
        if (
            suffix in ("村", "社区", "镇", "乡")
            and stem.endswith(_GENERIC_LOCAL_MODIFIERS)
            # 五里河街道药大社区: a division the gazetteer files under the place just named keeps its name.
            and not (
                index.gazetteer is not None
                and _in_gazetteer(index.gazetteer, name)
                and (name_start in place_ends or _named_parent(index.gazetteer, name, named))
            )
        ):
            continue  # 重点村, 软弱涣散村, 集体经济强村: a kind of village, not one by name
        if (
            text.startswith(("(社区)", "（社区）", "(街道)", "（街道）", "(居)", "（居）", "社区"), e)
            and suffix != "社区"
        ):
            continue  # 村(社区), 乡镇(街道), 街道社区: categories, not names
        if (
            suffix in ("村", "社区")
            and text.startswith(_LEVEL_PEOPLE_AFTER, e)
            and _common_word_stem(stem, name_start, starts, tokens)
        ):
            continue  # 培训|村干部, 轮训|村党组织书记: the village level of people trained, no village by name
        if (
            suffix in _LOCAL_SUFFIXES
            and text[name_start - 1 : name_start] == "的"
            and name_start not in place_ends
            and stem[:1] in "老旧古"
            and _common_word_stem(stem, name_start, starts, tokens)
        ):
            continue  # 紧邻锦江的老城街道: a description of the street, not its name
        described = text.startswith(_DESCRIBED_AFTER, e) and len(stem) == 2 and stem not in _GENERIC_COMPOUND_STEMS
        if (
            suffix == "小区"
            and name_start not in place_ends
            and not _proper_compound(stem, name_start, tokens, starts)
            and not described  # 绿荫小区共有楼房23栋: named with an ordinary word, then described
        ):
            continue  # 星级小区, 花园小区: a kind of compound, not one by name
        if suffix == "小区" and len(stem) <= 2 and stem[0] in "一二三四五六七八九十两":
            continue  # 江苏路街道一老小区: "an old compound" of the street, even right after its name
        spec = index.lookup(name)
        known = spec is not None or (index.gazetteer is not None and _in_gazetteer(index.gazetteer, name))
        if not known and len(suffix) == 1 and len(stem) > 1 and name[-2:] in _GENERIC_WORDS:
            continue  # 26个街镇, 人口街镇: the name ends in a common word, not in a level word
        if (
            index.gazetteer is not None
            and SUFFIX_LEVEL[suffix] in ("street", "community", "compound")
            and _higher_short_form(index.gazetteer, stem)
            and not (known and _named_parent(index.gazetteer, name, named))
        ):
            continue  # 北京街道, 上海社区: the city by its short form and a level word, no division
        if not known and s > name_start and _verb_before(tokens, starts, s):
            continue  # 交通厅|驻|村干部: a village as the object of a verb, no village by name
        if index.gazetteer is not None and spec is None:
            if known:
                if (
                    SUFFIX_LEVEL[suffix] == "community"
                    and len(stem) >= 2
                    and _ordinary_word(stem)
                    and not _named_parent(index.gazetteer, name, named)
                    and name_start not in place_ends  # 朋兴乡|长风村: written right after its township
                ):
                    continue  # 大型社区 is some village's name, but not of one this report is about
            elif _unknown_place_word(stem, suffix) or _holds_verb(tokens, starts, name_start, s):
                continue  # 做实社区, 建立健全县: a verb phrase before a level word
        places.append(Place(name_start, e, name, SUFFIX_LEVEL[suffix], spec.key if spec else None))
        for i in range(name_start, e):
            taken[i] = True
        place_ends.add(e)
    _bare_provinces(text, places, taken)
    if index.gazetteer is not None:
        _short_forms(text, places, taken, index.gazetteer)
        _county_short_forms(text, places, taken, index.gazetteer, named, starts)
    _spread_learned_names(text, places, taken, starts)
    _village_groups(text, places, taken)
    _headline_areas(text, tokens, places, taken)
    place_ends = {p.end for p in places}
    for m in _ANAPHOR_RE.finditer(text):
        s = m.start()
        if taken[s] or (s > 0 and s in place_ends) or (s > 0 and taken[s - 1]):
            continue
        if m.group("level") and not (s == 0 or text[s - 1] in _SENTENCE_BREAK + "，,"):
            continue
        if m.group("compound") and text[s - 1 : s] == "、":
            continue  # 楼宇、小区新建…: one of a list, not the compound just named
        organ = m.group("organ") or m.group("compound")
        if (
            organ
            and s > 0
            and _PLACE_CHAR.match(text[s - 1])
            and not _clause_start(text, s)
            # 解决了村里45户村民…: 村里 (in the village) is a place word wherever a word begins with it.
            and not (organ in _LOCATIVE_LEVEL_WORDS and _starts_token(starts, s))
        ):
            continue
        lvl_word = m.group("lvl") or organ or m.group("level")
        level = next((lv for w, lv in _ANAPHOR_LEVEL.items() if lvl_word.startswith(w) or lvl_word.endswith(w)), "")
        if m.group("organ"):
            level = _organ_level(lvl_word)
        elif m.group("compound"):
            level = "compound"
        places.append(Place(s, m.end(), m.group(), level, anaphor=True))
        for i in range(s, m.end()):
            taken[i] = True
    _bare_level_agents(text, places, taken, tokens, starts)
    places.sort(key=lambda p: (p.start, p.end))
    _dedupe(places)
    # 评出五星社区161个、四星社区647个: a name followed by nothing but its count is what is counted;
    # 全旗8个苏木镇: one preceded by a count is a kind of place, counted.
    places[:] = [
        p
        for p in places
        if p.anaphor
        or p.key is not None
        or not (_COUNTED_CATEGORY.match(text, p.end) or _COUNT_BEFORE.search(text, max(0, p.start - 6), p.start))
    ]
    # 印发|小区党群服务站规范化建设指导意见: a name that swallowed the verb issuing a document is
    # no place (印发淮南高新区…方案 names the zone the document is for, which stays).
    titles = {m.start() for m in _DOCUMENT_TITLE.finditer(text)}
    if titles:
        places[:] = [p for p in places if p.anaphor or p.start not in titles]
    chains = _Chains(places)
    for p in places:
        p.subject = not _partner(text, p) and (_is_subject(text, p, chains) or _agent_of_verb(text, p, tokens, starts))
        if p.short and p.subject:
            # 在杭州…的光山籍人才: a city by its short form is where people are, not the report's subject,
            # unless it opens its clause (重庆：…, 天津累计…).
            p.subject = _clause_begin(text, p.start) == p.start
    _resolve(places)
    if index.gazetteer is not None:
        _match_level_word(places, index.gazetteer, named)
    _speakers_place(text, places)
    _people_of_places(text, places, chains)
    return places


_PARTY_PREFIX = "中共"
# Characters after which a name may begin although jieba glued them to it (在王|村).
_NAME_LEAD = "在到于从向对和与及、由把将"


def _ends_in_verb(head: str) -> bool:
    return dictionary_entry(head[-1])[0] == "v" or dictionary_entry(head[-2:])[0] == "v"


def _higher_short_form(gaz: Gazetteer, stem: str) -> bool:
    rows = gaz.short_forms.get(stem, ())
    return bool(rows) and gaz.level_of(rows[0]) in ("province", "city")


def _loose_name_start(tokens: list[Token], starts: list[int], name_start: int, s: int) -> int:
    """印发淮南高新区, 安徽淮南高新区: a zone is named after the place word right before it (淮南高新区).

    Names ending in 示范区/开发区/高新区 may be ordinary words (城乡一体化示范区); when the stem
    holds a place word, the name begins at the last one and what precedes it is no part of it.
    """
    k = bisect_left(starts, name_start)
    last = None
    while k < len(tokens) and tokens[k].end <= s:
        if tokens[k].tag == "ns":
            last = tokens[k].start
        k += 1
    return last if last is not None and last > name_start else name_start


def _gazetteer_start(
    text: str,
    e: int,
    guessed: int | None,
    starts: list[int],
    place_ends: set[int],
    index: PlaceIndex,
    named: set[str],
) -> int | None:
    """Where the name ending at e begins, when the gazetteer or the region tree knows it.

    A name the suffix rules found that the gazetteer (or the tree) knows stays as it is. Otherwise
    the longest known name ending at e that begins a word wins: 原|甲村 is 甲村, and a village the
    rules missed (王村, 石桥乡) is found. Unknown names keep the rules' guess.
    """
    gaz = index.gazetteer
    if guessed is not None and (_in_gazetteer(gaz, text[guessed:e]) or text[guessed:e] in index.by_name):
        return guessed
    for name in gaz.names_ending_at(text, e):
        start = e - len(name)
        cut = _suffix_len(name)
        stem = name[:-cut] if cut else ""
        if not stem or name in _GENERIC_WORDS or stem in _GENERIC_WORDS:
            continue
        head = text[guessed:start] if guessed is not None else ""
        if head and not (
            all(ch in _NOT_NAME_HEAD for ch in head)
            or _is_parent_of(gaz, head, name)
            or _ends_in_verb(head)  # 气象局|驻|察隅县: who is stationed there is no part of it
            or _named_parent(gaz, name, named)  # 协同|碧山镇 after 梁平区碧山镇: the division the report means
        ):
            continue  # 秋那当村 is a name of its own even if 那当村 is one too; 原|甲村 is 甲村, 河北|平乡县 平乡县
        if (
            guessed is None
            and SUFFIX_LEVEL.get(name[-cut:]) == "community"
            and _ordinary_word(stem)
            and not _named_parent(gaz, name, named)
        ):
            continue  # 物流园区, 回村: an ordinary word that some division is named, but none named here
        if len(name) == 2 and not _opens_at(text, start, starts, place_ends, strict=True):
            continue  # 王村 only where a name plainly begins, never inside a phrase (一村一品)
        if _opens_at(text, start, starts, place_ends):
            return start
    return guessed


# Characters a guessed name may carry in front of a known one that are no part of it (原甲村, 和乙村).
_NOT_NAME_HEAD = frozenset("原在到于从向对和与及由把将的了是为全各该本每其")
# jieba's tags of words a name can be made of; an ordinary word the rules rejected stays rejected.
_PROPER_STEM_TAGS = frozenset({"nr", "ns", "nrt", "nrfg", "nz", "nt", "ng", "zg", "j", ""})


def _ordinary_word(stem: str) -> bool:
    return dictionary_entry(stem)[0] not in _PROPER_STEM_TAGS


def _named_parent(gaz: Gazetteer, name: str, named: set[str]) -> bool:
    """Whether the report names a division above one of those called ``name`` (射阳县千秋镇联合村).

    This is what makes an ordinary word a place: there are villages called 联合村 and 大型社区 all
    over the country, but only a report about their township or county means one of them.
    """
    rows = gaz.rows(name) or gaz.rows(name[:-3]) if name.endswith("办事处") else gaz.rows(name)
    # Only the county or township counts for a village: a city holds too many villages of every
    # common name; a township's city is enough (淮南市三和镇).
    return any(
        gaz.name_of(a) in named
        for row in rows
        for a in gaz.ancestors(row)
        if gaz.level_of(a) in (("district", "street") if gaz.level_of(row) == "community" else ("city", "district"))
    )


def _names_in_text(text: str, gaz: Gazetteer) -> set[str]:
    """Every gazetteer name of three or more characters that ends at a level suffix in the text."""
    names: set[str] = set()
    for m in _SUFFIX_RE.finditer(text):
        names.update(gaz.names_ending_at(text, m.end(), min_len=3))
        if len(m.group()) == 1 and m.group() in "县区市旗":
            # 三江县 for 三江侗族自治县: a county's short form with its level word.
            for cut in (2, 3):
                for row in gaz.short_forms.get(text[max(0, m.start() - cut) : m.start()], ()):
                    names.add(gaz.name_of(row))
    for m in _short_form_pattern(gaz).finditer(text):
        names.update(gaz.name_of(row) for row in gaz.short_forms[m.group()])
    return names


def _holds_verb(tokens: list[Token], starts: list[int], lo: int, hi: int) -> bool:
    k = bisect_left(starts, lo)
    while k < len(tokens) and tokens[k].start < hi:
        if tokens[k].tag in ("v", "l", "i") and len(tokens[k].word) > 1:  # verbs, set phrases, idioms
            return True
        k += 1
    return False


def _in_gazetteer(gaz: Gazetteer, name: str) -> bool:
    """Known as written or in its formal form: 城北街道办事处 is the office of 城北街道."""
    return name in gaz or (name.endswith("街道办事处") and name[:-3] in gaz)


def _unknown_place_word(stem: str, suffix: str) -> bool:
    """A name neither the gazetteer nor the tree knows, made of no proper name: 大型社区, 市县乡.

    Real divisions are in the gazetteer; what remains for the suffix rules is units below the
    village (小区) and new names, which are proper words, not adjectives, verbs or level words.
    """
    if all(ch in "省市区县乡镇村街" for ch in stem):
        return True
    if suffix == "小区":
        return len(stem) > 5  # 新建高标准温室小区: a description, not a compound's name
    return _ordinary_word(stem) and len(stem) >= 2


def _is_parent_of(gaz: Gazetteer, head: str, name: str) -> bool:
    """Whether ``head`` names a division above one called ``name``: 河北|平乡县, not 鞍山|二路社区."""
    return any(head in gaz.names(a) for row in gaz.rows(name) for a in gaz.ancestors(row))


def _inside_known_name(text: str, s: int, e: int, gaz: Gazetteer) -> bool:
    """Whether a level word is inside a longer known name ending right after it (平乡|县, 乡城|县)."""
    nxt = _SUFFIX_RE.match(text, e)
    if nxt is None:
        return False
    return any(len(name) >= 3 and nxt.end() - len(name) < s for name in gaz.names_ending_at(text, nxt.end()))


def _suffix_len(name: str) -> int:
    m = _SUFFIX_RE.search(name, max(0, len(name) - 5))
    while m is not None and m.end() != len(name):
        m = _SUFFIX_RE.search(name, m.start() + 1)
    return len(m.group()) if m else 0


def _opens_at(text: str, pos: int, starts: list[int], place_ends: set[int], strict: bool = False) -> bool:
    """Whether a name can begin at pos: after punctuation, a place, or a word boundary."""
    if pos == 0 or pos in place_ends or not _PLACE_CHAR.match(text[pos - 1]):
        return True
    if text[pos - 1] in _NAME_LEAD:
        return True
    if strict:
        return text[pos - 1] in _NAME_OPENERS
    return _starts_token(starts, pos)


# jieba's tags of proper names; a short form (重庆, 南通, 六盘水) is a place only where jieba reads it as a
# proper name, not a word (大同, 安康 and 长治 are also everyday words; 白银 a person's name).
_SHORT_FORM_TAGS = frozenset({"ns", "nz", "j"})


def _short_forms(text: str, places: list[Place], taken: list[bool], gaz: Gazetteer) -> None:
    """Provinces, cities and counties named by their usual short form: 重庆, 天津, 六盘水, 嘉定."""
    pattern = _short_form_pattern(gaz)
    opens: dict[str, bool] = {}

    def opens_twice(name: str) -> bool:
        # Counted over the whole text once per name, not once per occurrence.
        if name not in opens:
            opens[name] = _opens_clauses(text, name, 2)
        return opens[name]

    for m in pattern.finditer(text):
        s, e = m.start(), m.end()
        after_place = s > 0 and taken[s - 1]  # 广西|北海: a city right after its province
        if any(taken[s:e]) or (
            s > 0 and _PLACE_CHAR.match(text[s - 1]) and text[s - 1] not in _NAME_LEAD and not after_place
        ):
            continue
        if e < len(text) and (
            _SUFFIX_RE.match(text, e) or text[e] in "委人籍路街巷" or text.startswith(_NAMED_AFTER, e)
        ):
            continue  # 重庆市 is found by its suffix; 天津人, 河南日报, 湖南大学, 镇江路 are other names
        name = m.group()
        tag, _freq = dictionary_entry(name)
        if tag not in _SHORT_FORM_TAGS and not (_opens_name(text, s) and _acts_after(text, e) and opens_twice(name)):
            continue  # 孝感 is also a word (filial feeling); a city opening clause after clause is the city
        rows = gaz.short_forms[name]
        places.append(Place(s, e, name, gaz.level_of(rows[0]), short=True, full=gaz.name_of(rows[0])))
        for i in range(s, e):
            taken[i] = True


def _county_short_forms(
    text: str, places: list[Place], taken: list[bool], gaz: Gazetteer, named: set[str], starts: list[int]
) -> None:
    """Counties by their short form, where the report shows which county it is.

    A county's short form (泗阳, 平乡, 扶余) is too often an ordinary word to be a place by itself
    (新建, 三河); it is one right after its province or city (江苏泗阳) or when the report also
    names the county in full (泗阳县 … 泗阳各村) or one of its townships or villages (蕉岭 … 广福镇).
    """
    wanted: dict[str, int] = {}
    for full in named:
        for row in gaz.rows(full):
            d = gaz.division(row)
            if d.level == "district" and len(d.short) >= 2:
                wanted.setdefault(d.short, row)
            elif d.level in ("street", "community"):
                # 蕉岭各乡镇 … 广福镇: a township or village of the county, named too, confirms its short form.
                county = next((a for a in gaz.ancestors(row) if gaz.level_of(a) == "district"), None)
                short = gaz.division(county).short if county is not None else ""
                if len(short) >= 2:
                    wanted.setdefault(short, county)
    for p in [q for q in places if q.level in ("province", "city") and not q.anaphor]:
        parent_rows = set(gaz.rows(p.full or p.name)) | set(gaz.short_forms.get(p.name, ()))
        for cut in (2, 3):
            short = text[p.end : p.end + cut]
            for row in gaz.short_forms.get(short, ()):
                if gaz.level_of(row) == "district" and set(gaz.ancestors(row)) & parent_rows:
                    wanted.setdefault(short, row)
    if not wanted:
        return
    for m in re.finditer("|".join(map(re.escape, sorted(wanted, key=len, reverse=True))), text):
        s, e = m.start(), m.end()
        after_place = s > 0 and taken[s - 1]
        a_word = _starts_token(starts, s) and (e == len(text) or _starts_token(starts, e))  # 进驻|蕉岭|各乡镇
        if any(taken[s:e]) or (s > 0 and _PLACE_CHAR.match(text[s - 1]) and not after_place and not a_word):
            continue
        if e < len(text) and (_SUFFIX_RE.match(text, e) or text.startswith(_NAMED_AFTER, e)):
            continue
        row = wanted[m.group()]
        places.append(Place(s, e, m.group(), "district", short=True, full=gaz.name_of(row)))
        for i in range(s, e):
            taken[i] = True


# Words that make a province's or city's short form part of another name (河南日报, 四川大学).
_NAMED_AFTER = word_table("named_after")
_SHORT_FORM_RE: dict[int, re.Pattern[str]] = {}


def _acts_after(text: str, e: int) -> bool:
    """A verb, adverb, preposition (or a count) right after a name: the name is doing something."""
    return (
        text[e : e + 1].isdigit()
        or dictionary_entry(text[e : e + 2])[0] in ("v", "d", "p", "c")
        or dictionary_entry(text[e : e + 1])[0] in ("v", "d", "p")
    )


def _opens_clauses(text: str, name: str, times: int) -> bool:
    """Whether ``name`` begins a clause (or the headline) at least ``times`` times, not followed by a level word."""
    found = 0
    for m in re.finditer(re.escape(name), text):
        s, e = m.start(), m.end()
        # 孝感实现…, 孝感1810个村: the city does something or counts; 周口“智慧岛”, 周口东新医院 name
        # a thing of the city's instead.
        if (s == 0 or text[s - 1] in _NAME_OPENERS) and _acts_after(text, e):
            found += 1
            if found >= times:
                return True
    return False


def _short_form_pattern(gaz: Gazetteer) -> re.Pattern[str]:
    pattern = _SHORT_FORM_RE.get(id(gaz))
    if pattern is None:
        # Provinces and cities only: county short forms are too often ordinary words (新建, 三河).
        names = sorted(
            (n for n, rows in gaz.short_forms.items() if gaz.level_of(rows[0]) in ("province", "city") and len(n) >= 2),
            key=len,
            reverse=True,
        )
        pattern = re.compile("|".join(map(re.escape, names)))
        _SHORT_FORM_RE[id(gaz)] = pattern
    return pattern


# Flags and leagues that are no banners or leagues (党旗, 流动红旗, 联盟); 战旗村 is still a village.
_FLAG_WORDS = (
    "红旗",
    "五星红旗",
    "流动红旗",
    "联盟",
)


def _extend_town_street(places: list[Place], s: int, e: int, suffix: str) -> bool:
    """Join 街道 to the town name right before it (石湾镇街道): the name of a town made a street."""
    for p in reversed(places[-3:]):
        if p.end == s and p.name.endswith(("镇", "乡")) and not p.anaphor and p.key is None:
            p.end = e
            p.name += suffix
            p.level = "street"
            return True
    return False


# Verbs in front of 社区/村 + a facility noun (新建社区食堂, 建成村级卫生室): what was built, not where.
_BUILD_VERBS = frozenset(word_table("build_verbs"))
_FACILITY_NOUNS = word_table("facility_nouns")
# Status and category words that make X村/X社区/X镇 a kind of place (重点村, 软弱涣散村, 强村).
_GENERIC_LOCAL_MODIFIERS = word_table("generic_local_modifiers")
# Words after 村/社区 that make it the level of a group of people rather than a village by name.
_LEVEL_PEOPLE_AFTER = ("党组织", "干部", "“两委”", "两委", "后备干部", "网格员", "工作者")
_COMMON_WORD_TAGS = frozenset({"n", "v", "vn", "a", "ad", "an", "d", "l", "i"})


def _common_word_stem(stem: str, offset: int, starts: list[int], tokens: list[Token]) -> bool:
    """Whether the stem is one ordinary dictionary word (培训/vn, 轮训/n), not an unknown or proper name."""
    i = bisect_right(starts, offset) - 1
    if i < 0 or tokens[i].start != offset or tokens[i].word != stem:
        return False
    return tokens[i].tag in _COMMON_WORD_TAGS


def _organ_level(word: str) -> str:
    if word.startswith(("街道", "镇", "乡", "苏木")):
        return "street"
    if word.startswith(("社区", "村", "居委", "嘎查")):
        return "community"
    if word.startswith(("市", "盟")):
        return "city"
    return "district"


def _bare_ok(text: str, s: int) -> bool:
    """示范区 after a verb or preposition (调研示范区, 在示范区) is still a reference to the district."""
    return text[max(0, s - 2) : s] in {"调研", "推动", "立足", "助力", "推进"} or text[s - 1 : s] in "在对到的与和"


_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt", "x", "j", "s", "n", "ng", "eng"})
_LOOSE_TAGS = (_NAME_TAGS | {"l", "an"}) - {"nr", "nrt", "nrfg"}
_LOCAL_SUFFIXES = frozenset({"街道办事处", "街道", "社区", "镇", "乡", "村", "苏木", "嘎查"})
_LOCAL_STOP_TAGS = FUNCTION_TAGS | {"rr", "rz", "i"}
_LOCAL_STOP_WORDS = frozenset(word_table("local_stop_words"))
_LOOSE_STOP = frozenset(word_table("loose_stop"))


def _name_start(
    text: str, tokens: list[Token], starts: list[int], s: int, suffix: str, place_ends: set[int]
) -> int | None:
    """Where the proper name in front of a suffix begins, or None when there is no name."""
    loose = suffix in _LOOSE_SUFFIXES
    single = len(suffix) == 1
    max_len = 10 if loose else (5 if single else 7)
    if suffix == "镇" and text[s - 1 : s] in ("村", "城") and s >= 2 and _opens_name(text, s - 2):
        # 苏|村镇则…: a town named after its village (苏村镇, 王村镇) opening a clause; jieba
        # reads 村镇 as "villages and towns".
        first = text[s - 2]
        if _PLACE_CHAR.match(first) and first not in _UNKNOWN_STOP:
            return s - 2
    # Right after another place the whole gap is the name: 川汇区|人和|街道办事处.
    for gap in range(1, 7):
        if s - gap in place_ends and all(_PLACE_CHAR.match(ch) for ch in text[s - gap : s]):
            lo = bisect_right(starts, s - gap - 1)
            gap_tokens = [t for t in tokens[lo : lo + gap + 1] if s - gap <= t.start < s]
            if (
                text[s - gap : s] not in _NAME_STOP
                and text[s - gap : s] not in _GENERIC_WORDS
                and not (gap_tokens and gap_tokens[0].tag == "m" and _COUNTED.search(gap_tokens[0].word))
                # 延河湾社区|长者食堂由|社区党委, 南市街道|还把|社区食堂: a function word inside ends the claim
                and not any(t.word in _GAP_STOP_WORDS and t.start > s - gap for t in gap_tokens)
                and (
                    not any(len(t.word) > 1 and t.tag not in _NAME_TAGS | {"m"} for t in gap_tokens)
                    or _repeated_name(text, s - gap, s + len(suffix))
                )
            ):
                start = s - gap
                # 朱家林村|是|依汶镇: a verb or function word of its own ends the place before.
                while start < s and text[start] in _FUNCTION_CHARS and _starts_token(starts, start + 1):
                    start += 1
                if s - start >= 2:
                    return start
            break
    ti = _token_at(starts, s)
    pos = s
    if ti < len(tokens) and tokens[ti].start < s:
        tok = tokens[ti]
        if (
            tok.word in _GENERIC_WORDS
            or (_generic_tail(tok.word) and not (tok.tag == "ns" and len(tok.word) >= 4))  # 万柏林区/ns: no 林区
            or (tok.tag in {"vn", "v", "a"} and not loose)
            or (tok.end == s + len(suffix) and _common_noun_compound(tok, suffix))
        ):
            return None  # 老城区, 度假区, 地区, 聚居区: a common word that happens to end in 区
        pos = tok.start
        ti -= 1
    else:
        ti -= 1
    while ti >= 0:
        tok = tokens[ti]
        if tok.end != pos or pos in place_ends:
            break
        word = tok.word
        if word in _GENERIC_WORDS and pos < s:
            break  # 红嫂|家乡|马牧池乡: a common place noun in front is not part of the name
        if suffix in ("街道", "社区", "街道办事处") and pos == s and word in ("路", "街", "巷"):
            pos = tok.start  # 前进|街|街道, 解放|路|社区: a road names the street, whatever its first word is
            ti -= 1
            if ti >= 0 and _compound_name_word(tokens[ti], pos, allow_verb=True):
                pos = tokens[ti].start
                ti -= 1
            continue
        if suffix == "小区" and pos == s and word in _COMPOUND_NAME_ENDS:
            pos = tok.start  # 河畔|里|小区: 里, 苑, 园 end compound names whatever jieba tags them
            ti -= 1
            if ti >= 0 and _compound_name_word(tokens[ti], pos):
                pos = tokens[ti].start  # 丰茂|里: the word before is the name, even an adjective
                ti -= 1
            continue
        if not all(_PLACE_CHAR.match(ch) for ch in word) or (
            word in _NAME_STOP and not (loose and len(word) > 1) and not _inner_adjective(tokens, ti, suffix)
        ):
            break
        if loose:
            if word in _LOOSE_STOP or tok.tag not in _LOOSE_TAGS:
                break
        elif suffix in _LOCAL_SUFFIXES:
            # Street, town and village names are often ordinary words to jieba (高新|园, 战旗).
            if (tok.tag in _LOCAL_STOP_TAGS or word in _LOCAL_STOP_WORDS) and not _local_name_part(tokens, ti):
                break
            if word.endswith("是") and len(word) > 1:
                break  # 不远|就是|社区打造的…: a copula ends what came before
        elif tok.tag not in _NAME_TAGS or (
            single
            and (
                (tok.tag == "n" and suffix in "省市区县" and not _rare_or_organ(text, word, s + len(suffix)))
                or (tok.tag == "x" and len(word) > 3)
            )
        ):
            break
        if s - tok.start > max_len:
            break
        pos = tok.start
        ti -= 1
    # A one-character stem takes one more character (段|庄村, 付|庄村).
    prev_tok = tokens[ti] if 0 <= ti < len(tokens) and tokens[ti].end == pos else None
    if (
        s - pos == 1
        and prev_tok is not None
        and len(prev_tok.word) == 1
        and pos not in place_ends
        and _PLACE_CHAR.match(text[pos - 1])
        and text[pos - 1] not in "全该本各辖每此其这那在对与和及的了为是市区县省到从向"
    ):
        pos -= 1
    # A leading function word is dropped only when it is a word of its own: 在|铁牛村, but 和睦|街道.
    while pos < s and text[pos] in _FUNCTION_CHARS and _starts_token(starts, pos + 1):
        pos += 1
    if s - pos < 2:
        return _unknown_name(text, tokens, starts, s, suffix, place_ends)
    return pos


# Function words that never sit inside a name (秋|那|当村 keeps its 那, a pronoun to jieba).
_GAP_STOP_WORDS = frozenset("由把还将在和与及并又也就都才被让给向从对")
# 岸堤镇|一位|村党支部书记: a numeral with its measure word after a place is a count, not a name.
_COUNTED = re.compile(r"[位个名家所座条户]")


def _rare_or_organ(text: str, word: str, end: int) -> bool:
    """A noun in front of 县/区/市 that is still a name: a rare word (木垒, 金水) or one whose
    Party committee or government follows (莲花县委, 莲花县人民政府); 农业县, 人口大县 are kinds."""
    if text.startswith(("委", "政府", "人民政府"), end):
        return True
    return dictionary_entry(word)[1] < _RARE_NOUN_FREQ


_RARE_NOUN_FREQ = 100


_AUTONOMOUS = re.compile(r"^([\u4e00-\u9fff]{2})[\u4e00-\u9fff]{1,10}?族?自治(县|旗|州)$")


# Province-level names are a closed list and are written without 省 in running text (在福建，).
_PROVINCES = (
    "北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
    "甘肃", "青海", "内蒙古", "广西", "西藏", "宁夏", "新疆",
)  # fmt: skip
_ORGAN_STEMS = ("委", "政府", "人大", "政协")
# 这里是内蒙古: "here is", whose place the sentences after are about.
_DEICTIC_COPULA = ("这里是", "这儿是", "这里就是", "这就是", "这是")
_PROVINCE_RE = re.compile("|".join(sorted(_PROVINCES, key=len, reverse=True)))
# Only where the bare name is plainly the place: a headline's topic (福建：…), a clause-opening
# location (在福建，) or the agent of its clause (福建共选派…); never inside 河南日报 or 山东大学.
_PROVINCE_AFTER = re.compile(r"[：:，,]|(?:共|已|累计|先后|全面|今年|将|还|各地)")


def _bare_provinces(text: str, places: list[Place], taken: list[bool]) -> None:
    for m in _PROVINCE_RE.finditer(text):
        s, e = m.start(), m.end()
        if any(taken[i] for i in range(s, e)):
            continue
        before = text[s - 1 : s] if s > 0 else "\n"
        opens = before in _NAME_OPENERS or before == "在" or before in "。；;\n" or text.endswith(_DEICTIC_COPULA, 0, s)
        if (opens and _PROVINCE_AFTER.match(text, e)) or (e < len(text) and taken[e]):
            # 内蒙古锡林郭勒盟: the province heads the chain of the place written right after it.
            places.append(Place(s, e, m.group(), "province"))
            for i in range(s, e):
                taken[i] = True


_DESCRIBED_AFTER = word_table("described_after")


def _opens_name(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] in _NAME_OPENERS or text[pos - 1] == "在"


def _repeated_name(text: str, start: int, end: int) -> bool:
    """Whether a would-be name after a higher place is written again elsewhere (猛追湾街道 twice).

    Names are often ordinary words to jieba (猛追 is a verb); a verb phrase that happens to sit
    between a place and a suffix (川汇区召开街道…) is not repeated word for word.
    """
    if end - start < 4 or not _local_suffix_at(text, end):
        return False
    name = text[start:end]
    return text.find(name, end) >= 0 or text.rfind(name, 0, start) >= 0


def _local_suffix_at(text: str, end: int) -> bool:
    return text.endswith(tuple(_LOCAL_SUFFIXES), 0, end)


# A compound or residents' area is named once in full (长宁区江苏路街道长新小区) and then alone.
_LEARNED_SUFFIXES = (*_LOCAL_SUFFIXES, "小区", "居民区")
_RESIDENTS_AREA = ("社区", "居民区", "小区")


# 头道河子村黑沟组: a villagers' group, named right after its village (一组, 工作组 are no names).
_GROUP_AFTER_VILLAGE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(?:组(?![织长员建成合团])|自然村|村民小组)")
_NUMERALS = frozenset("一二三四五六七八九十百零两第")


def _village_groups(text: str, places: list[Place], taken: list[bool]) -> None:
    """The unit below the village: 黑沟组 after 头道河子村, 白河江自然村 after 梅埔村, a place of its own."""
    for p in list(places):
        if p.level != "community" or p.anaphor or not p.name.endswith(("村", "嘎查")):
            continue
        m = _GROUP_AFTER_VILLAGE.match(text, p.end)
        if m is None or any(taken[m.start() : m.end()]):
            continue
        stem = m.group(1)
        named_group = m.group().endswith("组")
        if stem[0] in _NUMERALS or dictionary_entry(stem + "组")[1] or (named_group and _ordinary_word(stem)):
            continue  # 一组, 工作组; a 自然村 after its village is named whatever its words (白河江自然村)
        places.append(Place(m.start(), m.end(), m.group(), "group", subject=p.subject))
        for i in range(m.start(), m.end()):
            taken[i] = True


_AREA_WORDS = ("地区", "片区")


def _headline_areas(text: str, tokens: list[Token], places: list[Place], taken: list[bool]) -> None:
    """回天地区 in the headline and again in the body: an area the report is about, though no division.

    An area word makes no name by itself (中高风险地区, 民族地区); a rare word before it that the
    headline and the body both write is the name of the area the story covers.
    """
    headline_end = text.find("\n")
    if headline_end <= 0:
        return
    for k, tok in enumerate(tokens):
        if tok.start >= headline_end or k + 1 >= len(tokens):
            break
        name = tok.word + tokens[k + 1].word
        if tokens[k + 1].word not in _AREA_WORDS or len(tok.word) < 2 or any(taken[tok.start : tokens[k + 1].end]):
            continue
        if not _PLACE_CHAR.match(tok.word) or dictionary_entry(tok.word)[1] >= _COMMON_NOUN_FREQ:
            continue
        found = [m.start() for m in re.finditer(re.escape(name), text)]
        if len(found) < 2:
            continue
        for ms in found:
            if not any(taken[ms : ms + len(name)]):
                places.append(Place(ms, ms + len(name), name, "district", subject=True))
                for i in range(ms, ms + len(name)):
                    taken[i] = True


def _spread_learned_names(text: str, places: list[Place], taken: list[bool], starts: list[int]) -> None:
    """Find every other occurrence of a street, town or village name once it is known.

    A name is recognised where its context shows it (after its district, in the headline), but
    written alone later (在猛追湾街道) jieba may split it into words that do not look like a
    name; the exact string is the same place. Shorter guesses inside the occurrence give way.
    """
    learned = {
        p.name: p.level
        for p in places
        if not (p.anaphor or p.bare) and p.key is None and len(p.name) >= 4 and p.name.endswith(_LEARNED_SUFFIXES)
    }
    # 长新小区, 长新居民区, 丰泽社区: one stem names a compound and its residents' area, and 丰泽社区
    # and 丰泽居民区 are one place, called by the name it was first given.
    same: dict[str, str] = {}
    for p in sorted(places, key=lambda q: q.start):
        stem = p.name[: -_suffix_len(p.name)]
        if p.name not in learned or not p.name.endswith(_RESIDENTS_AREA) or len(stem) < 2 or p.name in same:
            continue
        for word in _RESIDENTS_AREA:
            sibling = stem + word
            if sibling == p.name or sibling in same:
                continue
            learned.setdefault(sibling, SUFFIX_LEVEL[word])
            if SUFFIX_LEVEL[word] == p.level:
                same[sibling] = p.name
    for p in places:
        # 木垒哈萨克自治县 is written 木垒县 too: its first two characters and the level word.
        short = _AUTONOMOUS.match(p.name) if not (p.anaphor or p.bare) else None
        if short:
            learned.setdefault(short.group(1) + short.group(2), p.level)
    spans = {(p.start, p.end) for p in places}
    for p in places:
        if p.name in same and not p.anaphor:
            p.first_name = same[p.name]
    for name, level in learned.items():
        for m in re.finditer(re.escape(name), text):
            ms, me = m.start(), m.end()
            if (ms, me) in spans:
                continue
            inside = [p for p in places if p.start < me and ms < p.end] if any(taken[ms:me]) else []
            if not all(ms <= p.start and p.end <= me for p in inside):
                continue  # part of a longer name: 东风村 inside 新东风村
            if (
                ms > 0
                and _PLACE_CHAR.match(text[ms - 1])
                and not taken[ms - 1]
                and text[ms - 1] not in _FUNCTION_CHARS
                and not _starts_token(starts, ms)
            ):
                continue  # 新|东风村: the name continues to the left (but 整个|长新居民区 starts a word)
            for p in inside:
                places.remove(p)
            places.append(Place(ms, me, name, level, first_name=same.get(name)))
            spans.add((ms, me))
            for i in range(ms, me):
                taken[i] = True


# Characters that never begin or make a one-word place name: function words, numerals, scope words.
_UNKNOWN_STOP = frozenset(_FUNCTION_CHARS + "原一二三四五六七八九十百千万两几多着了过又也还就都才被让给")
# Tags a one-character village name may carry (余村: jieba reads 余 as a numeral).
_ONE_CHAR_NAME_TAGS = frozenset({"m", "n", "ng", "nr", "ns", "nz", "zg", "j", "s", "g"})
_NAME_OPENERS = "。!?！？;；,，:：、\n“‘(（—）)．"  # （3）怡清社区：… opens with the list mark


def _unknown_name(
    text: str, tokens: list[Token], starts: list[int], s: int, suffix: str, place_ends: set[int]
) -> int | None:
    """A name jieba does not know, at the start of a clause: 上|派|镇探索…, 在|余|村,.

    jieba splits an unknown name into single characters. A run of such characters before a
    town, village, street or community suffix, opening a clause (or after 在), is a proper name;
    a single character only makes a village (余村), and only if it is not a verb, adjective or
    direction.
    """
    if suffix not in _LOCAL_SUFFIXES or not _starts_token(starts, s):
        return None
    ti = _token_at(starts, s) - 1
    pos = s
    run: list[Token] = []
    while ti >= 0 and len(run) < 3:
        tok = tokens[ti]
        if tok.end != pos or len(tok.word) != 1 or not _PLACE_CHAR.match(tok.word) or tok.word in _UNKNOWN_STOP:
            break
        run.append(tok)
        pos = tok.start
        ti -= 1
    if not run or pos in place_ends:
        return None
    opener = text[pos - 1 : pos] if pos > 0 else "\n"
    if not (opener in _NAME_OPENERS or opener == "在"):
        return None
    if len(run) == 1 and (suffix != "村" or run[0].tag not in _ONE_CHAR_NAME_TAGS):
        return None
    return pos


# One character in front of a generic tail that still makes a common noun: 老城区, 主城区, 新城区.
_GENERIC_TAIL_PREFIX = frozenset("老主新旧全该本各每此其这那近远内外城市县郊")
# Dictionary tags of words that can be the proper part of a district, county or city name.
_STEM_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt", "j", "s", "ng", "f", "m", "x", "eng"})
_PROPER_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "nt"})
# A noun this frequent is an ordinary word (核心, 中心), not the proper part of a name.
_COMMON_NOUN_FREQ = 500


def _generic_tail(word: str) -> bool:
    """A word made of a generic place noun and a modifier (老城区, 中心城区), not a name (禅城区, 东城区).

    A single character other than a modifier in front of 城区/市区 is how district names are built;
    two or more characters in front are a description (中心城区, 北京市区).
    """
    for g in _GENERIC_TAILS:
        if word.endswith(g) and word != g:
            prefix = word[: -len(g)]
            return len(prefix) > 1 or prefix in _GENERIC_TAIL_PREFIX
    return False


# Stems naming what an area is for (儿童游乐区, 居住区, 停车区): functional zones, never districts.
def _common_noun_compound(tok: Token, suffix: str) -> bool:
    """A dictionary word ending in 区/县/市 whose stem is an ordinary word: 聚居区, 核心区, 安置区.

    Names jieba knows as places keep their tag (雁塔区/ns); otherwise the stem decides: a verb,
    adjective or everyday noun (聚居/v, 核心/n) makes a kind of area, a rare or unknown stem
    (禅城, 思明) a name.
    """
    if suffix not in ("区", "县", "市") or tok.tag in _PROPER_TAGS or len(tok.word) < 3:
        return False
    tag, freq = dictionary_entry(tok.word[: -len(suffix)])
    if not tag or not freq:
        return False
    if tag == "n":
        return freq >= _COMMON_NOUN_FREQ
    return tag not in _STEM_NAME_TAGS


_COMPOUND_NAME_TAGS = frozenset({"ns", "nr", "nrt", "nrfg", "nz", "x", "j"})
_COMPOUND_NAME_ENDS = tuple("苑园城府庭湾居邸里庄")
_GENERIC_COMPOUND_STEMS = frozenset(word_table("generic_compound_stems"))


def _proper_compound(stem: str, offset: int, tokens: list[Token], starts: list[int]) -> bool:
    """Whether the words before 小区 are a proper name (福林苑, 碧桂园) rather than a description."""
    if stem in _GENERIC_COMPOUND_STEMS or len(stem) < 2:
        return False
    if len(stem) == 2 and stem[0] in "一二三四五六七八九十两":
        return False  # 三无小区, 五好小区: a category counted by its marks, not a name
    if stem.endswith(_COMPOUND_NAME_ENDS):
        return True
    lo = bisect_right(starts, offset - 1)
    hi = bisect_right(starts, offset + len(stem) - 1)
    return any(tk.tag in _COMPOUND_NAME_TAGS for tk in tokens[lo:hi])


def _compound_name_word(tok: Token, end: int, allow_verb: bool = False) -> bool:
    return (
        tok.end == end
        and len(tok.word) == 2
        and all(_PLACE_CHAR.match(ch) for ch in tok.word)
        and (tok.tag not in _LOCAL_STOP_TAGS or (allow_verb and tok.tag == "v"))
        and tok.word not in _NAME_STOP
        and tok.word not in _LOCAL_STOP_WORDS
    )


def _inner_adjective(tokens: list[Token], ti: int, suffix: str) -> bool:
    """新 or 老 inside a street or village name (文|新|街道), after a name word rather than a verb."""
    if suffix not in _LOCAL_SUFFIXES or tokens[ti].word not in ("新", "老", "大", "小") or ti == 0:
        return False
    prev = tokens[ti - 1]
    return prev.end == tokens[ti].start and prev.tag in ("n", "ns", "nr", "nz", "ng", "g") and len(prev.word) == 1


_TIME_TAILS = tuple("年日天时晚夜午季期旬周后前来去晨间")


def _local_name_part(tokens: list[Token], ti: int) -> bool:
    """Words jieba tags as time or numeral that still make village and community names: 明月|村, 东|一|社区."""
    tok = tokens[ti]
    if tok.tag == "t":
        return len(tok.word) >= 2 and not tok.word.endswith(_TIME_TAILS) and tok.word not in _LOCAL_STOP_WORDS
    if tok.tag == "m" and len(tok.word) > 1 and tok.word[-1] in "路街巷里桥村湾":
        return True  # 五一路|街道
    if (
        tok.tag == "m"
        and len(tok.word) == 2
        and all(ch in "一二三四五六七八九" for ch in tok.word)
        and ti + 1 < len(tokens)
        and tokens[ti + 1].word in _LOCAL_SUFFIXES
    ):
        return True  # 二七|街道, 八一|社区: dates that name places (二七 for the 1923 strike)
    if tok.tag == "m" and len(tok.word) == 1 and tok.word in "一二三四五六七八九十" and ti > 0:
        prev = tokens[ti - 1]
        return prev.end == tok.start and len(prev.word) == 1 and prev.tag in ("f", "ns")
    return False


def _bad_stem(stem: str, offset: int, tokens: list[Token], starts: list[int]) -> bool:
    """A stem holding a word no place name has; one-character words only count as words of their own (和睦 is fine)."""
    for w in _BAD_IN_NAME:
        if len(w) > 1 and w in stem:
            return True
    if any(len(w) > 1 and w in stem for w in _NAMED_AFTER):
        return True  # 浙江日报杭州: an organisation's name (a paper, a bank) holds no place name after it
    k = bisect_right(starts, offset - 1)
    while k < len(tokens) and tokens[k].start < offset + len(stem):
        if len(tokens[k].word) == 1 and tokens[k].word in _BAD_IN_NAME:
            return True
        k += 1
    return False


_DOCUMENT_TITLE = re.compile(
    r"(?:印发|出台|制定|下发|发布|制发)[^，,。；;:：、“”]{2,30}?(?:指导意见|实施意见|意见|方案|办法|通知|规定|细则|指引|规划|清单)"
)


def _verb_before(tokens: list[Token], starts: list[int], pos: int) -> bool:
    """Whether a word of its own and a one-character verb stand right before ``pos`` (交通厅|驻).

    A name's own characters may read as a verb (岜|培|村); after a whole word they are a phrase.
    """
    k = bisect_right(starts, pos - 1) - 1
    if not (1 <= k < len(tokens) and tokens[k].end == pos and len(tokens[k].word) == 1 and tokens[k].tag == "v"):
        return False
    return len(tokens[k - 1].word) >= 2


def _starts_token(starts: list[int], pos: int) -> bool:
    i = bisect_right(starts, pos) - 1
    return i >= 0 and starts[i] == pos


def _clause_begin(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` begins: just after the last clause break before it."""
    i = pos - 1
    while i >= 0 and text[i] not in _CLAUSE_BREAK:
        i -= 1
    return i + 1


def _clause_start(text: str, s: int) -> bool:
    return bool(_ADVERBIAL.match(text[_clause_begin(text, s) : s]))


_LISTED_ORGAN = re.compile(r"(?:人大|政协|法院|检察院|[\u4e00-\u9fff]{0,4}?(?:局|委员会|办公室|公司|医院|学校))")


def _in_list(text: str, p: Place, chains: _Chains) -> bool:
    """Whether p is one item of a list of places (甲村、乙村和丙村; …丙村等3个村)."""
    if p.anaphor:
        return False
    end = chains.end(p)
    before = text[p.start - 1 : p.start]
    after = text[end : end + 1]
    prev = chains.ending_at.get(p.start - 1)
    nxt = chains.starts_at.get(end + 1)
    return (
        (before in "、和与及" and prev is not None and not prev.anaphor)
        or (after in "、和与及" and nxt is not None and not nxt.anaphor)
        or (text.startswith("等", end) and before == "、")
    )


class _Chains:
    """Places written back to back (川汇区|金海路街道办事处), looked up by position instead of by scan."""

    def __init__(self, places: list[Place]) -> None:
        self.ending_at: dict[int, Place] = {}
        self.starts_at: dict[int, Place] = {}
        self.ends_at: dict[int, int] = {}
        for q in places:
            self.ending_at.setdefault(q.end, q)
            self.starts_at.setdefault(q.start, q)
            self.ends_at[q.start] = q.end

    def end(self, p: Place) -> int:
        """End of the run of places written back to back from p (敦化路街道|鞍山二路社区)."""
        end = p.end
        while end in self.ends_at and self.ends_at[end] > end:
            end = self.ends_at[end]
        return end


_PARTNER_BEFORE = ("协同", "会同", "联合", "配合", "携手", "协助", "联手")


def _partner(text: str, p: Place) -> bool:
    """协同碧山镇开展联合执法, 联合碧山镇司法所: the partner, not the place doing it."""
    return text[_clause_begin(text, p.start) : p.start].endswith(_PARTNER_BEFORE)


def _is_subject(text: str, p: Place, chains: _Chains) -> bool:
    """Whether a place is what its clause is about rather than a location or object."""
    prefix = text[_clause_begin(text, p.start) : p.start]
    after = text[p.end : p.end + 1]
    title = _PERSON_TITLE.match(text, p.end) if p.anaphor else None
    if title and (text[p.start - 1 : p.start] in _LIST_MARKS or text[title.end() : title.end() + 1] in _LIST_MARKS):
        return False  # 区级领导、街道党工委书记、…: one of a list of people, not the place the clause is about
    if _in_list(text, p, chains):
        return False  # 甲社区、乙社区、丙社区等5个党群服务中心: items of a list are what is talked about
    organ = _LISTED_ORGAN.match(text, p.end)
    if organ and not p.anaphor and (text[p.start - 1 : p.start] == "、" or text.startswith("、", organ.end())):
        return False  # 协调政府部门、九原区人大、九原区政协: the place names one of a list of bodies
    if prefix in _DEICTIC_COPULA:
        return True  # 这里是内蒙古,…: "here" is the place, which the sentences after are about
    if prefix.endswith(("是", "为")) and not p.anaphor:
        return False  # 六龙村是宾阳县48个贫困村之一: a place after the copula is the predicate
    if _ADVERBIAL.match(prefix):
        return True
    # A chain (川汇区金海路街道办事处) shares the role of its head.
    q = chains.ending_at.get(p.start)
    if q is not None and q is not p:
        return q.subject or _is_subject(text, q, chains)
    # 在敦化路街道鞍山二路社区, / 在西来镇铁牛村,: a clause-initial location, also after a higher place.
    chain_end = chains.end(p)
    chain_after = text[chain_end : chain_end + 1]
    prefix = _HIGHER_PLACE_TAIL.sub("", prefix)
    if prefix.endswith(("在", "由")) and _ADVERBIAL.match(prefix[:-1]) and chain_after in ",，":
        return True
    # 在县城所在的界湖街道,, 而在整个长新居民区,: a clause-initial location described on the way.
    if re.fullmatch(r"(?:而|但|同时|此外|另外)?在[\u4e00-\u9fff]{1,8}", prefix) and chain_after in ",，":
        return True
    # 对沙琅镇村开展帮扶, 帮扶神农架林区: the place aid is for owns what the aid did, not the body giving it.
    if _AID_TARGET.search(prefix) or _AID_AFTER.match(text, chain_end):
        return True
    # 中原区: …; 全区487个…; 阳光社区组建…: a place right before its verb is the clause's agent.
    return after in ":：" or bool(_COUNT_AFTER_PLACE.match(text, p.end)) or text.startswith(_AGENT_VERBS, p.end)


_AID_TARGET = re.compile(r"(?:帮扶|对口帮扶|挂点帮扶|结对帮扶|定点帮扶|对口支援)$")
_AID_AFTER = re.compile(r"[村镇乡]?(?:开展|进行|实施)?(?:帮扶|对口帮扶|结对帮扶|定点帮扶)")


# 全区487个…, 成华区全部14个街道, 该镇的3个村: a count of the place's own units right after it.
_COUNT_AFTER_PLACE = re.compile(r"(?:全部|所有|的)?(?:\d|[二三四五六七八九十两][十百千万]?[个名家户所条项])")


def _agent_of_verb(text: str, p: Place, tokens: list[Token], starts: list[int]) -> bool:
    """近两年新塘村确定…: a place right before a verb, with no verb between the clause start and it,
    is the verb's agent (走访新塘村了解… has 走访 before it, so there it is an object)."""
    i = bisect_right(starts, p.end - 1)
    if i >= len(tokens) or tokens[i].start != p.end or tokens[i].tag != "v":
        return False
    lo = bisect_left(starts, _clause_begin(text, p.start))
    hi = bisect_left(starts, p.start)
    return not any(t.tag in ("v", "vn", "p") for t in tokens[lo:hi])


_COUNT_BEFORE = re.compile(r"(?:\d|[一二三四五六七八九十两百千])[个座](?:[\u4e00-\u9fff]{0,2}村)?$")
_COUNTED_CATEGORY = re.compile(r"(?:\d+|[一二三四五六七八九十百千两]+)个(?=[，。；、,;:：\n]|$)")
_BARE_LEVEL_WORDS = {"小区": "compound", "社区": "community", "街道": "street"}


def _bare_level_agents(
    text: str, places: list[Place], taken: list[bool], tokens: list[Token], starts: list[int]
) -> None:
    """改造后,小区更换雨污管网…: the level word alone opening a clause, its verb right after, stands
    for the one just named (the fixed lists of _ANAPHOR_RE cannot name every verb)."""
    for word, level in _BARE_LEVEL_WORDS.items():
        for m in re.finditer(word, text):
            s, e = m.start(), m.end()
            if any(taken[s:e]) or not (s == 0 or text[s - 1] in _SENTENCE_BREAK + "，,"):
                continue
            i = bisect_right(starts, e - 1)
            if i < len(tokens) and tokens[i].start == e and tokens[i].tag == "v":
                places.append(Place(s, e, word, level, anaphor=True))


def _dedupe(places: list[Place]) -> None:
    """Drop place mentions that lie inside a longer one (known names beat generic ones)."""
    keep: list[Place] = []
    for p in places:
        if keep and p.start < keep[-1].end:
            if p.end - p.start > keep[-1].end - keep[-1].start and keep[-1].key is None:
                keep[-1] = p
            continue
        keep.append(p)
    places[:] = keep


def _speakers_place(text: str, places: list[Place]) -> None:
    """“全村集体经济收入为70万元……”新平村党支部书记说: in quoted speech, 全村/村里 is the speaker's village.

    The speaker is named right after the closing quote, as a place with a post (书记, 主任); an
    anaphor of that level inside the quote stands for that place, not for the one named last.
    """
    starts = [q.start for q in places]
    for p in places:
        if not p.anaphor:
            continue
        open_at = text.rfind("“", max(0, p.start - 300), p.start)
        if open_at < 0 or "”" in text[open_at : p.start]:
            continue
        close_at = text.find("”", p.end, p.end + 400)
        if close_at < 0:
            continue
        k = bisect_left(starts, close_at)
        if k >= len(places) or places[k].start > close_at + 3:
            continue
        chain = [places[k]]  # 贺兰县|习岗镇|新平村|党支部书记: the speaker's place is the chain's last
        while k + 1 < len(places) and places[k + 1].start == chain[-1].end:
            k += 1
            chain.append(places[k])
        last = chain[-1]
        if not last.anaphor and last.level == p.level and _PERSON_TITLE.match(text, _speaker_title_at(text, last.end)):
            p.antecedent = last


_SPEECH_VERB = re.compile(r"(?:介绍|说|表示|告诉|坦言|谈到|指出|感慨)")


def _people_of_places(text: str, places: list[Place], chains: _Chains) -> None:
    """丰泽社区党总支书记陈雪娥…  陈雪娥介绍，…: what a named post-holder later reports is about their place.

    A person introduced with a place and a post (书记, 主任) and later opening a clause with a verb
    of speech speaks for that place: the person's name stands for it, as 该社区 would.
    """
    people: dict[str, Place] = {}
    for p in places:
        if p.anaphor or p.end in chains.starts_at:
            continue  # the chain's last place holds the post: 贺兰县|习岗镇|新平村|党支部书记
        title = _PERSON_TITLE.match(text, _speaker_title_at(text, p.end))
        if title is None:
            continue
        for size in (3, 2):
            name = text[title.end() : title.end() + size]
            if len(name) == size and all("\u4e00" <= ch <= "\u9fff" for ch in name):
                people.setdefault(name, p)
    if not people:
        return
    added = []
    pattern = re.compile("|".join(sorted(map(re.escape, people), key=len, reverse=True)))
    for m in pattern.finditer(text):
        place = people[m.group()]
        opens_paragraph = text[m.start() - 1 : m.start()] == "\n"  # 张立敏现在管理的网格…
        if m.start() <= place.end or not (_SPEECH_VERB.match(text, m.end()) or opens_paragraph):
            continue
        if m.start() > 0 and text[m.start() - 1] not in _SENTENCE_BREAK + "，,":
            continue  # only a speaker opening the clause; 记者陈雪娥说 is someone else
        added.append(Place(m.start(), m.end(), m.group(), place.level, subject=True, anaphor=True, antecedent=place))
    if added:
        places.extend(added)
        places.sort(key=lambda q: (q.start, q.end))


_ORGAN_BEFORE_POST = re.compile(r"(?:党支部|党总支|党委|村委会|居委会|村民委员会|“两委”)?")


def _speaker_title_at(text: str, pos: int) -> int:
    """Skip the organ between a place and a post: 新平村|党支部|书记, 白雾坪村|村委会|主任."""
    m = _ORGAN_BEFORE_POST.match(text, pos)
    return m.end() if m else pos


def _bare_level_word(p: Place) -> bool:
    """社区, 街道办事处 alone (not 该社区, 全区, 区委): the level words that stand for a place by themselves."""
    return p.anaphor and (p.name in _BARE_LEVEL_WORDS or p.name == "街道办事处")


def _resolve(places: list[Place]) -> None:
    """Link anaphors (该街道办事处, 全区, 区委) and bare 示范区 to the place they stand for.

    The nearest named place before (of the anaphor's level, or whose name ends in the bare word),
    else the first one after: 全县…, 县委… come before the county is named in a work summary whose
    title or last paragraph names it. One pass each way, so long reports cost linear time.
    """

    def keys(q: Place) -> list[str]:
        return [q.level, *(f"bare:{b}" for b in BARE_DISTRICTS if q.name.endswith(b))]

    def wanted(p: Place) -> str:
        return f"bare:{p.name}" if p.bare else p.level

    last: dict[str, Place] = {}
    for p in places:
        if p.anaphor or p.bare:
            p.antecedent = last.get(wanted(p))
        else:
            for k in keys(p):
                last[k] = p
    following: dict[str, Place] = {}
    for p in reversed(places):
        if p.anaphor or p.bare:
            # 全县…/县委… may come before the county is named; a bare level word (其中街道办事处有
            # 152个) never stands for a place named only later.
            if p.antecedent is None and not _bare_level_word(p):
                p.antecedent = following.get(wanted(p))
        else:
            for k in keys(p):
                following[k] = p


_LEVEL_WORD_ANAPHOR = re.compile(r"(?:全|该|本|此|我们|我)([区县市省]|嘎查|苏木|社区|街道|村|镇|乡)$")


def _match_level_word(places: list[Place], gaz: Gazetteer, named: set[str]) -> None:
    """全区 means a place called …区: when the nearest place of the level is a 县, look further.

    The same holds below the county: 该嘎查 after 移民村 is the 嘎查 named before it, 该村 after a
    社区 the village; there the search goes back only, and there is no division above to take.

    A district and a county share a level, so 全区 after 察隅县 was read as the county; in a report
    on the 西藏自治区's work it is the region. The nearest place whose name ends in the word wins,
    else the division above the places named that the gazetteer calls so (林芝市 → 西藏自治区).
    """
    hints: list[str] | None = None  # the names, longest first, that disambiguate gazetteer look-ups
    for i, p in enumerate(places):
        m = _LEVEL_WORD_ANAPHOR.match(p.name) if p.anaphor else None
        if m is None:
            continue
        word = m.group(1)
        current = p.resolved if p.antecedent is not None else None
        if current is not None and (current.full or current.name).endswith(word):
            continue
        local = len(word) > 1 or word in "村镇乡"
        better = _nearest_ending(places, i, word, backward_only=local)
        if better is None and not local:
            hints = hints if hints is not None else sorted(named, key=len, reverse=True)
            better = _division_above(places, i, word, gaz, hints)
        if better is not None:
            p.antecedent = better


def _nearest_ending(places: list[Place], i: int, word: str, backward_only: bool = False) -> Place | None:
    for q in [*reversed(places[:i]), *(() if backward_only else places[i + 1 :])]:
        if not q.anaphor and not q.bare and (q.full or q.name).endswith(word):
            return q
    return None


def _division_above(places: list[Place], i: int, word: str, gaz: Gazetteer, hints: list[str]) -> Place | None:
    """The gazetteer's division above the nearest named place whose name ends in ``word``."""
    for q in reversed(places[:i]):
        if q.anaphor or q.bare:
            continue
        row = gaz.resolve(q.full or q.name, hints)
        if row is None:
            continue
        for a in gaz.ancestors(row):
            name = gaz.name_of(a)
            if name.endswith(word):
                return Place(q.start, q.end, name, gaz.level_of(a), full=name)
        return None
    return None


_HEADING_WEIGHT = 10


LEVEL_RANK = {"province": 0, "city": 1, "district": 2, "street": 3, "community": 4, "compound": 5, "group": 5}


def main_place(
    places: list[Place], start: int, end: int, heading_end: int = -1, starts: list[int] | None = None
) -> Place | None:
    """The place an article (or the whole report) is about: its most frequent subject place.

    ``starts`` are the places' start offsets (they are in text order), when the caller has them.
    """
    counts: Counter[str] = Counter()
    first: dict[str, Place] = {}
    forms: dict[str, Counter[str]] = {}
    if starts is None:
        starts = [p.start for p in places]
    inner = places[bisect_left(starts, start) : bisect_left(starts, end)]
    starts = {q.start for q in inner}
    for p in inner:
        if p.anaphor and p.antecedent is None:
            continue
        if p.end in starts:
            continue  # 川汇区 in 川汇区金海路街道办事处: the specific place counts
        # The headline names what the article is about: a place there outweighs any count in the body.
        weight = (2 if p.subject else 1) + (_HEADING_WEIGHT if p.start < heading_end and not p.anaphor else 0)
        if p.short:
            weight = 1  # 江苏泗阳…: the province or city by its short form sets the scene, not the subject
        key = p.canonical
        counts[key] += weight
        first.setdefault(key, p.resolved)
        if not p.anaphor:
            forms.setdefault(key, Counter())[p.name] += 1
    if not counts:
        return None
    best = max(counts, key=lambda k: (counts[k], -first[k].start))
    place = first[best]
    written = forms.get(best)
    if written:
        name = written.most_common(1)[0][0]
        if name != place.name:
            return Place(place.start, place.end, name, place.level, place.key, True)
    return place
