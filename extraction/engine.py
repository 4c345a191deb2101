"""The extractor: finds figures, rejects non-figures, and attributes each to an indicator, a place and a period."""

from __future__ import annotations

import logging
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from typing import Any

from . import catalogue as cat
from .attribution import Attributor, Clue, clean_subject
from .campaigns import CampaignMatcher
from .confidence import ConfidenceModel, mention_features
from .gazetteer import Gazetteer
from .numbers import CN_DIGITS, NumberMatch, find_numbers
from .periods import find_periods, period_of
from .regions import LEVEL_RANK, Place, PlaceIndex, detect_places, main_place
from .segment import FUNCTION_TAGS, Token, add_words, tokenize
from .specs import CampaignSpec, ExtractionContext, ExtractionResult, IndicatorSpec, PlaceSpec
from .text import Compact, compact, quoted_spans
from .wordlists import word_table

logger = logging.getLogger(__name__)
_CLAUSE_BREAK = "。!?！？;；,，:：\n "
_SENTENCE_BREAK = "。!?！？;；\n"
# The news-item opener: 本报讯, 又讯, or a paper's own (杭州日报讯, 新华社讯).
_NEWS_START = re.compile(r"(本报讯|又讯|[\u4e00-\u9fff]{2,8}(?:日报|晚报|报|社|网)讯)")
# 每年安排专项资金1500万元: a yearly budget is a figure of money put in, not a per-unit rate.
_ANNUAL_BUDGET = re.compile(r"^[^每]*每(?:年|年度)(?:安排|投入|拨付|筹集|列支|统筹)[^每]{0,8}(?:资金|经费)$")
# 每年带动就业3000余人, 每年接待游客: a yearly amount is a figure of its own; 每人, 每户 make a rate.
_PER_YEAR_ONLY = re.compile(r"[^每]*每年(?!级)[^每]*")
_TIME_AFTER_GE = re.compile(r"^(?:月|小时|工作日|季度|星期|周|年头|学期|昼夜|晚上|白天|钟头|半月|多月|余月|年度)")
# Patterns of the rejection rules (_keep), named for what they recognise around a number.
_THRESHOLD_AFTER = re.compile(r"(?:以上|以下|以内|及以上|及以下)(?:的|、|[\u4e00-\u9fff])")
_OVER_BEFORE = re.compile(r"(?:超过|超|过|不足|低于|少于|不到)$")
_COMPARED_BEFORE = re.compile(r"(?:超过|超|过|高于|低于|不足|少于|多于)$")
_VILLAGE_CLASS_AFTER = re.compile(r"的?(?:村|社区|嘎查)")
_UNIT_ADDRESS_AFTER = re.compile(r"[一二三四五六七八九十\d]*单元")
_RANGE_BEFORE = re.compile(r"[\d一二三四五六七八九十两]\s*(?:至|到|-|—|~|～)$")
_PHASE_AFTER = re.compile(r"(?:工程|项目|建设|改造|规划|用地)")
# 宽6米, 海拔4600米: a dimension of one object. A length is kept: annotators count 边境线长515.4公里
# and 新建一条长3.7公里的水泥路 as what a place has or built.
_DIMENSION_BEFORE = re.compile(r"(?:[宽高深]|海拔)$")
_ORGAN_ENDS = ("部", "厅", "局", "委", "办", "院")
_DISTANCE_FROM = re.compile(r"(?:距离?|(?<![隔分脱偏背远])离)[\u4e00-\u9fff]{0,12}(?:约|仅|只有|有|达|近|超过)?$")
_RECAP_BEFORE = re.compile(r"(?:这|那|此|上述|以上|前|后|头|末|最后|其中|另外)$")
_HEADING_AFTER = re.compile(r"[\u4e00-\u9fff]{0,6}[。:：]")
# A quotation this short is a slogan or a name (“三项工程、一项管理”), not reported speech.
_SHORT_QUOTE = 16
_SUBJECT_STOP_TAGS = FUNCTION_TAGS | {"ad", "d"}
_SKIP_BEFORE = word_table("skip_before")
_FN_CHARS = set("的了和与及等、")
_COORDINATORS = "、和与及以 "
_LEVEL_RANK = LEVEL_RANK


