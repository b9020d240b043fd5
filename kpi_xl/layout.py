"""The dashboard's layout as data: where each value of a tile sits, the data-check columns, the
status marks, the defined names of the tiles, and the number formats of every kind of value.

Read by the template builder (which lays the dashboard out) and by the refresh (which fills it);
neither imports the other. Positions are offsets inside an area whose top-left cell a defined name
gives (see :data:`kpi_xl.schema.NAMES`), never sheet addresses.
"""

from __future__ import annotations

import math

from .schema import DASHBOARD, NUMBER_FORMATS, TILE_KPIS, sheet_title

__all__ = ["STATUS_MARKS", "TILE_CELLS", "CHECK_COLUMNS", "tile_name", "custom_tile_name", "tile_origin",
           "trend_origin", "cohort_origin", "checks_origin", "number_format", "change_format", "CURRENCY_SYMBOLS",
           "CHANGE_UNITS", "LITE_BUTTONS", "LITE_STATUS_NAME", "lite_button_cell", "lite_status_cell", "lite_button", "column_letter"]

#: What a tile's status cell holds: on target, within the amber tolerance, off target.
STATUS_MARKS = {"green": "✓", "amber": "≈", "red": "✗"}

#: Offsets (row, column) inside a tile of each value the refresh writes. ``note`` says why a value is
#: n.d., or which variant a KPI is (the churn window of churn and LTV).
TILE_CELLS = {"label": (0, 0), "value": (1, 0), "previous_label": (2, 0), "previous": (2, 1), "change": (2, 2),
              "target_label": (3, 0), "target": (3, 1), "status": (3, 2), "note": (4, 0)}

#: The data checks' columns: key, French header, English header, width.
CHECK_COLUMNS = (("sheet", "Feuille", "Sheet", 18), ("row", "Ligne", "Row", 8), ("column", "Colonne", "Column", 20),
                 ("value", "Valeur", "Value", 18), ("problem", "Problème", "Problem", 40),
                 ("advice", "Que faire", "What to do", 60))

CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "CHF": "CHF", "CAD": "CA$"}

#: How a change in a rate is shown: in percentage points.
CHANGE_UNITS = {"fr": "pt", "en": "pp"}

def tile_name(key: str) -> str:
    """The defined name of a KPI's tile."""
    return f"kpi_tile_{key}"


def custom_tile_name(slot: int) -> str:
    """The defined name of the tile of custom KPI number ``slot`` (1-based)."""
    return f"kpi_custom_tile_{slot}"


def tile_origin(index: int) -> tuple[int, int]:
    """Top-left (row, column) of the tile of ``TILE_KPIS[index]`` (then the custom tiles' row)."""
    return (DASHBOARD.tiles_row + (index // DASHBOARD.tiles_per_row) * DASHBOARD.tile_height,
            DASHBOARD.first_col + (index % DASHBOARD.tiles_per_row) * DASHBOARD.tile_width)


def first_custom_tile() -> int:
    """The tile index of the first custom KPI: the row after the built-in tiles."""
    return DASHBOARD.tiles_per_row * (-(-len(TILE_KPIS) // DASHBOARD.tiles_per_row))


def trend_origin() -> tuple[int, int]:
    """(row, column) of the trend table's header, whose first cell is the month column."""
    return DASHBOARD.trend_row, DASHBOARD.first_col


def cohort_origin() -> tuple[int, int]:
    """(row, column) of the cohort heat map's header."""
    return DASHBOARD.cohort_row, DASHBOARD.first_col


def checks_origin() -> tuple[int, int]:
    """(row, column) of the data checks' header."""
    return DASHBOARD.checks_row, DASHBOARD.first_col


def _quoted(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def number_format(kind: str, lang: str = "fr", currency: str = "EUR") -> str:
    """The Excel number format of a kind of value; money carries the workbook's currency.

    Excel shows the digits with the reader's own separators; the symbol goes where the language puts
    it (after the amount in French, before it in English).

    >>> number_format("money", "fr", "EUR"), number_format("money", "en", "USD")
    ('#,##0.00\\\\ "€"', '"$"#,##0.00')
    >>> number_format("percent")
    '0.0%'
    """
    if kind == "money":
        symbol = _quoted(CURRENCY_SYMBOLS.get(currency, currency))
        return f"#,##0.00\\ {symbol}" if lang == "fr" else f"{symbol}#,##0.00"
    return NUMBER_FORMATS.get(kind, "General")


def change_value(now: float | None, before: float | None, kind: str) -> float | None:
    """A tile's change from the month before: in points for a rate (the number of points), relative
    otherwise; None when either month is undefined, or a relative change from 0.

    >>> change_value(0.07, 0.05, "percent"), change_value(120.0, 100.0, "money"), change_value(5.0, 0.0, "count")
    (2.0000000000000004, 0.19999999999999996, None)
    """
    if now is None or before is None or math.isnan(now) or math.isnan(before):
        return None
    if kind == "percent":
        return (now - before) * 100
    return None if before == 0 else now / before - 1


def change_format(kind: str, lang: str = "fr") -> str:
    """The format of a tile's change: points for rates (the value is a number of points), else percent.

    >>> change_format("percent", "en"), change_format("money")
    ('+0.0" pp";-0.0" pp";0.0" pp"', '+0.0%;-0.0%;0.0%')
    """
    if kind == "percent":
        unit = CHANGE_UNITS["fr" if lang == "fr" else "en"]
        return f'+0.0" {unit}";-0.0" {unit}";0.0" {unit}"'
    return "+0.0%;-0.0%;0.0%"


#: The Lite workbook's sheet buttons, shapes on the dashboard's title row (xlwings Lite has no ribbon): the
#: script's key, the shape's name, the French and English captions.
LITE_BUTTONS = (("refresh", "kpi_button_refresh", "Actualiser", "Refresh"),
                ("check", "kpi_button_check", "Vérifier les données", "Check the data"),
                ("import", "kpi_button_import", "Importer", "Import"),
                ("sample", "kpi_button_sample", "Charger l'exemple", "Load the sample"))
#: The defined name of the Lite workbook's status cell: what its last script did (Lite has no status bar).
LITE_STATUS_NAME = "kpi_status"
#: Columns each Lite button spans, and the column of the first one counted from the dashboard's first column.
LITE_BUTTON_WIDTH, LITE_BUTTONS_FROM = 2, 4


def column_letter(col: int) -> str:
    """Excel's letters of a 1-based column number (1 -> A, 28 -> AB)."""
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def lite_button_cell(key: str) -> tuple[int, int]:
    """(row, column) of the cell under a Lite button, which the button's link selects."""
    index = [b[0] for b in LITE_BUTTONS].index(key)
    return DASHBOARD.title_row, DASHBOARD.first_col + LITE_BUTTONS_FROM + index * LITE_BUTTON_WIDTH


def lite_status_cell() -> tuple[int, int]:
    """(row, column) of the Lite workbook's status cell: the free row between the title and the tiles."""
    return DASHBOARD.tiles_row - 1, DASHBOARD.first_col


def lite_button(key: str, lang: str) -> str:
    """xlwings Lite's reference of a sheet button, ``[shape]Sheet!Cell``: the shape's name, then the cell its
    link selects (the cell under it) on the dashboard of the workbook in ``lang``."""
    shape = next(b[1] for b in LITE_BUTTONS if b[0] == key)
    row, col = lite_button_cell(key)
    return f"[{shape}]{sheet_title('dashboard', lang)}!{column_letter(col)}{row}"
