"""The dashboard sheet: tiles, 12-month trend table and charts, cohort heat map, data checks.

Everything sits where :data:`kpi_xl.schema.DASHBOARD` says and carries a
defined name; the charts point at the trend table the refresh fills, so they
never need rebuilding. Tile status colours come from conditional formatting
on the status cell (✓ on target, ≈ within the amber tolerance, ✗ off target).
"""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.formatting.rule import ColorScaleRule, FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..labels import KPI_LABELS
from ..schema import CUSTOM_SLOTS, DASHBOARD, NAMES, NUMBER_FORMATS, TILE_KPIS, TREND_COLUMNS

__all__ = ["lay_out_dashboard", "STATUS_MARKS", "tile_origin", "TILE_CELLS", "trend_origin", "cohort_origin",
           "checks_origin", "CHECK_COLUMNS", "tile_name", "custom_tile_name", "custom_placeholder"]

#: What a tile's status cell holds: on target, within the amber tolerance, off target.
STATUS_MARKS = {"green": "✓", "amber": "≈", "red": "✗"}
_FILLS = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}
_FONTS = {"green": "006100", "amber": "9C5700", "red": "9C0006"}
#: Offsets (row, column) inside a tile of each value the refresh writes.
TILE_CELLS = {"label": (0, 0), "value": (1, 0), "previous": (2, 1), "change": (2, 2), "target": (3, 1),
              "status": (3, 2)}
CHECK_COLUMNS = (("sheet", "Feuille", "Sheet", 18), ("row", "Ligne", "Row", 8), ("column", "Colonne", "Column", 20),
                 ("value", "Valeur", "Value", 18), ("problem", "Problème", "Problem", 40),
                 ("advice", "Que faire", "What to do", 60))
NAVY, GREY = "1F3864", "F2F2F2"
THIN = Side(style="thin", color="D9D9D9")


def _t(lang: str, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


def tile_origin(index: int) -> tuple[int, int]:
    """Top-left (row, column) of the tile of ``TILE_KPIS[index]``."""
    layout = DASHBOARD
    return (layout.tiles_row + (index // layout.tiles_per_row) * layout.tile_height,
            layout.first_col + (index % layout.tiles_per_row) * layout.tile_width)


def tile_name(key: str) -> str:
    """The defined name of a KPI's tile."""
    return f"kpi_tile_{key}"


def trend_origin() -> tuple[int, int]:
    """(row, column) of the trend table's header, whose first cell is the month column."""
    return DASHBOARD.trend_row, DASHBOARD.first_col


def cohort_origin() -> tuple[int, int]:
    """(row, column) of the cohort heat map's header."""
    return DASHBOARD.cohort_row, DASHBOARD.first_col


def checks_origin() -> tuple[int, int]:
    """(row, column) of the data checks' header."""
    return DASHBOARD.checks_row, DASHBOARD.first_col


def _ref(ws: Worksheet, row: int, col: int, row2: int | None = None, col2: int | None = None) -> str:
    title = ws.title.replace("'", "''")
    ref = f"${get_column_letter(col)}${row}"
    if row2 is not None:
        ref += f":${get_column_letter(col2)}${row2}"
    return f"'{title}'!{ref}"


def _name(wb: Workbook, name: str, ref: str) -> None:
    wb.defined_names[name] = DefinedName(name, attr_text=ref)


def _section(ws: Worksheet, row: int, col: int, text: str) -> None:
    cell = ws.cell(row, col, text)
    cell.font = Font(bold=True, size=13, color=NAVY)


def custom_tile_name(slot: int) -> str:
    """The defined name of the tile of custom KPI number ``slot`` (1-based)."""
    return f"kpi_custom_tile_{slot}"


def custom_placeholder(slot: int, lang: str) -> str:
    """A custom tile's or trend column's label while no custom KPI fills it."""
    return _t(lang, f"Mon indicateur {slot}", f"My KPI {slot}")


def _tile(wb: Workbook, ws: Worksheet, index: int, name: str, label: str, fmt: str, lang: str) -> None:
    width = DASHBOARD.tile_width
    row, col = tile_origin(index)
    ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + width - 1)
    ws.merge_cells(start_row=row + 1, start_column=col, end_row=row + 1, end_column=col + width - 1)
    head = ws.cell(row, col, label)
    head.font, head.fill = Font(bold=True, color="FFFFFF", size=10), PatternFill("solid", fgColor=NAVY)
    head.alignment = Alignment(horizontal="center", vertical="center", shrink_to_fit=True)
    ws.row_dimensions[row + 1].height = 27
    value = ws.cell(row + 1, col)
    value.font = Font(bold=True, size=18, color=NAVY)
    value.alignment = Alignment(horizontal="center", vertical="center")
    for r, c, text in ((2, 0, _t(lang, "Mois préc.", "Prev. month")), (3, 0, _t(lang, "Objectif", "Target"))):
        cell = ws.cell(row + r, col + c, text)
        cell.font = Font(size=9, color="595959")
    for part in ("value", "previous", "target"):
        dr, dc = TILE_CELLS[part]
        ws.cell(row + dr, col + dc).number_format = fmt
    for part in ("previous", "change", "target", "status"):
        dr, dc = TILE_CELLS[part]
        ws.cell(row + dr, col + dc).alignment = Alignment(horizontal="center")
        ws.cell(row + dr, col + dc).font = Font(size=10)
    for r in range(4):
        for c in range(width):
            cell = ws.cell(row + r, col + c)
            if r >= 1:
                cell.fill = PatternFill("solid", fgColor=GREY)
            cell.border = Border(left=THIN if c == 0 else None, right=THIN if c == width - 1 else None,
                                 bottom=THIN if r == 3 else None)
    dr, dc = TILE_CELLS["status"]
    status = f"${get_column_letter(col + dc)}${row + dr}"
    area = f"{get_column_letter(col)}{row + 1}:{get_column_letter(col + width - 1)}{row + 3}"
    for colour, mark in STATUS_MARKS.items():
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[f'{status}="{mark}"'], fill=PatternFill("solid", bgColor=_FILLS[colour]),
            font=Font(color=_FONTS[colour])))
    _name(wb, name, _ref(ws, row, col, row + 3, col + width - 1))