class Extractor:
    """Turns report text into indicator mentions and named campaigns (see the package docstring)."""

    def __init__(
        self,
        indicators: list[IndicatorSpec] | None = None,
        places: list[PlaceSpec] | None = None,
        campaigns: list[CampaignSpec] | None = None,
        gazetteer: Gazetteer | bool | None = True,
    ) -> None:
        self.attributor = Attributor(indicators)
        self.confidence = ConfidenceModel.load()
        self.explain = False  # True adds each mention's confidence features (for fitting the model)
        if gazetteer is True:
            gazetteer = Gazetteer.load()
        self.places = PlaceIndex(places, gazetteer or None)
        self.campaigns = CampaignMatcher(campaigns)
        # Region and campaign names become single tokens, so nouns around them segment cleanly.
        words = {name: "ns" for name in self.places.by_name if len(name) >= 3}
        words.update({name: "nz" for name in self.campaigns.names if len(name) >= 3 and "“" not in name})
        if words:
            add_words(words)

    def extract(
        self, text: str, context: ExtractionContext | None = None, doc: str = "", *, strict: bool = False
    ) -> ExtractionResult:
        """Extract mentions and campaigns.

        By default odd input never raises (empty lists instead, and the error is logged). The
        portal parses with ``strict=True`` so that an engine fault fails the report with its
        reason instead of looking like a report without figures.
        """
        try:
            return self._extract(
                text if isinstance(text, str) else str(text or ""), context or ExtractionContext(), doc
            )
        except Exception:
            if strict:
                raise
            logger.exception("extraction failed for doc %r", doc)
            return ExtractionResult()

    # -- pipeline -------------------------------------------------------------------------

    def _extract(self, text: str, context: ExtractionContext, doc: str) -> ExtractionResult:
        comp = compact(text)
        ct = comp.text
        if not ct:
            return ExtractionResult()
        numbers = find_numbers(ct)
        tokens = _segment_needed(ct, numbers)
        doc_state = _Doc(comp, tokens)
        places = [p for p in detect_places(ct, tokens, self.places) if not doc_state.in_short_quote(p.start)]
        numbers = _outside_names(numbers, places)
        campaigns = self.campaigns.find(ct)
        articles = _articles(comp)
        periods = find_periods(ct)
        result = ExtractionResult()
        prev_end = -1
        place_starts = [p.start for p in places]
        for a_start, a_end, heading_end in articles:
            article_main = main_place(places, a_start, a_end, heading_end, place_starts)
            _widen_to_main(places, article_main, comp, a_start, a_end, place_starts)
        doc_main = main_place(places, 0, len(ct), starts=place_starts)
        article_mains: dict[int, Place | None] = {}
        last: tuple[str | None, str] | None = None
        for num in numbers:
            if num.start < prev_end:
                continue
            verdict = self._keep(num, doc_state)
            if verdict is None:
                continue
            prev_end = num.end
            clue = self._clue(num, doc_state, campaigns, numbers)
            doc_state.last_end = num.end
            code, confidence = self.attributor.attribute(clue)
            # 其中省派第一书记12名: a share of the figure before; 其中，自治区选派9名，市级11名: and
            # each further item of the breakdown, named by a short modifier only.
            share = clue.before.startswith("其中") or (
                "其中" in clue.sentence_before and len(clue.before) <= 4 and not clue.subject_after
            )
            if code is None and last is not None and share and _same_measure(last[1], num.unit):
                code, confidence = last[0], 0.6
            last = (code, num.unit)
            a_start, a_end, heading_end = _article_of(articles, num.start)
            if a_start not in article_mains:
                article_mains[a_start] = main_place(places, a_start, a_end, heading_end, place_starts)
            place, how = _place_for(num, places, comp, article_mains[a_start], doc_main, place_starts, heading_end)
            region, region_key = self._region(place, context)
            features = mention_features(
                rule_confidence=confidence,
                indicator=code,
                unit=num.unit,
                how=how,
                place=place,
                distance=num.start - place.end if place is not None and place.end <= num.start else -1,
                in_heading=num.start < heading_end,
                borderline=verdict,
            )
            start, end = comp.original_span(num.start, num.end)
            result.mentions.append(
                {
                    "doc": doc,
                    "start": start,
                    "end": end,
                    "text": text[start:end],
                    "value": num.int_or_float,
                    "unit": num.unit,
                    "approx": num.approx,
                    "subject": clue.subject[:60],
                    "indicator": code,
                    "region": region,
                    "borderline": verdict,
                    "period": self._period(num.start, periods, comp, a_start, context),
                    "confidence": round(self.confidence.score(features, confidence), 2),
                    "region_key": region_key,
                }
            )
            if self.explain:
                result.mentions[-1]["features"] = features
        for s, e, spec in campaigns:
            start, end = comp.original_span(s, e)
            result.campaigns.append(CampaignMatcher.record(spec, start, end))
        return result

    # -- rejection rules ------------------------------------------------------------------

    def _keep(self, num: NumberMatch, d: _Doc) -> bool | None:
        """None to reject the number, else the borderline flag."""
        t = d.text
        s, e = num.start, num.end
        before = t[max(0, s - 6) : s]
        after = t[e : e + 8]
        if d.in_title(s) or d.in_short_quote(s):
            return None  # numbers inside names of documents, slogans and programmes
        if before.endswith("第") or (
            before.endswith(("前", "后", "头", "上升", "下降", "前进", "后退", "提升"))
            and num.unit == "人"
            and num.written_unit in ("名", "位")
        ):
            return None  # ordinals and rankings: 第33次, 前10名
        if _THRESHOLD_AFTER.match(after):
            return None  # threshold qualifiers: 50万元以上的村, 50万元以上、30万元以上嘎查数量, 实现50万元以上集体经济
        if (after.startswith(("以上", "以下")) or _OVER_BEFORE.search(before)) and _COUNTED_PLACES.search(
            t, d.clause_start(s), s
        ):
            return None  # 132个行政村集体经济收入达2万元以上, 1810个村…全部过10万元: the bar the villages pass
        if num.unit == "元" and _OVER_BEFORE.search(before) and _VILLAGE_CLASS_AFTER.match(after):
            return None  # 收入超50万元村实现全覆盖: a class of villages by the bar they pass
        if after.startswith("的") and _COMPARED_BEFORE.search(before):
            return None  # 年收入超过100万元的村, 超1000万元的村27个: a threshold, the count is of the villages
        if _THRESHOLD_NOUN.match(after):
            return None  # 守住10万元的底线: a bar to reach, not a figure reached
        if num.unit == "组" and after.startswith("的"):
            return None  # 帮3组的几户老人: 3组 names a villagers' group
        if num.chinese and before.endswith("数") and t[s] in "十百千万":
            return None  # 数十平方公里, 数百名: "some tens", no figure stated
        if num.unit in ("栋", "幢") and _UNIT_ADDRESS_AFTER.match(after):
            return None  # 8栋一单元: an address, not a count
        cs = d.clause_start(s)
        each = t[max(cs, d.previous_end(s)) : s]
        if "每" in each and not _ANNUAL_BUDGET.search(each) and not _PER_YEAR_ONLY.fullmatch(each):
            return None  # frequencies and rates: 每周一推进, 每人500元, 每名党员联系5至10户
        if _RANGE_BEFORE.search(before):
            return None  # a range (5至10户) is a norm or target, not a count
        if num.written_unit == "个" and _TIME_AFTER_GE.match(after):
            return None  # durations: 3个月, 5个工作日
        if num.unit == "小时" and "时长" not in t[max(0, s - 10) : s]:
            return None  # 24小时值守, 仅一个小时
        if before.endswith("分") and num.unit in ("批", "批次", "组", "期", "轮", "类", "步"):
            return None  # 分3批次: how the work was split, not a count of it
        if num.unit == "期" and _PHASE_AFTER.match(after):
            return None  # 一期工程 is a phase, not a count
        if num.unit in ("米", "公里", "千米") and _DIMENSION_BEFORE.search(before):
            return None  # a dimension of one object
        distance = num.unit in ("米", "公里", "千米")
        if distance and (_DISTANCE_FROM.search(t, cs, s) or after.startswith(("处", "外", "开外"))):
            # 距县城12公里, 离服务中心25公里以上, 西南25公里处, 300多公里外: where a place lies, not work done
            return None
        if num.written_unit == "口" and after.startswith("人") and "家" in t[cs:s]:
            return None  # 我们家有10口人: the size of a family
        if num.chinese:
            return self._keep_chinese(num, d, cs)
        return False

    def _keep_chinese(self, num: NumberMatch, d: _Doc, cs: int) -> bool | None:
        t = d.text
        s, e = num.start, num.end
        if num.written_unit == "方":
            return None  # 四方, 多方: parties, not cubic metres
        if num.written_unit in ("处", "科", "室") and t[max(0, s - 1) : s] in _ORGAN_ENDS:
            return None  # 统战部二处副处长: an office of a department by its number
        if num.value == 1 and num.unit != "%":
            return None  # 一 is mostly an article: 一个党员, 一次全新尝试
        if (num.bare_scale and t[max(0, s - 1) : s] not in ("上", "近", "超", "破", "逾")) or t[
            max(0, s - 2) : s
        ] == "成千":
            return None  # 千家万户, 万众一心; but 近千名, 超千万元 and 突破百万元 state a figure
        nxt = t[e : e + 1]
        if nxt and (nxt in CN_DIGITS or nxt in "十百千万"):
            return None  # 五位一体, 四面八方: parallel idioms
        if t[max(0, s - 1) : s] in ("”", "》", "」", "』"):
            return None  # “分散游击+集中清理”两种方式: a recap of named items
        if _RECAP_BEFORE.search(t[max(0, s - 3) : s]):
            return None
        np = _noun_run(t, e)
        if any(np.startswith(w) or np.endswith(w) for w in cat.ABSTRACT_NOUNS):
            return None  # 两种方式, 三支力量, 四个意识
        sentence_start = d.sentence_start(s)
        if sentence_start == s and _HEADING_AFTER.match(t[e : e + 8]):
            return None  # enumerated headings: 一个中心。两种方式。
        return num.value <= 10  # small Chinese counts are where readers disagree

    # -- attribution ----------------------------------------------------------------------

    def _clue(self, num: NumberMatch, d: _Doc, campaigns: list, numbers: list[NumberMatch]) -> Clue:
        t = d.text
        cs = d.clause_start(num.start)
        ce = d.clause_end(num.end)
        prev_num_end = d.last_end if cs <= d.last_end <= num.start else cs
        local_start = max(cs, prev_num_end)
        before = t[local_start : num.start]
        if local_start > cs and not before.strip(_COORDINATORS):
            # 走访居民1.35万户、3.9万人: a figure joined to the one before shares its verb.
            before = t[cs : num.start]
        elif local_start > cs and before.endswith("的") and not any(ch in before for ch in "，,；;"):
            # 走遍了全村11个村民小组的426户人家: the figure before only qualifies this one's noun.
            before = t[cs : num.start]
        elif (
            local_start > cs
            and len(before) <= 8
            and d.only_nouns(local_start, num.start)
        ):
            # 成功化解5家物业小区30余个问题: the figure before counts a noun of this one's phrase;
            # with no verb between them they share the clause's verb.
            before = t[cs : num.start]
        elif local_start > cs and (before.startswith("、") or before.endswith("、")):
            # 选派驻村第一书记41名、驻村工作队员96名, 协调解决物业矛盾24件、邻里纠纷75件: list items
            # share the clause's verb.
            before = t[cs : num.start]
        subject_after, _head_only = _noun_phrase_after(t, num.end, ce, campaigns, d)
        subject = ""
        is_after = False
        if subject_after and num.unit not in ("元", "%") and not num.unit.endswith(("米", "亩", "公里", "顷")):
            subject, is_after = _head_only, True
        else:
            subject = _noun_phrase_before(t, num.start, local_start, d)
            subject = _strip_campaigns(subject, num.start - len(subject), campaigns)
        return Clue(
            unit=num.unit,
            subject=clean_subject(subject),
            before=before,
            clause_before=t[cs : num.start],
            sentence_before=t[d.sentence_start(num.start) : num.start],
            after=t[num.end : ce],
            subject_after=is_after,
        )

    def _region(self, place: Place | None, context: ExtractionContext) -> tuple[str | None, str | None]:
        if place is None:
            return context.region, context.region_key
        target = place.resolved
        # As written, except that one place written two ways is called by its first name
        # (丰泽居民区 … 丰泽社区).
        name = (place.first_name or place.name) if not place.anaphor else (target.first_name or target.name)
        key = target.key
        if key is None:
            within = context.region_key
            spec = self.places.lookup(target.name, within) or self.places.lookup(name, within)
            key = spec.key if spec else None
        if key is None and context.region and (context.region in name or name in context.region):
            key = context.region_key
        return name, key

    def _period(
        self, pos: int, periods: list, comp: Compact, article_start: int, context: ExtractionContext
    ) -> dict[str, Any] | None:
        para_start, _ = comp.paragraph_bounds(pos)
        sentence_floor = para_start
        hi = bisect_left(periods, (pos,), key=lambda pm: (pm[0],))
        lo = bisect_left(periods, (sentence_floor,), 0, hi, key=lambda pm: (pm[0],))
        candidates = [m for _p, m in periods[lo:hi]]
        if not candidates:
            first = bisect_left(periods, (article_start,), 0, hi, key=lambda pm: (pm[0],))
            candidates = [periods[first][1]] if first < hi else []
        vague: dict[str, Any] | None = None
        for m in reversed(candidates):
            period = period_of(m, context.published)
            if period is None:
                continue
            if period["kind"] == "cumulative" and period.get("year") is None:
                vague = vague or period  # 累计/目前: look further back for the year it runs from
                continue
            if vague is not None:
                return {**vague, "year": period.get("year")}
            return period
        return vague


