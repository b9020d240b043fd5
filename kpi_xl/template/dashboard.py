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
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from ..labels import KPI_LABELS, text
from ..layout import (CHECK_COLUMNS, STATUS_MARKS, TILE_CELLS, change_format, checks_origin, cohort_origin,
                      custom_tile_name, first_custom_tile, number_format, tile_name, tile_origin, trend_origin)
from ..schema import CUSTOM_SLOTS, DASHBOARD, NAMES, TILE_KPIS, TREND_COLUMNS

__all__ = ["lay_out_dashboard"]

_FILLS = {"green": "C6EFCE", "amber": "FFEB9C", "red": "FFC7CE"}
_FONTS = {"green": "006100", "amber": "9C5700", "red": "9C0006"}
NAVY, GREY = "1F3864", "F2F2F2"
THIN = Side(style="thin", color="D9D9D9")


def _t(lang: str, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


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


def _tile(wb: Workbook, ws: Worksheet, index: int, name: str, label: str | None, kind: str, lang: str) -> None:
    """One tile; a custom tile (``label`` None) shows its frame only once the refresh names it."""
    width = DASHBOARD.tile_width
    row, col = tile_origin(index)
    ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + width - 1)
    ws.merge_cells(start_row=row + 1, start_column=col, end_row=row + 1, end_column=col + width - 1)
    ws.merge_cells(start_row=row + 4, start_column=col, end_row=row + 4, end_column=col + width - 1)
    head = ws.cell(row, col, label)
    head.font = Font(bold=True, color="FFFFFF", size=10)
    head.alignment = Alignment(horizontal="center", vertical="center", shrink_to_fit=True)
    ws.row_dimensions[row + 1].height = 27
    value = ws.cell(row + 1, col)
    value.font = Font(bold=True, size=18, color=NAVY)
    value.alignment = Alignment(horizontal="center", vertical="center")
    note = ws.cell(row + 4, col)
    note.font = Font(italic=True, size=8, color="595959")
    note.alignment = Alignment(horizontal="center", vertical="top", shrink_to_fit=True)
    for part, word in (("previous_label", "previous_month"), ("target_label", "target")):
        dr, dc = TILE_CELLS[part]
        cell = ws.cell(row + dr, col + dc, text(word, lang) if label is not None else None)
        cell.font = Font(size=9, color="595959")
    fmt = number_format(kind, lang)
    for part in ("value", "previous", "target"):
        dr, dc = TILE_CELLS[part]
        ws.cell(row + dr, col + dc).number_format = fmt
    dr, dc = TILE_CELLS["change"]
    ws.cell(row + dr, col + dc).number_format = change_format(kind, lang)
    for part in ("previous", "change", "target", "status"):
        dr, dc = TILE_CELLS[part]
        ws.cell(row + dr, col + dc).alignment = Alignment(horizontal="center")
        ws.cell(row + dr, col + dc).font = Font(size=10)
    frame = f"{get_column_letter(col)}{row}:{get_column_letter(col + width - 1)}{row + 3}"
    if label is not None:
        head.fill = PatternFill("solid", fgColor=NAVY)
    else:  # a custom slot: header and body show only when the refresh wrote a name
        named = f'LEN(${get_column_letter(col)}${row})>0'
        ws.conditional_formatting.add(f"{get_column_letter(col)}{row}:{get_column_letter(col + width - 1)}{row}",
                                      FormulaRule(formula=[named], fill=PatternFill("solid", bgColor=NAVY)))
        ws.conditional_formatting.add(frame, FormulaRule(formula=[named], fill=PatternFill("solid", bgColor=GREY)))
    for r in range(4):
        for c in range(width):
            cell = ws.cell(row + r, col + c)
            if r >= 1 and label is not None:
                cell.fill = PatternFill("solid", fgColor=GREY)
            if label is not None:
                cell.border = Border(left=THIN if c == 0 else None, right=THIN if c == width - 1 else None,
                                     bottom=THIN if r == 3 else None)
    dr, dc = TILE_CELLS["status"]
    status = f"${get_column_letter(col + dc)}${row + dr}"
    area = f"{get_column_letter(col)}{row + 1}:{get_column_letter(col + width - 1)}{row + 3}"
    for colour, mark in STATUS_MARKS.items():
        ws.conditional_formatting.add(area, FormulaRule(
            formula=[f'{status}="{mark}"'], fill=PatternFill("solid", bgColor=_FILLS[colour]),
            font=Font(color=_FONTS[colour])))
    _name(wb, name, _ref(ws, row, col, row + 4, col + width - 1))


