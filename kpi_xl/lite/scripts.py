"""What the Lite workbook's buttons do: refresh, check the data, import the files under /data, load the sample.

The same actions as the desktop ribbon (:mod:`kpi_xl.excel.ribbon`) over the same book adapter, with what
Lite lacks replaced: no status bar (a status cell, the defined name ``kpi_status``), no file dialog (the
files the user added through xlwings Lite's *Files* menu, under ``/data``), no question before replacing the
inputs (the sample is loaded into empty input tables only).

A Lite script sees the workbook as it was when the script started: what it writes reaches Excel when
it ends. So one click never writes a table twice: *Import* merges one export that changes the
workbook per click (the next click takes the next file), and *Load the sample* fills the tables and
leaves the refresh to the *Refresh* button.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import KpiInputError
from ..excel.books import LiveBook, fill_sample, filled_sheet
from ..excel.ribbon import checked, refreshed, run, sample_shop_tables
from ..layout import LITE_STATUS_NAME
from ..schema import INPUT_TABLES

__all__ = ["LiteBook", "DATA_DIR", "IMPORTABLE", "SAMPLE_LOADED", "refresh", "check_data", "import_files", "load_sample"]

#: Where xlwings Lite puts the files imported through its Files menu (Import/Export).
DATA_DIR = Path("/data")
#: The exports the importers read.
IMPORTABLE = (".csv", ".tsv", ".txt")
_DONE = "Terminé / Done"
#: The tables the sample loads only into when they are empty (it never mixes a shop's data with its own).
_SAMPLE_NEEDS_EMPTY = ("orders", "traffic", "marketing", "social")
#: What Load the sample says: the refresh is the next click (this one cannot read what it wrote).
SAMPLE_LOADED = "Exemple chargé : cliquez sur Actualiser. / Sample loaded: click Refresh."


class LiteBook(LiveBook):
    """An open workbook in xlwings Lite: progress goes to the status cell, there is no status bar."""

    def status(self, message: str) -> None:
        try:
            self._name(LITE_STATUS_NAME).value = message or ""
        except KpiInputError:  # a workbook without the status cell (the desktop template): nothing to show
            pass


def _script(book: Any, action) -> str:
    lite = LiteBook(book)
    message = run(lite, action)
    lite.status((message.splitlines() or [_DONE])[0])
    return message


def refresh(book: Any) -> str:
    """Actualiser / Refresh."""
    return _script(book, refreshed)


def check_data(book: Any) -> str:
    """Vérifier les données / Check the data (nothing but the status cell is written)."""
    return _script(book, checked)


def _imported(book: LiveBook) -> str:
    from ..importers import import_into

    found = sorted(p for p in DATA_DIR.rglob("*") if p.suffix.lower() in IMPORTABLE) if DATA_DIR.is_dir() else []
    if not found:
        raise KpiInputError(f"Aucun export à importer dans {DATA_DIR} : ajoutez vos fichiers CSV par le menu Files "
                            f"de xlwings Lite (Import/Export). / No export to import in {DATA_DIR}: add your CSV "
                            "files through xlwings Lite's Files menu (Import/Export).")
    lines = []
    for index, path in enumerate(found):  # a file already imported adds nothing and writes nothing
        try:
            report = import_into(book, "auto", path)
        except KpiInputError as error:  # one unreadable export never stops the others
            lines.append(f"{path.name} : {error}")
            continue
        lines += [f"{path.name} :", *report.lines()[:8]]
        rest = [p.name for p in found[index + 1:]]
        if (report.imported or report.merged) and rest:  # the tables changed: the next file on the next click
            lines.append(f"Cliquez encore sur Importer pour : {', '.join(rest)}. / Click Import again for: "
                         f"{', '.join(rest)}.")
            break
    return "\n".join(lines[:40])


def import_files(book: Any) -> str:
    """Importer / Import: every export under /data, each merged into its input table."""
    return _script(book, _imported)


def _sample_into_empty_tables(book: LiveBook) -> str:
    for key in _SAMPLE_NEEDS_EMPTY:
        sheet = filled_sheet(book, INPUT_TABLES[key].table)
        if sheet is not None:
            raise KpiInputError(f"La feuille {sheet} contient déjà des données : l'exemple ne remplace rien. Videz "
                                f"les tables de saisie d'abord. / The sheet {sheet} already holds data: the sample "
                                "replaces nothing. Empty the input tables first.")
    tables, lang = sample_shop_tables(book)
    kept = {key: frame for key, frame in tables.items()  # the user's own KPIs (and any other table) stay theirs
            if key in _SAMPLE_NEEDS_EMPTY or key not in INPUT_TABLES or filled_sheet(book, INPUT_TABLES[key].table) is None}
    fill_sample(book, kept, lang)
    return SAMPLE_LOADED


def load_sample(book: Any) -> str:
    """Charger l'exemple / Load the sample, into empty input tables only (Lite cannot ask first); then Refresh."""
    return _script(book, _sample_into_empty_tables)
