"""The refresh of a small hand-made workbook: every dashboard value worked out by hand, read back
from the written file as Excel would show it (value and number format).

The shop: 14 orders from 2 January to 31 March 2025, a 30-day inactivity window. The hand
computation of the customer base, with stints (first order of a run of orders no more than 30 days
apart, to its lapse day = last order + 30 days):

    A  Jan 2, Feb 1 (30 days later: the same stint), Mar 10 (37 days: a new stint)
       -> A1 [Jan 2 .. lapse Mar 3], A2 [Mar 10 .. Apr 9]
    B  Jan 10 (its Mar 15 order is cancelled)             -> [Jan 10 .. Feb 9]
    C  Jan 20, Feb 20 (31 days: a new stint)              -> C1 [Jan 20 .. Feb 19], C2 [Feb 20 .. Mar 22]
    D  refunded only: never a customer
    E  Feb 14, Mar 10                                     -> [Feb 14 .. Apr 9]
    I  Feb 5                                              -> [Feb 5 .. Mar 7]
    H  Mar 1 (joins and lapses within March, on the last day of the data) -> [Mar 1 .. Mar 31]
    F  Mar 2                                              -> [Mar 2 .. Apr 1]
    G  Mar 31                                             -> [Mar 31 .. Apr 30]

    in the base at      Feb 1: A1 B C1 = 3      Mar 1: A1 E I C2 = 4      Apr 1: A2 E F G = 4
    lost in Feb: B (Feb 9), C1 (Feb 19) = 2 of 3 -> churn 2/3
    lost in Mar: A1 (Mar 3), I (Mar 7), C2 (Mar 22) = 3 of 4 -> churn 3/4; H lapses in March but
    joined in March: not counted (ChartMogul's rule); F lapses on Apr 1, after the data.
    January starts less than one window after the first order (Jan 2): not enough history.
"""

import datetime as dt
import re
import shutil

import pandas as pd
import pytest
from workbook_cells import cell

from kpi_xl.excel.books import FileBook, fill_inputs
from kpi_xl.errors import KpiInputError
from kpi_xl.excel.lifetime_tiles import LIFETIME_KPIS
from kpi_xl.excel.refresh import refresh_file
from kpi_xl.labels import text
from kpi_xl.layout import STATUS_MARKS, TILE_CELLS, tile_name
from kpi_xl.schema import DASHBOARD, NAMES, TILE_KPIS, TREND_COLUMNS
from kpi_xl.template.build import build_template

NOW = dt.datetime(2026, 1, 15, 9, 30)
ORDERS = [  # date, number, customer, net revenue, cost of goods, status, channel
    ("2025-01-02", "#1001", "A", 100, 60, "paid", "Google Ads"),
    ("2025-01-10", "#1002", "B", 50, 30, "paid", "Meta Ads"),
    ("2025-01-20", "#1003", "C", 80, 40, "paid", "Email"),
    ("2025-01-25", "#1004", "D", 40, 20, "refunded", "Google Ads"),
    ("2025-02-01", "#1005", "A", 60, 30, "paid", None),
    ("2025-02-05", "#1014", "I", 35, 20, "paid", "Meta Ads"),
    ("2025-02-14", "#1006", "E", 90, 50, "paid", "Meta Ads"),
    ("2025-02-20", "#1007", "C", 30, 15, "paid", None),
    ("2025-03-01", "#1008", "H", 25, 15, "paid", "Google Ads"),
    ("2025-03-02", "#1009", "F", 70, 35, "paid", "Google Ads"),
    ("2025-03-10", "#1010", "A", 50, 25, "paid", None),
    ("2025-03-10", "#1011", "E", 40, 20, "paid", None),
    ("2025-03-15", "#1012", "B", 20, 10, "cancelled", None),
    ("2025-03-31", "#1013", "G", 60, 30, "paid", "Email"),
]
TRAFFIC = [("2025-01-01", 150, 200, 3, 10, 2), ("2025-02-01", 160, 200, 4, 12, 3), ("2025-03-01", 300, 400, 5, 15, 4)]
MARKETING = [  # month, channel, spend, impressions, clicks, new customers attributed
    ("2025-01-01", "Google Ads", 60, 4000, 80, 1), ("2025-01-01", "Meta Ads", 30, 2000, 20, 1),
    ("2025-02-01", "Google Ads", 50, 2500, 50, 1), ("2025-02-01", "Meta Ads", 40, 2500, 25, 1),
    ("2025-03-01", "Google Ads", 75, 5000, 60, 2), ("2025-03-01", "Meta Ads", 45, 3000, 36, 0),
    ("2025-02-01", "Email", 10, 400, 20, 0), ("2025-03-01", "Email", 10, 500, 40, 0),  # impressions = e-mails sent
]
SOCIAL = [  # month, platform, followers, reach, impressions, likes, comments, shares, site visits, posts
    ("2025-01-01", "Instagram", 1000, 3000, 5000, 40, 5, 5, 20, None),
    ("2025-02-01", "Instagram", 1100, 3000, 5000, 33, 6, 5, 30, None),  # posts not counted before March
    ("2025-03-01", "Instagram", 1200, 4000, 6000, 60, 10, 2, 40, 4),
]

