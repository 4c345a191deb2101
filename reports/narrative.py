"""The leaders' briefing in words: one Chinese paragraph per dashboard section, written from the
same tables the briefing prints below it, so that every figure in the prose is a figure shown.

Deterministic templates, no external service: a change is said in words (同比增长8.5%, 持平,
无上年数据), a rate's change in 百分点, large figures in 万/亿, each figure followed by its
measure word. Pure functions over :class:`~metrics.dashboard.Table` rows: no database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from metrics.dashboard import Table
from metrics.models import MonthlyReturn
from portal import numbers

# Second, third … in words: place names are compared in words, figures are left to the tables.
ORDINALS = ("第一", "第二", "第三")
STAR_WORDS = {"1星": "一星", "2星": "二星", "3星": "三星", "4星": "四星"}
# How many names a sentence lists before "等".
NAMES_LISTED = 3
NEWS_REPORTS_LISTED = 3


@dataclass(frozen=True)
class Paragraph:
    key: str  # the dashboard section it speaks for
    heading: str
    text: str


def _d(value) -> Decimal | None:
    return numbers.to_decimal(value)


def amount(value, unit: str) -> str:
    """A figure as written in a sentence: 10646户, 10.05万户, 9813.44万元, 53.7%."""
    return numbers.figure(value, unit, prose=True)


def _percent(value) -> str:
    return numbers.rate(abs(_d(value)))


def change_words(change, *, earlier_value, against: str, short: str) -> str:
    """A relative change in words: 同比增长8.5% / 同比下降3.2% / 与上年同期持平 / 无上年数据.

    ``against`` names the comparison period (上年同期, 上期), ``short`` its one-word form (同比, 环比).
    """
    if change is None:
        if earlier_value is None:
            return f"无{against.removesuffix('同期')}数据"
        if _d(earlier_value) == 0:
            return f"{against}为0"
        return f"无{against}数据"
    change = _d(change)
    if change == 0:
        return f"与{against}持平"
    return f"{short}{'增长' if change > 0 else '下降'}{_percent(change)}"


def rate_change_words(now, before, *, against: str, short: str) -> str:
    """A rate's change in 百分点, never as a percentage of a percentage: 同比提高2.3个百分点."""
    if now is None or before is None:
        return f"无{against.removesuffix('同期')}数据"
    diff = _d(now) - _d(before)
    if diff == 0:
        return f"与{against}持平"
    return f"{short}{'提高' if diff > 0 else '下降'}{numbers.plain(abs(diff), 2)}个百分点"


def count_change_words(delta, *, against: str, measure: str = "个") -> str:
    """A difference in a count: 较2024年增加11个 / 减少3个 / 与2024年持平."""
    delta = _d(delta) or Decimal(0)
    if delta == 0:
        return f"与{against}持平"
    return f"较{against}{'增加' if delta > 0 else '减少'}{numbers.plain(abs(delta))}{measure}"


def _names(names: list[str]) -> str:
    shown = "、".join(names[:NAMES_LISTED])
    return f"{shown}等" if len(names) > NAMES_LISTED else shown


# --- One paragraph per section ------------------------------------------------------------------


def kpi_paragraph(table: Table, *, region_name: str, period_label: str, annual: bool) -> Paragraph:
    """Key figures with 同比 (and 环比 when the previous period is not last year's)."""
    clauses = []
    for label, unit, value, prev, mom, last_year, yoy in table.rows:
        if value is None:
            clauses.append(f"{label}暂无数据")
            continue
        if unit == "%":
            words = [rate_change_words(value, last_year, against="上年同期", short="同比")]
            if not annual:
                words.append(rate_change_words(value, prev, against="上期", short="环比"))
        else:
            words = [change_words(yoy, earlier_value=last_year, against="上年同期", short="同比")]
            if not annual:
                words.append(change_words(mom, earlier_value=prev, against="上期", short="环比"))
        clauses.append(f"{label}{amount(value, unit)}，{'，'.join(words)}")
    if not clauses:
        return Paragraph("kpis", "总体情况", f"{period_label}，{region_name}暂无关键指标数据。")
    return Paragraph("kpis", "总体情况", f"{period_label}，{region_name}{'；'.join(clauses)}。")


