"""Imports of made-up files with the exact real headers (shared/reference/export_headers.md)."""

import csv
import datetime as dt
import math
import zipfile

import pytest

from kpi_xl.cli import main
from kpi_xl.errors import KpiInputError
from kpi_xl.excel.package import Package
from kpi_xl.excel.refresh import FileBook, refresh_file
from kpi_xl.importers import Options, import_file, parse

# Header lines copied from shared/reference/export_headers.md (public files' layouts).
SHOPIFY_2025 = ("Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,Currency,Subtotal,"
                "Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,Created at,Lineitem quantity,"
                "Lineitem name,Lineitem price,Lineitem compare at price,Lineitem sku,Lineitem requires shipping,"
                "Lineitem taxable,Lineitem fulfillment status,Billing Name,Billing Street,Billing Address1,"
                "Billing Address2,Billing Company,Billing City,Billing Zip,Billing Province,Billing Country,"
                "Billing Phone,Shipping Name,Shipping Street,Shipping Address1,Shipping Address2,Shipping Company,"
                "Shipping City,Shipping Zip,Shipping Province,Shipping Country,Shipping Phone,Notes,Note Attributes,"
                "Cancelled at,Payment Method,Payment Reference,Refunded Amount,Vendor,Outstanding Balance,Employee,"
                "Location,Device ID,Id,Tags,Risk Level,Source,Lineitem discount,Tax 1 Name,Tax 1 Value,Tax 2 Name,"
                "Tax 2 Value,Tax 3 Name,Tax 3 Value,Tax 4 Name,Tax 4 Value,Tax 5 Name,Tax 5 Value,Phone,"
                "Receipt Number,Duties,Billing Province Name,Shipping Province Name,Payment ID,Payment Terms Name,"
                "Next Payment Due At,Payment References").split(",")
SHOPIFY_2022 = SHOPIFY_2025[:-1]  # the 2022 layout lacks Payment References
STRIPE = ("id,Created date (UTC),Amount,Amount Refunded,Currency,Captured,Converted Amount,Converted Amount Refunded,"
          "Converted Currency,Description,Fee,Is Link,Mode,PaymentIntent ID,Payment Source Type,Refunded date (UTC),"
          "Statement Descriptor,Status,Seller Message,Taxes On Fee,Card ID,Card Name,Customer ID,Customer Description,"
          "Customer Email,Customer Phone").split(",")  # first 26 of Stripe's columns, in order
WOO = "Date,Order #,N. Revenue (formatted),Status,Customer,Customer type,Product(s),Items sold,Coupon(s),Net Sales,Attribution"
GA4_ACQUISITION = ("Session primary channel group (Default channel group),Date + hour (YYYYMMDDHH),Users,Sessions,"
                   "Engaged sessions,Average engagement time per session,Engaged sessions per user,Events per session,"
                   "Engagement rate,Event count")
META = ('Reporting starts,Reporting ends,Campaign name,Campaign delivery,Attribution setting,Results,Result indicator,'
        'Reach,Frequency,Cost per results,Amount spent (EUR),Impressions,"CPM (cost per 1,000 impressions) (EUR)",'
        'Link clicks,CPC (cost per link click) (EUR),CTR (link click-through rate),Clicks (all),CTR (all),'
        'CPC (all) (EUR),Landing page views,Cost per landing page view (EUR)')
GOOGLE_CAMPAIGNS = "Campaign,Clicks,Impr.,CTR,Currency code,Avg. CPC,Cost,Conversions"
#: A monthly row's covered days when the export covers the whole of December 2025.
DECEMBER = {"period_start": dt.date(2025, 12, 1), "period_end": dt.date(2025, 12, 31)}


def write_csv(path, header, rows, preamble=()):
    with open(path, "w", newline="", encoding="utf-8") as stream:
        for line in preamble:
            stream.write(line + "\n")
        writer = csv.writer(stream)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header] if isinstance(row, dict) else row)
    return path