class _Doc:
    """Per-report lookups over the compact text: quotes, clause and sentence bounds."""

    def __init__(self, comp: Compact, tokens: list[Token]) -> None:
        self.comp = comp
        self.text = comp.text
        self.tokens = tokens
        self.token_starts = [tk.start for tk in tokens]
        self.token_ends = [tk.end for tk in tokens]
        self.last_end = 0
        self.short_quotes: list[tuple[int, int]] = []
        self.titles: list[tuple[int, int]] = []
        for s, e, mark in quoted_spans(self.text):
            inner = self.text[s:e]
            if mark in "《〈":
                self.titles.append((s, e))
            elif e - s <= _SHORT_QUOTE and not re.search(r"[。!?！？]", inner):
                self.short_quotes.append((s, e))
        self.short_quotes.sort()
        self.titles.sort()

    @staticmethod
    def _inside(spans: list[tuple[int, int]], pos: int) -> bool:
        # Innermost quote spans do not overlap, so the one starting last before pos decides.
        i = bisect_right(spans, (pos, float("inf"))) - 1
        return i >= 0 and spans[i][0] <= pos < spans[i][1]

    def only_nouns(self, start: int, end: int) -> bool:
        """Whether jieba read [start, end) as nouns only, wholly segmented (物业小区)."""
        k = bisect_right(self.token_ends, start)
        covered = start
        while k < len(self.tokens) and self.tokens[k].start < end:
            tk = self.tokens[k]
            if tk.start > covered or not tk.tag.startswith("n"):
                return False
            covered = tk.end
            k += 1
        return covered >= end > start

    def in_short_quote(self, pos: int) -> bool:
        return self._inside(self.short_quotes, pos)

    def in_title(self, pos: int) -> bool:
        return self._inside(self.titles, pos)

    def clause_start(self, pos: int) -> int:
        return _clause_floor(self.text, pos)

    def previous_end(self, pos: int) -> int:
        """End of the kept figure before pos (set while scanning), so rules see only this figure's words."""
        return self.last_end if self.last_end <= pos else 0

    def clause_end(self, pos: int) -> int:
        i = pos
        n = len(self.text)
        while i < n and self.text[i] not in _CLAUSE_BREAK:
            i += 1
        return i

    def sentence_start(self, pos: int) -> int:
        i = pos - 1
        while i >= 0 and self.text[i] not in _SENTENCE_BREAK:
            i -= 1
        return i + 1

    def token_index_from(self, pos: int) -> int:
        return bisect_left(self.token_starts, pos)

    def token_index_ending(self, pos: int) -> int:
        """Index of the token that ends exactly at pos, or -1."""
        i = bisect_right(self.token_ends, pos) - 1
        return i if i >= 0 and self.token_ends[i] == pos else -1