# Worked out by hand from the tables above (March, then February).
MARCH = {
    "revenue": 245.0,  # 25 + 70 + 50 + 40 + 60
    "orders": 5.0,
    "average_order_value": 49.0,  # 245 / 5
    "gross_margin": 120 / 245,  # (245 - 125) / 245
    "conversion_rate": 5 / 400,  # purchases / sessions
    "new_customers": 3.0,  # H, F, G
    "churn_rate": 3 / 4,
    "retention_rate": 1 / 4,  # (4 at end - 3 entered: F, A2, G) / 4 at start
    "returning_customer_rate": 2 / 5,  # A and E had bought before, of A E F G H
    "repeat_purchase_rate": 3 / 8,  # A, C, E of A B C I E H F G
    "customer_acquisition_cost": 130 / 3,  # all spend (ads 120 + e-mail 10) / 3 new customers
    # the paid channels' spend (Google 75 + Meta 45; e-mail is not paid) / the new customers whose first order
    # came from a paid channel: H and F (Google Ads); G came from Email
    "paid_customer_acquisition_cost": 120 / 2,
    "lifetime_value": 40.0,  # gross profit 120 / mean base (4 + 4) / 2 / churn 0.75
    "ltv_cac_ratio": 40 / (130 / 3),
    "click_through_rate": 96 / 8000,  # the ads only: (60 + 36) / (5000 + 3000)
    "email_click_rate": 40 / 500,
    "marketing_efficiency_ratio": 245 / 130,  # every sale over every spend
    # the orders whose channel is paid: H 25 + F 70 (Google Ads); A and E carry none, G is Email
    "return_on_ad_spend": 95 / 120,
    "engagement_rate": 72 / 1200 / 4,  # per post: (60 + 10 + 2) / followers / 4 posts
    "social_traffic_share": 40 / 400,  # site visits from social / sessions
}
FEBRUARY = {
    "revenue": 215.0, "orders": 4.0, "average_order_value": 53.75, "gross_margin": 100 / 215,
    "conversion_rate": 4 / 200, "new_customers": 2.0, "churn_rate": 2 / 3, "retention_rate": 1 / 3,
    "returning_customer_rate": 2 / 4,  # A and C of A C E I
    "repeat_purchase_rate": 2 / 5,  # A and C of A B C I E
    "customer_acquisition_cost": 50.0,  # (90 + 10) / 2
    "paid_customer_acquisition_cost": 90 / 2,  # I and E, both Meta Ads
    "return_on_ad_spend": (35 + 90) / 90,  # I and E; A and C carry no channel
    "lifetime_value": 100 / 3.5 / (2 / 3),  # gross profit / mean base (3 + 4) / 2 / churn
    "ltv_cac_ratio": 100 / 3.5 / (2 / 3) / 50, "click_through_rate": 75 / 5000, "email_click_rate": 20 / 400,
    "marketing_efficiency_ratio": 215 / 100,
    "engagement_rate": 44 / 1100,  # no post count: the month's total / followers
    "social_traffic_share": 30 / 200,
}
# Status with the template's targets (tolerance in the KPI's unit: 10 % of the target, 1 pt for churn
# and retention): margin 49.0 % >= 45 %; conversion 1.25 % < 2 % - 0.2 pt; churn 75 % > 5 % + 1 pt;
# returning 40 % >= 25 %; repeat 37.5 % >= 30 %; CAC 43.33 > 30 + 3; paid CAC 60 > 40 + 4; LTV:CAC 0.92 < 3 - 0.3;
# CTR 1.2 % < 1.5 % - 0.15 pt; e-mail 8 % >= 2 %; MER 1.88 < 4 - 0.4; ROAS 0.79 < 3 - 0.3;
# engagement 1.5 % per post >= 1 % per post; social 10 % >= 5 %.
MARCH_STATUS = {"gross_margin": "green", "conversion_rate": "red", "churn_rate": "red",
                "returning_customer_rate": "green",
                "repeat_purchase_rate": "green", "customer_acquisition_cost": "red", "ltv_cac_ratio": "red",
                "paid_customer_acquisition_cost": "red", "return_on_ad_spend": "red",
                "click_through_rate": "red", "email_click_rate": "green", "marketing_efficiency_ratio": "red",
                "engagement_rate": "green",
                "social_traffic_share": "green"}