def ranking_paragraph(table: Table, *, unit: str) -> Paragraph:
    """Best and weakest child regions by the 亮赛比 ranking (per capita where the table has it)."""
    per_capita = len(table.columns) >= 5
    indicator = table.columns[2]
    ranked = [r for r in table.rows if (r[4] if per_capita else r[2]) is not None]
    basis = f"按{table.columns[4]}{indicator}" if per_capita else f"按{indicator}"

    def figure_of(row) -> str:
        if per_capita:
            return f"{table.columns[4]}{amount(row[4], unit)}"
        return amount(row[2], unit)

    if not ranked:
        return Paragraph("ranking", "比学赶超", f"亮赛比排名（{basis}）：下级区域暂无可排名的数据。")
    best = ranked[0]
    if len(ranked) == 1:
        text = f"亮赛比排名（{basis}）：仅{best[1]}有数据，{figure_of(best)}。"
        return Paragraph("ranking", "比学赶超", text)
    parts = [f"{best[1]}居首，{figure_of(best)}"]
    following = ranked[1 : min(len(ranked) - 1, len(ORDINALS))]
    if following:
        places = "、".join(ORDINALS[i] for i in range(1, len(following) + 1))
        parts.append(f"{'、'.join(r[1] for r in following)}{'分列' if len(following) > 1 else '位列'}{places}")
    worst = ranked[-1]
    parts.append(f"{worst[1]}居末位，{figure_of(worst)}")
    return Paragraph("ranking", "比学赶超", f"亮赛比排名（{basis}）：{'；'.join(parts)}。")


def campaign_paragraph(table: Table, *, region_name: str, units: dict[str, str]) -> Paragraph:
    """Campaign progress against target: the region's own targets, then its weakest child."""
    if not table.rows:
        return Paragraph("campaigns", "活动进展", "本期没有设定活动目标。")
    own = [r for r in table.rows if r[1] == region_name]
    children = [r for r in table.rows if r[1] != region_name]
    clauses = []
    for campaign, region, indicator, target, done, share in own or table.rows:
        unit = units.get(indicator, "")
        where = "" if own else region  # a child's target is named with the child
        clause = f"{where}{campaign}活动{indicator}目标{amount(target, unit)}，"
        clause += f"已完成{amount(done, unit)}" if done is not None else "尚无完成数据"
        if share is not None:
            clause += f"，完成率{numbers.rate(share)}"
        clauses.append(clause)
    text = "；".join(clauses) + "。"
    lagging = [r for r in children if r[5] is not None] if own else []
    if lagging:
        low = min(lagging, key=lambda r: _d(r[5]))
        text += f"下级区域中，{low[1]}{low[0]}活动完成率最低，为{numbers.rate(low[5])}。"
    return Paragraph("campaigns", "活动进展", text)


def completeness_totals(table: Table) -> list:
    """The 合计 row the briefing prints under the returns table (the narrative quotes it)."""
    if not table.rows:
        return []
    return ["合计", *[sum(_d(r[i]) or 0 for r in table.rows) for i in range(1, len(table.columns))]]


def completeness_paragraph(table: Table, *, month_label: str) -> Paragraph:
    """Returns of the period's last month: due, approved, waiting, and not yet submitted."""
    totals = completeness_totals(table)
    if not totals or not totals[-1]:
        return Paragraph("completeness", "月报报送", f"{month_label}暂无需报送的月报。")
    column = {str(name): i for i, name in enumerate(table.columns)}
    status = MonthlyReturn.Status

    def total(label) -> Decimal:
        return totals[column[str(label)]]

    text = f"{month_label}月报应报{numbers.plain(totals[-1])}份，已审核{numbers.plain(total(status.APPROVED.label))}份"
    if total(status.SUBMITTED.label):
        text += f"，已提交待审核{numbers.plain(total(status.SUBMITTED.label))}份"
    missing = [(label, total(label)) for label in (status.DRAFT.label, status.RETURNED.label, "未开始") if total(label)]
    if not missing:
        return Paragraph("completeness", "月报报送", text + "，全部已提交。")
    text += "；尚未提交的有" + "、".join(f"{label}{numbers.plain(n)}份" for label, n in missing)
    not_started = column["未开始"]
    worst = max(table.rows, key=lambda r: _d(r[not_started]) or 0)
    if _d(worst[not_started]):
        text += f"，其中{worst[0]}未开始{numbers.plain(worst[not_started])}份，为各下级区域最多"
    return Paragraph("completeness", "月报报送", text + "。")


