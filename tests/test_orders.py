"""The orders analytics on a hand-built table whose every number is worked out below.
The table itself (ROWS, the ``orders`` fixture) is in conftest.py.

Inactivity window: 30 days. Customers A-J, 21 rows, data from 2024-01-03 to
2024-03-20 (the last order, so as_of = 2024-03-20).

Stints (a customer is in the base from a (re)starting order to its last order + 30 days):
  A  Jan 3, Jan 20 (Feb 15 cancelled: does not count)      -> base Jan 3 .. lapse Feb 19
  B  Jan 5, Feb 2 (gap 28); Mar 15 (gap 42 > 30)           -> Jan 5 .. Mar 3; Mar 15 .. Apr 14
  C  Jan 10; Mar 5 (gap 55 > 30)                           -> Jan 10 .. Feb 9; Mar 5 .. Apr 4
  D  Jan 25 refunded only: never a customer
  E  Jan 28, Feb 27 (gap exactly 30: kept)                 -> Jan 28 .. Mar 28
  F  Feb 6, Feb 22, Mar 20                                 -> Feb 6 .. Apr 19
  G  Feb 20, Mar 12                                        -> Feb 20 .. Apr 11
  H  Mar 7, Mar 19                                         -> Mar 7 .. Apr 18
  I  Mar 18                                                -> Mar 18 .. Apr 17
  J  Mar 10 cancelled only: never a customer
"""

import math

import numpy as np
import pandas as pd
import pytest

from kpi_xl.order_table import prepare_orders
from kpi_xl.orders import _days, cohort_matrix, customer_summary, paid_months, period_ordinals, period_summary

@pytest.fixture
def summary(orders):
    return period_summary(orders, inactivity_days=30, history_start="2024-01-01")


def test_orders_revenue_and_margin_per_month(summary):
    # Jan paid: 1,2,3,4,6 -> 100+50+80+40+70 = 340; cost 60+30+50+20+35 = 195
    # Feb paid: 7,8,10,11,12 -> 30+90+40+25+65 = 250; cost 15+50+25+10+30 = 130
    # Mar paid: 13,14,16,17,18,19,20 -> 45+55+35+60+20+15+30 = 260; cost 20+30+20+40+12+5+15 = 142
    assert list(summary.index.astype(str)) == ["2024-01", "2024-02", "2024-03"]
    assert summary["orders"].tolist() == [5, 5, 7]
    assert summary["revenue"].tolist() == [340, 250, 260]
    assert summary["cost_of_goods_sold"].tolist() == [195, 130, 142]
    assert summary["gross_profit"].tolist() == [145, 120, 118]
    assert summary["gross_margin"].tolist() == pytest.approx([145 / 340, 120 / 250, 118 / 260])
    assert summary["average_order_value"].tolist() == pytest.approx([68, 50, 260 / 7])


def test_new_returning_and_active_customers(summary):
    # Jan: A,B,C,E all new. Feb: B,E,F,G active; F,G new; B,E returning.
    # Mar: B,C,F,G,H,I active; H,I new; B,C (both came back after a lapse), F, G returning.
    assert summary["active_customers"].tolist() == [4, 4, 6]
    assert summary["new_customers"].tolist() == [4, 2, 2]
    assert summary["returning_customers"].tolist() == [0, 2, 4]
    assert summary["purchase_frequency"].tolist() == pytest.approx([5 / 4, 5 / 4, 7 / 6])


def test_customer_base_lost_and_churn(summary):
    # In the base on Jan 1: nobody. Feb 1: A,B,C,E (all lapse on or after Feb 1) = 4.
    # Mar 1: B (lapse Mar 3), E (Mar 28), F, G = 4 (A lapsed Feb 19, C Feb 9).
    # Apr 1: B (2nd stint), C (2nd stint), F, G, H, I = 6 (E's lapse Mar 28 is past the data's end, see below).
    assert summary["customers_at_start"].tolist() == [0, 4, 4]
    assert summary["customers_at_end"].tolist() == [4, 4, 6]
    # Lost in Feb: A (Feb 19) and C (Feb 9). Lost in Mar so far: B (Mar 3); E lapses on Mar 28,
    # after the data ends (Mar 20): not called lost yet.
    assert summary["customers_lost"].tolist() == [0, 2, 1]
    # Jan starts less than 30 days after the data: no history. Mar is not over on Mar 20: provisional.
    assert summary["churn_status"].tolist() == ["no_history", "final", "provisional"]
    churn = summary["churn_rate"].tolist()
    assert math.isnan(churn[0]) and churn[1] == 0.5 and math.isnan(churn[2])  # Feb: 2 / 4
    retention = summary["retention_rate"].tolist()
    # Feb: (at end 4 - entered F,G 2) / at start 4 = 0.5 = 1 - churn
    assert math.isnan(retention[0]) and retention[1] == 0.5 and math.isnan(retention[2])


