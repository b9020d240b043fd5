"""The template's sheets, laid out with openpyxl from :mod:`kpi_xl.schema`."""

from __future__ import annotations

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from ..definitions import DEFINITIONS
from ..labels import KPI_LABELS
from ..layout import number_format
from ..schema import CHOICES, INPUT_TABLES, NAMES, NUMBER_FORMATS, SETTINGS, SHEETS, TILE_KPIS, InputTable
from .udf_wrapper import UDF_MODULE

__all__ = ["add_sheets", "keep_text", "INPUT_FIRST_ROW", "VALIDATED_ROWS", "XLWINGS_CONF"]

#: The header row of every input table (rows above hold the sheet's title and help).
INPUT_FIRST_ROW = 4
#: Rows covered by the input sheets' data validation and formats.
VALIDATED_ROWS = 100_000

NAVY, BLUE, PALE, INPUT_FILL = "1F3864", "2E75B6", "DDEBF7", "FFF9E5"
TITLE = Font(bold=True, size=16, color=NAVY)
SUBTITLE = Font(italic=True, size=10, color="595959")
HEADER = Font(bold=True, color="FFFFFF")
THIN = Side(style="thin", color="BFBFBF")


def _text(lang: str, fr: str, en: str) -> str:
    return fr if lang == "fr" else en


def _name(wb: Workbook, name: str, ws: Worksheet, ref: str) -> None:
    title = ws.title.replace("'", "''")
    wb.defined_names[name] = DefinedName(name, attr_text=f"'{title}'!{ref}")


def _absolute(col: int, row: int, col2: int | None = None, row2: int | None = None) -> str:
    ref = f"${get_column_letter(col)}${row}"
    if col2 is not None:
        ref += f":${get_column_letter(col2)}${row2}"
    return ref


def _title(ws: Worksheet, title: str, subtitle: str) -> None:
    ws["A1"].value, ws["A1"].font = title, TITLE
    ws["A2"].value, ws["A2"].font = subtitle, SUBTITLE
    ws.sheet_view.showGridLines = False


def _input_sheet(wb: Workbook, ws: Worksheet, spec: InputTable, lang: str) -> None:
    _title(ws, spec.title(lang), _text(lang, spec.help_fr, spec.help_en))
    ws.sheet_view.showGridLines = True
    header_row = INPUT_FIRST_ROW
    white = PatternFill("solid", fgColor="FFFFFF")
    for i, column in enumerate(spec.columns, start=1):
        cell = ws.cell(header_row, i, column.label(lang))
        # explicit header style: table styles are not rendered everywhere (LibreOffice)
        cell.font, cell.fill = HEADER, PatternFill("solid", fgColor=BLUE)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in range(1, header_row):  # the column's input fill must not reach the title rows
            ws.cell(row, i).fill = white
        letter = get_column_letter(i)
        ws.column_dimensions[letter].width = column.width
        ws.cell(header_row - 1, i, _text(lang, column.help_fr, column.help_en)).font = Font(size=8, color="7F7F7F")
        ws.cell(header_row - 1, i).alignment = Alignment(wrap_text=True, vertical="bottom")
        fmt = NUMBER_FORMATS.get(column.kind)
        first, last = header_row + 1, header_row + VALIDATED_ROWS
        body = f"{letter}{first}:{letter}{last}"
        if fmt:
            ws.column_dimensions[letter].number_format = fmt
        ws.column_dimensions[letter].fill = PatternFill("solid", fgColor=INPUT_FILL)
        _validation(ws, column, body, lang)
    ws.row_dimensions[header_row - 1].height = 30
    ws.row_dimensions[header_row].height = 30
    last_col = get_column_letter(len(spec.columns))
    table = Table(displayName=spec.table, ref=f"A{header_row}:{last_col}{header_row + 1}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = ws.cell(header_row + 1, 1)


def _validation(ws: Worksheet, column, body: str, lang: str) -> None:
    message = _text(lang, column.help_fr, column.help_en)
    if column.kind in ("date", "month"):
        dv = DataValidation(type="date", operator="between", formula1="DATE(2000,1,1)", formula2="DATE(2100,12,31)",
                            error=_text(lang, "Saisissez une date (AAAA-MM-JJ).", "Enter a date (YYYY-MM-DD)."))
    elif column.kind in ("money", "count"):
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                            error=_text(lang, "Saisissez un nombre positif ou nul.", "Enter a number, 0 or more."))
    elif column.kind == "choice":
        values = ",".join(CHOICES[column.choices][lang])
        dv = DataValidation(type="list", formula1=f'"{values}"', allow_blank=not column.required,
                            error=_text(lang, "Choisissez une valeur de la liste.", "Pick a value from the list."))
    else:
        return
    dv.errorTitle = column.label(lang)
    dv.prompt, dv.promptTitle = (message or None), column.label(lang)
    dv.showErrorMessage, dv.showInputMessage = True, bool(message)
    dv.add(body)
    ws.add_data_validation(dv)