RATES = {"gross_margin", "conversion_rate", "churn_rate", "returning_customer_rate", "repeat_purchase_rate",
         "click_through_rate", "email_click_rate", "engagement_rate", "social_traffic_share"}


def frames():
    orders = pd.DataFrame(ORDERS, columns=["order_date", "order_id", "customer_id", "net_revenue",
                                           "cost_of_goods_sold", "status", "channel"])
    orders["order_date"] = pd.to_datetime(orders["order_date"])
    traffic = pd.DataFrame(TRAFFIC, columns=["month", "visitors", "sessions", "purchases", "newsletter_signups",
                                             "whitepaper_downloads"])
    marketing = pd.DataFrame(MARKETING, columns=["month", "channel", "spend", "impressions", "clicks",
                                                 "new_customers"])
    social = pd.DataFrame(SOCIAL, columns=["month", "platform", "followers", "reach", "impressions", "likes",
                                           "comments", "shares", "site_visits", "posts"])
    for frame in (traffic, marketing, social):
        frame["month"] = pd.to_datetime(frame["month"])
    return {"orders": orders, "traffic": traffic, "marketing": marketing, "social": social}


@pytest.fixture(scope="module", params=["fr", "en"])
def blank(request, tmp_path_factory):
    """The template in one language, filled with the hand-made shop, not refreshed."""
    lang = request.param
    path = build_template(tmp_path_factory.mktemp(f"hand_{lang}") / "hand.xlsm", lang=lang)
    book = FileBook(path)
    fill_inputs(book, frames(), lang)
    book.write("kpi_inactivity_days", {(0, 0): 30})
    book.save()
    return path, lang


def refreshed(blank, tmp_path, **settings):
    """A copy of the hand-made workbook with some settings changed, refreshed (its path and language; the
    refresh's table of every KPI in ``LAST_TABLE``)."""
    source, lang = blank
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "book.xlsm"
    shutil.copy(source, path)
    book = FileBook(path)
    for name, value in settings.items():
        book.write(name, {(0, 0): value})
    book.save()
    LAST_TABLE[:] = [refresh_file(path, now=NOW).table]
    return path, lang


LAST_TABLE = []


def tile(path, key, part):
    return cell(path, tile_name(key), TILE_CELLS[part])


def test_every_tile_of_march(blank, tmp_path):
    path, lang = refreshed(blank, tmp_path)
    money = '#,##0.00\\ "€"' if lang == "fr" else '"€"#,##0.00'
    for key, _target in TILE_KPIS:
        if key in LIFETIME_KPIS:  # see test_lifetime_tiles_say_why_they_are_not_known_yet
            continue
        now, before = tile(path, key, "value"), tile(path, key, "previous")
        assert now.value == pytest.approx(MARCH[key], abs=1e-9), key
        if key == "engagement_rate":  # February has no post count: its month's total is not set beside a per-post rate
            assert before.value == text("undefined", lang) and tile(path, key, "change").value is None
            assert tile(path, key, "status").value == STATUS_MARKS["green"]
            continue
        assert before.value == pytest.approx(FEBRUARY[key], abs=1e-9), key
        if key in ("revenue", "average_order_value", "customer_acquisition_cost"):
            assert now.number_format == money, key
        change = tile(path, key, "change").value
        if key in RATES:  # the change of a rate is in points
            assert change == pytest.approx((MARCH[key] - FEBRUARY[key]) * 100), key
        else:
            assert change == pytest.approx(MARCH[key] / FEBRUARY[key] - 1), key
        status = tile(path, key, "status").value
        assert status == STATUS_MARKS.get(MARCH_STATUS.get(key)), key
    # the tiles whose value depends on the churn window say which window, and which LTV
    assert tile(path, "churn_rate", "note").value == text("window_note", lang, days=30)
    assert tile(path, "engagement_rate", "note").value == text("engagement_per_post_note", lang)
    assert tile(path, "revenue", "note").value is None


def test_lifetime_tiles_say_why_they_are_not_known_yet(blank, tmp_path):
    """Three months of data: no cohort is 12 months old, so the realised LTV and its ratio to the CAC are n.d.
    with that reason (never the simple formula's 40.00 in their place); the predictive value is the models' mean
    gross-profit CLV over the next 12 months, or n.d. when eight customers cannot fit them."""
    path, lang = refreshed(blank, tmp_path)
    for key in ("realised_ltv_12m", "realised_ltv_cac_ratio"):
        assert tile(path, key, "value").value == text("undefined", lang), key
        assert tile(path, key, "note").value == text("no_cohort_note", lang), key
        assert tile(path, key, "status").value is None, key
    predictive = tile(path, "predictive_clv_12m", "value").value
    try:
        from kpi_xl.clv import customer_lifetime_values
        orders = frames()["orders"]
        expected = customer_lifetime_values(orders, horizon_months=12)[0]["gross_profit_clv"].mean()
    except KpiInputError:
        assert predictive == text("undefined", lang)
        assert tile(path, "predictive_clv_12m", "note").value == text("no_fit_note", lang)
    else:
        assert predictive == pytest.approx(expected)
        assert tile(path, "predictive_clv_12m", "note").value == text("predictive_note", lang)
    # the simple LTV (40.00 by hand, see MARCH) stays in the trend table, labelled as the simple formula
    column = 1 + TREND_COLUMNS.index("lifetime_value")
    assert cell(path, NAMES["trend"], (3, column)).value == pytest.approx(40.0)