def _tiles(wb: Workbook, ws: Worksheet, lang: str) -> None:
    for index, (key, _target) in enumerate(TILE_KPIS):
        label = KPI_LABELS[key]
        _tile(wb, ws, index, tile_name(key), label.name(lang), NUMBER_FORMATS.get(label.kind, "General"), lang)
    first_custom = DASHBOARD.tiles_per_row * (DASHBOARD.tile_rows - 1)  # the custom KPIs' row
    for slot in range(1, CUSTOM_SLOTS + 1):
        _tile(wb, ws, first_custom + slot - 1, custom_tile_name(slot), custom_placeholder(slot, lang), "General",
              lang)
    first_row, first_col = tile_origin(0)
    last_row = first_row + DASHBOARD.tile_rows * DASHBOARD.tile_height - 2
    last_col = first_col + DASHBOARD.tiles_per_row * DASHBOARD.tile_width - 1
    _name(wb, NAMES["tiles"], _ref(ws, first_row, first_col, last_row, last_col))


def _trend(wb: Workbook, ws: Worksheet, lang: str) -> None:
    row, col = trend_origin()
    _section(ws, row - 1, col, _t(lang, "Tendance sur 12 mois", "12-month trend"))
    headers = [_t(lang, "Mois", "Month")] + [KPI_LABELS[k].short_name(lang) for k in TREND_COLUMNS] + \
        [custom_placeholder(slot, lang) for slot in range(1, CUSTOM_SLOTS + 1)]
    for i, header in enumerate(headers):
        cell = ws.cell(row, col + i, header)
        cell.font, cell.fill = Font(bold=True, color="FFFFFF", size=9), PatternFill("solid", fgColor="2E75B6")
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        kind = "month" if i == 0 else KPI_LABELS[TREND_COLUMNS[i - 1]].kind if i <= len(TREND_COLUMNS) else "custom"
        for r in range(1, DASHBOARD.trend_rows + 1):
            body = ws.cell(row + r, col + i)
            body.number_format = NUMBER_FORMATS.get(kind, "General")
            body.border = Border(bottom=THIN)
            body.alignment = Alignment(horizontal="center")
    ws.row_dimensions[row].height = 28
    _name(wb, NAMES["trend"], _ref(ws, row, col, row + DASHBOARD.trend_rows, col + len(headers) - 1))