def _tiles(wb: Workbook, ws: Worksheet, lang: str) -> None:
    for index, (key, _target) in enumerate(TILE_KPIS):
        label = KPI_LABELS[key]
        _tile(wb, ws, index, tile_name(key), label.name(lang), label.kind, lang)
    for slot in range(1, CUSTOM_SLOTS + 1):
        _tile(wb, ws, first_custom_tile() + slot - 1, custom_tile_name(slot), None, "ratio", lang)
    first_row, first_col = tile_origin(0)
    last_row = first_row + DASHBOARD.tile_rows * DASHBOARD.tile_height - 1
    last_col = first_col + DASHBOARD.tiles_per_row * DASHBOARD.tile_width - 1
    _name(wb, NAMES["tiles"], _ref(ws, first_row, first_col, last_row, last_col))


def _trend(wb: Workbook, ws: Worksheet, lang: str) -> None:
    row, col = trend_origin()
    _section(ws, row - 1, col, _t(lang, "Tendance sur 12 mois", "12-month trend"))
    headers = [_t(lang, "Mois", "Month")] + [KPI_LABELS[k].short_name(lang) for k in TREND_COLUMNS] + \
        [None] * CUSTOM_SLOTS
    header_fill = PatternFill("solid", fgColor="2E75B6")
    for i, header in enumerate(headers):
        cell = ws.cell(row, col + i, header)
        cell.font = Font(bold=True, color="FFFFFF", size=9)
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
        if header is not None:
            cell.fill = header_fill
        else:  # a custom KPI's column: coloured once the refresh names it
            ref = f"{get_column_letter(col + i)}{row}"
            ws.conditional_formatting.add(ref, FormulaRule(formula=[f"LEN({ref})>0"],
                                                           fill=PatternFill("solid", bgColor="2E75B6")))
        kind = "month" if i == 0 else KPI_LABELS[TREND_COLUMNS[i - 1]].kind if i <= len(TREND_COLUMNS) else "ratio"
        for r in range(1, DASHBOARD.trend_rows + 1):
            body = ws.cell(row + r, col + i)
            body.number_format = number_format(kind, lang)
            body.border = Border(bottom=THIN)
            body.alignment = Alignment(horizontal="center")
    ws.row_dimensions[row].height = 28
    _name(wb, NAMES["trend"], _ref(ws, row, col, row + DASHBOARD.trend_rows, col + len(headers) - 1))


def _charts(ws: Worksheet, lang: str) -> None:
    row, col = trend_origin()
    months = Reference(ws, min_col=col, min_row=row + 1, max_row=row + DASHBOARD.trend_rows)
    titles = {"conversion": ("Taux de conversion", "Conversion rate"), "cac_ltv": ("CAC et LTV", "CAC and LTV"),
              "churn_retention": ("Attrition et rétention", "Churn and retention"),
              "margin": ("Taux de marge brute", "Gross margin"), "ctr": ("Taux de clic des pubs (CTR)", "Ads click-through rate"),
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
        for line in chart.series:
            line.smooth = False  # a smoothed line overshoots between the monthly points
        rate = KPI_LABELS[series[0]].kind == "percent"
        chart.y_axis.number_format = "0%" if rate else "#,##0"
        if key == "churn_retention":  # rates near 100 %: an automatic axis would run to 120 %
            chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
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
    _section(ws, row - 1, col, _t(lang, "Cohortes : part des clients qui commandent à nouveau, par mois depuis la 1re commande",
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
    _print_setup(wb, ws)


def _print_setup(wb: Workbook, ws: Worksheet) -> None:
    """Two pages, whatever the paper (A4 or Letter): tiles and trend, then charts and cohorts; the data
    checks on a third page, which the refresh adds to the print area only when there are some."""
    last_col = DASHBOARD.first_col + max(DASHBOARD.tiles_per_row * DASHBOARD.tile_width,
                                         1 + len(TREND_COLUMNS) + CUSTOM_SLOTS) - 1
    checks_end = DASHBOARD.checks_row + DASHBOARD.checks_rows
    _name(wb, NAMES["print_main"], _ref(ws, 1, 1, DASHBOARD.cohort_row + DASHBOARD.cohort_size, last_col))
    _name(wb, NAMES["print_all"], _ref(ws, 1, 1, checks_end, last_col))
    ws.print_area = f"A1:{get_column_letter(last_col)}{DASHBOARD.cohort_row + DASHBOARD.cohort_size}"
    for last_row_of_page in (DASHBOARD.trend_row + DASHBOARD.trend_rows, DASHBOARD.checks_row - 3):
        ws.row_breaks.append(Break(id=last_row_of_page))
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = None  # the printer's paper: A4 or Letter, the width is fitted either way
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