def shopify_rows():
    """Four orders, one of two line items with a discount, a refunded, a cancelled and a partially refunded one."""
    def first(name, email, status, subtotal, created, qty, price, **more):
        return {"Name": name, "Email": email, "Financial Status": status, "Currency": "EUR", "Subtotal": subtotal,
                "Created at": created, "Lineitem quantity": qty, "Lineitem price": price, **more}
    return [
        first("#1001", "ann@example.com", "paid", "50.00", "2025-12-07 19:08:25 +0100", "2", "20.00",
              **{"Discount Amount": "5.00", "Notes": "Livrer\navant Noël"}),
        {"Name": "#1001", "Lineitem quantity": "1", "Lineitem price": "15.00"},  # second line item
        first("#1002", "bob@example.com", "refunded", "30.00", "2025-12-08 10:00:00 +0100", "1", "30.00",
              **{"Refunded Amount": "30.00"}),
        first("#1003", "ann@example.com", "paid", "40.00", "2025-12-20 23:30:00 -0500", "1", "40.00",
              **{"Cancelled at": "2025-12-21 08:00:00 -0500"}),
        first("#1004", "Cat@Example.com", "partially_refunded", "80.00", "2025-12-22 12:00:00 +0100", "2", "40.00",
              **{"Refunded Amount": "20.00"}),
        first("#1005", "", "paid", "10.00", "2025-12-23 12:00:00 +0100", "1", "10.00"),  # no customer: unknown
    ]


@pytest.mark.parametrize("header", [SHOPIFY_2025, SHOPIFY_2022], ids=["2025", "2022"])
def test_shopify_orders_from_line_items(tmp_path, header):
    found = parse("auto", write_csv(tmp_path / "orders_export.csv", header, shopify_rows()))
    assert found.layout == "shopify" and found.currency == "EUR" and found.read == 5
    rows = {r["order_id"]: r for _, r in found.rows}
    # hand: #1001 subtotal 50 (2x20 + 15 - 5 discount), no refund; #1002 fully refunded; #1003 cancelled;
    # #1004 subtotal 80 - refunded 20 = 60, still paid; e-mails are compared in lower case
    assert rows["#1001"]["net_revenue"] == 50.0 and rows["#1001"]["status"] == "paid"
    assert rows["#1001"]["order_date"] == dt.date(2025, 12, 7)
    assert rows["#1002"]["status"] == "refunded" and rows["#1002"]["net_revenue"] == 0.0
    assert rows["#1003"]["status"] == "cancelled"
    assert rows["#1003"]["order_date"] == dt.date(2025, 12, 20)  # the shop's local date, not UTC's Dec 21
    assert rows["#1004"]["net_revenue"] == 60.0 and rows["#1004"]["customer_id"] == "cat@example.com"
    assert found.notes == []  # line items agree with the subtotals
    # #1005 has no e-mail, phone or name: it still counts, as its own unknown customer
    assert rows["#1005"]["customer_id"] == "unknown customer (#1005)" and rows["#1005"]["net_revenue"] == 10.0
    assert found.problems == [] and found.identities == {"e-mail": 4, "unknown": 1}
    # #1001's first row spans lines 2-3 (the note's newline), its item line 4, then #1002..#1005 on 5..8
    assert [line for line, _ in found.rows] == [2, 5, 6, 7, 8]