_JIEBA_BLOCK = re.compile(r"[\u4E00-\u9FD5a-zA-Z0-9+#&\._%\-]+")
_PLACE_CHARS = re.compile(r"[区市县镇乡村街省州旗盟]|苏木|嘎查")


def _segment_needed(text: str, numbers: list[NumberMatch]) -> list[Token]:
    """Segment only the text blocks the later steps read: before numbers and before place suffixes.

    jieba never joins characters across punctuation, so segmenting block by block gives the
    same tokens as segmenting the whole report, at a fraction of the cost for long reports.
    """
    wanted: list[tuple[int, int]] = []
    for num in numbers:
        i = num.start - 1
        while i >= 0 and num.start - i < 60 and text[i] not in _CLAUSE_BREAK:
            i -= 1
        wanted.append((i + 1, num.start))
    for m in _PLACE_CHARS.finditer(text):
        wanted.append((max(0, m.start() - 14), m.end()))
    wanted.sort()
    tokens: list[Token] = []
    k = 0
    for block in _JIEBA_BLOCK.finditer(text):
        bs, be = block.start(), block.end()
        while k < len(wanted) and wanted[k][1] < bs:
            k += 1
        if k < len(wanted) and wanted[k][0] <= be:
            tokens.extend(tokenize(block.group(), hmm=False, offset=bs))
    return tokens