def test_repeat_rate_to_date_and_lifetime_value(summary):
    # To end Jan: A has 2 orders of A,B,C,E -> 1/4. To end Feb: A,B,E,F of 6 -> 4/6.
    # To end Mar: A,B,C,E,F,G,H of 8 -> 7/8.
    assert summary["repeat_purchase_rate"].tolist() == pytest.approx([1 / 4, 4 / 6, 7 / 8])
    # Feb LTV = AOV 50 x orders per base customer (5 / mean(4, 4) = 1.25) x margin 0.48 / churn 0.5 = 60;
    # undefined where churn is.
    ltv = summary["lifetime_value"].tolist()
    assert ltv[1] == pytest.approx(60.0)
    assert math.isnan(ltv[0]) and math.isnan(ltv[2])


def test_default_history_start_is_the_first_order(orders):
    # First order Jan 3: Feb 1 - 30 days = Jan 2 is before it, so Feb has no history either.
    summary = period_summary(orders, inactivity_days=30)
    assert summary["churn_status"].tolist() == ["no_history", "no_history", "provisional"]
    assert summary["churn_rate"].isna().all()


def test_a_later_as_of_makes_march_final(orders):
    # With data known to run to Mar 31, E's lapse on Mar 28 is a loss: Mar lost = B, E = 2 of 4.
    summary = period_summary(orders, inactivity_days=30, history_start="2024-01-01", as_of="2024-03-31",
                             today="2024-04-01")
    assert summary["churn_status"].tolist()[2] == "final"
    assert summary["customers_lost"].tolist() == [0, 2, 2]
    assert summary["churn_rate"].iloc[2] == 0.5
    # retention: (at end 6 - entered B2, C2, H, I 4) / 4 = 0.5
    assert summary["retention_rate"].iloc[2] == 0.5
    # Mar LTV = AOV 260/7 x (7 orders / mean(4, 6) base) x margin 118/260 / churn 0.5 = 118/5/0.5 = 47.2
    # (per *active* customer, 7/6, it would read 39.33)
    assert summary["lifetime_value"].iloc[2] == pytest.approx(47.2)


def test_cohort_matrix_share_count_and_revenue(orders):
    # Cohorts: Jan A,B,C,E (4); Feb F,G (2); Mar H,I (2).
    # Jan cohort ordering in Feb: B, E (A's Feb order was cancelled); in Mar: B, C.
    # Feb cohort in Mar: F, G. Cells after Mar are not reached yet: NaN.
    nan = np.nan
    counts = cohort_matrix(orders, measure="count")
    np.testing.assert_array_equal(counts.to_numpy(), [[4, 2, 2], [2, 2, nan], [2, nan, nan]])
    share = cohort_matrix(orders)
    np.testing.assert_allclose(share.to_numpy(), [[1, 0.5, 0.5], [1, 1, nan], [1, nan, nan]])
    # Revenue: Jan cohort Jan 340, Feb B30+E65 = 95, Mar C45+B60 = 105; Feb cohort Feb 90+25+40 = 155,
    # Mar G35+F30 = 65; Mar cohort H55+I20+H15 = 90.
    revenue = cohort_matrix(orders, measure="revenue")
    np.testing.assert_allclose(revenue.to_numpy(), [[340, 95, 105], [155, 65, nan], [90, nan, nan]])
    assert list(share.index.astype(str)) == ["2024-01", "2024-02", "2024-03"]
    assert list(share.columns) == [0, 1, 2]


def test_customer_summary(orders):
    table = customer_summary(orders)
    assert list(table.index) == ["A", "B", "C", "E", "F", "G", "H", "I"]  # D and J never paid
    a = table.loc["A"]
    # A: paid orders Jan 3 (100/60) and Jan 20 (40/20)
    assert (a["first_order"], a["last_order"]) == (pd.Timestamp("2024-01-03"), pd.Timestamp("2024-01-20"))
    assert (a["orders"], a["revenue"], a["gross_profit"]) == (2, 140, 60)
    assert table["orders"].sum() == 17  # 21 rows - 2 cancelled - 1 refunded - 1 annulée