def test_woocommerce_and_stripe(tmp_path):
    woo = write_csv(tmp_path / "woo.csv", WOO.split(","), [
        ["2025-11-03 10:00:00", "501", "€45.00", "completed", "Ann Martin", "new", "2× Bougie", "2", "", "45.00", ""],
        ["2025-11-04 10:00:00", "502", "€1,200.50", "processing", "Bob Durand", "new", "1× Lampe", "1", "", "1,200.50", ""],
        ["2025-11-05 10:00:00", "503", "€20.00", "on-hold", "Cat Petit", "new", "1× Savon", "1", "", "20.00", ""],
        ["2025-11-06 10:00:00", "504", "€20.00", "refunded", "Ann Martin", "returning", "1× Savon", "1", "", "0.00", ""],
    ])
    found = parse("auto", woo)
    assert found.layout == "woocommerce"
    # US thousands separator; on-hold (awaiting a transfer) counts, as in WooCommerce's own Analytics
    assert [(r["order_id"], r["net_revenue"], r["status"]) for _, r in found.rows] == [
        ("#501", 45.0, "paid"), ("#502", 1200.5, "paid"), ("#503", 20.0, "paid"), ("#504", 0.0, "refunded")]
    assert found.rows[0][1]["customer_id"] == "Ann Martin"  # no e-mail column: the name, and it says so
    assert found.notes == ["no e-mail column: customers are identified by the name in 'Customer'"]
    found = parse("auto", woo, Options(paid_only=True))
    assert found.problems[0].row == 4 and "not paid yet" in found.problems[0].message

    stripe = write_csv(tmp_path / "payments.csv", STRIPE, [
        {"id": "ch_1", "Created date (UTC)": "2025-10-01 09:00", "Amount": "100,50", "Amount Refunded": "0,00",
         "Currency": "eur", "Status": "Paid", "Customer ID": "cus_A"},
        {"id": "ch_2", "Created date (UTC)": "2025-10-02 09:00", "Amount": "60,00", "Amount Refunded": "60,00",
         "Currency": "eur", "Status": "Refunded", "Customer Email": "b@example.com"},
        {"id": "ch_3", "Created date (UTC)": "2025-10-03 09:00", "Amount": "70,00", "Amount Refunded": "20,00",
         "Currency": "eur", "Status": "Paid", "Customer ID": "cus_A"},
        {"id": "ch_4", "Created date (UTC)": "2025-10-04 09:00", "Amount": "10,00", "Currency": "eur",
         "Status": "Failed", "Customer ID": "cus_C"},
    ])
    found = parse("auto", stripe)
    # French decimal commas; a partial refund keeps the payment paid with 70 - 20 = 50
    assert [(r["order_id"], r["net_revenue"], r["status"]) for _, r in found.rows] == [
        ("ch_1", 100.5, "paid"), ("ch_2", 0.0, "refunded"), ("ch_3", 50.0, "paid")]
    assert found.currency == "EUR" and len(found.problems) == 1


def test_ga4_comment_lines_blocks_and_hours(tmp_path):
    path = tmp_path / "ga4.csv"
    with open(path, "w", encoding="utf-8") as stream:  # re-saved by Excel: comments gain trailing commas
        stream.write("# ----------------------------------------,,,,,,,,,\n# Traffic acquisition,,,,,,,,,\n"
                     "# Start date: 20251101,,,,,,,,,\n# End date: 20251231,,,,,,,,,\n")
        stream.write(GA4_ACQUISITION + "\n")
        stream.write("Organic Search,2025110108,120,150,100,30,1,5,0.66,700\n")
        stream.write("Direct,2025110210,\"1,050\",\"1,300\",900,30,1,5,0.69,6000\n")
        stream.write("Organic Search,2025120109,200,260,200,30,1,5,0.77,900\n")
    found = parse("auto", path)
    assert found.layout == "ga4" and found.table == "traffic"
    months = {r["month"]: r for _, r in found.rows}
    # hand: November 150 + 1300 sessions; December 260; users of hours cannot be added: left blank
    assert months[dt.date(2025, 11, 1)]["sessions"] == 1450 and months[dt.date(2025, 12, 1)]["sessions"] == 260
    assert "visitors" not in months[dt.date(2025, 11, 1)]
    assert any("users cannot be added" in note for note in found.notes)


