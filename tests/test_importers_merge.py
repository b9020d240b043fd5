"""Imports never lose or overwrite data, prove their totals, and say what they did once (issue 11)."""

import datetime as dt
import subprocess
import zipfile
from pathlib import Path

import pytest

from kpi_xl.cli import main
from kpi_xl.errors import KpiInputError
from kpi_xl.excel.refresh import FileBook
from kpi_xl.importers import import_file

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
ROOT = Path(__file__).resolve().parent.parent
OLD_TEMPLATE = "cde0827"  # the last commit whose template had neither the Source column nor the import log
ADS_HEADER = "Campaign,Clicks,Impr.,CTR,Currency code,Avg. CPC,Cost"


def table_rows(path, table):
    """The filled rows of a table, header first, as the workbook holds them."""
    _sheet, _row, values = FileBook(path).table_values(table)
    header, *rows = [list(r) for r in values]
    return header, [r for r in rows if any(v not in (None, "") for v in r)]


def column(path, table, label):
    header, rows = table_rows(path, table)
    return [r[header.index(label)] for r in rows]


def ads_file(path, period, campaigns, total=None):
    """A Google Ads campaign report of ``period`` (its date-range line); campaigns are (name, clicks, impr, cost)."""
    lines = ["Campaign report", f'"{period}"', ADS_HEADER]
    lines += [f"{name},{clicks},{impr},1%,EUR,0.5,{cost}" for name, clicks, impr, cost in campaigns]
    if total:
        lines.append(f"Total: Account,{total[0]},{total[1]},1%,EUR,0.5,{total[2]}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def parts(path):
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_orders_are_keyed_by_platform_and_order_number(empty_book, tmp_path):
    shop = tmp_path / "shop.csv"
    shop.write_text("Name,Email,Financial Status,Currency,Subtotal,Created at,Lineitem quantity,Lineitem price\n"
                    "#1001,ann@example.com,paid,EUR,50.00,2025-11-02 10:00:00 +0100,1,50.00\n", encoding="utf-8")
    woo = tmp_path / "woo.csv"
    woo.write_text("Date,Order #,N. Revenue (formatted),Status,Customer,Customer type,Product(s),Items sold,"
                   "Coupon(s),Net Sales,Attribution\n2025-11-03 10:00:00,1001,€45.00,completed,Bob Durand,new,"
                   "1× Lampe,1,,45.00,\n", encoding="utf-8")
    import_file("auto", shop, empty_book)
    report = import_file("auto", woo, empty_book)
    # WooCommerce's 1001 is written #1001 like Shopify's, and is another order: appended, not merged
    assert (report.imported, report.merged) == (1, 0)
    assert column(empty_book, "tblOrders", "N° de commande") == ["#1001", "#1001"]
    assert column(empty_book, "tblOrders", "Source") == ["shopify", "woocommerce"]
    assert column(empty_book, "tblOrders", "CA net") == [50.0, 45.0]
    # the import log names each file and what it brought
    assert column(empty_book, "tblImports", "Fichier") == ["shop.csv", "woo.csv"]
    assert column(empty_book, "tblImports", "Chiffres importés") == ["orders=1; net_revenue=50", "orders=1; net_revenue=45"]


def test_partial_months_add_up_by_date_range(empty_book, tmp_path):
    first = ads_file(tmp_path / "first.csv", "December 1, 2025 - December 15, 2025", [("Noël", 100, 2000, 100.10)])
    second = ads_file(tmp_path / "second.csv", "December 16, 2025 - December 31, 2025", [("Noël", 50, 1000, 200.20)])
    import_file("auto", first, empty_book)
    import_file("auto", second, empty_book)
    # hand: 100.10 + 200.20 = 300.30 spend, 150 clicks, 3000 impressions for December
    assert column(empty_book, "tblMarketing", "Dépenses") == [300.3]
    assert column(empty_book, "tblMarketing", "Clics") == [150]
    assert column(empty_book, "tblImports", "Du") == [dt.date(2025, 12, 1), dt.date(2025, 12, 16)]
    # the same days again, corrected, replace what those days brought: 110.10 + 200.20
    ads_file(first, "December 1, 2025 - December 15, 2025", [("Noël", 100, 2000, 110.10)])
    report = import_file("auto", first, empty_book)
    assert (report.imported, report.merged) == (0, 1)
    assert column(empty_book, "tblMarketing", "Dépenses") == [310.3] and len(column(empty_book, "tblImports", "Du")) == 2


def test_an_overlapping_range_is_refused_naming_both(empty_book, tmp_path):
    import_file("auto", ads_file(tmp_path / "a.csv", "December 1, 2025 - December 15, 2025",
                                 [("Noël", 100, 2000, 100.10)]), empty_book)
    before = empty_book.read_bytes()
    overlapping = ads_file(tmp_path / "b.csv", "December 10, 2025 - December 20, 2025", [("Noël", 1, 1, 1)])
    with pytest.raises(KpiInputError, match=r"b.csv covers 2025-12-10 to 2025-12-20, which overlaps 2025-12-01 to "
                                            r"2025-12-15 imported earlier from a.csv"):
        import_file("auto", overlapping, empty_book)
    assert empty_book.read_bytes() == before


def test_values_typed_by_hand_are_kept(empty_book, tmp_path):
    first = ads_file(tmp_path / "first.csv", "December 1, 2025 - December 15, 2025", [("Noël", 100, 2000, 100.10)])
    import_file("auto", first, empty_book)
    typed = FileBook(empty_book)
    header, _rows = table_rows(empty_book, "tblMarketing")
    typed.write_table_cells("tblMarketing", {(1, header.index("Dépenses")): 999.0}, last_offset=1)
    typed.save()
    report = import_file("auto", ads_file(tmp_path / "second.csv", "December 16, 2025 - December 31, 2025",
                                          [("Noël", 50, 1000, 200.20)]), empty_book)
    assert column(empty_book, "tblMarketing", "Dépenses") == [999.0]  # the hand-typed spend stays
    assert column(empty_book, "tblMarketing", "Clics") == [150]  # the imported clicks add up
    assert report.kept == ["2025-12 spend: kept 999 typed by hand (the export brings 200.2)"]

    orders = FIXTURES / "shopify_blank_emails.csv"
    import_file("auto", orders, empty_book)
    header, _rows = table_rows(empty_book, "tblOrders")
    typed = FileBook(empty_book)
    typed.write_table_cells("tblOrders", {(1, header.index("Coût des marchandises")): 12.0}, last_offset=4)
    typed.save()
    changed = tmp_path / "changed.csv"
    changed.write_text(orders.read_text(encoding="utf-8").replace("#3001,ann@example.com,paid",
                                                                  "#3001,ann@example.com,refunded"), encoding="utf-8")
    report = import_file("auto", changed, empty_book)
    assert report.merged == 1
    assert column(empty_book, "tblOrders", "Coût des marchandises")[0] == 12.0  # the cost typed by hand stays
    assert column(empty_book, "tblOrders", "Statut")[0] == "remboursée"  # the export's own column is updated


def test_nothing_imported_exits_non_zero_with_grouped_messages(empty_book, tmp_path, capsys):
    payments = tmp_path / "payments.csv"
    rows = "".join(f"ch_{n},2025-10-0{n} 09:00,10.00,0.00,eur,Failed,cus_{n}\n" for n in range(1, 8))
    payments.write_text("id,Created date (UTC),Amount,Amount Refunded,Currency,Status,Customer ID\n" + rows,
                        encoding="utf-8")
    before = empty_book.read_bytes()
    assert main(["import", "auto", str(payments), str(empty_book)]) == 1
    out = capsys.readouterr().out
    # seven rows, one reason: one line with the count and the first five lines; the file named once
    assert "left out, 7 rows: column 'Status': 'Failed' is not a payment received: left out (lines 2, 3, 4, 5, 6 " \
           "and 2 more)" in out
    assert out.count("payments.csv") == 1 and "nothing imported" in out
    assert empty_book.read_bytes() == before


def test_a_refused_meta_file_says_so_once_and_exits_non_zero(empty_book, capsys):
    assert main(["import", "auto", str(FIXTURES / "meta_several_months.csv"), str(empty_book)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "3 rows span several months" in err


def test_reconciliation_line_and_mismatch_warning(empty_book, tmp_path, capsys):
    ok = ads_file(tmp_path / "ok.csv", "November 1, 2025 - November 30, 2025",
                  [("Noël", 100, 2000, 100.00), ("Marque", 50, 500, 50.00)], total=(150, 2500, 150.00))
    assert main(["import", "auto", str(ok), str(empty_book)]) == 0
    out = capsys.readouterr().out
    # hand: 100 + 50 = 150 spend, equal to the Total: Account row
    assert "reconciliation: spend: 150 imported = 150 in the export's total row" in out and "WARNING" not in out
    meta = tmp_path / "meta.csv"
    meta.write_text("Reporting starts,Reporting ends,Campaign name,Amount spent (EUR),Impressions,Link clicks\n"
                    "2025-12-01,2025-12-31,,900.00,26000,600\n"
                    "2025-12-01,2025-12-31,Noël,500.25,13500,310\n"
                    "2025-12-01,2025-12-31,Retargeting,300.25,10500,200\n", encoding="utf-8")
    assert main(["import", "auto", str(meta), str(empty_book)]) == 0
    out = capsys.readouterr().out
    # hand: 500.25 + 300.25 = 800.50 spend and 310 + 200 = 510 clicks imported, against the summary row's
    # 900 and 600 (a campaign the export's rows do not show): both figures are said, the rows are imported
    assert "WARNING: spend: 800.50 imported but the export says 900 in its total row" in out
    assert "WARNING: clicks: 510 imported but the export says 600 in its total row" in out
    assert column(empty_book, "tblMarketing", "Dépenses")[-1] == pytest.approx(800.5)


def test_google_ads_rows_short_of_the_account_total_are_refused(empty_book, tmp_path, capsys):
    before = parts(empty_book)
    short = ads_file(tmp_path / "short.csv", "December 1, 2025 - December 31, 2025",
                     [("Noël", 100, 2000, 100.00), ("Marque", 50, 500, 50.00)], total=(180, 3100, 205.50))
    assert main(["import", "auto", str(short), str(empty_book)]) == 2  # a refused input
    err = capsys.readouterr().err
    # hand: 100 + 50 = 150 in the rows against 205.50 in Total: Account (a filtered or Performance Max gap)
    assert "campaign rows add up to 150.00 of spend but its 'Total: Account' row says 205.50" in err
    assert "remove the filters" in err and "nothing was imported" in err
    assert parts(empty_book) == before  # the workbook is untouched


def test_customers_identities_are_said(empty_book, capsys):
    assert main(["import", "auto", str(FIXTURES / "shopify_blank_emails.csv"), str(empty_book)]) == 0
    out = capsys.readouterr().out
    assert "customers identified by e-mail: 1, phone: 1, billing name: 1, unknown: 1" in out
    assert "reconciliation: orders: 4 imported (4 counted as sales), 0 left out, of 4 in the file" in out


def test_a_workbook_built_before_the_import_log_still_imports_once(tmp_path):
    """main's template before issue 11: no Source column, no import log sheet."""
    old = tmp_path / "old.xlsm"
    old.write_bytes(subprocess.run(["git", "show", f"{OLD_TEMPLATE}:workbook_template.xlsm"], cwd=ROOT,
                                   capture_output=True, check=True).stdout)
    first = import_file("auto", FIXTURES / "shopify_blank_emails.csv", old)
    again = import_file("auto", FIXTURES / "shopify_blank_emails.csv", old)
    assert (first.imported, again.imported, again.unchanged) == (4, 0, 4)  # keyed by number alone there
    assert any("no 'Journal des imports' sheet" in note for note in first.notes)