MONTH_LIST_COLUMN = 8  # a hidden column of Settings holds the months of the reporting month's drop-down
MONTHS_OFFERED = ("2020-01", "2035-12")


def _month_list(wb: Workbook, ws: Worksheet) -> str:
    """Write the months offered by the reporting month's drop-down; returns the list's reference."""
    import datetime as dt

    months = pd.period_range(*MONTHS_OFFERED, freq="M")
    for i, month in enumerate(months, start=1):
        cell = ws.cell(i, MONTH_LIST_COLUMN, dt.datetime(month.year, month.month, 1))
        cell.number_format = NUMBER_FORMATS["month"]
    ws.column_dimensions[get_column_letter(MONTH_LIST_COLUMN)].hidden = True
    ref = _absolute(MONTH_LIST_COLUMN, 1, MONTH_LIST_COLUMN, len(months))
    _name(wb, "kpi_months", ws, ref)
    return ref


def _settings(wb: Workbook, ws: Worksheet, lang: str) -> None:
    _title(ws, _text(lang, "Paramètres", "Settings"),
           _text(lang, "Les valeurs en jaune se modifient ; le reste est calculé.", "Yellow cells are yours to change."))
    ws.column_dimensions["A"].width = 2
    ws.column_dimensions["B"].width = 52
    ws.column_dimensions["C"].width = 22
    ws.column_dimensions["D"].width = 20
    ws.column_dimensions["E"].width = 30
    row = 4
    for setting in SETTINGS:
        ws.cell(row, 2, _text(lang, setting.fr, setting.en)).font = Font(bold=True)
        cell = ws.cell(row, 3, setting.default_for(lang))
        cell.fill = PatternFill("solid", fgColor=INPUT_FILL)
        cell.border = Border(THIN, THIN, THIN, THIN)
        if setting.kind == "month":
            cell.number_format = NUMBER_FORMATS["month"]
            dv = DataValidation(type="list", formula1=_month_list(wb, ws), allow_blank=True)
        elif setting.kind == "date":
            cell.number_format = NUMBER_FORMATS["date"]
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
        elif setting.kind == "count":
            dv = DataValidation(type="whole", operator="between", formula1="1", formula2="3650")
        elif setting.kind == "path":
            cell.fill = PatternFill("solid", fgColor="FFFFFF")
            cell.font = Font(size=9, color="7F7F7F")
            dv = None
        elif setting.kind == "percent":
            cell.number_format = NUMBER_FORMATS["percent"]
            dv = DataValidation(type="decimal", operator="between", formula1="0", formula2="1", allow_blank=True)
        elif setting.choices:
            dv = DataValidation(type="list", formula1='"' + ",".join(CHOICES[setting.choices][lang]) + '"')
        else:
            dv = None
        if dv is not None:
            dv.add(cell.coordinate)
            ws.add_data_validation(dv)
        _name(wb, setting.name, ws, _absolute(3, row))
        row += 1

    row += 2
    ws.cell(row - 1, 2, _text(lang, "Objectifs", "Targets")).font = Font(bold=True, size=12, color=NAVY)
    headers = [_text(lang, "Indicateur", "KPI"), _text(lang, "Objectif", "Target"),
               _text(lang, "Sens", "Direction"), _text(lang, "Tolérance orange (même unité)", "Amber tolerance (same unit)"),
               # the hidden key column: Excel compares column names ignoring case, so never "kpi" beside "KPI"
               _text(lang, "Clé", "Key")]
    for i, header in enumerate(headers, start=2):
        cell = ws.cell(row, i, header)
        cell.font, cell.fill = HEADER, PatternFill("solid", fgColor=BLUE)
    directions = CHOICES["direction"][lang]
    for i, (key, target) in enumerate(TILE_KPIS, start=1):
        label = KPI_LABELS[key]
        values = [label.name(lang), target, directions[0] if label.higher_is_better else directions[1],
                  _tolerance(key, target), key]
        for j, value in enumerate(values, start=2):
            cell = ws.cell(row + i, j, value)
            if j in (3, 4, 5):
                cell.fill = PatternFill("solid", fgColor=INPUT_FILL)
        for column in (3, 5):  # the tolerance is in the KPI's own unit: points for a rate
            ws.cell(row + i, column).number_format = number_format(label.kind, lang)
    end = row + len(TILE_KPIS)
    table = Table(displayName=NAMES["targets"], ref=f"B{row}:F{end}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    ws.column_dimensions["F"].hidden = True  # the KPI key, read by Python
    dv = DataValidation(type="list", formula1='"' + ",".join(directions) + '"')
    dv.add(f"D{row + 1}:D{end}")
    ws.add_data_validation(dv)


#: Amber tolerances that differ from 10 % of the target: churn and retention state one fact, so they
#: share one tolerance in points and can never disagree on its colour.
_TOLERANCES = {"churn_rate": 0.01, "retention_rate": 0.01}


def _tolerance(key: str, target: float | None) -> float | None:
    """A tile's default amber tolerance, in the KPI's unit."""
    if target is None:
        return None
    return _TOLERANCES.get(key, round(abs(target) * 0.1, 6))


def _home(ws: Worksheet, lang: str) -> None:
    _title(ws, _text(lang, "Indicateurs de la boutique", "Shop KPIs"),
           _text(lang, "kpi_xl : conversion, attrition, CAC et LTV, rétention, taux de clic, marge, engagement",
                 "kpi_xl: conversion, churn, CAC and LTV, retention, click-through, margin, engagement"))
    ws.column_dimensions["A"].width = 4
    ws.column_dimensions["B"].width = 100
    steps = [
        (_text(lang, "1. Remplissez les feuilles de saisie", "1. Fill in the input sheets"),
         _text(lang, "Commandes, Trafic, Marketing, Réseaux sociaux : une ligne par commande ou par mois. "
                     "Ou importez vos exports (Shopify, WooCommerce, Stripe, GA4, Google Ads, Meta Ads).",
               "Orders, Traffic, Marketing, Social: one row per order or per month. "
               "Or import your exports (Shopify, WooCommerce, Stripe, GA4, Google Ads, Meta Ads).")),
        (_text(lang, "2. Cliquez sur Actualiser", "2. Click Refresh"),
         _text(lang, "Onglet KPI du ruban, bouton Actualiser. Vérifier les données liste les problèmes sans calculer.",
               "KPI tab of the ribbon, Refresh button. Check the data lists the problems without computing.")),
        (_text(lang, "3. Lisez le tableau de bord", "3. Read the dashboard"),
         _text(lang, "Chaque indicateur du mois de référence, le mois précédent, l'objectif et son statut ; "
                     "les tendances sur 12 mois, les cohortes et les problèmes des données.",
               "Each KPI of the reporting month, the month before, the target and its status; "
               "12-month trends, cohorts and the data problems.")),
        (_text(lang, "Aide", "Help"),
         _text(lang, "Définitions : la formule de chaque indicateur. Guide : docs/guide.md du projet kpi_xl. "
                     "Paramètres : société, devise, mois de référence, langue, fenêtre d'attrition, objectifs.",
               "Definitions: each KPI's formula. Guide: docs/guide.en.md of the kpi_xl project. "
               "Settings: company, currency, reporting month, language, churn window, targets.")),
    ]
    row = 4
    for head, body in steps:
        ws.cell(row, 2, head).font = Font(bold=True, size=12, color=BLUE)
        ws.cell(row + 1, 2, body).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row + 1].height = 32
        row += 3


