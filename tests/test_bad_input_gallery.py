"""The gallery of bad inputs and faults (issue 12): each case states what the user must get.

* ``message``: the command stops with a clear message naming the place (exit code 2, no traceback), and the
  workbook file is byte for byte as it was;
* ``warning``: the refresh runs, and a printed problem line names the place and says what is wrong;
* ``accepted``: read correctly, no problem printed (and, where it shows, the value is checked by hand).

After every case the workbook's input parts (the input sheets, Settings, tables, VBA, ribbon) are compared,
zip member by member, with what they were before the command: nothing a user typed is ever changed.

Also shown elsewhere, not repeated here: a refresh killed during its save leaves the original intact and no
leftover after the next run (tests/test_file_safety.py::test_a_killed_save_leaves_the_original_and_the_next_run_cleans_up),
import and refresh of one workbook in two real processes (test_file_safety.py::test_import_and_refresh_at_the_same_time_lose_nothing).
The shop is the hand-made one of tests/test_dashboard_by_hand.py: 14 orders, January to March 2025, March
revenue 245.00 (25 + 70 + 50 + 40 + 60); the header of each input table is on row 4, data from row 5.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import openpyxl
import pandas as pd
import pytest
from checkout import checkout_env, kpi_xl_command
from test_dashboard_by_hand import frames
from test_file_safety import EXPORT, damaged
from test_problem_text import ENGLISH
from workbook_cells import area, cell
from xlwings_paths import remote_refresh_actions

from kpi_xl.cli import main as kpi_xl
from kpi_xl.excel.books import FileBook, fill_inputs
from kpi_xl.excel.package import Package
from kpi_xl.excel.values import Formula
from kpi_xl.layout import CHECK_COLUMNS, TILE_CELLS, tile_name
from kpi_xl.schema import INPUT_TABLES, NAMES, TILE_KPIS, sheet_title
from kpi_xl.template.build import build_template

INPUT_SHEETS = ("orders", "traffic", "marketing", "social", "custom", "settings", "imports")
REVENUE_ROW = 13  # order #1008 (customer H, 1 March 2025, net revenue 25.00, cost 15.00): the 9th order, row 5 + 8


@pytest.fixture(scope="module")
def shops(tmp_path_factory):
    """The hand-made shop in a French and an English workbook, not refreshed (30-day window as there)."""
    out = {}
    for lang in ("fr", "en"):
        path = build_template(tmp_path_factory.mktemp(f"gallery_{lang}") / "shop.xlsm", lang=lang)
        book = FileBook(path)
        fill_inputs(book, frames(), lang)
        book.write("kpi_inactivity_days", {(0, 0): 30})
        book.save()
        out[lang] = path
    return out


# ---- what a case does to the workbook before the command


def cells(sheet: str, values: dict) -> Callable:
    """Values written into a sheet (by schema key) at (row, column), as a user would type them."""
    def setup(path: Path, lang: str) -> None:
        package = Package(path)
        package.write_cells(sheet_title(sheet, lang), values)
        package.save()
    return setup


def setting(name: str, value) -> Callable:
    def setup(path: Path, lang: str) -> None:
        book = FileBook(path)
        book.write(name, {(0, 0): value})
        book.save()
    return setup


def target(key: str, column: int, value) -> Callable:
    """A cell of the targets table: column 1 target, 2 direction, 3 tolerance, on the row of KPI ``key``."""
    def setup(path: Path, lang: str) -> None:
        book = FileBook(path)
        row = [k for k, _ in TILE_KPIS].index(key) + 1
        book.write_table_cells(NAMES["targets"], {(row, column): value}, last_offset=len(TILE_KPIS))
        book.save()
    return setup


TEMPLATE = Path(__file__).resolve().parent.parent / "workbook_template.xlsm"


def target_row(key: str) -> int:
    """The sheet row of a KPI's target (below the targets table's header, read from the template)."""
    return Package(TEMPLATE).tables[NAMES["targets"]].first_row + 1 + [k for k, _ in TILE_KPIS].index(key)


def custom(*rows: tuple) -> Callable:
    """Rows of the custom KPIs table (name, formula, format)."""
    def setup(path: Path, lang: str) -> None:
        book = FileBook(path)
        book.write_table_cells(INPUT_TABLES["custom"].table, {(i, j): v for i, row in enumerate(rows, start=1)
                                                              for j, v in enumerate(row)}, last_offset=len(rows))
        book.save()
    return setup


def typed_below(sheet: str, values: dict) -> Callable:
    """Cells typed below a table by openpyxl, which does not extend the table (as a paste or LibreOffice may)."""
    def setup(path: Path, lang: str) -> None:
        wb = openpyxl.load_workbook(path, keep_vba=True)
        for (row, column), value in values.items():
            wb[sheet_title(sheet, lang)].cell(row, column, value)
        wb.save(path)
    return setup


def styled_below(sheet: str, row: int) -> Callable:
    """A row below a table given a fill but no value (the sheet's used area then reaches it)."""
    def setup(path: Path, lang: str) -> None:
        wb = openpyxl.load_workbook(path, keep_vba=True)
        for column in range(1, 4):
            wb[sheet_title(sheet, lang)].cell(row, column).fill = openpyxl.styles.PatternFill("solid", fgColor="FFFF00")
        wb.save(path)
    return setup


def history(years: int) -> Callable:
    """Every table of the shop moved ``years`` on (back, when negative): the same shop in another decade."""
    def setup(path: Path, lang: str) -> None:
        tables = frames()
        for key, frame in tables.items():
            column = "order_date" if key == "orders" else "month"
            frame[column] = frame[column] + pd.DateOffset(years=years)
        book = FileBook(path)
        fill_inputs(book, tables, lang)
        book.save()
    return setup


def orders_emptied(path: Path, lang: str) -> None:
    book = FileBook(path)
    fill_inputs(book, {"orders": frames()["orders"].iloc[:0]}, lang)
    book.save()


def zip_edit(member_test: Callable[[str, bytes], bool], change: Callable[[bytes], bytes]) -> Callable:
    """The workbook rewritten with some parts changed (what another program might have written)."""
    def setup(path: Path, lang: str) -> None:
        source = path.with_suffix(".orig")
        path.rename(source)
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                zout.writestr(item, change(data) if member_test(item.filename, data) else data)
        source.unlink()
    return setup


def file_fault(kind: str) -> Callable:
    """A damaged file, made by test_file_safety's helper from the good workbook."""
    def setup(path: Path, lang: str) -> None:
        good = path.with_name("good.xlsm")
        path.rename(good)
        damaged(kind, path, good)
    return setup


def csv_file(data: bytes) -> Callable:
    def setup(path: Path, lang: str) -> None:
        path.with_name("export.csv").write_bytes(data)
    return setup


def both(*setups: Callable) -> Callable:
    def setup(path: Path, lang: str) -> None:
        for one in setups:
            one(path, lang)
    return setup


def excel_owner(path: Path, lang: str) -> None:
    path.with_name("~$" + path.name).write_bytes(b"owner")


def read_only(path: Path, lang: str) -> None:
    path.chmod(0o444)


def held_lock(path: Path, lang: str) -> None:
    """The lock of a kpi-xl command that is still saving (this test's own process: alive)."""
    import socket
    import time
    path.with_name(f".~lock.kpi-xl.{path.name}").write_text(f"{socket.gethostname()}\n{os.getpid()}\n{time.time():.0f}\n")


# ---- what is read back


def revenue_is(expected: float) -> Callable:
    """The March revenue tile shows ``expected`` (worked out by hand from the change the case makes)."""
    def check(path: Path, out: str) -> None:
        assert cell(path, tile_name("revenue"), TILE_CELLS["value"]).value == pytest.approx(expected)
    return check


def shown_month(year: int, month: int) -> Callable:
    def check(path: Path, out: str) -> None:
        shown = cell(path, NAMES["shown_month"], (0, 0)).value
        assert (shown.year, shown.month) == (year, month)
    return check


def lines_with(words: str, count: int) -> Callable:
    def check(path: Path, out: str) -> None:
        assert sum(words in line for line in out.splitlines()) == count, out
    return check


@dataclass(frozen=True)
class Case:
    name: str
    setup: Callable
    expect: str  # message, warning or accepted
    words: tuple[str, ...] = ()  # all in the message (or in one printed problem line)
    command: str = "refresh"  # refresh, kpis, import, refresh_out
    lang: str = "fr"
    check: Callable | None = None


def orders_cell(column: int, value, expect: str, *words: str, check: Callable | None = None, row: int = REVENUE_ROW,
                name: str = "") -> Case:
    return Case(name or f"orders col {column} = {value!r}", cells("orders", {(row, column): value}), expect,
                words, check=check)


HEADERS = {1: "Date", 2: "N° de commande", 3: "Client", 4: "CA net", 5: "Coût des marchandises", 7: "Statut"}


def at(column: int, row: int = REVENUE_ROW, sheet: str = "Commandes") -> str:
    return f"sheet '{sheet}', row {row}, column '{HEADERS.get(column, column)}'"


AMBIGUOUS = "is ambiguous: it reads as"
CASES = [
    # numbers typed as text: one reader, French and US styles (March revenue 245 - 25 + the value read)
    orders_cell(4, "25,5", "accepted", check=revenue_is(245.5)),
    orders_cell(4, "25.5", "accepted", check=revenue_is(245.5)),
    orders_cell(4, "1\u00a0025,5", "accepted", check=revenue_is(1245.5), name="no-break space and comma"),
    orders_cell(4, "1\u202f025,5", "accepted", check=revenue_is(1245.5), name="narrow no-break space"),
    orders_cell(4, "1 025,50", "accepted", check=revenue_is(1245.5)),
    orders_cell(4, "1,025.5", "accepted", check=revenue_is(1245.5)),
    orders_cell(4, "1.025,5", "accepted", check=revenue_is(1245.5)),
    orders_cell(4, "25,50 €", "accepted", check=revenue_is(245.5)),
    orders_cell(4, "$25.50", "accepted", check=revenue_is(245.5)),
    orders_cell(4, " 25,5 ", "accepted", check=revenue_is(245.5)),
    orders_cell(4, "1,025", "warning", at(4), "'1,025' " + AMBIGUOUS, check=revenue_is(220.0)),  # row left out
    orders_cell(4, "1.025", "warning", at(4), "'1.025' " + AMBIGUOUS, check=revenue_is(220.0)),
    orders_cell(4, "25,5x", "warning", at(4), "'25,5x' is not a number"),
    orders_cell(4, "douze", "warning", at(4), "'douze' is not a number"),
    orders_cell(4, "12,5,5", "warning", at(4), "'12,5,5' is not a number"),
    Case("two revenues of 1e308 (a month's total would overflow)", cells("orders", {(REVENUE_ROW, 4): 1e308,
                                                                                   (REVENUE_ROW + 1, 4): 1e308}),
         "warning", (at(4), "is too large for an amount"), check=revenue_is(245.0 - 25 - 70)),
    orders_cell(4, "9" * 400, "warning", at(4), "is not a number (too large: 400 digits)", name="400 nines"),
    orders_cell(4, "01.234", "warning", at(4), "'01.234' " + AMBIGUOUS),  # as the formulas read it
    orders_cell(4, "\uff12\uff15,\uff15", "accepted", check=revenue_is(245.5), name="full-width digits 25,5"),
    orders_cell(4, "1 02 5", "warning", at(4), "groups of three digits"),
    orders_cell(4, True, "warning", at(4), "is a true/false value"),
    orders_cell(4, -25.0, "warning", at(4), "-25.0 is negative"),
    orders_cell(4, "-25,5", "warning", at(4), "'-25,5' is negative"),
    orders_cell(5, "15,5", "accepted"),
    orders_cell(5, 40.0, "warning", at(5), "40.0 is more than the net revenue (25)"),
    Case("spend typed as 75,00", cells("marketing", {(9, 3): "75,00"}), "accepted", check=revenue_is(245.0)),
    Case("sessions typed as '4 000'", cells("traffic", {(7, 3): "4 000"}), "accepted"),
    Case("sessions 1,000 (ambiguous)", cells("traffic", {(7, 3): "1,000"}), "warning",
         ("sheet 'Trafic', row 7, column 'Sessions'", AMBIGUOUS)),
    # dates: refused only when impossible; an old history is said once
    orders_cell(1, dt.datetime(2099, 1, 1), "warning", at(1), "is in the future"),
    orders_cell(1, "1024-03-01", "warning", at(1), "is before 1900, which no order can be"),
    orders_cell(1, "31/02/2025", "warning", at(1), "is not a date"),
    orders_cell(1, None, "warning", at(1), "is empty: every order needs a date"),
    orders_cell(1, dt.datetime(1999, 3, 1), "warning", "sheet 'Commandes', column 'Date'",
                "is before 2000 in 1 orders (the first in row 13)", name="one order in 1999"),
    Case("a whole history in the 1990s", history(-30), "warning",
         ("sheet 'Commandes', column 'Date'", "is before 2000 in 12 orders (the first in row 5)"),
         check=lines_with("before 2000", 1)),  # once, not per row; the 12 paid orders of 14 (one refunded, one
    # cancelled)
    # Excel's error values and formulas without a saved value: never read as empty
    orders_cell(4, Formula("1/0", "#DIV/0!"), "warning", at(4), "'#DIV/0!' is an Excel error"),
    orders_cell(3, Formula("VLOOKUP(1,A1:A2,2,0)", "#N/A"), "warning", at(3), "'#N/A' is an Excel error"),
    orders_cell(5, Formula("D13*0.6"), "warning", at(5), "formula without a saved value",
                "saved without calculation"),
    Case("a formula without a saved value in a table read cell by cell (a text elsewhere in it)",
         cells("orders", {(REVENUE_ROW - 1, 4): "abc", (REVENUE_ROW, 5): Formula("D13*0.6")}), "warning",
         (at(5), "holds a formula without a saved value")),
    Case("#VALUE! in the sessions", cells("traffic", {(6, 3): Formula("A1+1", "#VALUE!")}), "warning",
         ("sheet 'Trafic', row 6, column 'Sessions'", "'#VALUE!' is an Excel error")),
    Case("#REF! in a spend", cells("marketing", {(5, 3): Formula("#REF!", "#REF!")}), "warning",
         ("sheet 'Marketing', row 5, column 'Dépenses'", "'#REF!' is an Excel error")),
    # rows typed just below a table: listed with their row numbers
    Case("two orders typed below the table", typed_below("orders", {(19, 1): "2025-03-31", (19, 4): 10,
                                                                    (20, 1): "2025-03-31", (20, 4): 12}),
         "warning", ("sheet 'Commandes', row 19", "below the table tblOrders", "row(s) 19-20")),
    Case("a traffic month below its table, after a gap", typed_below("traffic", {(10, 1): "2025-04-01"}),
         "warning", ("sheet 'Trafic', row 10", "below the table tblTraffic", "row(s) 10")),
    Case("a formatted but empty row below the table", styled_below("orders", 25), "accepted"),
    Case("a note beside the table, not below it", typed_below("orders", {(30, 12): "note"}), "accepted"),
    # the Settings: each cell named as the user sees it, in the workbook's language
    Case("window 'abc' (FR)", setting("kpi_inactivity_days", "abc"), "message",
         ("Paramètres!C8 : la fenêtre d'inactivité est 'abc'", "nombre entier de jours")),
    Case("window 'abc' (EN)", setting("kpi_inactivity_days", "abc"), "message",
         ("Settings!C8: the inactivity window is 'abc'", "whole number of days"), lang="en"),
    Case("window 0", setting("kpi_inactivity_days", 0), "message", ("Paramètres!C8", "est 0 :")),
    Case("window 12.5", setting("kpi_inactivity_days", 12.5), "message", ("Paramètres!C8", "12.5")),
    Case("window 1e20", setting("kpi_inactivity_days", 1e20), "message", ("Paramètres!C8", "de 1 à 3650")),
    Case("window as a formula without a saved value", setting("kpi_inactivity_days", Formula("30*2")), "message",
         ("Paramètres!C8 : la fenêtre d'inactivité est '(formule sans valeur enregistrée",)),
    Case("reporting month '2025-06-301'", setting("kpi_reporting_month", "2025-06-301"), "message",
         ("Paramètres!C6 : le mois de référence est '2025-06-301'",)),
    Case("window #DIV/0!", setting("kpi_inactivity_days", Formula("1/0", "#DIV/0!")), "message",
         ("Paramètres!C8 : la fenêtre d'inactivité est '#DIV/0!'",)),
    Case("default cost #N/A", setting("kpi_default_cogs_rate", Formula("NA()", "#N/A")), "message",
         ("Paramètres!C11 : le coût des marchandises par défaut est '#N/A'",)),
    Case("window '90' typed as text", setting("kpi_inactivity_days", "90"), "accepted"),
    Case("window 20 days", setting("kpi_inactivity_days", 20), "warning",
         ("sheet 'Paramètres', row 8, column 'C'", "the inactivity window is 20 days")),
    Case("reporting month 'juin'", setting("kpi_reporting_month", "juin"), "message",
         ("Paramètres!C6 : le mois de référence est 'juin'",)),
    Case("reporting month TRUE", setting("kpi_reporting_month", True), "message",
         ("Paramètres!C6 : le mois de référence est True",)),
    Case("reporting month '2025-02' as text", setting("kpi_reporting_month", "2025-02"), "accepted",
         check=shown_month(2025, 2)),
    Case("reporting month outside the data", setting("kpi_reporting_month", dt.datetime(2024, 6, 1)), "warning",
         ("sheet 'Paramètres', row 6, column 'C': '2024-06' is outside the data (2025-01 to 2025-03)",),
         check=shown_month(2025, 3)),
    Case("language 'DE'", setting("kpi_language", "DE"), "message", ("Paramètres!C7 : la langue est 'DE'",)),
    Case("language 'en' in lower case", setting("kpi_language", "en"), "accepted"),
    Case("currency 'euros'", setting("kpi_currency", "euros"), "message",
         ("Paramètres!C5 : la devise est 'euros'", "trois lettres")),
    Case("currency 'usd'", setting("kpi_currency", "usd"), "accepted"),
    Case("orders complete since 'hier' (EN)", setting("kpi_history_start", "hier"), "message",
         ("Settings!C9: 'orders complete since' is 'hier'",), lang="en"),
    Case("shop opened 'bientôt'", setting("kpi_opened", "bientôt"), "message",
         ("Paramètres!C10 : « ouverture de la boutique » est 'bientôt'", "AAAA-MM-JJ")),
    # the gallery's first order is on 2025-01-02: the opening that day, typed as text, flags nothing
    Case("shop opened '2025-01-02' typed as text", setting("kpi_opened", "2025-01-02"), "accepted"),
    Case("default cost 150 %", setting("kpi_default_cogs_rate", 1.5), "message", ("Paramètres!C11", "1.5")),
    Case("default cost '40 %' as text", both(setting("kpi_default_cogs_rate", "40 %"),
                                              cells("orders", {(REVENUE_ROW, 5): None})), "warning",
         ("the default rate of 40% of net revenue",)),
    Case("two settings wrong at once", both(setting("kpi_currency", "€€"), setting("kpi_inactivity_days", -3)),
         "message", ("2 valeur(s) à corriger", "Paramètres!C5", "Paramètres!C8")),
    Case("a settings error through `kpis`", setting("kpi_inactivity_days", "abc"), "message",
         ("Settings!C8",), command="kpis", lang="en"),
    # the targets table: every value checked; a bad one costs its tile's colour only
    Case("target typed as text", target("customer_acquisition_cost", 1, "beaucoup"), "warning",
         (f"sheet 'Paramètres', row {target_row('customer_acquisition_cost')}, column 'Objectif'",
          "'beaucoup' is not a number")),
    Case("target '35,5' as text", target("customer_acquisition_cost", 1, "35,5"), "accepted"),
    Case("target #N/A", target("gross_margin", 1, Formula("NA()", "#N/A")), "warning",
         (f"sheet 'Paramètres', row {target_row('gross_margin')}, column 'Objectif'", "'#N/A' is not a number")),
    Case("tolerance typed as text", target("customer_acquisition_cost", 3, "x"), "warning",
         (f"row {target_row('customer_acquisition_cost')}, column 'Tolérance orange (même unité)'",
          "'x' is not a tolerance")),
    Case("negative tolerance", target("gross_margin", 3, -0.01), "warning",
         (f"row {target_row('gross_margin')}", "-0.01 is not a tolerance")),
    Case("direction 'up'", target("churn_rate", 2, "up"), "warning",
         (f"row {target_row('churn_rate')}, column 'Sens'", "'up' is not a direction")),
    Case("a tolerance in the English workbook", target("churn_rate", 3, "n/a"), "warning",
         ("sheet 'Settings'", "column 'Amber tolerance (same unit)'", "'n/a' is not a tolerance"), lang="en"),
    # the custom KPIs: a bad one is a problem for that KPI only
    Case("two custom KPIs with one name", custom(("Panier", "revenue / orders", "monnaie"),
                                                 ("panier ", "revenue / orders * 2", "monnaie")), "warning",
         ("sheet 'Mes indicateurs', row 6, column 'Nom'", "the name is used by row 5 already")),
    Case("a custom formula with an unknown name", custom(("Taux", "revenue / visits", "ratio"),), "warning",
         ("sheet 'Mes indicateurs', row 5, column 'Formule'", "visits")),
    Case("a custom formula that overflows", custom(("Énorme", "revenue * 1e300 * 1e300", "nombre"),), "warning",
         ("row 5", "gives a number too large to show")),
    Case("a custom target typed as text", custom(("Panier", "revenue / orders", "monnaie", "cinquante"),),
         "warning", ("sheet 'Mes indicateurs', row 5, column 'Objectif'", "'cinquante' is not a number")),
    Case("a custom target '50,5' as text", custom(("Panier", "revenue / orders", "monnaie", "50,5"),), "accepted"),
    Case("a custom KPI without a formula", custom(("Vide", None, "ratio"),), "warning",
         ("row 5", "a custom KPI needs a name and a formula")),
    # other rows
    orders_cell(2, "#1001", "warning", at(2), "repeats the order number of row 5"),
    orders_cell(7, "expédiée", "warning", at(7), "is not a known status"),
    orders_cell(3, None, "warning", at(3), "every order needs a customer id"),
    Case("purchases above sessions", cells("traffic", {(7, 4): 500}), "warning",
         ("sheet 'Trafic', row 7, column 'Achats'", "is more than sessions")),
    Case("social visits above sessions", cells("social", {(7, 9): 450}), "warning",
         ("sheet 'Réseaux sociaux'", "is more than the Sessions of sheet Trafic (400) in 2025-03")),
    Case("a month without traffic", cells("traffic", {(6, c): None for c in range(1, 7)}), "warning",
         ("sheet 'Trafic', column 'Mois'", "'2025-02' has orders but no row in this sheet")),
    # the structure of the workbook
    Case("an empty orders table", orders_emptied, "message", ("sheet 'Commandes': the orders table is empty",)),
    Case("a renamed column", cells("orders", {(4, 4): "Chiffre"}), "message",
         ("sheet 'Commandes', table tblOrders: no column 'CA net' (Net revenue)",)),
    Case("a deleted table", zip_edit(lambda name, data: name.startswith("xl/tables/")
                                     and b'displayName="tblTraffic"' in data,
                                     lambda data: data.replace(b'displayName="tblTraffic"', b'displayName="T1"')),
         "message", ("has no table 'tblTraffic'",)),
    Case("a deleted defined name", zip_edit(lambda name, data: name == "xl/workbook.xml",
                                            lambda data: data.replace(b'name="kpi_currency"', b'name="kpi_x"')),
         "message", ("has no defined name 'kpi_currency'",)),
    # damaged files (made by test_file_safety's helper)
    *[Case(f"file: {kind}", file_fault(kind), "message", ("shop.xlsm",))
      for kind in ("truncated", "not a zip", "no workbook part", "malformed XML", "bad table area", "CRC error")],
    Case("file: a DTD with an entity", zip_edit(lambda name, data: name == "xl/workbook.xml",
                                                lambda data: b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + data),
         "message", ("declares a DTD or entities", "refused")),
    Case("file: a folder named .xlsm", file_fault("a folder"), "message", ("it is a folder",)),
    # writing: refused with a message, the file untouched
    Case("open in Excel", excel_owner, "message", ("is open in Excel",)),
    Case("read-only", read_only, "message", ("is read-only",)),
    Case("being saved by another kpi-xl", held_lock, "message", ("is being saved by another kpi-xl command",)),
    Case("--out into a missing folder", lambda path, lang: None, "message", ("does not exist",),
         command="refresh_out"),
    # imports of bad files: refused by name, the workbook untouched
    Case("import: a NUL byte in a field", csv_file(Path(EXPORT).read_bytes().replace(b"ann@example.com",
                                                                                      b"ann@exa\x00mple.com", 1)),
         "message", ("export.csv, line 2: holds the control character '\\x00'",), command="import"),
    Case("import: 'count only paid orders' is 'peut-être'", both(setting("kpi_paid_only", "peut-être"),
                                                                 csv_file(Path(EXPORT).read_bytes())),
         "message", ("Paramètres!C13 : « compter seulement les commandes payées » est 'peut-être'",),
         command="import"),
    Case("import: an empty file", csv_file(b""), "message", ("export.csv",), command="import"),
    Case("import: a binary file", csv_file(bytes(range(256)) * 4), "message", ("export.csv",), command="import"),
]


def input_parts(path: Path, lang: str) -> dict[str, bytes]:
    """The zip members a refresh must never change: input sheets, Settings, tables, VBA and ribbon."""
    package = Package(path)
    names = {package.sheets[sheet_title(key, lang)] for key in INPUT_SHEETS}
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()
                if name in names or name.startswith(("xl/tables/", "customUI/")) or name == "xl/vbaProject.bin"}


