"""The real-world export patterns that gave silently wrong numbers (issue 11), one fixture each.

Fixtures in tests/fixtures/imports/ carry the real headers and quirks (UTF-16 with tabs, total and
summary rows, tax columns, blank e-mails, cash on delivery, re-saved dates, empty Stripe ids, GA4 in
other languages, Explore and snapshot exports); every expected total below is worked out by hand from
the fixture's rows, as the comments show.
"""

import datetime as dt
from pathlib import Path

import pytest

from kpi_xl.errors import KpiInputError
from kpi_xl.importers import Options, parse
from kpi_xl.importers.dates import parse_range
from kpi_xl.importers.imported import reconciliation

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def rows_of(found):
    return [row for _, row in found.rows]


def by_id(found):
    return {row["order_id"]: row for _, row in found.rows}


# --- Google Ads -------------------------------------------------------------------------------------------

def test_google_ads_segmented_report_adds_no_total_row():
    found = parse("auto", FIXTURES / "google_ads_by_device.csv")
    (row,) = rows_of(found)
    # hand: the four campaign x device rows only: 400 + 180 + 60 + 35 = 675 spend (the old import added the
    # six Total rows too: 3x); clicks 1000 + 400 + 200 + 100 = 1700; impressions 30000 + 15000 + 1500 + 500
    assert (row["spend"], row["clicks"], row["impressions"]) == (675.0, 1700, 47000)
    # the account total is the two devices' "Total: Account" rows: 460 + 215 = 675, 1200 + 500 clicks
    assert found.export_totals == {"spend": 675.0, "impressions": 47000, "clicks": 1700}
    lines, warnings = reconciliation(found)
    assert warnings == [] and "spend: 675 imported = 675 in the export's total row" in lines


def test_google_ads_excel_csv_is_utf16_with_tabs_and_a_partial_month():
    found = parse("auto", FIXTURES / "google_ads_excel_utf16.csv")
    (row,) = rows_of(found)
    # hand: 308.50 + 120.00 (French decimal commas), 1234 + 300 clicks (space as thousands separator)
    assert (row["spend"], row["clicks"], row["impressions"]) == (428.5, 1534, 29000)
    assert (row["period_start"], row["period_end"]) == (dt.date(2026, 5, 1), dt.date(2026, 5, 8))
    assert "2026-05 is only partly covered: 2026-05-01 to 2026-05-08" in found.notes
    assert reconciliation(found)[1] == []  # the Total: Account row says 428.50 too


@pytest.mark.parametrize("line", ["1 May 2026 - 8 May 2026", "May 1, 2026 - May 8, 2026", "1 mai 2026 - 8 mai 2026",
                                  "1 de mayo de 2026 - 8 de mayo de 2026", "1. Mai 2026 - 8. Mai 2026",
                                  "1 de maio de 2026 - 8 de maio de 2026"])
def test_date_range_lines_in_several_locales(line):
    assert parse_range(line) == (dt.date(2026, 5, 1), dt.date(2026, 5, 8))


def test_google_ads_video_report_counts_interactions():
    found = parse("auto", FIXTURES / "google_ads_video.csv")
    (row,) = rows_of(found)
    # hand: 850 + 150 interactions, 76.50 + 15.00 spend, 42000 + 8000 impressions; the total row agrees
    assert (row["spend"], row["clicks"], row["impressions"]) == (91.5, 1000, 50000)
    assert any("Interactions" in note for note in found.notes)
    assert reconciliation(found)[1] == []


def test_google_ads_keyword_report_is_refused_naming_the_campaign_report():
    with pytest.raises(KpiInputError, match="keyword report: it leaves out Smart and Performance Max.*Campaign report"):
        parse("auto", FIXTURES / "google_ads_keywords.csv")


# --- Meta Ads ---------------------------------------------------------------------------------------------

def test_meta_summary_row_is_the_total_not_a_campaign():
    found = parse("auto", FIXTURES / "meta_summary_row.csv")
    (row,) = rows_of(found)
    # hand: Noël 500.25 + Retargeting 300.25 = 800.50 (the old import added the summary row: exactly 2x)
    assert (row["spend"], row["impressions"], row["clicks"]) == (800.5, 24000, 510)
    assert found.export_totals == {"spend": 800.5, "impressions": 24000, "clicks": 510}
    assert found.read == 2 and reconciliation(found)[1] == []


def test_meta_report_over_several_months_is_refused_with_one_message():
    with pytest.raises(KpiInputError) as info:
        parse("auto", FIXTURES / "meta_several_months.csv")
    message = str(info.value)
    # the three campaign rows (lines 3-5) span October-December; the summary row is not one of them
    assert message.count("\n") == 0 and "3 rows span several months (lines 3, 4, 5)" in message
    assert "By time > Month" in message


# --- Shopify ----------------------------------------------------------------------------------------------