def elections_paragraph(table: Table, *, window_days: int) -> Paragraph:
    """换届 overdue and due soon, naming the first overdue organisations."""
    overdue = getattr(table, "overdue", None)
    upcoming = getattr(table, "upcoming", None)
    if overdue is None:  # a table rebuilt from rows alone: count what it shows
        overdue = sum(1 for r in table.rows if r[3] == "已逾期")
        upcoming = len(table.rows) - overdue
    if not overdue and not upcoming:
        return Paragraph("elections", "换届提醒", f"没有逾期或{window_days}天内到期的党组织换届。")
    parts = []
    if overdue:
        late = [r[0] for r in table.rows if r[3] == "已逾期"]
        named = f"（{_names(late)}）" if late else ""
        parts.append(f"{overdue}个党组织换届已逾期{named}")
    if upcoming:
        parts.append(f"{'另有' if overdue else ''}{upcoming}个将在{window_days}天内到期")
    return Paragraph("elections", "换届提醒", "，".join(parts) + "，需督促按期换届。")


def stars_paragraph(table: Table) -> Paragraph:
    """“五星” movement: five-star organisations and those without a star, against last year."""
    if not table.rows or not any(r[1] for r in table.rows):
        return Paragraph("stars", "“五星”创建", "暂无“五星”评定数据。")
    this_year, last_year = table.columns[1], table.columns[2]
    by_level = {r[0]: r for r in table.rows}
    five, none = by_level.get("5星"), by_level.get("0星")
    # The distribution counts an organisation not rated in a year at 0 stars: a year in which
    # every organisation is at 0 is a year without ratings, not one of universal failure.
    no_earlier = all(not r[2] for r in table.rows if r[0] != "0星")
    text = f"{this_year}“五星”支部{numbers.plain(five[1])}个"
    text += "，无上年数据" if no_earlier else f"，{count_change_words(five[3], against=last_year)}"
    gained = [r for r in table.rows if r[0] not in ("0星", "5星") and r[1]]
    if gained:
        text += "；" + "、".join(f"{STAR_WORDS.get(r[0], r[0])}支部{numbers.plain(r[1])}个" for r in gained)
    if none and none[1]:
        text += f"；尚未获星的党组织{numbers.plain(none[1])}个"
        if not no_earlier:
            text += f"，{count_change_words(none[3], against=last_year)}"
    return Paragraph("stars", "“五星”创建", text + "。")


def news_paragraph(table: Table, *, units: dict[str, str]) -> Paragraph:
    """The news reports whose figures were taken into the data, up to three."""
    seen: dict[str, list[str]] = {}
    for _day, region, indicator, value, _sentence, title in table.rows:
        key = title or region
        if key not in seen and len(seen) >= NEWS_REPORTS_LISTED:
            continue
        seen.setdefault(key, []).append(f"{region}{indicator}{amount(value, units.get(indicator, ''))}")
    if not seen:
        return Paragraph("news", "新闻报道", "本期没有采用新闻报道中的数据。")
    items = [f"《{title}》报道{'、'.join(figs)}" for title, figs in seen.items()]
    return Paragraph("news", "新闻报道", "采用了新闻报道中的数据：" + "；".join(items) + "。")


def briefing_narrative(
    *,
    tables: dict[str, Table],
    region_name: str,
    period_label: str,
    annual: bool,
    month_label: str,
    units: dict[str, str],
    window_days: int,
) -> list[Paragraph]:
    """The narrative at the head of the briefing, one paragraph per section, in section order."""
    kpi_units = {r[0]: r[1] for r in tables["kpis"].rows}
    units = {**units, **kpi_units}
    ranking = tables["ranking"]
    return [
        kpi_paragraph(tables["kpis"], region_name=region_name, period_label=period_label, annual=annual),
        ranking_paragraph(ranking, unit=units.get(ranking.columns[2], "")),
        campaign_paragraph(tables["campaigns"], region_name=region_name, units=units),
        completeness_paragraph(tables["completeness"], month_label=month_label),
        elections_paragraph(tables["elections"], window_days=window_days),
        stars_paragraph(tables["stars"]),
        news_paragraph(tables["news"], units=units),
    ]