# The trend's cohort columns (the row of a month holds the customers acquired in it; the data end on Mar 31):
# repurchase within 30 days: January (A B C; known since Jan 31 + 30 = Mar 2): A again on Feb 1, 30 days after
# Jan 2; C on Feb 20 is 31 days after Jan 20; B's Mar 15 order is cancelled -> 1/3. February (I E; known since
# Feb 28 + 30 = Mar 30): E on Mar 10, 24 days after Feb 14 -> 1/2. March: not known until Apr 30.
# Within 90 days: no cohort is known yet (January's needs Jan 31 + 90 = May 1).
# CAC payback (in the table of every KPI, not the trend) from the cohort's own gross profit per customer:
# January, CAC 90 / 3 = 30, gross profit in January (40 + 20 + 40) / 3 = 33.33 >= 30 -> 1 month.
# February, CAC 50: 55 / 2 = 27.5, then + E's 20 -> 37.5, not paid back in the 2 months the data hold;
# March, CAC 43.33: (10 + 35 + 30) / 3 = 25, not paid back.
# January's new customers are "not enough history" unless the shop's opening is known (see the tests below).
NA = "=NA()"
JANUARY_TREND = {"revenue": 230.0, "conversion_rate": 3 / 200, "customer_acquisition_cost": NA,
                 "lifetime_value": NA, "churn_rate": NA, "retention_rate": NA, "gross_margin": 100 / 230,
                 "click_through_rate": 100 / 6000, "engagement_rate": 50 / 1000, "repurchase_30d": NA,
                 "repurchase_90d": NA}
FEBRUARY_TREND = {**{k: FEBRUARY[k] for k in TREND_COLUMNS if k in FEBRUARY}, "repurchase_30d": 1 / 2,
                  "repurchase_90d": NA}
MARCH_TREND = {**{k: MARCH[k] for k in TREND_COLUMNS if k in MARCH}, "repurchase_30d": NA, "repurchase_90d": NA}


def trend_rows(path):
    """The trend table's months and values, by KPI key."""
    rows = {}
    for row in range(1, DASHBOARD.trend_rows + 1):
        stamp = cell(path, NAMES["trend"], (row, 0)).value
        if stamp is not None:
            rows[f"{stamp:%Y-%m}"] = {key: cell(path, NAMES["trend"], (row, column)).value
                                      for column, key in enumerate(TREND_COLUMNS, start=1)}
    return rows


def assert_trend(found, expected, month):
    for key, value in expected.items():
        if value == NA:
            assert found[key] == NA, (month, key, found[key])
        else:
            assert found[key] == pytest.approx(value), (month, key)


def test_trend_table_and_months(blank, tmp_path):
    path, lang = refreshed(blank, tmp_path)
    shown = cell(path, NAMES["shown_month"], (0, 0)).value
    assert (shown.year, shown.month) == (2025, 3)
    assert cell(path, NAMES["refreshed_at"], (0, 0)).value == NOW
    rows = trend_rows(path)
    assert list(rows) == ["2025-01", "2025-02", "2025-03"]  # only three months of data
    for month, expected in zip(rows, (JANUARY_TREND, FEBRUARY_TREND, MARCH_TREND), strict=True):
        assert set(expected) == set(TREND_COLUMNS)
        assert_trend(rows[month], expected, month)
    assert cell(path, NAMES["trend"], (0, len(TREND_COLUMNS) + 1)).value is None  # no custom KPI, no header
    # churn and retention depend on the window: their headers say which
    churn = 1 + TREND_COLUMNS.index("churn_rate")
    assert cell(path, NAMES["trend"], (0, churn)).value == ("Attrition (30\u00a0j)" if lang == "fr" else "Churn (30\u00a0d)")