def test_quarter_and_week_periods(orders):
    quarter = period_summary(orders, period="quarter", inactivity_days=30)
    # Q1 holds all 17 paid orders, 850 of revenue, 8 customers, all new
    assert quarter["orders"].tolist() == [17]
    assert quarter["revenue"].tolist() == [850]
    assert quarter[["active_customers", "new_customers"]].iloc[0].tolist() == [8, 8]
    weeks = period_summary(orders, period="week", inactivity_days=30)
    assert weeks["orders"].sum() == 17
    assert str(weeks.index[0]) == "2024-01-01/2024-01-07"  # Jan 3 falls in the week from Monday Jan 1


def test_column_names_are_arguments(orders):
    renamed = orders.rename(columns={"order_date": "Date", "order_id": "N°", "customer_id": "Client",
                                     "net_revenue": "CA net", "cost_of_goods_sold": "Coût", "status": "Statut"})
    summary = period_summary(renamed, inactivity_days=30, date_col="Date", order_id_col="N°",
                             customer_id_col="Client", revenue_col="CA net", cogs_col="Coût", status_col="Statut")
    assert summary["revenue"].tolist() == [340, 250, 260]


def test_inputs_are_not_mutated(orders):
    before = orders.copy(deep=True)
    period_summary(orders, inactivity_days=30)
    cohort_matrix(orders)
    customer_summary(orders)
    pd.testing.assert_frame_equal(orders, before)


def test_prepared_orders_are_reused(orders):
    valid = prepare_orders(orders)
    assert valid.rows_read == 21 and valid.rows_skipped == 0
    assert valid.as_of == pd.Timestamp("2024-03-20")
    pd.testing.assert_frame_equal(period_summary(valid, inactivity_days=30),
                                  period_summary(orders, inactivity_days=30))


def test_an_unknown_cost_makes_its_month_margin_unknown_not_free(orders):
    orders.loc[orders["order_id"] == "7", "cost_of_goods_sold"] = None  # B's February order: cost not known
    summary = period_summary(orders, inactivity_days=30, history_start="2024-01-01")
    # February still counts the order (5 orders, 250 revenue) but its cost, profit, margin and LTV are unknown;
    # January and March are as before (145 / 340 and 118 / 260)
    assert summary["orders"].tolist() == [5, 5, 7] and summary["revenue"].tolist() == [340, 250, 260]
    assert math.isnan(summary["cost_of_goods_sold"].iloc[1]) and math.isnan(summary["gross_margin"].iloc[1])
    assert math.isnan(summary["lifetime_value"].iloc[1])
    assert summary["gross_margin"].iloc[0] == pytest.approx(145 / 340)
    assert summary["churn_rate"].iloc[1] == 0.5  # customers are unaffected
    table = customer_summary(orders)
    assert math.isnan(table.loc["B", "gross_profit"]) and table.loc["A", "gross_profit"] == 60


# Churn at its edges, by hand. A customer's lapse day is their last order + the window; the loss belongs
# to the month holding that day, is known only once the data reach it, and is not counted when the
# customer joined in that same month (ChartMogul's rule; see kpi_xl.orders).
CHURN_EDGES = [
    # (case, orders as (date, customer), window, as_of, {month: (customers at start, lost, status)})
    ("lost on the last day of the data", [("2024-02-15", "x")], 30, "2024-03-16",
     {"2024-03": (1, 1, "provisional")}),  # lapse Mar 16 = as_of: known, counted
    ("lapse one day after the data", [("2024-02-15", "x")], 30, "2024-03-15",
     {"2024-03": (1, 0, "provisional")}),  # lapse Mar 16 > as_of Mar 15: not known yet
    ("lapse on a month's last day", [("2024-01-30", "x")], 30, "2024-03-31",
     {"2024-02": (1, 1, "final"), "2024-03": (0, 0, "final")}),  # Jan 30 + 30 = Feb 29 (2024)
    ("next order exactly at the window", [("2024-01-10", "x"), ("2024-02-09", "x")], 30, "2024-03-31",
     {"2024-02": (1, 0, "final"), "2024-03": (1, 1, "final")}),  # 30 days: kept; lapse Mar 10
    ("next order one day before the window", [("2024-01-10", "x"), ("2024-02-08", "x")], 30, "2024-03-31",
     {"2024-02": (1, 0, "final"), "2024-03": (1, 1, "final")}),  # lapse Mar 9
    ("next order one day after the window", [("2024-01-10", "x"), ("2024-02-10", "x")], 30, "2024-03-31",
     {"2024-02": (1, 1, "final"), "2024-03": (1, 1, "final")}),  # lost Feb 9, back Feb 10, lost Mar 11
    ("joins and lapses in one month", [("2024-03-01", "x")], 30, "2024-04-30",
     {"2024-03": (0, 0, "final"), "2024-04": (0, 0, "final")}),  # lapse Mar 31: never counted lost
    ("period ends on the last day of the data", [("2024-02-15", "x")], 30, "2024-03-31",
     {"2024-03": (1, 1, "final")}),
    ("period ends one day after the data", [("2024-02-15", "x")], 30, "2024-03-30",
     {"2024-03": (1, 1, "provisional")}),
]


