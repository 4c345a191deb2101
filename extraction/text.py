"""A compact, normalised working copy of a report that maps every character back to the original."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

# Full-width digits, letters and symbols become their ASCII twins one character for one,
# so offsets survive; punctuation that carries meaning for clause splitting is kept as is.
_FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULLWIDTH.update({"％": "%", "．": ".", "＋": "+", "－": "-", "〇": "〇", "\u3000": " "})

_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)
_NON_SPACE = re.compile(r"\S+")
SENTENCE_END = "。!?！？\n…"
CLAUSE_END = SENTENCE_END + ",，;；:：、 "
# Characters that end a heading-free prose line; a line ending otherwise was cut by the
# newspaper's column layout and continues on the next line.
_PROSE_END = ("。", "!", "?", "！", "？", "…", "；", ";", "。”", "！”", "？”", "…”", "。」", "。’")
_NEWS_START = re.compile(r"^(本报讯|又讯|讯|记者|通讯员|【|■|●|◆|▲)")


@dataclass
class Compact:
    """The report with column breaks joined, whitespace collapsed and digits normalised.

    ``index[i]`` is the offset in the original text of compact character ``i``; a real
    paragraph break is kept as a single ``\\n`` so that nothing matches across it.
    """

    text: str
    index: list[int]
    original_length: int
    para_starts: list[int] = field(default_factory=list)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open compact span to the original text."""
        if end <= start:
            pos = self.index[start] if start < len(self.index) else self.original_length
            return pos, pos
        return self.index[start], self.index[end - 1] + 1

    def paragraph_of(self, pos: int) -> int:
        return max(0, bisect_right(self.para_starts, pos) - 1)

    def paragraph_bounds(self, pos: int) -> tuple[int, int]:
        i = self.paragraph_of(pos)
        start = self.para_starts[i] if self.para_starts else 0
        end = self.para_starts[i + 1] - 1 if i + 1 < len(self.para_starts) else len(self.text)
        return start, end


def _is_heading(line: str) -> bool:
    """A short line without sentence punctuation: a headline, sub-heading or caption."""
    return len(line) <= 30 and not re.search(r"[，,。；;！？!?]", line)


def _real_break(prev: str, nxt: str) -> bool:
    if prev.endswith(_PROSE_END):
        return True
    if _NEWS_START.match(nxt):
        return True
    if prev.endswith(("，", ",", "、", "“", "(", "（", "《")):
        return False
    # A photo caption ends with 摄; a short unpunctuated next line is a headline.
    return _is_heading(prev) or prev.endswith("摄") or _is_heading(nxt)


def compact(text: str) -> Compact:
    """Build the compact working copy of ``text``."""
    out: list[str] = []
    index: list[int] = []
    para_starts: list[int] = [0]
    prev_line = ""
    pos = 0
    blank = False
    for raw in text.splitlines(keepends=True):
        line_start = pos
        pos += len(raw)
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        # A blank line between two lines is a paragraph break (a subheading with a comma in it,
        # 支部领办，一镇一盘棋, is still a line of its own), unless the line before clearly runs on.
        blank_break = blank and not prev_line.endswith(("，", ",", "、"))
        blank = False
        if prev_line and (blank_break or _real_break(prev_line, stripped)):
            # Keep one newline, mapped to the newline that ended the previous line.
            out.append("\n")
            index.append(max(0, line_start - 1))
            para_starts.append(len(index))
        lead = len(raw) - len(raw.lstrip())
        base = line_start + lead
        # Runs of non-space characters are copied whole; each inner whitespace run becomes one space.
        for m in _NON_SPACE.finditer(stripped):
            if m.start() > 0:
                out.append(" ")
                index.append(base + m.start() - 1)
            out.append(m.group().translate(_FULLWIDTH_TABLE))
            index.extend(range(base + m.start(), base + m.end()))
        prev_line = stripped
    return Compact(text="".join(out), index=index, original_length=len(text), para_starts=para_starts)


_QUOTE_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", '"': '"'}


def quoted_spans(text: str) -> list[tuple[int, int, str]]:
    """Spans (inner start, inner end, opening mark) of quotations and titles, innermost pairs only."""
    spans: list[tuple[int, int, str]] = []
    stack: list[tuple[str, int]] = []
    for i, ch in enumerate(text):
        if stack and ch == _QUOTE_PAIRS[stack[-1][0]]:
            mark, start = stack.pop()
            spans.append((start, i, mark))
        elif ch in _QUOTE_PAIRS:
            if ch == '"' and stack and stack[-1][0] == '"':
                continue
            stack.append((ch, i + 1))
        elif ch == "\n":
            stack.clear()  # an unbalanced quote never spans paragraphs
    return spans