def test_orders_complete_since_the_opening_mark_nothing(blank, tmp_path):
    """The shop opened on Jan 2, the day of its first order: no customer can be missing, so January's new
    customers (A B C), CAC 90 / 3 = 30 and its cohort's figures are shown (see JANUARY_TREND's comment)."""
    path, lang = refreshed(blank, tmp_path, kpi_opened=dt.datetime(2025, 1, 2),
                           kpi_reporting_month=dt.datetime(2025, 1, 1))
    assert tile(path, "new_customers", "value").value == pytest.approx(3.0)
    assert tile(path, "customer_acquisition_cost", "value").value == pytest.approx(30.0)
    assert tile(path, "paid_customer_acquisition_cost", "value").value == pytest.approx(90 / 2)  # A and B; C: Email
    assert tile(path, "return_on_ad_spend", "value").value == pytest.approx(150 / 90)  # A 100 + B 50; D refunded
    assert tile(path, "churn_rate", "note").value == text("no_history_note", lang)  # nobody can be lost yet
    january = trend_rows(path)["2025-01"]
    assert_trend(january, {"customer_acquisition_cost": 30.0, "repurchase_30d": 1 / 3, "churn_rate": NA}, "2025-01")
    # CAC payback by cohort (kpi-xl kpis --json; see JANUARY_TREND's comment): January 1 month, the others not yet
    payback = LAST_TABLE[0]["cac_payback_months"]
    assert payback.iloc[0] == pytest.approx(1.0) and payback.iloc[1:].isna().all()


def test_history_that_starts_mid_life_marks_one_window(blank, tmp_path):
    """The shop opened in June 2024 but its orders start on Jan 2, 2025 ("orders complete since" blank: the first
    order): customers of 2024 are missing. With a 45-day window, January (Jan 1 - 45 days is before Jan 2) and
    February (Feb 1 - 45 = Dec 18) are "not enough history" for new and returning customers, CAC and churn;
    March (Mar 1 - 45 = Jan 15, after Jan 2) is not."""
    path, lang = refreshed(blank, tmp_path, kpi_opened=dt.datetime(2024, 6, 1), kpi_inactivity_days=45)
    rows = trend_rows(path)
    for month in ("2025-01", "2025-02"):
        assert_trend(rows[month], {"customer_acquisition_cost": NA, "churn_rate": NA, "repurchase_30d": NA}, month)
    assert rows["2025-03"]["customer_acquisition_cost"] == pytest.approx(130 / 3)
    assert tile(path, "new_customers", "value").value == pytest.approx(3.0)  # March
    for key in ("new_customers", "returning_customer_rate", "customer_acquisition_cost",
                "paid_customer_acquisition_cost"):
        assert tile(path, key, "previous").value == text("undefined", lang), key
    path, lang = refreshed(blank, tmp_path / "feb", kpi_opened=dt.datetime(2024, 6, 1), kpi_inactivity_days=45,
                           kpi_reporting_month=dt.datetime(2025, 2, 1))
    for key in ("new_customers", "returning_customer_rate", "customer_acquisition_cost",
                "paid_customer_acquisition_cost"):
        assert tile(path, key, "value").value == text("undefined", lang), key
        assert tile(path, key, "note").value == text("earlier_customers_note", lang), key
    assert tile(path, "churn_rate", "note").value == text("no_history_note", lang)
    assert tile(path, "revenue", "value").value == pytest.approx(215.0)  # sales are what they are


def test_roas_and_paid_cac_say_when_the_orders_carry_no_channel(blank, tmp_path):
    """March's orders without their channel: what the paid channels brought is not known, so ROAS and paid CAC
    are n.d. with that reason (never 0); MER and blended CAC do not need the channel."""
    source, lang = blank
    path = tmp_path / "book.xlsm"
    shutil.copy(source, path)
    book = FileBook(path)
    orders = frames()["orders"]
    orders["channel"] = [None if day >= pd.Timestamp("2025-03-01") else channel
                         for day, channel in zip(orders["order_date"], orders["channel"], strict=True)]
    fill_inputs(book, {"orders": orders}, lang)
    book.save()
    refresh_file(path, now=NOW)
    for key in ("return_on_ad_spend", "paid_customer_acquisition_cost"):
        assert tile(path, key, "value").value == text("undefined", lang), key
        assert tile(path, key, "note").value == text("no_channel_note", lang), key
    assert tile(path, "return_on_ad_spend", "previous").value == pytest.approx(125 / 90)  # February still has them
    assert tile(path, "marketing_efficiency_ratio", "value").value == pytest.approx(245 / 130)
    assert tile(path, "customer_acquisition_cost", "value").value == pytest.approx(130 / 3)


def test_engagement_without_a_post_count_is_the_months_total_without_colour(blank, tmp_path):
    """February has no post count: the tile shows its interactions / followers, 44 / 1100, says so, and is not
    set against the per-post target (no status mark)."""
    path, lang = refreshed(blank, tmp_path, kpi_reporting_month=dt.datetime(2025, 2, 1))
    assert tile(path, "engagement_rate", "value").value == pytest.approx(44 / 1100)
    assert tile(path, "engagement_rate", "previous").value == pytest.approx(50 / 1000)  # January, the same basis
    assert tile(path, "engagement_rate", "note").value == text("engagement_month_note", lang)
    assert tile(path, "engagement_rate", "status").value is None