@pytest.mark.parametrize("case, rows, window, as_of, expected", CHURN_EDGES, ids=[c[0] for c in CHURN_EDGES])
def test_churn_edges(case, rows, window, as_of, expected):
    table = pd.DataFrame({"order_date": [d for d, _ in rows], "order_id": [str(i) for i in range(len(rows))],
                          "customer_id": [c for _, c in rows], "net_revenue": 10.0, "cost_of_goods_sold": 5.0})
    summary = period_summary(table, inactivity_days=window, as_of=as_of, history_start="2023-01-01")
    for month, (at_start, lost, status) in expected.items():
        row = summary.loc[month]
        assert (row["customers_at_start"], row["customers_lost"], row["churn_status"]) == (at_start, lost, status), \
            (case, month)


def test_a_customer_back_after_being_lost_is_returning_not_new():
    # lost on Feb 9 (Jan 10 + 30), back on Feb 10: February has one returning customer and no new one
    table = pd.DataFrame({"order_date": ["2024-01-10", "2024-02-10"], "order_id": ["1", "2"],
                          "customer_id": ["x", "x"], "net_revenue": 10.0, "cost_of_goods_sold": 5.0})
    summary = period_summary(table, inactivity_days=30, as_of="2024-02-29", history_start="2023-01-01")
    assert summary.loc["2024-02", ["new_customers", "returning_customers", "customers_lost"]].tolist() == [0, 1, 1]


@pytest.mark.parametrize("window, status", [(31, "final"), (32, "no_history")])
def test_the_no_history_boundary(window, status):
    # data from Jan 1: February (Feb 1) is one full window in with 31 days, not with 32
    table = pd.DataFrame({"order_date": ["2024-01-01", "2024-02-15"], "order_id": ["1", "2"],
                          "customer_id": ["x", "y"], "net_revenue": 10.0, "cost_of_goods_sold": 5.0})
    summary = period_summary(table, inactivity_days=window, as_of="2024-03-31")
    assert summary.loc["2024-02", "churn_status"] == status


# Ids in text order by hand (code points: digits < capitals < small letters < 'é'; a text before the longer
# texts it starts), several sharing their first eight bytes ("customer", "12345678"), which
# orders.by_customer_id sorts as texts after its sort by those eight bytes.
IDS_BY_HAND = ["1234567", "12345678", "123456789", "12345678a", "Zoe", "Zoé", "ann", "customer", "customer-a",
               "customer-b", "zoe", "é"]


def test_customer_ids_in_text_order():
    from kpi_xl.orders import by_customer_id

    shuffled = [IDS_BY_HAND[i] for i in [7, 11, 2, 5, 0, 9, 3, 10, 1, 6, 8, 4]]
    order = by_customer_id(pd.Index(shuffled))
    assert [shuffled[i] for i in order] == IDS_BY_HAND
    assert order.dtype == np.intp
    # texts split over several Arrow chunks (a concatenation) and a slice of them: the same order
    chunked = pd.concat([pd.Series(shuffled[:5], dtype="str"), pd.Series(shuffled[5:], dtype="str")])
    assert [shuffled[i] for i in by_customer_id(pd.Index(chunked))] == IDS_BY_HAND
    assert [shuffled[1:][i] for i in by_customer_id(pd.Index(chunked.iloc[1:]))] == sorted(shuffled[1:])


def test_customer_ids_in_text_order_without_arrow(monkeypatch):
    from kpi_xl import orders

    monkeypatch.setattr(orders, "_arrow_texts", lambda texts: None)  # as in Pyodide: pandas sorts the texts
    shuffled = IDS_BY_HAND[::-1]
    assert [shuffled[i] for i in orders.by_customer_id(pd.Index(shuffled))] == IDS_BY_HAND


