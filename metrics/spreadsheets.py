"""Monthly returns as spreadsheets: an .xlsx template, .xlsx/.csv export, and import with a preview.

One layout serves all three: a row per region and month, the columns 区域编号 / 区域 / 上级区域 /
月份, then one column per indicator headed by its catalogue name (and unit). So an exported sheet
imports again, and existing ledgers (台账) whose headers are the catalogue's Chinese names import
too. Import never writes while previewing; the confirmed rows are written in one transaction.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from metrics import selectors, services
from metrics.models import DataSet, DataValue, Indicator, MonthlyReturn
from metrics.periods import MONTH, Period
from metrics.validation import CellError, parse_value, validate_form
from portal import access
from portal.decoding import decode_text
from portal.numbers import exact
from regions.models import Region
from regions.selectors import regions_named

ID_HEADER, REGION_HEADER, PARENT_HEADER, MONTH_HEADER, STATUS_HEADER = "区域编号", "区域", "上级区域", "月份", "状态"
REGION_ALIASES = {"区域", "区域名称", "单位", "单位名称", "社区", "村", "社区/村", "街道", "街道/乡镇", "名称"}
MAX_ROWS = 5000
HEADER_SCAN_ROWS = 10
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_GREY = PatternFill("solid", fgColor="EEEEEE")


def column_header(indicator: Indicator) -> str:
    return f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name


def _normalise(text: object) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).strip()
    text = re.sub(r"[(（][^()（）]*[)）]$", "", text)  # a trailing unit: 党员人数（人）
    return re.sub(r"\s+", "", text)


# --- Template and export ---------------------------------------------------------------------


def _sheet_regions(*, user, root: Region, dataset: DataSet, write: bool) -> list[Region]:
    regions = access.regions_visible_to(user).filter(path__startswith=root.path).select_related("parent")
    return [
        r
        for r in regions.order_by("path")
        if r.level in dataset.levels and (not write or access.can_edit_region(user, r))
    ]


def _values_for(regions: list[Region], indicators: list[Indicator], month: date) -> dict[tuple[int, int], DataValue]:
    rows = DataValue.objects.filter(
        region__in=regions, indicator__in=indicators, period_type=MONTH, period_start=month
    ).exclude(source=DataValue.Source.REPORT, monthly_return__isnull=True)
    return {(dv.region_id, dv.indicator_id): dv for dv in rows}


def build_workbook(*, user, root: Region, month: date, datasets: Iterable[DataSet], export: bool) -> bytes:
    """One sheet per data set; the template has the regions the user may fill, the export the ones they see."""
    wb = Workbook()
    wb.remove(wb.active)
    for ds in datasets:
        regions = _sheet_regions(user=user, root=root, dataset=ds, write=not export)
        if not regions:
            continue
        indicators = selectors.return_indicators(dataset=ds)
        values = _values_for(regions, indicators, month)
        forms = {r.region_id: r for r in MonthlyReturn.objects.filter(region__in=regions, dataset=ds, month=month)}
        ws = wb.create_sheet(title=ds.name[:31])
        headers = [ID_HEADER, REGION_HEADER, PARENT_HEADER, MONTH_HEADER, *map(column_header, indicators)]
        if export:
            headers.append(STATUS_HEADER)
        ws.append(headers)
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for region in regions:
            row: list[object] = [region.pk, region.name, region.parent.name if region.parent else "", f"{month:%Y-%m}"]
            for ind in indicators:
                dv = values.get((region.pk, ind.pk))
                row.append(_cell_number(dv.value) if dv else None)
            if export:
                ret = forms.get(region.pk)
                row.append(ret.status_label if ret else "未开始")
            ws.append(row)
        for i in (1, 2, 3, 4):
            for cell in ws[get_column_letter(i)][1:]:
                cell.fill = _GREY  # identity columns: keep as they are
        ws.freeze_panes = "E2"
        for i, header in enumerate(headers, start=1):
            ws.column_dimensions[get_column_letter(i)].width = max(10, min(24, len(header) * 2 + 2))
    if not wb.sheetnames:
        ws = wb.create_sheet("说明")
        ws.append(["所选区域和月份没有需要填报的报表。"])
    else:
        ws = wb.create_sheet("说明")
        for line in (
            f"{root.display_name} {Period(MONTH, month).label} 月度报表",
            "灰色列（区域编号、区域、上级区域、月份）请勿修改；在指标列中填写数值，空白表示不填。",
            "上传后系统会逐行逐格校验，确认预览无误后才会写入。",
            f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}",
        ):
            ws.append([line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def build_csv(*, user, root: Region, month: date, datasets: Iterable[DataSet]) -> str:
    """All data sets in one table (a column per indicator of any of them), UTF-8 with BOM for Excel."""
    datasets = list(datasets)
    indicators: list[Indicator] = []
    for ds in datasets:
        indicators += [i for i in selectors.return_indicators(dataset=ds) if i not in indicators]
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(
        [ID_HEADER, REGION_HEADER, PARENT_HEADER, MONTH_HEADER, "报表", *map(column_header, indicators), STATUS_HEADER]
    )
    for ds in datasets:
        regions = _sheet_regions(user=user, root=root, dataset=ds, write=False)
        ds_codes = {i.pk for i in selectors.return_indicators(dataset=ds)}
        values = _values_for(regions, indicators, month)
        forms = {r.region_id: r for r in MonthlyReturn.objects.filter(region__in=regions, dataset=ds, month=month)}
        for region in regions:
            cells = [
                exact(values[(region.pk, i.pk)].value) if i.pk in ds_codes and (region.pk, i.pk) in values else ""
                for i in indicators
            ]
            ret = forms.get(region.pk)
            writer.writerow(
                [
                    region.pk,
                    _safe(region.name),
                    _safe(region.parent.name if region.parent else ""),
                    f"{month:%Y-%m}",
                    _safe(ds.name),
                    *cells,
                    ret.status_label if ret else "未开始",
                ]
            )
    return out.getvalue()


def _cell_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _safe(text: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


# --- Import: read, check, preview ----------------------------------------------------------


@dataclass
class ImportCell:
    header: str
    raw: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportRow:
    sheet: str
    number: int
    region: Region | None = None
    month: date | None = None
    cells: list[ImportCell] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)  # what confirming this row writes

    @property
    def ok(self) -> bool:
        return not self.errors and not any(c.errors for c in self.cells)

    @property
    def warning_count(self) -> int:
        return sum(len(c.warnings) for c in self.cells)


@dataclass
class ImportPreview:
    filename: str
    rows: list[ImportRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # file-level: unreadable, no header…
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def good_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if r.ok and r.items]

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [r for r in self.rows if not r.ok]

    def payload(self) -> list[dict]:
        """The writes of the valid rows, JSON-safe for the session until the user confirms."""
        return [item for row in self.good_rows for item in row.items]


def read_upload(upload, *, user, default_month: date | None) -> ImportPreview:
    """Parse an uploaded .xlsx or .csv and check every row and cell; writes nothing."""
    name = getattr(upload, "name", "") or "upload"
    preview = ImportPreview(filename=name)
    try:
        sheets = list(_read_sheets(upload, name))
    except Exception as exc:
        preview.problems.append(f"无法读取文件：请上传 .xlsx 或 .csv 格式的表格（{type(exc).__name__}）")
        return preview
    indicators = {**{_normalise(i.code): i for i in Indicator.objects.filter(active=True)}}
    indicators.update({_normalise(i.name): i for i in Indicator.objects.filter(active=True)})
    datasets = list(DataSet.objects.prefetch_related("indicators"))
    regions = list(access.regions_visible_to(user).select_related("parent"))
    seen: dict[tuple[int, date], str] = {}
    for sheet_name, rows in sheets:
        _read_sheet(preview, sheet_name, rows, user, default_month, indicators, datasets, regions, seen)
    if not preview.rows and not preview.problems:
        preview.problems.append("文件中没有找到可导入的数据行：表头应包含“区域”列和指标名称列（如“党员人数”）。")
    return preview


def _read_sheets(upload, name: str) -> Iterator[tuple[str, list[list[object]]]]:
    data = upload.read()
    if name.lower().endswith(".csv"):
        text, _encoding = decode_text(data)
        yield "CSV", list(csv.reader(io.StringIO(text)))[: MAX_ROWS + HEADER_SCAN_ROWS]
        return
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # The same file again with formulas as written: a formula whose result was never saved (a
    # file written by a program, not by Excel/WPS) reads as empty in the first, and must be
    # reported instead of silently skipped.
    formulas = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        for ws, ws_formulas in zip(wb.worksheets, formulas.worksheets, strict=True):
            rows = []
            pairs = zip(ws.iter_rows(values_only=True), ws_formulas.iter_rows(values_only=True), strict=False)
            for i, (row, written) in enumerate(pairs):
                if i >= MAX_ROWS + HEADER_SCAN_ROWS:
                    break
                rows.append([_uncalculated(value, formula) for value, formula in zip(row, written, strict=False)])
            yield ws.title, rows
    finally:
        wb.close()
        formulas.close()


class UncalculatedFormula(str):
    """A formula cell with no saved result; its text is the formula, so the row is not taken as blank."""


def _uncalculated(value: object, formula: object) -> object:
    if value is None and isinstance(formula, str) and formula.startswith("="):
        return UncalculatedFormula(formula)
    return value


def _read_sheet(preview, sheet_name, rows, user, default_month, indicators, datasets, regions, seen) -> None:
    header_at, columns = None, {}
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        names = [_normalise(c) for c in row]
        if any(n in indicators for n in names) and any(n in REGION_ALIASES or n == ID_HEADER for n in names):
            header_at = i
            columns = {j: n for j, n in enumerate(names) if n}
            break
    if header_at is None:
        if sheet_name != "说明" and any(any(c not in (None, "") for c in r) for r in rows):
            preview.problems.append(f"工作表“{sheet_name}”：未找到表头（需要“区域”列和指标名称列），已跳过。")
        return
    id_col = next((j for j, n in columns.items() if n == ID_HEADER), None)
    region_col = next((j for j, n in columns.items() if n in REGION_ALIASES), None)
    parent_col = next((j for j, n in columns.items() if n == PARENT_HEADER), None)
    month_col = next((j for j, n in columns.items() if n == MONTH_HEADER), None)
    ind_cols = {j: indicators[n] for j, n in columns.items() if n in indicators}
    known = {ID_HEADER, PARENT_HEADER, MONTH_HEADER, STATUS_HEADER, "报表", *REGION_ALIASES}
    for j, n in columns.items():
        if j not in ind_cols and n not in known and n not in preview.ignored_columns:
            preview.ignored_columns.append(n)
    headers = {j: _text(rows[header_at][j]) for j in ind_cols}
    for offset, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        row = list(row) + [None] * (max(columns, default=0) + 1 - len(row))
        if all(_text(row[j]) == "" for j in ind_cols):
            continue  # a template row nobody filled in: not an error, nothing to write
        out = ImportRow(sheet=sheet_name, number=offset)
        preview.rows.append(out)
        if len(preview.rows) > MAX_ROWS:
            preview.problems.append(f"行数超过 {MAX_ROWS}，请拆分文件后导入。")
            preview.rows.pop()
            return
        out.region = _find_region(out, row, id_col, region_col, parent_col, regions)
        out.month = _find_month(out, row, month_col, default_month)
        out.cells = [ImportCell(header=headers[j], raw=_text(row[j])) for j in ind_cols]
        if out.region is None or out.month is None:
            continue
        key = (out.region.pk, out.month)
        if key in seen:
            out.errors.append(f"与{seen[key]}重复（同一区域同一月份）")
            continue
        seen[key] = f"“{sheet_name}”第 {offset} 行"
        if not access.can_edit_region(user, out.region):
            out.errors.append("您没有填报该区域的权限")
            continue
        _check_row(out, row, ind_cols, datasets)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _find_region(out, row, id_col, region_col, parent_col, regions) -> Region | None:
    by_id = {r.pk: r for r in regions}
    if id_col is not None and _text(row[id_col]):
        try:
            region = by_id.get(int(float(_text(row[id_col]))))
        except ValueError:
            region = None
        if region is None:
            out.errors.append(f"区域编号“{_text(row[id_col])}”不存在或不在您的权限范围内")
        return region
    name = _text(row[region_col]) if region_col is not None else ""
    if not name:
        out.errors.append("缺少区域名称")
        return None
    matches = regions_named(name=name, among=regions)
    if parent_col is not None and len(matches) > 1 and _text(row[parent_col]):
        # The parent's name in front qualifies the name, as 川汇区金海路街道 does anywhere else.
        matches = regions_named(name=_text(row[parent_col]) + name, among=regions)
    if not matches:
        out.errors.append(f"区域“{_text(row[region_col])}”不存在或不在您的权限范围内")
        return None
    if len(matches) > 1:
        out.errors.append(f"区域名称“{_text(row[region_col])}”不唯一，请填写“上级区域”或“区域编号”列")
        return None
    return matches[0]


_MONTH_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:[-/.]\d{1,2}日?)?$")


def _find_month(out, row, month_col, default_month) -> date | None:
    raw = row[month_col] if month_col is not None else None
    if raw in (None, ""):
        if default_month is None:
            out.errors.append("缺少月份：请在表中填写“月份”列，或在上传时选择月份")
        return default_month
    if isinstance(raw, datetime | date):
        return date(raw.year, raw.month, 1)
    text = unicodedata.normalize("NFKC", _text(raw))
    match = _MONTH_TEXT.match(text) or re.match(r"^(\d{4})(\d{2})$", text)
    if match and 1 <= int(match.group(2)) <= 12:
        month = date(int(match.group(1)), int(match.group(2)), 1)
        if month > Period.containing(timezone.localdate()).start:
            out.errors.append(f"月份“{text}”在未来，不能填报")
            return None
        return month
    out.errors.append(f"月份“{text}”无法识别（应为 2025-03 或 2025年3月）")
    return None


def _check_row(out: ImportRow, row, ind_cols: dict[int, Indicator], datasets: list[DataSet]) -> None:
    """Split the row's figures into the region's forms and check each as saving it would."""
    region, month = out.region, out.month
    cell_of = {ind.code: cell for cell, ind in zip(out.cells, ind_cols.values(), strict=True)}
    level_sets = [ds for ds in datasets if region.level in ds.levels]
    home = {ind.code: ds for ds in level_sets for ind in ds.indicators.all()}
    by_dataset: dict[int, dict[str, str]] = {}
    for j, ind in ind_cols.items():
        cell = cell_of[ind.code]
        if cell.raw == "":
            continue
        if isinstance(row[j], UncalculatedFormula):
            cell.errors.append(
                f"公式“{cell.raw[:30]}”没有计算结果（文件未经 Excel/WPS 保存）："
                "请在 Excel/WPS 中打开并保存后再导入，或直接填写数字"
            )
            continue
        try:
            parse_value(row[j])
        except CellError as exc:
            cell.errors.append(str(exc))
            continue
        ds = home.get(ind.code)
        if ds is None:
            cell.errors.append(f"{region.get_level_display()}不填报此指标")
            continue
        by_dataset.setdefault(ds.pk, {})[ind.code] = cell.raw
    forms = {r.dataset_id: r for r in MonthlyReturn.objects.filter(region=region, month=month)}
    for ds in level_sets:
        posted = by_dataset.get(ds.pk)
        if not posted:
            continue
        ret = forms.get(ds.pk)
        if ret is not None and not ret.editable:
            out.errors.append(f"“{ds.name}”当前状态为“{ret.status_label}”，不能导入")
            continue
        indicators = selectors.return_indicators(dataset=ds)
        window = selectors.return_value_window(region=region, indicators=indicators, month=month)
        raw = {}
        for ind in indicators:
            if ind.code in posted:
                raw[ind.code] = posted[ind.code]
            else:
                dv = window.get((ind.code, month))
                raw[ind.code] = dv.value if dv is not None and not selectors.return_is_suggestion(dv, ret) else None
        findings = validate_form(
            indicators=indicators,
            raw_values=raw,
            rules=selectors.return_rules(indicators=indicators),
            history={i.code: selectors.return_history(window, code=i.code, month=month) for i in indicators},
        )
        for code, messages in findings.errors.items():
            target = cell_of.get(code)
            if target is not None and code in posted:
                target.errors += messages
            else:
                out.errors += [f"{m}（与系统中已有数值比较）" for m in messages]
        for code, messages in findings.warnings.items():
            if code in cell_of and code in posted:
                cell_of[code].warnings += messages
        out.items.append(
            {
                "region": region.pk,
                "dataset": ds.pk,
                "month": f"{month:%Y-%m}",
                "values": {c: exact(findings.values[c]) for c in posted},
            }
        )


# --- Import: confirm -----------------------------------------------------------------------


def import_confirm(*, user, items: list[dict], filename: str) -> int:
    """Write the previewed rows in one transaction; if any form changed meanwhile, write nothing."""
    written = 0
    with transaction.atomic():
        for item in items:
            region = access.get_region_for_user(user, item["region"], write=True)
            dataset = DataSet.objects.get(pk=item["dataset"])
            month = Period.parse(item["month"]).start
            ret = services.return_get_or_create(user=user, region=region, dataset=dataset, month=month)
            services.return_save_values(
                user=user,
                monthly_return=ret,
                values=item["values"],
                expected_version=ret.version,
                source=DataValue.Source.IMPORT,
                reason=f"表格导入：{filename}"[:200],
            )
            written += 1
    return written