def _charts(ws: Worksheet, lang: str) -> None:
    row, col = trend_origin()
    months = Reference(ws, min_col=col, min_row=row + 1, max_row=row + DASHBOARD.trend_rows)
    titles = {"conversion": ("Taux de conversion", "Conversion rate"), "cac_ltv": ("CAC et LTV", "CAC and LTV"),
              "churn_retention": ("Attrition et rétention", "Churn and retention"),
              "margin": ("Taux de marge brute", "Gross margin"), "ctr": ("Taux de clic (CTR)", "Click-through rate"),
              "engagement": ("Taux d'engagement", "Engagement rate")}
    for i, (key, series) in enumerate(DASHBOARD.charts):
        chart = LineChart()
        chart.title = _t(lang, *titles[key])
        chart.height, chart.width = 7.0, 15.5
        chart.legend.position = "b"
        for kpi in series:
            data_col = col + 1 + TREND_COLUMNS.index(kpi)
            chart.add_data(Reference(ws, min_col=data_col, min_row=row, max_row=row + DASHBOARD.trend_rows),
                           titles_from_data=True)
        chart.set_categories(months)
        chart.y_axis.number_format = "0%" if KPI_LABELS[series[0]].kind == "percent" else "#,##0"
        chart.y_axis.majorGridlines = None
        chart.x_axis.number_format = "mmm yy"
        chart.y_axis.delete = False
        chart.x_axis.delete = False
        anchor_row = DASHBOARD.charts_row + (i // 2) * 16
        anchor_col = DASHBOARD.first_col + (i % 2) * 6
        ws.add_chart(chart, f"{get_column_letter(anchor_col)}{anchor_row}")


def _cohorts(wb: Workbook, ws: Worksheet, lang: str) -> None:
    row, col = cohort_origin()
    size = DASHBOARD.cohort_size
    _section(ws, row - 1, col, _t(lang, "Cohortes : part des clients qui recommandent, par mois depuis la 1re commande",
                                  "Cohorts: share of customers ordering, by months since their first order"))
    ws.cell(row, col, _t(lang, "Cohorte", "Cohort")).font = Font(bold=True, size=9)
    for age in range(size):
        cell = ws.cell(row, col + 1 + age, age)
        cell.font, cell.alignment = Font(bold=True, size=9), Alignment(horizontal="center")
        for r in range(1, size + 1):
            body = ws.cell(row + r, col + 1 + age)
            body.number_format = "0%"
            body.alignment = Alignment(horizontal="center")
            body.font = Font(size=9)
    for r in range(1, size + 1):
        ws.cell(row + r, col).number_format = "yyyy-mm"
        ws.cell(row + r, col).font = Font(size=9)
    area = f"{get_column_letter(col + 1)}{row + 1}:{get_column_letter(col + size)}{row + size}"
    ws.conditional_formatting.add(area, ColorScaleRule(start_type="num", start_value=0, start_color="FFFFFF",
                                                       mid_type="num", mid_value=0.25, mid_color="9DC3E6",
                                                       end_type="num", end_value=1, end_color="5B9BD5"))
    _name(wb, NAMES["cohorts"], _ref(ws, row, col, row + size, col + size))


def _checks(wb: Workbook, ws: Worksheet, lang: str) -> None:
    row, col = checks_origin()
    _section(ws, row - 2, col, _t(lang, "Contrôle des données", "Data checks"))
    summary = ws.cell(row - 1, col)
    summary.font = Font(italic=True, size=10)
    _name(wb, NAMES["checks_summary"], _ref(ws, row - 1, col))
    span = 0
    for i, (_key, fr, en, _width) in enumerate(CHECK_COLUMNS):
        cell = ws.cell(row, col + span, _t(lang, fr, en))
        cell.font, cell.fill = Font(bold=True, color="FFFFFF", size=9), PatternFill("solid", fgColor="7F7F7F")
        span += 1 if i < len(CHECK_COLUMNS) - 1 else 0
    last_col = col + len(CHECK_COLUMNS) - 1
    # the problem text spills over the empty columns to its right
    for r in range(1, DASHBOARD.checks_rows + 1):
        for c in range(col, last_col + 1):
            ws.cell(row + r, c).font = Font(size=9)
            ws.cell(row + r, c).border = Border(bottom=THIN)
    _name(wb, NAMES["checks"], _ref(ws, row, col, row + DASHBOARD.checks_rows, last_col))


def lay_out_dashboard(wb: Workbook, ws: Worksheet, lang: str) -> None:
    """Lay out the (empty) dashboard on ``ws``."""
    ws.sheet_view.showGridLines = False
    ws.column_dimensions["A"].width = 2
    last = DASHBOARD.first_col + max(DASHBOARD.tiles_per_row * DASHBOARD.tile_width,
                                     1 + len(TREND_COLUMNS) + CUSTOM_SLOTS)
    for c in range(DASHBOARD.first_col, last):
        ws.column_dimensions[get_column_letter(c)].width = 12.5
    first = DASHBOARD.first_col
    title = ws.cell(DASHBOARD.title_row, first, _t(lang, "Tableau de bord", "Dashboard"))
    title.font = Font(bold=True, size=20, color=NAVY)
    ws.cell(DASHBOARD.title_row + 1, first, _t(lang, "Mois de référence", "Reporting month")).font = Font(size=10)
    shown = ws.cell(DASHBOARD.title_row + 1, first + 2)
    shown.font, shown.number_format = Font(bold=True, size=11), "yyyy-mm"
    _name(wb, NAMES["shown_month"], _ref(ws, DASHBOARD.title_row + 1, first + 2))
    right = first + DASHBOARD.tiles_per_row * DASHBOARD.tile_width - 1
    ws.cell(DASHBOARD.title_row + 1, right - 2, _t(lang, "Actualisé le", "Refreshed on")).font = Font(size=10)
    stamp = ws.cell(DASHBOARD.title_row + 1, right - 1)
    stamp.number_format, stamp.font = "yyyy-mm-dd hh:mm", Font(size=10)
    ws.merge_cells(start_row=DASHBOARD.title_row + 1, start_column=right - 1,
                   end_row=DASHBOARD.title_row + 1, end_column=right)
    _name(wb, NAMES["refreshed_at"], _ref(ws, DASHBOARD.title_row + 1, right - 1))
    _tiles(wb, ws, lang)
    _trend(wb, ws, lang)
    _charts(ws, lang)
    _cohorts(wb, ws, lang)
    _checks(wb, ws, lang)