def test_ga4_event_report_of_one_month(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("# ----------------------------------------\n# Report CSV Export\n# Account: x\n# Property: y\n"
                    "# ----------------------------------------\n# \n# All Users\n# Start date: 20251201\n"
                    "# End date: 20251231\nEvent name,Event count,Total users,Event count per user,Total revenue\n"
                    "page_view,5000,1200,4.1,0\npurchase,42,40,1.05,2100\nsign_up,17,17,1,0\nfile_download,9,8,1.1,0\n",
                    encoding="utf-8")
    (_, row), = parse("auto", path).rows
    assert row == {"month": dt.date(2025, 12, 1), "purchases": 42, "newsletter_signups": 17,
                   "whitepaper_downloads": 9, **DECEMBER}
    path.write_text(path.read_text().replace("20251231", "20260131"))
    with pytest.raises(KpiInputError, match="must cover one calendar month"):
        parse("ga4", path)


def test_google_ads_total_rows_dashes_and_thousands(tmp_path):
    path = write_csv(tmp_path / "campaigns.csv", GOOGLE_CAMPAIGNS.split(","), [
        ["Noël", "1,414", "45,877", "3.08%", "EUR", "0.42", "593.88", "12"],  # written quoted, as Google does
        ["Marque", "310", "2,000", "15.50%", "EUR", " --", "120.12", " --"],
        ["Total: Account", "1,724", "47,877", "3.60%", "EUR", "0.41", "714.00", "12"],
        ["Total: Search", "1,724", "47,877", "3.60%", "EUR", "0.41", "714.00", "12"],
    ], preamble=["Campaign report", '"December 1, 2025 - December 31, 2025"'])
    found = parse("auto", path)
    (_, row), = found.rows
    # hand: Total rows left out; 1414 + 310 clicks, 45877 + 2000 impressions, 593.88 + 120.12 spend
    assert row == {"month": dt.date(2025, 12, 1), "channel": "Google Ads", "spend": 714.0, "impressions": 47877,
                   "clicks": 1724, **DECEMBER}
    assert found.currency == "EUR"
    assert found.export_totals == {"spend": 714.0, "impressions": 47877, "clicks": 1724}  # Total: Account


def test_google_ads_report_over_several_months_is_refused(tmp_path):
    path = write_csv(tmp_path / "campaigns.csv", GOOGLE_CAMPAIGNS.split(","),
                     [["Noël", "10", "100", "10%", "EUR", "0.5", "5", "1"]],
                     preamble=["Campaign report", '"May 18, 2025 - August 15, 2025"'])
    with pytest.raises(KpiInputError, match="runs from 2025-05-18 to 2025-08-15"):
        parse("auto", path)


def test_meta_ads(tmp_path):
    path = tmp_path / "meta.csv"
    path.write_text(META + "\n" + "2025-12-01,2025-12-31,Noël,active,7-day click,40,purchase,9000,1.5,12.5,500.25,"
                    "13500,37.05,310,1.61,2.30%,420,3.11%,1.19,250,2.00\n", encoding="utf-8")
    (_, row), = parse("auto", path).rows
    assert row == {"month": dt.date(2025, 12, 1), "channel": "Meta Ads", "spend": 500.25, "impressions": 13500,
                   "clicks": 310, **DECEMBER}  # link clicks, as the docs ask for Meta
    assert parse("meta_ads", path).currency == "EUR"


def test_an_unknown_layout_lists_the_known_ones(tmp_path):
    path = write_csv(tmp_path / "other.csv", ["Datum", "Bestellung", "Betrag"], [["2025-01-01", "1", "10"]])
    with pytest.raises(KpiInputError) as info:
        parse("auto", path)
    message = str(info.value)
    for layout in ("shopify", "woocommerce", "stripe", "ga4", "google_ads", "meta_ads"):
        assert layout in message
    assert "shopify: no created at, financial status, name, subtotal" in message and "reporting ends" in message


def parts(path):
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def test_import_twice_adds_nothing_and_touches_only_its_sheet(empty_book, tmp_path):
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    before = parts(empty_book)
    report = import_file("auto", export, empty_book)
    assert (report.read, report.imported, len(report.skipped), report.merged) == (5, 5, 0, 0)
    after = parts(empty_book)
    orders_part = Package(empty_book).sheets["Commandes"]
    changed = {name for name in before if before[name] != after[name]}
    log_part = Package(empty_book).sheets["Journal des imports"]
    # the sheet and its table's extent, and the import log's first row
    assert changed == {orders_part, "xl/tables/table2.xml", log_part}
    again = import_file("auto", export, empty_book)
    assert (again.imported, again.merged, again.unchanged) == (0, 0, 5)
    assert parts(empty_book) == after  # byte for byte


def test_a_changed_order_is_merged(empty_book, tmp_path):
    rows = shopify_rows()
    import_file("auto", write_csv(tmp_path / "a.csv", SHOPIFY_2025, rows), empty_book)
    rows[0] = {**rows[0], "Financial Status": "refunded", "Refunded Amount": "50.00"}  # #1001 refunded since
    report = import_file("auto", write_csv(tmp_path / "b.csv", SHOPIFY_2025, rows), empty_book)
    assert (report.imported, report.merged, report.unchanged) == (0, 1, 4)
    package = Package(empty_book)
    table = package.tables["tblOrders"]
    values = package.area("Commandes", table.first_row + 1, 1, table.last_row, 8)
    first = next(row for row in values if row[1] == "#1001")
    assert first[3] == 0.0 and first[6] == "remboursée"


def test_another_currency_is_refused_and_nothing_changes(empty_book, tmp_path):
    rows = [{**r, "Currency": "USD"} if r.get("Currency") else r for r in shopify_rows()]
    export = write_csv(tmp_path / "usd.csv", SHOPIFY_2025, rows)
    before = empty_book.read_bytes()
    with pytest.raises(KpiInputError, match="the export is in USD but the workbook's currency is EUR"):
        import_file("auto", export, empty_book)
    assert empty_book.read_bytes() == before


def test_after_import_and_refresh_the_dashboard_has_the_hand_computed_numbers(empty_book, tmp_path, capsys):
    export = write_csv(tmp_path / "orders_export.csv", SHOPIFY_2025, shopify_rows())
    assert main(["import", "shopify", str(export), str(empty_book)]) == 0
    assert "5 imported, 0 skipped" in capsys.readouterr().out
    settings = FileBook(empty_book)
    settings.write("kpi_default_cogs_rate", {(0, 0): 0.4})
    settings.save()
    fill = refresh_file(empty_book)
    # the shop's opening is not known: customers may have bought before this export, so December's new
    # customers are "not enough history" (docs/kpis.md, "History that starts after the shop opened")
    assert fill.table.loc["2025-12", "acquisition_status"] == "no_history"
    assert math.isnan(fill.table.loc["2025-12", "new_customers"])
    settings = FileBook(empty_book)
    settings.write("kpi_opened", {(0, 0): dt.datetime(2025, 12, 1)})  # opened on Dec 1, first sale on Dec 7:
    settings.save()
    fill = refresh_file(empty_book)
    # still cautious (orders may be missing between the two days), and the data checks say what to do
    assert math.isnan(fill.table.loc["2025-12", "new_customers"])
    hint, = [p for p in fill.problems if p.message.startswith("the orders start on 2025-12-07")]
    assert hint.sheet == "Paramètres" and "2025-12-01" in hint.message
    settings = FileBook(empty_book)
    settings.write("kpi_history_start", {(0, 0): dt.datetime(2025, 12, 1)})  # none is missing: complete since Dec 1
    settings.save()
    fill = refresh_file(empty_book)
    assert not any(p.message.startswith("the orders start on") for p in fill.problems)
    december = fill.table.loc["2025-12"]
    # hand: paid orders #1001 (50), #1004 (60) and #1005 (10, customer unknown): revenue 120, 3 orders,
    # AOV 40, customers ann, cat and the unknown one; costs at the default rate 40 %: gross margin 0.6
    assert december["revenue"] == 120 and december["orders"] == 3
    assert december["average_order_value"] == 40 and december["new_customers"] == 3
    assert december["gross_margin"] == pytest.approx(0.6)
    assert any("default rate of 40%" in p.message for p in fill.problems)


def test_ga4_file_with_several_blocks(tmp_path):
    path = tmp_path / "ga4_blocks.csv"
    path.write_text("# Report CSV Export\n# Start date: 20251201\n# End date: 20251231\n"
                    "Date,Users,Sessions,Ecommerce purchases\n20251201,100,130,3\n20251215,50,70,1\n\n"
                    "# Second table\nEvent name,Event count\nsign_up,12\n", encoding="utf-8")
    (_, row), = parse("auto", path).rows
    # hand: users 100 + 50, sessions 130 + 70, purchases 3 + 1; the second block adds the sign-ups
    assert row == {"month": dt.date(2025, 12, 1), "sessions": 200, "purchases": 4,
                   "newsletter_signups": 12, **DECEMBER}  # users of days are not added


@pytest.mark.parametrize("value", [dt.date(2025, 12, 7), dt.datetime(2025, 12, 7, 18), 12.5, 3, True, None,
                                   "#1001", " spaced ", "a<b & c>", float("nan"), "payée"])
def test_rows_written_in_one_block_are_the_cells_written_one_by_one(value):
    """The fast path of new rows (XML text) writes exactly what the cell-by-cell path writes."""
    from lxml import etree

    from kpi_xl.excel import package

    cell = etree.Element(package._M + "c", nsmap={None: package.NS["m"]}, r="B7", s="3")
    package._set(cell, value)
    one_by_one = etree.tostring(cell, encoding="unicode").replace(f' xmlns="{package.NS["m"]}"', "")
    assert package._cell_xml("B7", ' s="3"', value) == one_by_one


def test_an_import_block_of_rows_writes_what_the_cells_write_one_by_one(tmp_path):
    """append_table_rows (an import's new rows, by column) against write_table_cells (cell by cell): the
    same sheet, cell for cell, for columns of each kind and columns mixing kinds, blanks included."""
    from lxml import etree

    from kpi_xl.excel.books import FileBook
    from kpi_xl.excel.package import NS, Package
    from kpi_xl.template.build import build_template

    columns = [
        [dt.date(2025, 12, 7), dt.date(2026, 1, 2), None, dt.date(2024, 2, 29)],  # dates
        ["#1001", "#1002", "#1003", None],  # plain texts
        ["ann@example.com", "b", "a<b & c>", "x"],  # a text that needs escaping
        ["  lead", "trail\u00a0", "ok", None],  # texts that keep their spaces (xml:space)
        [12.5, 0.1 + 0.2, None, 1e-7],  # floats, repr kept
        [3, True, dt.datetime(2025, 12, 7, 18), "payée"],  # a mixed column
        [float("nan"), 2.0, 3.0, None],  # a float that is not finite
    ]
    rows = [list(row) for row in zip(*columns, strict=True)]
    template = build_template(tmp_path / "template.xlsm")
    written = {}
    for way in ("cells", "rows"):
        book = FileBook(template)
        if way == "cells":
            book.write_table_cells("tblOrders", {(1 + i, j): value for i, row in enumerate(rows)
                                                 for j, value in enumerate(row) if value is not None}, last_offset=4)
        else:
            book.append_table_rows("tblOrders", 1, rows)
        book.save(tmp_path / f"{way}.xlsm")
        package = Package(tmp_path / f"{way}.xlsm")
        ref = package.tables["tblOrders"]
        root = etree.fromstring(package.parts[package.sheets[ref.sheet]])
        written[way] = ([etree.tostring(row, method="c14n") for row in root.iterfind("m:sheetData/m:row", NS)],
                        ref.last_row)
    assert written["rows"] == written["cells"]
    assert written["rows"][1] == ref.first_row + 4 and len(written["rows"][0]) >= 5