def test_cohort_heat_map_positions(blank, tmp_path):
    path, _lang = refreshed(blank, tmp_path)
    # cohorts by first paid order: Jan A B C, Feb I E, Mar H F G; share of each ordering again, by age
    expected = {(1, 0): "2025-01", (1, 1): 1.0, (1, 2): 2 / 3, (1, 3): 1 / 3,  # A and C in Feb, A in Mar
                (2, 0): "2025-02", (2, 1): 1.0, (2, 2): 1 / 2,  # E in March
                (3, 0): "2025-03", (3, 1): 1.0}
    for (row, column), value in expected.items():
        found = cell(path, NAMES["cohorts"], (row, column)).value
        if column == 0:
            assert f"{found:%Y-%m}" == value
        else:
            assert found == pytest.approx(value), (row, column)
    for row, column in ((1, 4), (2, 3), (3, 2), (4, 0), (4, 1)):  # not reached yet, or no cohort
        assert cell(path, NAMES["cohorts"], (row, column)).value is None, (row, column)


def test_no_problem_is_said_and_the_checks_stay_off_the_print(blank, tmp_path):
    path, lang = refreshed(blank, tmp_path)
    summary = cell(path, NAMES["checks_summary"], (0, 0)).value
    # 14 orders + 3 traffic + 8 marketing + 3 social rows
    assert summary == ("Aucun problème : 28 lignes lues." if lang == "fr" else "No problem: 28 rows read.")
    assert cell(path, NAMES["checks"], (1, 0)).value is None
    from workbook_cells import workbook
    last = DASHBOARD.cohort_row + DASHBOARD.cohort_size
    assert workbook(path)[cell_sheet(lang)].print_area.endswith(f"${last}")


def cell_sheet(lang):
    return "Tableau de bord" if lang == "fr" else "Dashboard"


def with_a_bad_amount(blank, tmp_path):
    """The hand-made workbook with "abc" as the revenue of order #1013 (G, 60 on Mar 31), refreshed;
    the order's sheet row."""
    source, lang = blank
    path = tmp_path / "book.xlsm"
    shutil.copy(source, path)
    book = FileBook(path)
    orders_table = book.package.tables["tblOrders"]
    # #1013 is the 14th data row; the revenue column is the table's 4th
    book.package.write_cells(orders_table.sheet, {(orders_table.first_row + 14, orders_table.first_col + 3): "abc"})
    book.save()
    refresh_file(path, now=NOW)
    return path, lang, orders_table.first_row + 14


def test_a_bad_amount_is_a_check_row_and_is_left_out(blank, tmp_path):
    path, lang, sheet_row = with_a_bad_amount(blank, tmp_path)
    row = [cell(path, NAMES["checks"], (1, c)).value for c in range(6)]
    sheet, revenue = ("Commandes", "CA net") if lang == "fr" else ("Orders", "Net revenue")
    assert row[:4] == [sheet, sheet_row, revenue, "abc"]
    assert row[4] == ("n'est pas un nombre" if lang == "fr" else "is not a number")  # the workbook's language
    assert row[5] == ("Saisissez un nombre (ex. 12,50)" if lang == "fr" else "Enter a number (e.g. 12.50)")
    assert tile(path, "revenue", "value").value == pytest.approx(245 - 60)  # G's order left out
    # with a problem listed, the data checks are printed too (a third page)
    from workbook_cells import workbook
    assert workbook(path)[cell_sheet(lang)].print_area.endswith(f"${DASHBOARD.checks_row + DASHBOARD.checks_rows}")


def test_the_reporting_month_setting_is_read(blank, tmp_path):
    path, _lang = refreshed(blank, tmp_path, kpi_reporting_month=dt.datetime(2025, 2, 1))
    shown = cell(path, NAMES["shown_month"], (0, 0)).value
    assert (shown.year, shown.month) == (2025, 2)
    assert tile(path, "revenue", "value").value == pytest.approx(215.0)
    assert tile(path, "revenue", "previous").value == pytest.approx(230.0)
    assert tile(path, "churn_rate", "value").value == pytest.approx(2 / 3)
    assert cell(path, NAMES["trend"], (3, 0)).value is None  # the trend stops at February


def test_january_says_not_enough_history(blank, tmp_path):
    path, lang = refreshed(blank, tmp_path, kpi_reporting_month=dt.datetime(2025, 1, 1))
    for key in ("churn_rate",):
        assert tile(path, key, "value").value == text("undefined", lang), key
        assert tile(path, key, "note").value == text("no_history_note", lang), key
        assert tile(path, key, "status").value is None, key
    assert tile(path, "revenue", "previous").value == text("undefined", lang)  # no December