_PEOPLE_UNITS = ("人", "人次")


def _outside_names(numbers: list[NumberMatch], places: list[Place]) -> list[NumberMatch]:
    """Digits inside a place's name are never a figure: 六盘水市 holds no 六盘, 三门峡 no 三门."""
    named = [(p.start, p.end) for p in places if not p.anaphor and not p.bare]
    if not named:
        return numbers
    starts = [s for s, _e in named]
    out = []
    for num in numbers:
        i = bisect_right(starts, num.start) - 1
        if i >= 0 and named[i][0] <= num.start and num.end <= named[i][1]:
            continue
        out.append(num)
    return out


def _same_measure(a: str, b: str) -> bool:
    """Units a share (其中…) can be counted in: the same, or people and person-times."""
    return a == b or (a in _PEOPLE_UNITS and b in _PEOPLE_UNITS)


_THRESHOLD_NOUN = re.compile(r"的?(?:底线|门槛|标准线|目标线)")
# A count (or share) of villages or communities: 62个村, 100%村级; a money bar after it is their threshold.
_COUNTED_PLACES = re.compile(
    r"(?:\d+个|\d+%|[一二三四五六七八九十\d]成(?:以上)?|全部)[\u4e00-\u9fff]{0,3}?(?:村|社区|嘎查|乡镇)"
)
_PEOPLE_HEADS = word_table("people_heads")


_NOUN_RUN = re.compile(r"[\u4e00-\u9fff“”]{0,8}")


def _noun_run(text: str, pos: int) -> str:
    m = _NOUN_RUN.match(text, pos)
    return m.group().replace("“", "").replace("”", "") if m else ""


def _noun_phrase_after(text: str, pos: int, limit: int, campaigns: list, d: _Doc | None = None) -> tuple[str, str]:
    """The counted phrase right after a measure word (81个|基层党组织) and that phrase minus campaign names.

    The window is segmented on its own because the report-wide segmentation may have glued the
    measure word to the next character (5个人居环境 -> 个人).
    """
    cursor = pos
    modifiers = ""
    k = bisect_left(campaigns, (cursor,), key=lambda c: (c[0],))
    while k < len(campaigns) and campaigns[k][0] == cursor and campaigns[k][1] <= limit:
        s, e, _spec = campaigns[k]
        modifiers += text[s:e]
        cursor = e
        k += 1
    window = text[cursor : min(limit, cursor + 14)]
    out = 0
    window_tokens = _reuse_tokens(d, cursor, cursor + len(window)) if d is not None else None
    if window_tokens is None:
        window_tokens = tokenize(window)
    for k, tk in enumerate(window_tokens):
        w = tk.word
        if tk.start != out:
            break
        if w in ("“", "”", "‘", "’", "(", ")", "（", "）"):
            if w in "(（" and not re.match(r"[(（][\u4e00-\u9fff]{1,4}[)）]", window[tk.start : tk.start + 6]):
                break
            out = tk.end
            continue
        if not re.match(r"^[\u4e00-\u9fffA-Za-z·]+$", w) or w in _FN_CHARS:
            break
        verb = tk.tag.startswith("v") and tk.tag != "vn"
        if verb and k == 0 and k + 1 < len(window_tokens) and window_tokens[k + 1].tag in ("n", "nz", "vn", "nt"):
            out = tk.end  # 在职|党员, 下沉|干部, 返乡|人员: a verb modifying the counted noun
            continue
        if (
            verb
            and k + 1 < len(window_tokens)
            and window_tokens[k + 1].word in _PEOPLE_HEADS
            and not window[:out].endswith(_PEOPLE_HEADS)
            and out <= 3  # only after a short modifier: 机关党支部|组织|党员 is a subject and its verb
        ):
            out = tk.end  # 农村|无职|党员, 独居|老人: a verb inside the description of the people counted
            continue
        if tk.tag in _SUBJECT_STOP_TAGS or (verb and w not in ("党员", "服务")):
            break
        out = tk.end
    head = window[:out]
    while head and head[-1] in "“(（":
        head = head[:-1]
    if not head:
        return modifiers, modifiers
    return modifiers + head, head


