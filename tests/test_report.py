"""Every KPI of every month, from hand-built tables (the orders of conftest.py)."""

import math

import pandas as pd
import pytest

from kpi_xl.errors import KpiInputError
from kpi_xl.report import monthly_kpis, prepare_monthly

TRAFFIC = pd.DataFrame({
    "month": ["2024-01", "2024-02", "2024-03"],
    "visitors": [400, 300, 350], "sessions": [500, 400, 560], "purchases": [5, 5, 7],
    "newsletter_signups": [8, 3, 7], "whitepaper_downloads": [2, 0, 1]})
MARKETING = pd.DataFrame(
    [("2024-01", "Google Ads", 100, 10000, 200, 2), ("2024-01", "Meta Ads", 60, 20000, 100, 1),
     ("2024-02", "Google Ads", 80, 8000, 160, 1), ("2024-02", "Meta Ads", 40, 12000, 60, 1),
     ("2024-03", "Google Ads", 120, 9000, 270, 2)],  # no Meta row in March
    columns=["month", "channel", "spend", "impressions", "clicks", "new_customers"])
SOCIAL = pd.DataFrame(
    [("2024-01", "Instagram", 1000, 2000, 5000, 40, 5, 5, 20), ("2024-01", "TikTok", 500, 1500, 3000, 30, 10, 10, 5),
     ("2024-02", "Instagram", 1100, 2200, 5500, 60, 6, 4, 25), ("2024-02", "TikTok", 600, 1000, 2000, 20, 5, 5, 10)],
    columns=["month", "platform", "followers", "reach", "impressions", "likes", "comments", "shares", "site_visits"])


@pytest.fixture
def table(orders):
    return monthly_kpis(orders, TRAFFIC, MARKETING, SOCIAL, inactivity_days=30, history_start="2024-01-01")


def col(table, name):
    return table[name].tolist()


def test_traffic_kpis(table):
    # conversion = purchases / sessions: 5/500, 5/400, 7/560; per visitor 5/400, 5/300, 7/350
    assert col(table, "conversion_rate") == pytest.approx([0.01, 0.0125, 0.0125])
    assert col(table, "visitor_conversion_rate") == pytest.approx([0.0125, 5 / 300, 0.02])
    assert col(table, "newsletter_rate") == pytest.approx([8 / 400, 3 / 300, 7 / 350])
    assert col(table, "whitepaper_rate") == pytest.approx([2 / 400, 0, 1 / 350])


def test_marketing_kpis(table):
    # spend 160, 120, 120; impressions 30000, 20000, 9000; clicks 300, 220, 270
    assert col(table, "ad_spend") == [160, 120, 120]
    assert col(table, "click_through_rate") == pytest.approx([0.01, 0.011, 0.03])
    # blended CAC = spend / new customers from the orders (4, 2, 2)
    assert col(table, "customer_acquisition_cost") == pytest.approx([40, 60, 60])
    # paid CAC and ROAS need the orders' channel: these orders carry none, so both are n.d., never 0
    assert table[["paid_customer_acquisition_cost", "return_on_ad_spend"]].isna().all().all()
    # MER = revenue (340, 250, 260) / all marketing spend
    assert col(table, "marketing_efficiency_ratio") == pytest.approx([340 / 160, 250 / 120, 260 / 120])


def test_ads_ctr_leaves_email_out_and_email_has_its_own_rate(orders):
    email = pd.DataFrame([("2024-01", "Email", 20, 2000, 140, 0), ("2024-02", "E-mail", 10, 1000, 30, 0)],
                         columns=MARKETING.columns)
    table = monthly_kpis(orders, TRAFFIC, pd.concat([MARKETING, email]), SOCIAL, inactivity_days=30,
                         history_start="2024-01-01")
    # ads: 300 / 30000 and 220 / 20000 as without e-mail; e-mail: 140 / 2000, 30 / 1000; none in March
    assert col(table, "click_through_rate") == pytest.approx([0.01, 0.011, 0.03])
    assert col(table, "email_click_rate")[:2] == pytest.approx([0.07, 0.03])
    assert math.isnan(col(table, "email_click_rate")[2])
    # spend counts every channel: CAC and MER include the e-mail spend (180 and 130 in Jan and Feb)
    assert col(table, "customer_acquisition_cost")[:2] == pytest.approx([180 / 4, 130 / 2])
    assert col(table, "marketing_efficiency_ratio")[:2] == pytest.approx([340 / 180, 250 / 130])


def test_ltv_against_cac(table):
    # Feb: LTV 60 (test_orders), CAC 60 -> 1.0
    assert table["ltv_cac_ratio"].iloc[1] == pytest.approx(1.0)
    # Jan and Mar have no final churn, so no LTV and no ratio
    assert math.isnan(table["ltv_cac_ratio"].iloc[0]) and math.isnan(table["ltv_cac_ratio"].iloc[2])


def test_cac_payback_is_the_acquired_cohorts(table):
    # January's cohort A B C E (D refunded), CAC 160 / 4 = 40: gross profit in January 40 + 20 + 20 + 30 + 35 = 145,
    # 36.25 per customer < 40; in February B 15 + E 35 (A's order cancelled): 195 / 4 = 48.75 >= 40 -> 2 months.
    # February's cohort F G, CAC 60: 40 + 15 + 15 = 70, 35 each, and March is not over (data end Mar 20): n.d.
    # (the base's average customer would say 40 / (145 / 2) = 0.55 months for January)
    assert col(table, "cac_payback_months")[0] == pytest.approx(2.0)
    assert math.isnan(col(table, "cac_payback_months")[1]) and math.isnan(col(table, "cac_payback_months")[2])