def test_a_longer_window_is_read_from_the_settings(blank, tmp_path):
    # 60 days: March starts 60 days before ... Dec 31, before the first order (Jan 2): not enough history
    path, lang = refreshed(blank, tmp_path, kpi_inactivity_days=60)
    assert tile(path, "churn_rate", "value").value == text("undefined", lang)
    assert tile(path, "churn_rate", "note").value == text("no_history_note", lang)
    assert tile(path, "revenue", "value").value == pytest.approx(245.0)  # the window changes no sale


def test_a_provisional_month_is_said(blank, tmp_path):
    source, lang = blank
    path = tmp_path / "book.xlsm"
    shutil.copy(source, path)
    book = FileBook(path)
    orders = frames()["orders"].iloc[:-1]  # without G's order of Mar 31: the data end on Mar 15
    fill_inputs(book, {"orders": orders}, lang)
    book.save()
    refresh_file(path, now=NOW)
    assert tile(path, "churn_rate", "value").value == text("undefined", lang)
    assert tile(path, "churn_rate", "note").value == text("provisional_note", lang)
    assert tile(path, "churn_rate", "previous").value == pytest.approx(2 / 3)  # February is final


@pytest.mark.parametrize("target, tolerance, status", [
    (43.5, None, "green"),  # CAC 43.33 on a target of 43.50, lower is better
    (40.0, None, "amber"),  # 43.33 <= 40 + 4 (10 % of the target)
    (40.0, 1.0, "red"),  # 43.33 > 40 + 1
    (38.0, 6.0, "amber"),  # 43.33 <= 38 + 6
])
def test_targets_and_tolerances_are_read(blank, tmp_path, target, tolerance, status):
    source, _lang = blank
    path = tmp_path / "book.xlsm"
    shutil.copy(source, path)
    book = FileBook(path)
    row = [k for k, _ in TILE_KPIS].index("customer_acquisition_cost") + 1
    book.write_table_cells("tblTargets", {(row, 1): target, (row, 3): tolerance}, last_offset=len(TILE_KPIS))
    book.save()
    refresh_file(path, now=NOW)
    assert tile(path, "customer_acquisition_cost", "target").value == pytest.approx(target)
    assert tile(path, "customer_acquisition_cost", "status").value == STATUS_MARKS[status]


@pytest.mark.parametrize("currency, fr, en", [("USD", '#,##0.00\\ "$"', '"$"#,##0.00'),
                                              ("GBP", '#,##0.00\\ "£"', '"£"#,##0.00')])
def test_money_cells_carry_the_workbook_currency(blank, tmp_path, currency, fr, en):
    path, lang = refreshed(blank, tmp_path, kpi_currency=currency)
    expected = fr if lang == "fr" else en
    for key in ("revenue", "average_order_value", "customer_acquisition_cost"):
        assert tile(path, key, "value").number_format == expected, key
        assert tile(path, key, "target").number_format == expected or tile(path, key, "target").value is None
    assert cell(path, NAMES["trend"], (3, 1 + TREND_COLUMNS.index("revenue"))).number_format == expected