def _reuse_tokens(d: _Doc, start: int, end: int) -> list[Token] | None:
    """The report's own tokens over [start, end) shifted to 0, when they begin exactly at start."""
    i = d.token_index_from(start)
    tokens = d.tokens
    if i >= len(tokens) or tokens[i].start != start:
        return None  # the measure word was glued to the next word (个人): segment the window anew
    out: list[Token] = []
    pos = start
    while i < len(tokens) and tokens[i].start == pos and pos < end:
        tk = tokens[i]
        out.append(Token(tk.word, tk.start - start, tk.end - start, tk.tag))
        pos = tk.end
        i += 1
    return out if pos >= min(end, start + 4) else None


def _noun_phrase_before(text: str, pos: int, floor: int, d: _Doc) -> str:
    """The counted phrase before a number: what follows the last verb of the clause (走访|群众|622户)."""
    end = pos
    for word in _SKIP_BEFORE:
        if text.startswith(word, end - len(word)) and end - len(word) >= floor:
            end -= len(word)
            break
    segment_tokens = [
        tk for tk in d.tokens[bisect_left(d.token_starts, floor) : d.token_index_from(end)] if tk.end <= end
    ]
    last_verb_end = floor
    last_verb = ""
    for k, tk in enumerate(segment_tokens):
        if (tk.tag.startswith("v") and tk.tag != "vn") or tk.tag in ("p",):
            nxt = segment_tokens[k + 1] if k + 1 < len(segment_tokens) else None
            if nxt is not None and not (nxt.tag.startswith("v") and nxt.tag != "vn"):
                last_verb_end = tk.end
            last_verb = tk.word
    phrase = text[last_verb_end:end].strip(" ,，、")
    if not phrase:
        return last_verb
    return phrase[-20:]


def _strip_campaigns(phrase: str, offset: int, campaigns: list) -> str:
    """Drop a campaign name used as a modifier (“五星”支部创建|聚力团) so the real head shows."""
    end = offset + len(phrase)
    lo = bisect_left(campaigns, (offset,), key=lambda c: (c[0],))
    hi = bisect_left(campaigns, (end,), lo, key=lambda c: (c[0],))
    for s, e, _spec in reversed(campaigns[lo:hi]):  # from the right, so earlier offsets stay valid
        if e < end:
            rest = phrase[: s - offset] + phrase[e - offset :]
            if rest.strip("“”"):
                phrase = rest
    return phrase


def _articles(comp: Compact) -> list[tuple[int, int, int]]:
    """(start, end, heading end) of each article: a headline run followed by 本报讯/又讯."""
    text = comp.text
    starts = comp.para_starts
    bounds: list[tuple[int, int]] = []
    for i, ps in enumerate(starts):
        pe = starts[i + 1] - 1 if i + 1 < len(starts) else len(text)
        bounds.append((ps, pe))
    article_starts: list[tuple[int, int]] = [(0, 0)]
    for i, (ps, _pe) in enumerate(bounds):
        if _NEWS_START.match(text, ps) and i > 0:
            j = i
            while j - 1 >= 0 and _is_heading_para(text[bounds[j - 1][0] : bounds[j - 1][1]]):
                j -= 1
            head_start = bounds[j][0]
            if head_start > article_starts[-1][0]:
                article_starts.append((head_start, ps))
            elif article_starts[-1][0] == head_start:
                article_starts[-1] = (head_start, ps)
    if article_starts[0] == (0, 0):
        # No news opener for the first article: its heading is the run of headline-like paragraphs
        # it starts with (title, subtitle, dateline, byline).
        hend = 0
        for ps, pe in bounds:
            if not text[ps:pe].strip():
                continue
            if not _is_heading_para(text[ps:pe]):
                break
            hend = pe
        article_starts[0] = (0, hend)
    out = []
    for k, (s, hend) in enumerate(article_starts):
        e = article_starts[k + 1][0] if k + 1 < len(article_starts) else len(text)
        out.append((s, e, hend))
    return out