def run(case: Case, path: Path, capsys) -> tuple[int, str, str]:
    args = {"refresh": ["refresh", str(path)], "kpis": ["kpis", str(path)],
            "refresh_out": ["refresh", str(path), "--out", str(path.parent / "missing" / "out.xlsm")],
            "import": ["import", "auto", str(path.with_name("export.csv")), str(path)]}[case.command]
    code = kpi_xl(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_bad_input_ends_as_stated(case, shops, tmp_path, capsys):
    path = tmp_path / "shop.xlsm"
    shutil.copy(shops[case.lang], path)
    case.setup(path, case.lang)
    capsys.readouterr()
    before = path.read_bytes() if path.is_file() and os.access(path, os.R_OK) else None
    parts = None if case.name.startswith("file:") else input_parts(path, case.lang)
    try:
        code, out, err = run(case, path, capsys)
    finally:
        if path.exists():
            path.chmod(0o644)
    assert "Traceback" not in out + err
    if case.expect == "message":
        assert code == 2 and err.startswith("kpi-xl: "), (code, out, err)
        assert all(word in err for word in case.words), err
        if before is not None:
            assert path.read_bytes() == before  # nothing written
    else:
        assert code == 0, (out, err)
        problems = [line for line in out.splitlines() if line.startswith("  ")]
        if case.expect == "warning":
            assert any(all(word in line for word in case.words) for line in problems), out
            if case.lang == "fr" and case.command == "refresh":
                assert_checks_in_french(path)
        else:
            assert " 0 problem(s)" in out and not problems, out
    if parts is not None and path.is_file():
        assert input_parts(path, case.lang) == parts  # what the user typed is byte for byte as it was
    if case.check is not None:
        case.check(path, out)


def assert_checks_in_french(path: Path) -> None:
    """The dashboard's check rows of a French workbook say what is wrong in French (kpi_xl.problem_text).

    A custom KPI's formula error (it starts with the KPI's name in brackets) keeps the parser's English.
    """
    column = [key for key, *_ in CHECK_COLUMNS].index("problem")
    rows = [row for row in area(path, NAMES["checks"])[1:] if row[column]]
    assert rows
    for row in rows:
        shown = str(row[column])
        assert shown.startswith("(") or not ENGLISH.match(shown), row


def test_the_gallery_has_sixty_cases_and_every_outcome():
    assert len(CASES) >= 60 and len({c.name for c in CASES}) == len(CASES)
    assert {c.expect for c in CASES} == {"message", "warning", "accepted"}


# ---- the live workbook (xlwings' remote engine: the ribbon's Refresh) and two real processes


def checks_rows(actions) -> list[str]:
    """Each row of values written by the actions, joined: the dashboard's data checks are among them."""
    return [" | ".join(str(v) for v in row) for a in actions if a["func"] == "setValues" for row in a["values"]]


@pytest.mark.parametrize("setup, words", [
    (typed_below("orders", {(19, 1): "2025-03-31", (19, 4): 10}), ("Commandes | 19 |", "sous le tableau tblOrders")),
    (cells("orders", {(REVENUE_ROW, 4): "#DIV/0!"}), ("Commandes | 13 | CA net | #DIV/0! | est une erreur Excel",)),
    (setting("kpi_default_cogs_rate", "abc"), None),
], ids=["rows below the table", "an error cell", "a settings error"])
def test_the_ribbon_refresh_says_the_same(shops, tmp_path, setup, words):
    """Through the real xlwings Book API: the same problems on the dashboard; only the dashboard is written."""
    path = tmp_path / "shop.xlsm"
    shutil.copy(shops["fr"], path)
    setup(path, "fr")
    if words is None:  # a fatal error: the ribbon shows it, nothing is written
        with pytest.raises(AssertionError, match=r"Paramètres!C11 : le coût des marchandises par défaut est 'abc'"):
            remote_refresh_actions(path)
        return
    actions = remote_refresh_actions(path)
    dashboard = list(Package(path).sheets).index(sheet_title("dashboard", "fr"))
    assert {a["sheet_position"] for a in actions} == {dashboard}
    assert any(all(word in row for word in words) for row in checks_rows(actions)), checks_rows(actions)[-40:]


def test_two_refreshes_at_once_lose_nothing(shops, tmp_path):
    """Two real processes refresh one workbook: each finishes or is refused with a message, the inputs are
    unchanged and the file is a sound workbook with its dashboard filled."""
    path = tmp_path / "shop.xlsm"
    shutil.copy(shops["fr"], path)
    parts = input_parts(path, "fr")
    runs = [subprocess.Popen(kpi_xl_command("refresh", str(path)), env=checkout_env(), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [run.communicate(timeout=300) for run in runs]
    codes = [run.returncode for run in runs]
    assert 0 in codes and set(codes) <= {0, 2}, results
    for code, (_out, err) in zip(codes, results, strict=True):
        assert code == 0 or "changed since kpi-xl read it" in err or "being saved by another" in err, err
    assert input_parts(path, "fr") == parts
    assert cell(path, tile_name("revenue"), TILE_CELLS["value"]).value == pytest.approx(245.0)
    assert not list(tmp_path.glob(".kpi-xl-*")) and not list(tmp_path.glob(".~lock*"))


def test_the_formulas_take_a_1990s_history_and_refuse_only_impossible_dates():
    """KPI_COHORTS on three orders of 1995 (hand count: the January cohort, a and b, keeps a in February: 1/2),
    and an order dated 1899, which no order can be."""
    from kpi_xl.excel.udfs import KPI_COHORTS

    dates, customers = [["1995-01-10"], ["1995-02-05"], ["1995-01-20"]], [["a"], ["a"], ["b"]]
    assert KPI_COHORTS(dates, customers)[1] == ["1995-01", 1.0, 0.5]
    refused = KPI_COHORTS([["1899-12-31"], ["1995-01-20"]], [["a"], ["b"]])
    assert "order_dates: cell 1 of 2" in refused and "is before 1900" in refused


@pytest.mark.parametrize("value, paid_only", [("oui", True), ("Yes ", True), ("non", False), ("NO", False),
                                              (None, False), (True, True), (0, False)])
def test_count_only_paid_orders_reads_yes_and_no_in_either_language(shops, tmp_path, value, paid_only):
    from kpi_xl.excel.settings import yes_no

    path = tmp_path / "shop.xlsm"
    shutil.copy(shops["fr"], path)
    setting("kpi_paid_only", value)(path, "fr")
    assert yes_no(FileBook(path), "kpi_paid_only", "paid_only", "fr") is paid_only