def _dashboard(wb: Workbook, ws: Worksheet, lang: str) -> None:
    from .dashboard import lay_out_dashboard

    lay_out_dashboard(wb, ws, lang)


def formula_names(lang: str) -> list[tuple[str, str]]:
    """The names a custom KPI formula may use, with what each holds (computed from the sample shop)."""
    from ..custom import variables
    from ..report import monthly_kpis
    from ..sample import sample_shop

    shop = sample_shop(months=2)
    table = monthly_kpis(shop.orders, shop.traffic, shop.marketing, shop.social, inactivity_days=30)
    names = [n for n in variables(table).columns]
    out = []
    for name in names:
        label = KPI_LABELS.get(name)
        out.append((name, label.name(lang) if label else name.replace("_", " ")))
    out += [("spend_<canal>, clicks_<canal>, impressions_<canal>, new_customers_<canal>" if lang == "fr" else
             "spend_<channel>, clicks_<channel>, impressions_<channel>, new_customers_<channel>",
             _text(lang, "par canal de la feuille Marketing, ex. spend_meta_ads, spend_google_ads",
                   "per channel of the Marketing sheet, e.g. spend_meta_ads, spend_google_ads")),
            ("followers_<plateforme>, reach_<plateforme>, likes_<plateforme>..." if lang == "fr" else
             "followers_<platform>, reach_<platform>, likes_<platform>...",
             _text(lang, "par plateforme de la feuille Réseaux sociaux, ex. followers_instagram",
                   "per platform of the Social sheet, e.g. followers_instagram"))]
    return out