def _is_heading_para(para: str) -> bool:
    return len(para) <= 40 and not re.search(r"[，,。；;！？!?]", para)


def _article_of(articles: list[tuple[int, int, int]], pos: int) -> tuple[int, int, int]:
    i = bisect_right(articles, (pos, float("inf"), float("inf"))) - 1
    if i >= 0 and articles[i][0] <= pos < articles[i][1]:
        return articles[i]
    return 0, pos + 1, 0


def _place_for(
    num: NumberMatch,
    places: list[Place],
    comp: Compact,
    article_main: Place | None,
    doc_main: Place | None,
    place_starts: list[int] | None = None,
    heading_end: int = 0,
) -> tuple[Place | None, str]:
    """The place a figure belongs to and how it was found (the confidence model reads the latter).

    The clause's owner or the paragraph's subject place, else the section's, the article's or the
    report's main place.
    """
    para_start, _ = comp.paragraph_bounds(num.start)
    # 一是…。二是…: each point of a work summary starts afresh; a village named in the point before
    # does not own the next point's figures.
    points = list(_POINT_START.finditer(comp.text, para_start, num.start))
    if points:
        para_start = points[-1].start()
    i = bisect_left(place_starts, num.start) - 1 if place_starts is not None else len(places) - 1
    before = i
    # 将山堡村的辣椒种植面积由2000多亩…: a place that owns a noun of the figure's clause owns the figure.
    clause_start = _clause_floor(comp.text, num.start)
    j = i
    while j >= 0 and places[j].start >= clause_start:
        p = places[j]
        owns = comp.text.startswith("的", p.end) or p.end == num.start  # 山堡村的…面积, 宾阳县48个贫困村
        if owns and not p.short and (not p.anaphor or p.antecedent is not None):
            return p, "owner"
        j -= 1
    # 有着1103公里边境线的内蒙古锡林郭勒盟: a figure in a relative clause belongs to the place it describes.
    k = i + 1
    if k < len(places) and _RELATIVE_GAP.fullmatch(comp.text, num.end, places[k].start) and not places[k].anaphor:
        while k + 1 < len(places) and places[k + 1].start == places[k].end:
            k += 1  # the chain's last, most specific place
        return places[k], "owner"
    # 在该镇一心村一组…的1040亩: a clause without a subject place is about the place it is set in.
    in_clause = places[j + 1 : i + 1]
    if in_clause and not any(q.subject for q in in_clause):
        set_in = _set_in(comp.text, in_clause)
        if set_in is not None:
            return set_in, "clause"
    # The nearest subject place before the figure in its paragraph (so also in its sentence, if any).
    # Places are in text order; walk back from the figure to the nearest usable one.
    while i >= 0:
        p = places[i]
        if p.start < para_start:
            break
        if p.subject and p.end <= num.start and (not p.anaphor or p.antecedent is not None):
            if p.anaphor and p.resolved.start < para_start and not p.name.startswith(("全", "该", "本", "此", "我")):
                # 社区党委 meaning a community named paragraphs ago: a smaller place named here wins
                # (全镇, 该区 on the other hand deliberately widen the scope again).
                named = _named_below(places, i, para_start, _LEVEL_RANK.get(p.level, 0))
                if named is not None:
                    return named, "paragraph"
            return p, "clause" if p.start >= clause_start else "paragraph"
        i -= 1
    section = _section_place(places, comp, para_start, heading_end, place_starts)
    if section is not None:
        return section, "section"
    main, how = (article_main, "article") if article_main is not None else (doc_main, "document")
    scope = _scope_opener(places, comp, para_start, heading_end, place_starts)
    if scope is not None and (main is None or _rank(scope) > _rank(main.resolved)):
        return scope, "section"
    if main is not None:
        # A paragraph without a subject place that names a place below the main one (产品不仅有
        # 富阳区永昌镇范围内的…) is about that place.
        inner = _named_below(places, before + 1, para_start, _rank(main.resolved), subject=False)
        if inner is not None and not _listed(comp.text, inner):
            return inner, "paragraph"
    if main is not None and main.start > num.start >= heading_end:
        # A reader attributes a figure to a place already named, not to the one the story turns to
        # later (a lead about 神农架林区 before the section on one of its villages).
        earlier = _last_named_before(places, before, heading_end)
        if earlier is not None:
            return earlier, "paragraph"
    return main, how if main is not None else "none"


_LOCATIVE = "在于仅"
# What may stand between a figure and the place its relative clause describes: 公里边境线的.
_RELATIVE_GAP = re.compile(r"[^，,。；;！？!?、：:“”\n]{0,10}的")


def _set_in(text: str, in_clause: list[Place]) -> Place | None:
    """The last place of the clause's locative phrase (在|该镇|一心村), if its chain follows 在/于/仅."""
    q = in_clause[-1]
    k = len(in_clause) - 1
    while k > 0 and in_clause[k - 1].end == in_clause[k].start:
        k -= 1
    head = in_clause[k].start
    if q.short or (q.anaphor and q.antecedent is None) or head == 0 or text[head - 1] not in _LOCATIVE:
        return None
    if _listed(text, q):  # 在东苑小区、农机厂家属院等5个小区: the list is what is counted
        return None
    return q


