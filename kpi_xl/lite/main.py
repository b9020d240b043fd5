"""kpi_xl in xlwings Lite: the KPI_* formulas and the four buttons of the Lite workbook.

This file is the workbook's ``main.py``: open the xlwings Lite task pane, replace the text of its
``main.py`` tab with this file, and put the single line of ``kpi_xl/lite/requirements.txt`` in its
``requirements.txt`` tab; xlwings Lite installs the package and keeps both texts inside the workbook
when the workbook is saved. The functions register by being imported here.
"""

import xlwings as xw
from xlwings import script

from kpi_xl.excel.udfs import (  # noqa: F401  (registered with Excel by being names of this module)
    KPI_AOV, KPI_CAC, KPI_CHURN_RATE, KPI_CLV, KPI_COHORTS, KPI_CONVERSION_RATE, KPI_CTR, KPI_CUSTOMERS,
    KPI_ENGAGEMENT_RATE, KPI_GROSS_MARGIN, KPI_GROSS_PROFIT, KPI_LTV, KPI_LTV_CAC, KPI_LTV_REALISED,
    KPI_REPEAT_RATE, KPI_RETENTION_RATE, KPI_ROAS,
)
from kpi_xl.layout import lite_button
from kpi_xl.lite import scripts
from kpi_xl.lite.speed import answer_jsnull_once

#: The language of the workbook (its dashboard's sheet name, where the buttons are): "fr" or "en".
WORKBOOK_LANGUAGE = "fr"

answer_jsnull_once()  # xlwings' per-cell check of Office.js nulls, with its import done once


@script(name="Actualiser / Refresh", button=lite_button("refresh", WORKBOOK_LANGUAGE))
def refresh(book: xw.Book):
    """Read and check the input sheets, compute every KPI and fill the dashboard."""
    scripts.refresh(book)


@script(name="Vérifier les données / Check the data", button=lite_button("check", WORKBOOK_LANGUAGE))
def check_data(book: xw.Book):
    """List the problems of the input data; nothing is written but the status cell."""
    scripts.check_data(book)


@script(name="Importer / Import", button=lite_button("import", WORKBOOK_LANGUAGE))
def import_files(book: xw.Book):
    """Merge the exports under /data (xlwings Lite's Files menu) into their input tables, one new file per click."""
    scripts.import_files(book)


@script(name="Charger l'exemple / Load the sample", button=lite_button("sample", WORKBOOK_LANGUAGE))
def load_sample(book: xw.Book):
    """Fill the empty input tables with the sample shop (then click Refresh)."""
    scripts.load_sample(book)