def _definitions(ws: Worksheet, lang: str) -> None:
    _title(ws, _text(lang, "Définitions", "Definitions"),
           _text(lang, "La formule de chaque indicateur et la variante retenue (voir docs/kpis.md).",
                 "Each KPI's formula and the variant used (see docs/kpis.md)."))
    headers = [_text(lang, "Indicateur", "KPI"), _text(lang, "Formule", "Formula"),
               _text(lang, "Variante retenue", "Variant used"), _text(lang, "Nom", "Name")]
    widths = [34, 60, 80, 28]
    for i, (header, width) in enumerate(zip(headers, widths, strict=True), start=1):
        ws.cell(4, i, header)
        ws.column_dimensions[get_column_letter(i)].width = width
    for row, (key, (f_fr, f_en, v_fr, v_en)) in enumerate(DEFINITIONS.items(), start=5):
        label = KPI_LABELS.get(key)
        values = [label.name(lang) if label else key, _text(lang, f_fr, f_en), _text(lang, v_fr, v_en), key]
        for i, value in enumerate(values, start=1):
            ws.cell(row, i, value).alignment = Alignment(wrap_text=True, vertical="top")
    table = Table(displayName="tblDefinitions", ref=f"A4:D{4 + len(DEFINITIONS)}")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight9", showRowStripes=True)
    ws.add_table(table)
    row = 4 + len(DEFINITIONS) + 3
    ws.cell(row, 1, _text(lang, "Noms utilisables dans « Mes indicateurs »", "Names for \"My KPIs\" formulas")).font = \
        Font(bold=True, size=12, color=NAVY)
    ws.cell(row + 1, 1, _text(lang, "Opérations : + - * / ( ) ; fonctions : min, max, abs, round, if_zero(valeur; "
                                    "si zéro). Exemple : revenue / sessions",
                              "Operations: + - * / ( ); functions: min, max, abs, round, if_zero(value, if zero). "
                              "Example: revenue / sessions"))
    for i, (name, meaning) in enumerate(formula_names(lang), start=row + 2):
        ws.cell(i, 1, name).font = Font(name="Consolas", size=10)
        ws.cell(i, 2, meaning)


#: The xlwings.conf sheet: xlwings reads A1 down to the first blank, key in A, value in B. Only keys
#: with a value: a key on the sheet wins over the user's own xlwings.conf file even when its value is
#: empty, so an empty Interpreter_Win row would hide the interpreter the user configured.
XLWINGS_CONF = (
    ("UDF Modules", UDF_MODULE),
    ("Use UDF Server", "False"),
    ("Show Console", "False"),
    ("Debug UDFs", "False"),
)


def _xlwings_conf(ws: Worksheet) -> None:
    for row, (key, value) in enumerate(XLWINGS_CONF, start=1):
        ws.cell(row, 1, key).font = Font(bold=True)
        ws.cell(row, 2, value)
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 60


def _print_setup(ws: Worksheet) -> None:
    """Landscape, one page wide: a printed sheet looks like the screen."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def keep_text(wb: Workbook) -> None:
    """Store every text that starts with "=" as text, never as a formula.

    openpyxl turns any string starting with "=" into a formula, so a definition
    such as "= 1 - attrition" would show ``#NAME?``. The template holds no cell
    formula at all; quotePrefix keeps the text a text when the user edits the cell.
    """
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    cell.quotePrefix = True


def add_sheets(wb: Workbook, lang: str) -> None:
    """Create every sheet of the template in ``wb`` (which must be empty)."""
    for sheet in SHEETS:
        ws = wb.create_sheet(sheet.title(lang))
        _print_setup(ws)
        ws.sheet_properties.codeName = sheet.code_name
        if sheet.tab_color:
            ws.sheet_properties.tabColor = sheet.tab_color
        if sheet.key in INPUT_TABLES:
            _input_sheet(wb, ws, INPUT_TABLES[sheet.key], lang)
        elif sheet.key == "settings":
            _settings(wb, ws, lang)
        elif sheet.key == "home":
            _home(ws, lang)
        elif sheet.key == "dashboard":
            _dashboard(wb, ws, lang)
        elif sheet.key == "definitions":
            _definitions(ws, lang)
        elif sheet.key == "xlwings_conf":
            _xlwings_conf(ws)
    keep_text(wb)