def _last_named_before(places: list[Place], i: int, floor: int) -> Place | None:
    for q in reversed(places[: i + 1]):
        if q.start < floor:
            return None
        if not q.bare and not q.short and (not q.anaphor or q.antecedent is not None):
            return q
    return None


def _clause_floor(text: str, pos: int) -> int:
    i = pos - 1
    while i >= 0 and text[i] not in _CLAUSE_BREAK:
        i -= 1
    return i + 1


_POINT_START = re.compile(r"(?:(?<=[。；;\n])|^)[一二三四五六七八九十]是")


def _widen_to_main(
    places: list[Place], article_main: Place | None, comp: Compact, start: int, end: int, starts: list[int]
) -> None:
    """全市 in a city's work summary is the city, not the county-level city named paragraphs ago.

    A 全X of the article [start, end) whose antecedent lies in an earlier paragraph is re-pointed
    to the article's main place when that place is of the same level; within its own paragraph it
    keeps the nearer place (瑞金市……全市 means 瑞金市).
    """
    if article_main is None:
        return
    main = article_main.resolved
    for p in places[bisect_left(starts, start) : bisect_left(starts, end)]:
        if not (p.anaphor and p.name.startswith("全")) or p.antecedent is None or p.level != main.level:
            continue
        if p.resolved is main or p.resolved.canonical == main.canonical:
            continue
        para_start, _ = comp.paragraph_bounds(p.start)
        if p.antecedent.start < para_start:
            p.antecedent = main


def _section_place(
    places: list[Place], comp: Compact, para_start: int, floor: int, place_starts: list[int] | None
) -> Place | None:
    """The place named by the section heading above a paragraph (大溪村：闲置农房变身“金屋子”).

    Walks back over the paragraphs of the article body to the nearest heading-like one; a
    heading without a place (（三）坚持抓党建) ends the section scope as well.
    """
    for ps, pe, heading in _paragraphs_back(comp, para_start, floor):
        if heading:
            lo = bisect_left(place_starts, ps) if place_starts is not None else 0
            named = None
            for p in places[lo:]:
                if p.start >= pe:
                    break
                if p.start >= ps and p.subject and not p.anaphor and not p.bare:
                    named = p
            return named
    return None


def _paragraphs_back(comp: Compact, para_start: int, floor: int) -> Iterator[tuple[int, int, bool]]:
    """(start, end, is a heading) of each paragraph before the one at para_start, nearest first, down to floor."""
    text = comp.text
    for k in range(comp.paragraph_of(para_start) - 1, -1, -1):
        ps = comp.para_starts[k]
        if ps < floor:
            return
        pe = comp.para_starts[k + 1] - 1 if k + 1 < len(comp.para_starts) else len(text)
        yield ps, pe, bool(text[ps:pe].strip()) and _is_heading_para(text[ps:pe])


def _listed(text: str, p: Place) -> bool:
    """文化街社区、镜湖社区等3个: one of a list is an example, not what the paragraph is about."""
    return text[p.end : p.end + 1] in ("、", "等", "和", "及", "与") or text[p.start - 1 : p.start] == "、"


def _rank(p: Place) -> int:
    return _LEVEL_RANK.get(p.level, 0)


def _scope_opener(
    places: list[Place], comp: Compact, para_start: int, floor: int, place_starts: list[int] | None
) -> Place | None:
    """孝南区朋兴乡长风村，村支书…: a place opening a paragraph is the scope of the paragraphs after it.

    Walks back to the nearest earlier paragraph that opens with a (named, subject) place; a
    heading ends the walk, as it starts a section of its own.
    """
    for ps, pe, heading in _paragraphs_back(comp, para_start, floor):
        if heading:
            return None
        lo = bisect_left(place_starts, ps) if place_starts is not None else 0
        opener, cursor = None, ps
        for p in places[lo:]:
            if p.start >= pe or p.start > cursor + 1:
                break
            if p.subject and not p.anaphor and not p.bare and not p.short:
                opener = p
            cursor = p.end  # 孝南区|朋兴乡|长风村: the chain's last place
        if opener is not None:
            hi = bisect_left(place_starts, pe, lo) if place_starts is not None else len(places)
            others = (q for q in places[lo:hi] if q.start >= opener.end and not q.anaphor and q.level == opener.level)
            if any(q.canonical != opener.canonical for q in others):
                return None  # 在曾庄村…;在石庄村…: examples side by side, none the scope of what follows
            return opener
    return None


def _named_below(places: list[Place], i: int, para_start: int, rank: int, subject: bool = True) -> Place | None:
    """The nearest named (subject) place before places[i] in the paragraph that is smaller than rank."""
    for q in reversed(places[:i]):
        if q.start < para_start:
            return None
        if (q.subject or not subject) and not q.anaphor and not q.bare and _rank(q) > rank:
            return q
    return None
