"""jieba segmentation with the Party-building domain dictionary, loaded once per process."""

from __future__ import annotations

import logging
import threading
from typing import NamedTuple

import jieba
import jieba.posseg

# Domain words the stock dictionary splits badly. Tags follow jieba's (n noun, v verb,
# ns place, nt organisation); the tag matters because region and subject detection read it.
DOMAIN_WORDS: dict[str, str] = {
    # organisation and Party vocabulary
    "党组织": "n",
    "基层党组织": "n",
    "党支部": "n",
    "党总支": "n",
    "党小组": "n",
    "机关党支部": "n",
    "功能型党组织": "n",
    "党工委": "nt",
    "党委": "nt",
    "支部": "n",
    "党员干部": "n",
    "党员志愿者": "n",
    "科级干部": "n",
    "领导班子": "n",
    "班子成员": "n",
    "第一书记": "n",
    "网格员": "n",
    "楼栋长": "n",
    "党群服务中心": "n",
    "便民服务中心": "n",
    "便民服务站": "n",
    "党群服务站": "n",
    "新时代文明实践站": "n",
    "新时代文明实践所": "n",
    "新时代文明实践中心": "n",
    "红色驿站": "n",
    "示范点": "n",
    "标杆党支部": "n",
    "主题党日": "n",
    "党课": "n",
    "专题党课": "n",
    "三会一课": "n",
    "组织生活会": "n",
    "民主生活会": "n",
    "宣传彩页": "n",
    "宣传手册": "n",
    "明白纸": "n",
    "倡议书": "n",
    "宣传资料": "n",
    "小广告": "n",
    "就业岗位": "n",
    "老旧小区": "n",
    "无主管楼院": "n",
    "楼院": "n",
    "网格": "n",
    "大网格": "n",
    "小网格": "n",
    "民生实事": "n",
    "急难愁盼": "n",
    "微心愿": "n",
    "矛盾纠纷": "n",
    "安全隐患": "n",
    "督导组": "n",
    "聚力团": "n",
    "示范村": "n",
    "示范社区": "n",
    "示范小区": "n",
    "样板村": "n",
    "满意率": "n",
    "知晓率": "n",
    "覆盖率": "n",
    "化解率": "n",
    "办结率": "n",
    "参与率": "n",
    "红色物业": "nz",
    "五星支部": "nz",
    "创文": "v",
    "下沉": "v",
    "结对共建": "v",
    "入户走访": "v",
    "走访慰问": "v",
    "排查": "v",
    "摸排": "v",
    "抽调": "v",
    "选派": "v",
    "发放": "v",
    "投资": "v",
    "投入": "v",
    # place suffixes as separate words so that 金海路|街道办事处 splits at the right point
    "街道办事处": "n",
    "办事处": "n",
    "示范区": "n",
    "开发区": "n",
    "高新区": "n",
    "管委会": "nt",
    "居委会": "nt",
    "村委会": "nt",
    "区委": "nt",
    "县委": "nt",
    "市委": "nt",
    "镇党委": "nt",
    "乡党委": "nt",
}

_lock = threading.Lock()
_state: dict[str, object] = {}


# jieba's tags of function words, numerals, time and direction words: what ends a name or a subject
# phrase. The subject reader also stops at adverbs, the place reader at idioms and pronoun kinds.
FUNCTION_TAGS = frozenset(
    {"p", "c", "u", "uj", "ul", "ud", "uv", "uz", "ug", "r", "v", "vd", "y", "e", "o", "m", "q", "t", "f"}
)


class Token(NamedTuple):
    """One word with its offsets and dictionary tag (a tuple: thousands are made per report)."""

    word: str
    start: int
    end: int
    tag: str


def _load() -> tuple[jieba.Tokenizer, dict[str, str]]:
    """Build the private tokenizer and its tag table once; later calls return the cached pair."""
    cached = _state.get("pair")
    if cached is not None:
        return cached  # type: ignore[return-value]
    with _lock:
        cached = _state.get("pair")
        if cached is not None:
            return cached  # type: ignore[return-value]
        jieba.setLogLevel(logging.WARNING)
        # A private tokenizer keeps our domain words out of the process-wide jieba.dt.
        tokenizer = jieba.Tokenizer()
        tokenizer.initialize()
        tags = jieba.posseg.POSTokenizer(tokenizer).word_tag_tab
        for word, tag in DOMAIN_WORDS.items():
            tokenizer.add_word(word, freq=None, tag=None)
            tags[word] = tag
        _state["pair"] = (tokenizer, tags)
        return tokenizer, tags


def add_words(words: dict[str, str]) -> None:
    """Teach the tokenizer extra words (region and campaign names); idempotent and thread-safe."""
    tokenizer, tags = _load()
    with _lock:
        for word, tag in words.items():
            if word and tags.get(word) != tag:
                tokenizer.add_word(word, freq=None, tag=None)
                tags[word] = tag


def tag_of(word: str) -> str:
    """The dictionary part of speech of a word, or ``"x"`` for words jieba does not know."""
    return _load()[1].get(word, "x")


def dictionary_entry(word: str) -> tuple[str, int]:
    """(tag, frequency) of a word in the dictionary, or ``("", 0)`` for words jieba does not know."""
    tokenizer, tags = _load()
    return tags.get(word, ""), tokenizer.FREQ.get(word, 0) or 0


def tokenize(text: str, hmm: bool = True, offset: int = 0) -> list[Token]:
    """Segment ``text`` once and return tokens with offsets and dictionary tags."""
    tokenizer, tags = _load()
    return [Token(w, s + offset, e + offset, tags.get(w, "x")) for w, s, e in tokenizer.tokenize(text, HMM=hmm)]