def test_roas_and_paid_cac_from_the_orders_channel(orders):
    channels = {"1": "Google Ads", "2": "Meta Ads", "3": "Organique", "6": "Email", "7": None, "8": "Google Ads",
                "10": None, "11": "Meta Ads"}  # March's orders carry no channel
    orders = orders.assign(channel=[channels.get(number) for number in orders["order_id"]])
    table = monthly_kpis(orders, TRAFFIC, MARKETING, SOCIAL, inactivity_days=30, history_start="2024-01-01")
    # paid spend (Google + Meta): 160, 120, 120. January's new customers A (Google) B (Meta) C (organic) E (e-mail):
    # 2 from ads -> 80; February's F (Google) G (none): 1 -> 120; March: no channel -> n.d.
    assert col(table, "paid_customer_acquisition_cost")[:2] == pytest.approx([80.0, 120.0])
    # ROAS: January A 100 + B 50 (A's second order carries none) / 160; February F 90 + 25 / 120
    assert col(table, "return_on_ad_spend")[:2] == pytest.approx([150 / 160, 115 / 120])
    assert math.isnan(col(table, "paid_customer_acquisition_cost")[2])
    assert math.isnan(col(table, "return_on_ad_spend")[2])
    assert col(table, "marketing_efficiency_ratio")[2] == pytest.approx(260 / 120)  # MER needs no channel


def test_engagement_per_post_where_every_platform_counts_its_posts(orders):
    social = SOCIAL.assign(posts=[4, 5, 5, None])  # February's TikTok row has no post count
    table = monthly_kpis(orders, TRAFFIC, MARKETING, social, inactivity_days=30, history_start="2024-01-01")
    # January: each platform's interactions against its own followers, Instagram 50 / 1000 + TikTok 50 / 500,
    # over the 9 posts; February falls back to the month's total 100 / 1700 and says so
    assert col(table, "engagement_rate")[:2] == pytest.approx([(0.05 + 0.1) / 9, 100 / 1700])
    assert col(table, "engagement_basis")[:2] == ["per_post", "month"]
    assert col(table, "engagement_rate_per_month")[:2] == pytest.approx([100 / 1500, 100 / 1700])


def test_social_kpis(table):
    # Jan: followers 1500, reach 3500, interactions 40+5+5 + 30+10+10 = 100; visits 25 of 500 sessions
    # Feb: followers 1700, reach 3200, interactions 60+6+4 + 20+5+5 = 100; visits 35 of 400 sessions
    # Mar: no social row: undefined, not 0
    assert col(table, "interactions")[:2] == [100, 100]
    assert col(table, "engagement_rate")[:2] == pytest.approx([100 / 1500, 100 / 1700])
    assert col(table, "engagement_rate_by_reach")[:2] == pytest.approx([100 / 3500, 100 / 3200])
    assert col(table, "social_traffic_share")[:2] == pytest.approx([0.05, 0.0875])
    growth = col(table, "follower_growth_rate")
    assert math.isnan(growth[0]) and growth[1] == pytest.approx(200 / 1500) and math.isnan(growth[2])
    assert math.isnan(col(table, "engagement_rate")[2])


def test_orders_columns_are_carried_over(table):
    assert col(table, "revenue") == [340, 250, 260]
    assert col(table, "churn_status") == ["no_history", "final", "provisional"]
    assert [str(m) for m in table.index] == ["2024-01", "2024-02", "2024-03"]


def test_missing_tables_leave_their_kpis_undefined(orders):
    table = monthly_kpis(orders, inactivity_days=30)
    assert table["conversion_rate"].isna().all() and table["engagement_rate"].isna().all()
    assert col(table, "revenue") == [340, 250, 260]


SPOILED_MONTHLY = [
    ("traffic", {"purchases": [5, 500, 7]}, 3, "purchases", "is more than sessions (400)"),
    # 350 purchases for 400 sessions but 300 visitors: more purchases than visitors
    ("traffic", {"purchases": [5, 350, 7]}, 3, "purchases", "is more than visitors (300)"),
    ("traffic", {"visitors": [400, "beaucoup", 350]}, 3, "visitors", "'beaucoup' is not a number"),
    ("traffic", {"month": ["2024-01", "2024-01", "2024-03"]}, 3, "month", "repeats the month of row 2"),
    ("traffic", {"month": ["2024-01", "2999-02", "2024-03"]}, 3, "month", "is in the future"),
    ("traffic", {"sessions": [500, -1, 560]}, 3, "sessions", "is negative"),
]


@pytest.mark.parametrize("kind, change, row, column, words", SPOILED_MONTHLY)
def test_monthly_tables_report_problems_with_their_address(kind, change, row, column, words):
    frame = TRAFFIC.assign(**change)
    frame.index = range(2, 2 + len(frame))
    with pytest.raises(KpiInputError) as info:
        prepare_monthly(frame, kind, sheet="Trafic")
    problem = info.value.problems[0]
    assert (problem.sheet, problem.row, problem.column) == ("Trafic", row, column)
    assert words in str(problem)


def test_marketing_duplicates_are_per_month_and_channel():
    frame = pd.concat([MARKETING, MARKETING.iloc[[1]]], ignore_index=True)
    frame.index = range(2, 2 + len(frame))
    with pytest.raises(KpiInputError, match="repeats the month and channel of row 3"):
        prepare_monthly(frame, "marketing")
    sums, problems = prepare_monthly(frame, "marketing", skip_invalid=True)
    assert len(problems) == 1 and sums["spend"].tolist() == [160, 120, 120]


def test_a_missing_column_is_named():
    with pytest.raises(KpiInputError, match="social table has no column 'reach'"):
        prepare_monthly(SOCIAL.drop(columns="reach"), "social")
