"""The xlwings Lite edition's additions to the dashboard: the status cell and the four buttons.

Office.js cannot bind a shape to a script, so xlwings Lite binds a script to a shape whose hyperlink
selects a cell: ``@script(button="[shape name]Sheet!Cell")``. Each button here is a rounded rectangle
named as in :data:`kpi_xl.layout.LITE_BUTTONS`, over the cell its link selects (the cell under it, so the
selection does not jump), added to the dashboard's drawing next to the charts.
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape, quoteattr

from openpyxl.styles import Font
from openpyxl.utils import absolute_coordinate, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from ..layout import (LITE_BUTTON_WIDTH, LITE_BUTTONS, LITE_STATUS_NAME, column_letter, lite_button_cell,
                      lite_status_cell)
from ..schema import DASHBOARD, sheet_title

__all__ = ["lay_out_lite", "add_lite_buttons"]

_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_DRAWING = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_EMU_PER_POINT = 12700
#: The title row's height in points: the buttons (and the title) fit in it.
TITLE_ROW_HEIGHT = 30
_COLUMN_EMU = 12.5 * 7 * 9525  # a 12.5-character column is about 87.5 pixels of 9525 EMU
_MARGIN = 3 * _EMU_PER_POINT


#: The Home sheet's step that names the ribbon, and what the Lite workbook says instead.
_HOME_STEP = {"fr": ("Onglet KPI du ruban", "Boutons en haut du tableau de bord (ou le bouton Run du volet xlwings Lite) : "
                     "Actualiser. Vérifier les données liste les problèmes sans calculer."),
              "en": ("KPI tab of the ribbon", "Buttons at the top of the dashboard (or the Run button of the xlwings Lite "
                     "pane): Refresh. Check the data lists the problems without computing.")}


def lay_out_lite(wb: Workbook, ws: Worksheet, home: Worksheet, lang: str) -> None:
    """The status cell (defined name ``kpi_status``), a title row high enough for the buttons, and the Home
    sheet's steps naming the buttons instead of the ribbon."""
    start, lite_text = _HOME_STEP[lang]
    steps = [c for row in home.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith(start)]
    if len(steps) != 1:
        raise ValueError(f"the Home sheet's ribbon step ({start!r}) was not found once: update _HOME_STEP")
    steps[0].value = lite_text
    row, col = lite_status_cell()
    ws.cell(row, col).font = Font(italic=True, size=9, color="595959")
    ref = f"{quote_sheetname(ws.title)}!{absolute_coordinate(f'{column_letter(col)}{row}')}"
    wb.defined_names[LITE_STATUS_NAME] = DefinedName(LITE_STATUS_NAME, attr_text=ref)
    ws.row_dimensions[DASHBOARD.title_row].height = TITLE_ROW_HEIGHT


def _anchor(index: int, shape: str, caption: str, rel_id: str, lang: str) -> str:
    row, col = lite_button_cell(LITE_BUTTONS[index][0])
    width = int(LITE_BUTTON_WIDTH * _COLUMN_EMU - 2 * _MARGIN)
    height = (TITLE_ROW_HEIGHT - 6) * _EMU_PER_POINT
    return (f'<oneCellAnchor><from><col>{col - 1}</col><colOff>{_MARGIN}</colOff><row>{row - 1}</row>'
            f'<rowOff>{_MARGIN}</rowOff></from><ext cx="{width}" cy="{height}"/>'
            f'<sp macro="" textlink=""><nvSpPr><cNvPr id="{100 + index}" name="{shape}" descr={quoteattr(caption)}>'
            f'<a:hlinkClick xmlns:a="{_A}" xmlns:r="{_R}" r:id="{rel_id}" tooltip={quoteattr(caption)}/></cNvPr>'
            f'<cNvSpPr/></nvSpPr><spPr><a:xfrm xmlns:a="{_A}"><a:off x="0" y="0"/><a:ext cx="{width}" cy="{height}"/>'
            f'</a:xfrm><a:prstGeom xmlns:a="{_A}" prst="roundRect"><a:avLst/></a:prstGeom>'
            f'<a:solidFill xmlns:a="{_A}"><a:srgbClr val="1F4E79"/></a:solidFill>'
            f'<a:ln xmlns:a="{_A}"><a:noFill/></a:ln></spPr>'
            f'<txBody><a:bodyPr xmlns:a="{_A}" vertOverflow="clip" horzOverflow="clip" rtlCol="0" anchor="ctr"/>'
            f'<a:lstStyle xmlns:a="{_A}"/><a:p xmlns:a="{_A}"><a:pPr algn="ctr"/><a:r>'
            f'<a:rPr lang="{"fr-FR" if lang == "fr" else "en-US"}" sz="1000" b="1"><a:solidFill>'
            f'<a:srgbClr val="FFFFFF"/></a:solidFill></a:rPr><a:t>{escape(caption)}</a:t></a:r></a:p></txBody>'
            f'</sp><clientData/></oneCellAnchor>')


def _dashboard_drawing(parts: dict[str, bytes], lang: str) -> str:
    """The part name of the dashboard's drawing (openpyxl writes one for its charts)."""
    workbook = parts["xl/workbook.xml"].decode("utf-8")
    title = escape(sheet_title("dashboard", lang), {'"': "&quot;"})
    rel_id = re.search(rf'<sheet [^>]*name="{re.escape(title)}"[^>]*r:id="([^"]+)"', workbook).group(1)
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    target = re.search(rf'<Relationship [^>]*Target="([^"]+)"[^>]*Id="{rel_id}"', rels).group(1)
    sheet = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    sheet_rels = parts[sheet.replace("worksheets/", "worksheets/_rels/") + ".rels"].decode("utf-8")
    drawing = re.search(rf'<Relationship [^>]*Type="{_DRAWING}" Target="([^"]+)"', sheet_rels).group(1)
    return drawing.lstrip("/")


def add_lite_buttons(parts: dict[str, bytes], lang: str) -> None:
    """Add the four buttons to the dashboard's drawing, each linked to the cell under it."""
    drawing = _dashboard_drawing(parts, lang)
    rels_name = drawing.replace("drawings/", "drawings/_rels/") + ".rels"
    rels = parts[rels_name].decode("utf-8")
    anchors = []
    sheet = sheet_title("dashboard", lang)
    for index, (key, shape, fr, en) in enumerate(LITE_BUTTONS):
        row, col = lite_button_cell(key)
        rel_id = f"rIdButton{index + 1}"
        target = escape(f"#{quote_sheetname(sheet)}!{column_letter(col)}{row}", {'"': "&quot;"})
        rels = rels.replace("</Relationships>",
                            f'<Relationship Type="{_HYPERLINK}" Target="{target}" Id="{rel_id}"/></Relationships>')
        anchors.append(_anchor(index, shape, fr if lang == "fr" else en, rel_id, lang))
    parts[rels_name] = rels.encode("utf-8")
    parts[drawing] = parts[drawing].decode("utf-8").replace("</wsDr>", "".join(anchors) + "</wsDr>").encode("utf-8")