def test_shopify_tax_inclusive_prices_give_revenue_without_tax():
    found = parse("auto", FIXTURES / "shopify_tax_inclusive.csv")
    orders = by_id(found)
    # hand: #2001 Total 126 = Subtotal 120 + Shipping 6, so the 21 of tax is inside: goods' share of it
    # 21 x 120 / 126 = 20, net 100. #2002: goods 60 - 10 = 50; the refund of 30 on a total of 60 is half of
    # everything: goods part 30 x 50 / 60 = 25, net 25
    assert orders["#2001"]["net_revenue"] == 100.0
    assert orders["#2002"]["net_revenue"] == 25.0 and orders["#2002"]["status"] == "paid"
    assert found.totals() == {"net_revenue": 125.0}


def test_shopify_orders_without_email_are_never_dropped():
    found = parse("auto", FIXTURES / "shopify_blank_emails.csv")
    orders = by_id(found)
    # hand: 50 + 30 + 20 + 100 = 200 of revenue in 4 orders (the old import kept 50: 75 % was lost)
    assert found.totals() == {"net_revenue": 200.0} and len(found.rows) == 4 and found.problems == []
    assert orders["#3002"]["customer_id"] == "tel +33611223344"
    assert orders["#3003"]["customer_id"] == "Marie Curie"
    assert orders["#3004"]["customer_id"] == "unknown customer (#3004)"
    assert found.identities == {"e-mail": 1, "phone": 1, "billing name": 1, "unknown": 1}


def test_shopify_cash_on_delivery_counts_tips_do_not():
    found = parse("auto", FIXTURES / "shopify_cod_tips.csv")
    orders = by_id(found)
    # hand: #4001 pending COD counts (40); #4002 subtotal 30 holds a 5 tip: goods 25; #4003 voided and #4004
    # cancelled before payment do not count: sales 40 + 25 = 65
    assert orders["#4001"]["status"] == "paid" and orders["#4001"]["net_revenue"] == 40.0
    assert orders["#4002"]["net_revenue"] == 25.0
    assert orders["#4003"]["status"] == orders["#4004"]["status"] == "cancelled"
    assert found.totals() == {"net_revenue": 65.0}
    assert "tips of 5.00 are not goods revenue: left out" in found.notes
    paid = parse("auto", FIXTURES / "shopify_cod_tips.csv", Options(paid_only=True))
    # the Settings' "count only paid orders": #4001 left out, 25 remains
    assert paid.totals() == {"net_revenue": 25.0} and [p.row for p in paid.problems] == [2]


def test_shopify_resaved_by_excel_day_first_decided_by_the_column():
    found = parse("auto", FIXTURES / "shopify_resaved_dayfirst.csv")
    orders = by_id(found)
    # hand: 15/12 can only be day-first, so 03/12 is 3 December; amounts 10,00 and 1 250,50 (French style)
    assert orders["#5001"]["order_date"] == dt.date(2025, 12, 3)
    assert orders["#5002"]["order_date"] == dt.date(2025, 12, 15)
    assert found.totals() == {"net_revenue": 1260.5}


def test_shopify_ambiguous_dates_stop_and_ask():
    path = FIXTURES / "shopify_resaved_ambiguous.csv"
    with pytest.raises(KpiInputError, match="choose day first or month first in Settings.*--dayfirst or --monthfirst"):
        parse("auto", path)
    # 03/04/2025: 3 April day-first, 4 March month-first
    assert by_id(parse("auto", path, Options("dmy")))["#6001"]["order_date"] == dt.date(2025, 4, 3)
    assert by_id(parse("auto", path, Options("mdy")))["#6001"]["order_date"] == dt.date(2025, 3, 4)


# --- Stripe, WooCommerce ----------------------------------------------------------------------------------

def test_stripe_old_layout_empty_ids_and_unpaid_statuses():
    found = parse("auto", FIXTURES / "stripe_old_layout.csv")
    # hand: three paid payments in the account's currency (converted): 92 + 50 + (40 - 10) = 172; the five
    # Pending, requires_confirmation, requires_payment_method, Failed and Canceled ones are left out
    assert found.totals() == {"net_revenue": 172.0} and found.currency == "EUR"
    assert sorted(p.value for p in found.problems) == sorted(
        ["Pending", "requires_confirmation", "requires_payment_method", "Failed", "Canceled"])
    ids = [row["order_id"] for row in rows_of(found)]
    assert ids[0] == "ch_1A" and all(i.startswith("no-id-") for i in ids[1:]) and len(set(ids)) == 3
    assert [r["order_id"] for r in rows_of(parse("auto", FIXTURES / "stripe_old_layout.csv"))] == ids  # stable


def test_woocommerce_header_variants_and_email_over_name():
    found = parse("auto", FIXTURES / "woocommerce_variants.csv")
    orders = by_id(found)
    # hand: 'net sales' in lower case is the net; 45 + 30 + 60 (on-hold counts), pending #1003 left out
    assert found.totals() == {"net_revenue": 135.0}
    assert orders["#1001"]["customer_id"] == orders["#1002"]["customer_id"] == "ann@example.com"
    assert orders["#1004"]["customer_id"] == "Cat Petit"  # no e-mail on that row: the name
    assert found.identities == {"e-mail": 2, "name": 1}
    assert [p.row for p in found.problems] == [4]