def test_customer_summary_rows_follow_the_ids():
    # hand: ids sharing their first eight bytes come out in text order, each with its own orders and revenue
    table = pd.DataFrame({"order_date": ["2024-01-03", "2024-01-04", "2024-01-05", "2024-01-06"],
                          "order_id": ["1", "2", "3", "4"],
                          "customer_id": ["customer-b", "customer-a", "customer-b", "customer"],
                          "net_revenue": [10.0, 20.0, 30.0, 40.0], "cost_of_goods_sold": [1.0, None, 3.0, 4.0]})
    table = customer_summary(table)
    assert list(table.index) == ["customer", "customer-a", "customer-b"]
    assert table["orders"].tolist() == [1, 1, 2]
    assert table["revenue"].tolist() == [40.0, 20.0, 40.0]  # customer-b: 10 + 30
    assert table["gross_profit"].fillna(-1).tolist() == [36.0, -1, 36.0]  # customer-a's cost is not known: NaN
    assert table["last_order"].tolist() == [pd.Timestamp("2024-01-06"), pd.Timestamp("2024-01-04"),
                                            pd.Timestamp("2024-01-05")]


@pytest.mark.parametrize("ids, codes, uniques", [
    # by hand: codes in the order of first appearance, the id of each code
    (["C002", "C001", "C002", "é"], [0, 1, 0, 2], ["C002", "C001", "é"]),  # at most 8 bytes: hashed as integers
    pytest.param(["a", "a\x00", "a", "a\x00\x00"], [0, 1, 0, 2], ["a", "a\x00", "a\x00\x00"],  # one word, told
                 marks=pytest.mark.xfail(int(pd.__version__.split(".")[0]) < 3, strict=True,  # apart by length
                                         reason="pandas 2 hashes object texts only up to their first NUL "
                                                "character: ids differing after it are merged")),
    (["customer-2", "c", "customer-2"], [0, 1, 0], ["customer-2", "c"]),  # longer than 8 bytes: hashed as texts
])
def test_factorize_ids(ids, codes, uniques):
    from kpi_xl.orders import _factorize_ids

    found_codes, found_ids = _factorize_ids(pd.Series(ids, dtype="str"))
    assert found_codes.tolist() == codes and found_ids.tolist() == uniques
    assert found_ids.dtype == pd.Series(ids, dtype="str").dtype  # the ids keep their text dtype
    objects = _factorize_ids(pd.Series(ids, dtype=object))  # not Arrow-backed: pandas' factorize, dtype kept
    assert objects[0].tolist() == codes and objects[1].tolist() == uniques and objects[1].dtype == object


@pytest.mark.parametrize("dtype", ["str", "string[python]", "string[pyarrow]", pytest.param(
    "string_view", marks=pytest.mark.skipif(int(pd.__version__.split(".")[0]) < 3,
                                            reason="pandas 2 makes no Series of Arrow's string_view"))])
def test_ids_of_every_text_dtype_are_factorized_and_ordered_alike(dtype):
    import pyarrow as pa

    from kpi_xl.orders import _factorize_ids, by_customer_id

    dtype = pd.ArrowDtype(pa.string_view()) if dtype == "string_view" else dtype  # another Arrow layout
    codes, ids = _factorize_ids(pd.Series(["b2", "a", "b2", "a1"], dtype=dtype))
    assert codes.tolist() == [0, 1, 0, 2] and ids.tolist() == ["b2", "a", "a1"]  # by hand: first appearance
    assert by_customer_id(ids).tolist() == [1, 2, 0]  # by hand: a < a1 < b2


@pytest.mark.parametrize("freq", ["M", "W", "Q", "Y"])
def test_period_ordinals_are_pandas_periods_of_each_day(freq):
    # reference: pandas' own Period of each date, over a span crossing year ends and a leap day (2024-02-29)
    days = pd.date_range("2023-12-25", "2025-01-07", freq="D")
    shuffled = np.random.default_rng(3).permutation(days.size)
    got = period_ordinals(_days(days[shuffled]), freq)
    assert got.tolist() == [pd.Period(day, freq=freq).ordinal for day in days[shuffled]]


def test_paid_months_leave_out_refunds_and_empty_months():
    # by hand: paid in 2024-01 and 2024-03; February's only order is refunded
    table = pd.DataFrame({"order_date": ["2024-01-03", "2024-02-11", "2024-03-02"], "order_id": ["1", "2", "3"],
                          "customer_id": ["ann", "bob", "ann"], "net_revenue": [10.0, 20.0, 30.0],
                          "cost_of_goods_sold": [1.0, 2.0, 3.0], "status": ["paid", "refunded", "paid"]})
    valid = prepare_orders(table, status_col="status")
    assert paid_months(valid) == {pd.Period("2024-01", "M"), pd.Period("2024-03", "M")}
    refunded = prepare_orders(table.assign(status="refunded"), status_col="status")
    assert paid_months(refunded) == set()
