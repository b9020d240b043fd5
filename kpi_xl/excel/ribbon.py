"""The ribbon's entry points: what the buttons of the KPI tab run through xlwings' RunPython.

Each runs a fixed command (``import kpi_xl.excel.ribbon as kpi; kpi.refresh()``); values come
from cells and named ranges, never from text spliced into code. A user sees a message box,
never a traceback.
"""

from __future__ import annotations

from ..errors import KpiInputError
from .books import LiveBook, fill_inputs
from .refresh import refresh_book

__all__ = ["refresh", "validate", "load_sample", "import_chosen_file"]


def _in_excel(action) -> None:
    import xlwings as xw

    book = LiveBook(xw.Book.caller())
    try:
        message = action(book)
    except KpiInputError as error:
        book.status("")
        book.book.app.alert(str(error), title="KPI")
        return
    except Exception as error:  # the user gets plain words, not a traceback
        book.status("")
        book.book.app.alert(f"Erreur inattendue / unexpected error: {error}", title="KPI")
        return
    if message:
        book.book.app.alert(message, title="KPI")


def refresh() -> None:
    """Ribbon: Actualiser / Refresh."""
    def action(book: LiveBook) -> str:
        fill = refresh_book(book)
        return "" if not fill.problems else (f"{len(fill.problems)} problème(s) dans les données : voir le contrôle "
                                             "des données en bas du tableau de bord.")
    _in_excel(action)


def validate() -> None:
    """Ribbon: Vérifier les données / Check the data (nothing is written)."""
    def action(book: LiveBook) -> str:
        fill = refresh_book(book, write=False)
        if not fill.problems:
            return f"Aucun problème : {fill.rows_read} lignes lues. / No problem: {fill.rows_read} rows read."
        lines = [str(p) for p in fill.problems[:15]]
        more = len(fill.problems) - len(lines)
        return "\n".join(lines + ([f"... (+{more})"] if more > 0 else []))
    _in_excel(action)


def load_sample() -> None:
    """Ribbon: Charger l'exemple / Load the sample (the VBA asks before replacing the inputs)."""
    from ..sample import sample_shop  # the sample generator only when asked

    def action(book: LiveBook) -> str:
        shop = sample_shop()
        lang = "en" if str(book.name_values("kpi_language")[0][0]).upper() == "EN" else "fr"
        fill_inputs(book, shop.tables(lang), lang)
        refresh_book(book)
        return ""
    _in_excel(action)


def import_chosen_file() -> None:
    """Ribbon: Importer / Import (the VBA puts the chosen file's path in the named cell kpi_import_path)."""
    from ..importers import import_into

    def action(book: LiveBook) -> str:
        path = book.name_values("kpi_import_path")[0][0]
        if not path:
            return ""
        return "\n".join(import_into(book, "auto", str(path)).lines()[:20])
    _in_excel(action)