def printed_pages(book, sheet, tmp_path, paper=None):
    """The text of each printed page of a sheet (LibreOffice's PDF, read back by pdftotext)."""
    import subprocess
    import zipfile

    from kpi_xl.render import sheet_pdf

    if paper is not None:  # the same workbook on another paper size (9 = A4, 1 = Letter)
        copy = tmp_path / f"paper{paper}.xlsm"
        with zipfile.ZipFile(book) as source, zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if b"<pageSetup " in data and item.filename.startswith("xl/worksheets/"):
                    data = re.sub(rb' paperSize="\d+"', b"", data)
                    data = data.replace(b"<pageSetup ", b'<pageSetup paperSize="%d" ' % paper, 1)
                target.writestr(item, data)
        book = copy
    pdf = sheet_pdf(book, sheet, tmp_path / "dashboard.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


@pytest.mark.soffice
@pytest.mark.parametrize("paper", [9, 1], ids=["A4", "Letter"])
def test_the_dashboard_prints_on_two_pages(blank, tmp_path, paper):
    path, lang = refreshed(blank, tmp_path)
    pages = printed_pages(path, cell_sheet(lang), tmp_path, paper)
    assert len(pages) == 2, [p[:80] for p in pages]
    trend, cohorts = ("Tendance sur 12 mois", "Cohortes") if lang == "fr" else ("12-month trend", "Cohorts")
    assert trend in pages[0] and cohorts not in pages[0]
    assert cohorts in pages[1] and trend not in pages[1]
    checks = "Contrôle des données" if lang == "fr" else "Data checks"
    assert all(checks not in page for page in pages)  # nothing to check: not printed


@pytest.mark.soffice
def test_the_data_checks_print_on_a_third_page_when_there_are_some(blank, tmp_path):
    path, lang, _row = with_a_bad_amount(blank, tmp_path)
    pages = printed_pages(path, cell_sheet(lang), tmp_path)
    assert len(pages) == 3 and "abc" in pages[2]


def test_contradictions_and_risky_settings_are_checks_not_failures(blank, tmp_path):
    """More social visits than sessions (GA4 under cookie consent), a cost above the revenue and a very short
    window are listed with their place; every KPI is still computed."""
    source, lang = blank
    path = tmp_path / "book.xlsm"
    shutil.copy(source, path)
    book = FileBook(path)
    social = frames()["social"]
    social.loc[2, "site_visits"] = 450  # March: 450 visits from social, 400 sessions on the site
    orders = frames()["orders"]
    orders.loc[1, "cost_of_goods_sold"] = 70  # B's order #1002: revenue 50
    fill_inputs(book, {"social": social, "orders": orders}, lang)
    book.write("kpi_inactivity_days", {(0, 0): 20})
    book.save()
    fill = refresh_file(path, now=NOW)
    social_sheet, orders_sheet, settings_sheet = (("Réseaux sociaux", "Commandes", "Paramètres") if lang == "fr"
                                                  else ("Social", "Orders", "Settings"))
    visits = [p for p in fill.problems if p.sheet == social_sheet]
    assert len(visits) == 1 and visits[0].value == 450 and "2025-03" in visits[0].message
    cost = [p for p in fill.problems if p.sheet == orders_sheet]
    assert len(cost) == 1 and cost[0].row == 6 and cost[0].value == 70  # the header is on row 4: #1002 on 6
    assert [p.value for p in fill.problems if p.sheet == settings_sheet] == [20]
    assert tile(path, "social_traffic_share", "value").value == text("undefined", lang)
    assert tile(path, "revenue", "value").value == pytest.approx(245.0)  # nothing left out
    rows = [[cell(path, NAMES["checks"], (r, c)).value for c in range(6)] for r in range(1, 4)]
    assert all(row[5] for row in rows)  # each says what to do


def test_history_that_starts_mid_life_is_marked(blank, tmp_path):
    """'Orders complete since' Feb 1: customers may have bought before it, so a first order in February or
    March (both start less than one 30-day window after Feb 1) may not be a first: new customers, CAC,
    LTV:CAC and churn say so instead of flattering numbers."""
    path, lang = refreshed(blank, tmp_path, kpi_history_start=dt.datetime(2025, 2, 1))
    for key in ("new_customers", "returning_customer_rate", "customer_acquisition_cost"):
        assert tile(path, key, "value").value == text("undefined", lang), key
        assert tile(path, key, "note").value == text("earlier_customers_note", lang), key
        assert tile(path, key, "previous").value == text("undefined", lang), key
    assert tile(path, "churn_rate", "note").value == text("no_history_note", lang)
    assert tile(path, "revenue", "value").value == pytest.approx(245.0)  # sales are what they are
    cac = 1 + TREND_COLUMNS.index("customer_acquisition_cost")
    assert cell(path, NAMES["trend"], (3, cac)).value == "=NA()"


def test_history_complete_from_the_first_order_marks_nothing_more(blank, tmp_path):
    # complete since Jan 2 (the first order): only January is within one window of it
    path, lang = refreshed(blank, tmp_path, kpi_history_start=dt.datetime(2025, 1, 2))
    assert tile(path, "new_customers", "value").value == pytest.approx(3.0)  # March
    assert tile(path, "new_customers", "previous").value == pytest.approx(2.0)  # February
    cac = 1 + TREND_COLUMNS.index("customer_acquisition_cost")
    assert cell(path, NAMES["trend"], (1, cac)).value == "=NA()"  # January: 90 / 3 would flatter
    assert cell(path, NAMES["trend"], (2, cac)).value == pytest.approx(50.0)  # (90 + 10) / 2


def test_a_workbook_built_before_the_shop_opened_setting_still_refreshes(blank, tmp_path):
    """A workbook from an earlier version has no named cell kpi_opened: it reads as blank (not known), so the
    refresh works and stays cautious: January's CAC is n.d. (see JANUARY_TREND), February's 50.00 is shown."""
    import zipfile

    source, lang = blank
    path = tmp_path / "old.xlsm"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data, removed = re.subn(rb'<definedName name="kpi_opened"[^>]*>[^<]*</definedName>', b"", data)
                assert removed == 1
            zout.writestr(item, data)
    refresh_file(path, now=NOW)
    rows = trend_rows(path)
    assert rows["2025-01"]["customer_acquisition_cost"] == NA
    assert rows["2025-02"]["customer_acquisition_cost"] == pytest.approx(50.0)