# --- GA4 --------------------------------------------------------------------------------------------------

def months_of(found):
    return {row["month"]: row for row in rows_of(found)}


@pytest.mark.parametrize("name, month, expected", [
    # hand: the month-grain rows as they are, users included
    ("ga4_fr_mois.csv", dt.date(2025, 11, 1), {"visitors": 1500, "sessions": 2100, "purchases": 41}),
    ("ga4_pt_mes.csv", dt.date(2025, 12, 1), {"visitors": 900, "sessions": 1200, "purchases": 30}),
    # hand: days and channels summed for sessions (120 + 90 + 70) and purchases; users from the Total row
    ("ga4_es_dias.csv", dt.date(2025, 12, 1), {"visitors": 230, "sessions": 280, "purchases": 4}),
    # hand: 1300 + 1000 sessions, 12 + 8 purchases; users 1800 from Gesamtsumme, never 1100 + 900
    ("ga4_de_tage.csv", dt.date(2025, 12, 1), {"visitors": 1800, "sessions": 2300, "purchases": 20}),
    # hand: Explore: the pivot's 'Totals' row skipped, 1300 + 900 + 700 + 200 sessions; users from Grand total
    ("ga4_explore.csv", dt.date(2025, 11, 1), {"visitors": 2400, "sessions": 3100, "purchases": 52}),
    # hand: Device category pivoted into columns; the Totals group's sessions 1,600 + 1,400 = 3,000 and the
    # Grand total's Totals users 2,200 (fewer than 1,230 + 1,160: users overlap across days)
    ("ga4_explore_pivot.csv", dt.date(2025, 12, 1), {"visitors": 2200, "sessions": 3000}),
    # hand: 01-12-2025, 13-12-2025, 31-12-2025 read day-first; 300 + 450 + 250 sessions, 5 + 7 + 3 purchases
    ("ga4_resaved_ddmmyyyy.csv", dt.date(2025, 12, 1), {"sessions": 1000, "purchases": 15}),
])
def test_ga4_languages_explore_and_resaved_dates(name, month, expected):
    found = parse("auto", FIXTURES / name)
    row = months_of(found)[month]
    assert {k: row.get(k) for k in expected} == expected
    assert reconciliation(found)[1] == []


def test_ga4_explore_pivot_without_totals_sums_sessions_and_leaves_users_blank():
    found = parse("auto", FIXTURES / "ga4_explore_pivot_no_totals.csv")
    (row,) = rows_of(found)
    # hand: 600 + 1,000 + 500 + 900 = 3,000 sessions over both devices and days; users cannot be added
    assert row["sessions"] == 3000 and row.get("visitors") is None
    assert any("summed across them, users left blank" in note for note in found.notes)


def test_ga4_snapshot_blocks_are_not_added_twice():
    found = parse("auto", FIXTURES / "ga4_snapshot.csv")
    (row,) = rows_of(found)
    # hand: sessions from the first card only (500 + 700), not again from the channel or month cards;
    # users 950 and purchases 25 from the month card; 14 sign-ups and 6 downloads from the events card
    assert {k: row[k] for k in ("sessions", "visitors", "purchases", "newsletter_signups",
                                "whitepaper_downloads")} == {"sessions": 1200, "visitors": 950, "purchases": 25,
                                                             "newsletter_signups": 14, "whitepaper_downloads": 6}


@pytest.mark.parametrize("choice, day", [("jour d'abord", dt.date(2025, 4, 3)), ("Month first", dt.date(2025, 3, 4))])
def test_the_settings_say_how_to_read_ambiguous_dates(empty_book, choice, day):
    """In Excel (ribbon, Lite) there is no --dayfirst: the Settings cell says it; 03/04/2025 is read by it."""
    from kpi_xl.excel.books import FileBook
    from kpi_xl.importers import import_file

    book = FileBook(empty_book)
    book.write("kpi_date_order", {(0, 0): choice})
    book.save()
    assert import_file("auto", FIXTURES / "shopify_resaved_ambiguous.csv", empty_book).imported == 2
    _sheet, _row, values = FileBook(empty_book).table_values("tblOrders")
    first = next(row for row in values[1:] if row[1] == "#6001")
    assert (first[0].year, first[0].month, first[0].day) == (day.year, day.month, day.day)


def test_a_bad_date_order_setting_names_its_cell(empty_book):
    from kpi_xl.excel.books import FileBook
    from kpi_xl.importers import import_file

    book = FileBook(empty_book)
    book.write("kpi_date_order", {(0, 0): "peut-être"})
    book.save()
    with pytest.raises(KpiInputError, match=r"Paramètres!C\d+ : « dates comme 03/04/2026 » est 'peut-être'"):
        import_file("auto", FIXTURES / "shopify_resaved_ambiguous.csv", empty_book)
