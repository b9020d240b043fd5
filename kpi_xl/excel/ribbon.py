"""The ribbon's entry points: what the buttons of the KPI tab run through xlwings' RunPython.

Each runs a fixed command (``import kpi_xl.excel.ribbon as kpi; kpi.refresh()``); values come
from cells and named ranges, never from text spliced into code. A user sees a message box,
never a traceback.
"""

from __future__ import annotations

from ..errors import KpiInputError
from ..problem_text import problem_line
from .books import LiveBook, fill_sample
from .refresh import refresh_book
from .settings import workbook_language

__all__ = ["refresh", "validate", "load_sample", "import_chosen_file", "run", "refreshed", "checked",
           "sample_loaded", "sample_shop_tables"]


def run(book: LiveBook, action) -> str:
    """Run ``action(book)`` and show what it says in a message box; a problem is shown in plain words, never
    as a traceback. Returns what was shown (the Lite scripts also put it in the status cell)."""
    try:
        message = action(book)
    except KpiInputError as error:
        message = str(error)
    except Exception as error:  # the user gets plain words, not a traceback
        message = f"Erreur inattendue / unexpected error: {error}"
    book.status("")
    if message:
        book.book.app.alert(message, title="KPI")
    return message


def _in_excel(action) -> None:
    import xlwings as xw

    run(LiveBook(xw.Book.caller()), action)


def refreshed(book: LiveBook) -> str:
    """Refresh; the message counts the problems of the data, if any."""
    fill = refresh_book(book)
    if not fill.problems:
        return ""
    if fill.language == "fr":
        return f"{len(fill.problems)} problème(s) dans les données : voir le contrôle des données en bas du tableau de bord."
    return f"{len(fill.problems)} problem(s) in the data: see the data checks at the bottom of the dashboard."


def checked(book: LiveBook) -> str:
    """Check the data without writing: the first problems, or how many rows were read."""
    fill = refresh_book(book, write=False)
    if not fill.problems:
        return (f"Aucun problème : {fill.rows_read} lignes lues." if fill.language == "fr" else
                f"No problem: {fill.rows_read} rows read.")
    lines = [problem_line(p, fill.language) for p in fill.problems[:15]]
    more = len(fill.problems) - len(lines)
    return "\n".join(lines + ([f"... (+{more})"] if more > 0 else []))


def sample_shop_tables(book: LiveBook) -> tuple[dict, str]:
    """The sample shop's input tables in the workbook's language, and that language."""
    from ..sample import sample_shop  # the sample generator only when asked

    lang = workbook_language(book)
    return sample_shop().tables(lang), lang


def sample_loaded(book: LiveBook) -> str:
    """Replace the inputs with the sample shop and refresh."""
    tables, lang = sample_shop_tables(book)
    fill_sample(book, tables, lang)
    refresh_book(book)
    return ""


def refresh() -> None:
    """Ribbon: Actualiser / Refresh."""
    _in_excel(refreshed)


def validate() -> None:
    """Ribbon: Vérifier les données / Check the data (nothing is written)."""
    _in_excel(checked)


def load_sample() -> None:
    """Ribbon: Charger l'exemple / Load the sample (the VBA asks before replacing the inputs)."""
    _in_excel(sample_loaded)


def import_chosen_file() -> None:
    """Ribbon: Importer / Import (the VBA puts the chosen file's path in the named cell kpi_import_path)."""
    from ..importers import import_into

    def action(book: LiveBook) -> str:
        path = book.name_values("kpi_import_path")[0][0]
        if not path:
            return ""
        return "\n".join(import_into(book, "auto", str(path)).lines()[:20])
    _in_excel(action)
