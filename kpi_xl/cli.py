"""The ``kpi-xl`` command line.

``kpi-xl demo`` computes every KPI of the built-in sample shop with the core
and prints the reporting month against the month before and a 12-month trend
(``--json`` prints every KPI of every month instead).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from . import __version__
from .errors import KpiInputError
from .labels import DASHBOARD_KPIS, KPI_LABELS, LANGUAGES, format_value, text
from .layout import CHANGE_UNITS, change_value

if TYPE_CHECKING:  # pandas and the rest load only in the command that needs them: `--version` stays light
    import pandas as pd

__all__ = ["main"]

TREND_KPIS = ["revenue", "conversion_rate", "customer_acquisition_cost", "lifetime_value", "churn_rate",
              "click_through_rate", "engagement_rate"]
_HEAD = {
    "fr": {"kpi": "Indicateur", "change": "Évolution", "trend": "Tendance sur 12 mois", "month": "Mois",
           "orders": "commandes", "customers": "clients", "reporting": "mois de référence",
           "sample": "boutique exemple", "from": "commandes du", "to": "au", "workbook": "Classeur"},
    "en": {"kpi": "KPI", "change": "Change", "trend": "12-month trend", "month": "Month",
           "orders": "orders", "customers": "customers", "reporting": "reporting month",
           "sample": "sample shop", "from": "orders from", "to": "to", "workbook": "Workbook"},
}



class _Layouts:
    """The import command's layouts, looked up only when it is used: the importers load pandas, and
    ``kpi-xl --version`` or ``--help`` should not (start-up time)."""

    @staticmethod
    def _names() -> list[str]:
        from .importers import LAYOUTS

        return ["auto", *LAYOUTS]

    def __contains__(self, name: object) -> bool:
        return name in self._names()

    def __iter__(self):
        return iter(self._names())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpi-xl", description="E-commerce KPIs for Excel and the command line.")
    parser.add_argument("--version", action="version", version=f"kpi-xl {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser("demo", help="build a workbook of the sample shop, refresh it, print its KPIs",
                               description="Copy the template, fill it with the built-in sample shop, refresh its "
                                           "dashboard and print a summary of the KPIs.")
    demo.add_argument("out", nargs="?", default="kpi_xl_demo.xlsm", help="the workbook to write "
                      "(default: kpi_xl_demo.xlsm)")
    demo.add_argument("--lang", choices=LANGUAGES, default="fr", help="language of the labels (default: fr)")
    demo.add_argument("--month", help="reporting month as YYYY-MM (default: the latest month)")
    demo.add_argument("--json", action="store_true", help="print every KPI of every month as JSON")
    demo.set_defaults(run=_demo)

    refresh = commands.add_parser("refresh", help="refresh a workbook's dashboard without Excel",
                                  description="Read the input sheets, check them, compute every KPI and fill the "
                                              "dashboard. The input sheets are not changed; the file is replaced "
                                              "only after a successful save.")
    refresh.add_argument("book", help="the workbook (.xlsm)")
    refresh.add_argument("--out", help="write the refreshed workbook here instead of over BOOK")
    refresh.set_defaults(run=_refresh)

    kpis = commands.add_parser("kpis", help="print every KPI of every month of a workbook",
                               description="Compute every KPI of every month from a workbook's inputs.")
    kpis.add_argument("book", help="the workbook (.xlsm)")
    kpis.add_argument("--json", action="store_true", help="print JSON: the numbers the dashboard shows")
    kpis.set_defaults(run=_kpis)

    imports = commands.add_parser("import", help="add an export's rows (Shopify, WooCommerce, Stripe, GA4, ads) to a "
                                                 "workbook", description="Merge an export into the right input "
                                                 "sheet of a workbook: orders by order number, monthly rows by month "
                                                 "and channel. Importing the same file twice adds nothing.")
    imports.add_argument("source", choices=_Layouts(), metavar="source",
                         help="the export's layout (%(choices)s): auto finds it")
    imports.add_argument("file", help="the exported CSV file")
    imports.add_argument("book", help="the workbook (.xlsm)")
    order = imports.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="day_order", action="store_const", const="dmy",
                       help="dates like 03/04/2026 are 3 April (when the file cannot tell)")
    order.add_argument("--monthfirst", dest="day_order", action="store_const", const="mdy",
                       help="dates like 03/04/2026 are 4 March (when the file cannot tell)")
    imports.add_argument("--paid-only", action="store_true",
                         help="leave out orders not paid yet (cash on delivery), as the Settings' choice does")
    imports.set_defaults(run=_import)

    template = commands.add_parser("template", help="build the template workbook from source",
                                   description="Build workbook_template.xlsm (or, with --edition lite, "
                                               "workbook_template_lite.xlsx) from the sources in kpi_xl/template.")
    template.add_argument("out", nargs="?", default=None,
                          help="where to write it (default: workbook_template.xlsm, or workbook_template_lite.xlsx)")
    template.add_argument("--lang", choices=LANGUAGES, default="fr", help="language of the labels (default: fr)")
    template.add_argument("--edition", choices=("desktop", "lite"), default="desktop",
                          help="desktop (VBA, ribbon, classic xlwings; the default) or lite (xlwings Lite: no VBA, "
                               "buttons on the dashboard)")
    template.add_argument("--force", action="store_true",
                          help="replace OUT even if it holds data (by default a filled workbook is never replaced)")
    template.set_defaults(run=_template)

    doctor = commands.add_parser("doctor", help="check what this machine needs for the workbook",
                                 description="Check Python, xlwings and a workbook's xlwings.conf, and say what "
                                             "to fix.")
    doctor.add_argument("book", nargs="?", help="the workbook to check (optional)")
    doctor.set_defaults(run=_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 2 bad input)."""
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except KpiInputError as error:
        print(f"kpi-xl: {error}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _demo(args: argparse.Namespace) -> int:
    from .excel.books import FileBook, fill_sample
    from .excel.refresh import refresh_file
    from .sample import sample_shop
    from .template.build import build_template

    shop = sample_shop()
    wanted = _parse_month(args.month)
    if wanted is not None:  # checked before anything is written
        first, last = shop.orders["order_date"].min().to_period("M"), shop.as_of.to_period("M")
        if not first <= wanted <= last:
            raise KpiInputError(f"--month {wanted} is outside the data ({first} to {last})")
    out = build_template(args.out, lang=args.lang)
    book = FileBook(out)
    fill_sample(book, shop.tables(args.lang), args.lang)
    if wanted is not None:
        book.write("kpi_reporting_month", {(0, 0): wanted.start_time.to_pydatetime()})
    book.save()
    fill = refresh_file(out)
    table = fill.table
    if args.json:
        print(json.dumps(_as_json(table, shop.name, shop.currency), ensure_ascii=False, indent=1))
        return 0
    month = _reporting_month(table, wanted)
    lang, head = args.lang, _HEAD[args.lang]
    paid = shop.orders[shop.orders["status"] == "paid"]
    colon, semicolon = (" :", " ;") if lang == "fr" else (":", ";")  # French puts a space before : and ;
    print(f"{shop.name} ({head['sample']}, {shop.currency}){colon} {head['from']} {shop.opened.date()} "
          f"{head['to']} {shop.as_of.date()}")
    print(f"{format_value(len(paid), 'count', lang)} {head['orders']}, "
          f"{format_value(paid['customer_id'].nunique(), 'count', lang)} {head['customers']}{semicolon} "
          f"{head['reporting']}{colon} {month}\n")
    print(_tiles(table, month, lang, shop.currency))
    print(f"\n{head['trend']}\n")
    print(_trend(table, month, lang, shop.currency))
    print(f"\n{head['workbook']}{colon} {out}")
    return 0


def _refresh(args: argparse.Namespace) -> int:
    from .excel.refresh import refresh_file

    fill = refresh_file(args.book, out=args.out)
    target = args.out or args.book
    print(f"kpi-xl: refreshed {target}: reporting month {fill.month}, {fill.rows_read} rows read, "
          f"{fill.rows_skipped} left out, {len(fill.problems)} problem(s)")
    for problem in fill.problems[:20]:
        print(f"  {problem}")
    if len(fill.problems) > 20:
        print(f"  ... and {len(fill.problems) - 20} more (all on the dashboard's data checks, up to 30)")
    return 0


def _import(args: argparse.Namespace) -> int:
    from .importers import Options, import_file

    report = import_file(args.source, args.file, args.book, Options(args.day_order, args.paid_only))
    print("kpi-xl: " + "\n".join(report.lines()))
    if report.failed:
        print("  nothing imported: every row was left out (see above); the workbook was not changed")
        return 1
    if not (report.imported or report.merged):
        print("  nothing new: the workbook was not changed")
    return 0


def _kpis(args: argparse.Namespace) -> int:
    from .excel.refresh import read_kpis

    fill = read_kpis(args.book)
    if args.json:
        data = {"book": str(args.book), "reporting_month": str(fill.month),
                "problems": [str(p) for p in fill.problems], "months": fill.kpis()}
        print(json.dumps(data, ensure_ascii=False, indent=1, default=str))
        return 0
    print(_tiles(fill.table, fill.month, fill.language, fill.currency))
    return 0


def _never_over_data(out: Path, edition: str, force: bool) -> None:
    """Refuse a name whose extension Excel would refuse, and a workbook holding someone's data (unless forced)."""
    from .template.build import EDITION_NAMES

    wanted = Path(EDITION_NAMES[edition]).suffix
    if out.suffix.lower() != wanted:
        raise KpiInputError(f"{out.name}: the {edition} edition is a {wanted} workbook; Excel refuses a file whose "
                            f"extension does not match its content: name it {out.stem}{wanted}")
    if force or not out.exists():
        return
    from .excel.books import FileBook, filled_sheet
    from .schema import INPUT_TABLES

    try:
        book = FileBook(out)
        filled = [key for key, spec in INPUT_TABLES.items() if filled_sheet(book, spec.table) is not None]
    except KpiInputError:
        filled = ["?"]
    if filled:
        raise KpiInputError(f"{out} already exists and holds data (or is not an empty kpi_xl template): it is not "
                            "replaced. Give another file name, or add --force to replace it")


def _template(args: argparse.Namespace) -> int:
    from .template.build import EDITION_NAMES, build_template

    out = Path(args.out if args.out is not None else EDITION_NAMES[args.edition])
    _never_over_data(out, args.edition, args.force)
    path = build_template(out, lang=args.lang, edition=args.edition)
    print(f"kpi-xl: built {path} ({path.stat().st_size:,} bytes, labels in {args.lang.upper()}, "
          f"{args.edition} edition)")
    return 0


def _doctor(args: argparse.Namespace) -> int:
    from .doctor import run_checks

    checks = run_checks(args.book)
    for check in checks:
        print(check)
    failed = sum(check.level == "fail" for check in checks)
    print("\n" + ("Everything needed is in place." if not failed else f"{failed} problem(s) to fix, see above."))
    return 1 if failed else 0


def _parse_month(wanted: str | None) -> pd.Period | None:
    if wanted is None:
        return None
    try:
        import pandas as pd

        return pd.Period(wanted, freq="M")
    except (ValueError, TypeError):
        raise KpiInputError(f"--month is {wanted!r}, not a month (use YYYY-MM)") from None


def _reporting_month(table: pd.DataFrame, month: pd.Period | None) -> pd.Period:
    if month is None:
        return table.index[-1]
    if month not in table.index:
        raise KpiInputError(f"--month {month} is outside the data ({table.index[0]} to {table.index[-1]})")
    return month


def _shown(table: pd.DataFrame, month: pd.Period, key: str, lang: str, currency: str) -> str:
    from .report import CHURN_KPIS  # loaded already: the table comes from it

    value = table.at[month, key]
    if key in CHURN_KPIS and table.at[month, "churn_status"] != "final":
        return text(table.at[month, "churn_status"], lang)
    return format_value(value, KPI_LABELS[key].kind, lang, currency)


def _change(now: float, before: float, kind: str, lang: str) -> str:
    """The dashboard's change (see :func:`kpi_xl.layout.change_value`) as text."""
    change = change_value(float(now), float(before), kind)
    if change is None:
        return ""
    sign = "+" if change >= 0 else ""
    if kind == "percent":
        return f"{sign}{format_value(change, 'ratio', lang)} {CHANGE_UNITS[lang]}"
    return f"{sign}{format_value(change, 'percent', lang)}"


def _tiles(table: pd.DataFrame, month: pd.Period, lang: str, currency: str) -> str:
    previous = month - 1
    head = _HEAD[lang]
    rows = [(head["kpi"], str(month), str(previous), head["change"])]
    for key in DASHBOARD_KPIS:
        label = KPI_LABELS[key]
        before = _shown(table, previous, key, lang, currency) if previous in table.index else ""
        change = _change(table.at[month, key], table.at[previous, key], label.kind, lang) \
            if previous in table.index else ""
        rows.append((label.name(lang), _shown(table, month, key, lang, currency), before, change))
    return _columns(rows)


def _trend(table: pd.DataFrame, month: pd.Period, lang: str, currency: str) -> str:
    months = [m for m in table.index if month - 11 <= m <= month]
    rows = [(_HEAD[lang]["month"], *[KPI_LABELS[k].short_name(lang) for k in TREND_KPIS])]
    for m in months:
        rows.append((str(m), *[_shown(table, m, k, lang, currency) for k in TREND_KPIS]))
    return _columns(rows)


def _columns(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [cell.rjust(w) for cell, w in zip(row[1:], widths[1:], strict=True)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _as_json(table: pd.DataFrame, shop: str, currency: str) -> dict:
    def clean(value):
        if isinstance(value, float) and math.isnan(value):
            return None
        return value.item() if hasattr(value, "item") else value

    months = [{"month": str(month), **{key: clean(value) for key, value in row.items()}}
              for month, row in table.iterrows()]
    return {"shop": shop, "currency": currency, "months": months}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
