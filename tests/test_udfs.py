"""The KPI_* worksheet functions called as plain Python, with ranges shaped as xlwings passes them."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi_xl import kpis
from kpi_xl.excel import udfs
from kpi_xl.excel.udfs import ERROR_PREFIX, UNDEFINED
from kpi_xl.orders import cohort_matrix, period_summary

SPEND = [1200.0, 1300.0, 900.0]
NEW = [40.0, 60.0, 30.0]


def shapes(values):
    """The shapes one range may take: flat list (one row or column), a column as nested lists,
    a row as nested list, and a 2-D block padded with blanks (None and "" from Office.js)."""
    return {
        "flat": list(values),
        "column": [[v] for v in values],
        "row": [list(values)],
        "with_blanks": [[v] for v in values] + [[None], [""], ["  "]],
    }


@pytest.mark.parametrize("shape", ["flat", "column", "row", "with_blanks"])
def test_range_shapes_give_the_core_result(shape):
    # =KPI_CAC(B2:B13, C2:C13) is total spend / total new customers: the core on the totals
    expected = kpis.customer_acquisition_cost(sum(SPEND), sum(NEW))
    assert udfs.KPI_CAC(shapes(SPEND)[shape], shapes(NEW)[shape]) == pytest.approx(expected)


def test_a_single_cell_arrives_as_a_scalar():
    assert udfs.KPI_CTR(62, 4000) == pytest.approx(kpis.click_through_rate(62, 4000))
    assert udfs.KPI_CTR([[62]], [[4000]]) == pytest.approx(0.0155)  # hand: 62 / 4000


# (UDF, arguments, core function, core arguments)
EVERY_SUMMING_UDF = [
    (udfs.KPI_CONVERSION_RATE, ([[20], [25]], [700, 800]), kpis.conversion_rate, (45, 1500)),
    (udfs.KPI_CTR, ([30, 70], [[1000, 3000]]), kpis.click_through_rate, (100, 4000)),
    (udfs.KPI_CAC, (SPEND, NEW), kpis.customer_acquisition_cost, (3400, 130)),
    (udfs.KPI_CHURN_RATE, ([5, 7], [200, 200]), kpis.churn_rate, (12, 400)),
    (udfs.KPI_RETENTION_RATE, ([450], [90], [[400]]), kpis.retention_rate, (450, 90, 400)),
    (udfs.KPI_GROSS_PROFIT, ([10000, 12000], [6000, 7000]), kpis.gross_profit, (22000, 13000)),
    (udfs.KPI_GROSS_MARGIN, ([[20000]], [[12000]]), kpis.gross_margin, (20000, 12000)),
    (udfs.KPI_AOV, ([6000, 6500], [120, 130]), kpis.average_order_value, (12500, 250)),
    (udfs.KPI_ROAS, ([8000, 4000], [2000, 1000]), kpis.return_on_ad_spend, (12000, 3000)),
    (udfs.KPI_ENGAGEMENT_RATE, ([[300, 45, 30]], 15000), kpis.engagement_rate, (375, 15000)),
]


@pytest.mark.parametrize("udf, args, core, core_args", EVERY_SUMMING_UDF, ids=[r[0].__name__ for r in EVERY_SUMMING_UDF])
def test_every_summing_udf_equals_the_core(udf, args, core, core_args):
    assert udf(*args) == pytest.approx(core(*core_args))


@pytest.mark.parametrize("udf, args, core, core_args", EVERY_SUMMING_UDF, ids=[r[0].__name__ for r in EVERY_SUMMING_UDF])
def test_zero_denominator_shows_the_undefined_marker(udf, args, core, core_args):
    zeros = [0] * len(args)
    if udf is udfs.KPI_GROSS_PROFIT:  # a difference, never undefined: 0 - 0
        assert udf(*zeros) == 0.0
    else:
        result = udf(*zeros)
        assert result == UNDEFINED and result not in ("", 0, None)


def test_ratio_udfs_take_one_cell_each():
    # hand: 50 x 1.2 / 0.05 = 1200; with a 40 % margin 480; LTV:CAC 480 / 120 = 4
    assert udfs.KPI_LTV(50, [[1.2]], 0.05) == pytest.approx(1200)
    assert udfs.KPI_LTV(50, 1.2, 0.05, 0.4) == pytest.approx(480)
    assert udfs.KPI_LTV(50, 1.2, 0.05, None) == pytest.approx(1200)  # optional argument left blank
    assert udfs.KPI_LTV(50, 1.2, 0) == UNDEFINED
    assert udfs.KPI_LTV_CAC(480, [[120]]) == pytest.approx(4.0)
    assert udfs.KPI_LTV_CAC(480, 0) == UNDEFINED


def test_repeat_rate_from_order_rows():
    # a, b, a, 1001 twice (number and text): customers a, b, 1001; repeaters a, 1001 -> 2/3
    assert udfs.KPI_REPEAT_RATE([["a"], ["b"], ["a"], [None], [1001.0], ["1001"]]) == pytest.approx(2 / 3)
    assert udfs.KPI_REPEAT_RATE([[None], [""]]) == UNDEFINED


@pytest.mark.parametrize("text, number", [("1 234,56", 1234.56), ("1\u202f234,56", 1234.56), ("12,5", 12.5),
                                          ("1.234,56", 1234.56), ("1,234.56", 1234.56), ("1 200 €", 1200.0)])
def test_numbers_typed_as_french_or_us_text_are_read(text, number):
    assert udfs.KPI_AOV([text], 1) == pytest.approx(number)


# (call, exact message) -- each names the argument, the cell and the value
MESSAGES = [
    (lambda: udfs.KPI_CONVERSION_RATE(5, [1, 2, "n/a"] + [3] * 9),
     "visitors: cell 3 of 12 is 'n/a', not a number"),
    (lambda: udfs.KPI_CAC([[100], [True]], 4), "acquisition_spend: cell 2 of 2 is TRUE, not a number"),
    (lambda: udfs.KPI_CAC([100, -5], 4), "acquisition_spend: cell 2 of 2 is -5, which is negative"),
    (lambda: udfs.KPI_AOV(["1,234"], 1),
     "revenue is '1,234', ambiguous: it reads as 1.234 in French and as 1234 otherwise; "
     "enter it as a number, not as text"),
    (lambda: udfs.KPI_CTR(120, 100), "clicks (120) is more than impressions (100)"),
    (lambda: udfs.KPI_LTV([50, 60], 1.2, 0.05),
     "average_order_value holds 2 numbers: it needs one cell (a rate or an average)"),
    (lambda: udfs.KPI_LTV(None, 1.2, 0.05), "average_order_value is empty: it needs one number"),
    (lambda: udfs.KPI_COHORTS(["2024-01-03", "2024-01-04"], ["a"]),
     "order_dates has 2 cells but customer_ids has 1: the ranges must cover the same rows"),
    (lambda: udfs.KPI_COHORTS([["2024-01-03"], ["hier"]], [["a"], ["b"]]),
     "order_dates: cell 2 of 2 is 'hier', not a date (use a date cell or YYYY-MM-DD)"),
    (lambda: udfs.KPI_CUSTOMERS([["2024-01-03"], ["2024-01-04"]], [["a"], [None]]),
     "customer_ids: cell 2 of 2 is empty: every order needs a customer id"),
    (lambda: udfs.KPI_COHORTS(["2024-01-03"], ["a"], "median"),
     "measure is 'median': use share, count or revenue (part, nombre, ca)"),
]


@pytest.mark.parametrize("call, message", MESSAGES)
def test_bad_input_gives_a_message_with_argument_position_and_value(call, message):
    assert call() == f"{ERROR_PREFIX} {message}"


def orders(n, seed=1):
    """n generated order rows: dates over 2023-2024 and customers drawn from n/4 ids."""
    rng = np.random.default_rng(seed)
    dates = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 731, n), unit="D")
    customers = rng.integers(0, max(n // 4, 1), n)
    revenue = np.round(rng.uniform(5, 200, n), 2)
    return dates, customers, revenue


def test_cohorts_on_a_small_table_match_the_hand_computation():
    # ann Jan & Feb, bob Jan, cat Feb: Jan cohort (2) has 1 of 2 back in Feb; Feb cohort has 1 customer
    result = udfs.KPI_COHORTS([["2024-01-03"], ["2024-01-20"], ["2024-02-11"], ["2024-02-27"]],
                              [["ann"], ["bob"], ["ann"], ["cat"]])
    assert result == [["Cohorte", 0, 1], ["2024-01", 1.0, 0.5], ["2024-02", 1.0, ""]]


def test_cohorts_and_customers_on_100000_rows_agree_with_the_core():
    dates, customers, revenue = orders(100_000)
    # Office.js sends dates as serial numbers and ids as numbers, in 2-D columns
    serials = [[float((d - pd.Timestamp("1899-12-30")).days)] for d in dates]
    ids = [[float(c)] for c in customers]
    table = pd.DataFrame({"order_date": dates, "order_id": range(len(dates)), "customer_id": customers.astype(str),
                          "net_revenue": revenue, "cost_of_goods_sold": 0.0})

    spilled = udfs.KPI_COHORTS(serials, ids, "count")
    core = cohort_matrix(table, measure="count")
    assert spilled[0] == ["Cohorte", *range(len(core.columns))]
    assert [row[0] for row in spilled[1:]] == [str(p) for p in core.index]
    body = np.array([[np.nan if v == "" else v for v in row[1:]] for row in spilled[1:]], dtype=float)
    np.testing.assert_array_equal(body, core.to_numpy())

    revenue_spilled = udfs.KPI_COHORTS(serials, ids, "ca", [[r] for r in revenue])
    revenue_body = np.array([[np.nan if v == "" else v for v in row[1:]] for row in revenue_spilled[1:]], float)
    np.testing.assert_allclose(revenue_body, cohort_matrix(table, measure="revenue").to_numpy())

    customers_spilled = udfs.KPI_CUSTOMERS(serials, ids, 180, "EN")
    summary = period_summary(table, inactivity_days=180)
    assert customers_spilled[0] == ["Month", "Active", "New", "Returning", "Lost", "Churn rate", "Retention rate"]
    for row, (month, expected) in zip(customers_spilled[1:], summary.iterrows(), strict=True):
        assert row[0] == str(month)
        assert row[1:5] == [expected["active_customers"], expected["new_customers"],
                            expected["returning_customers"], expected["customers_lost"]]
        if expected["churn_status"] == "final":
            assert row[5] == pytest.approx(expected["churn_rate"]) and row[6] == pytest.approx(expected["retention_rate"])
        else:
            assert row[5] in ("provisional", "not enough history")


def test_desktop_datetimes_read_like_serials():
    as_datetimes = udfs.KPI_CUSTOMERS([dt.datetime(2024, 1, 3, 10, 30), dt.date(2024, 2, 5)], ["a", "a"], 30)
    as_serials = udfs.KPI_CUSTOMERS([45294.4375, 45327], ["a", "a"], 30)  # the same two days
    assert as_datetimes == as_serials


def test_wizard_texts_fit_excel_limits():
    for name in udfs.__all__:
        func = getattr(udfs, name)
        if name.startswith("KPI_"):
            assert func.__doc__ and len(func.__doc__) <= 255, name  # MacroOptions' Description limit


def test_repeat_rate_and_customers_count_paid_orders_only_when_given_statuses():
    ids = [["a"], ["b"], ["a"], ["c"], ["c"]]
    statuses = [["paid"], ["payée"], ["refunded"], ["Paid"], ["annulée"]]
    # all rows: a and c have 2 orders -> 2/3; paid only: a, b, c have 1 each -> 0/3
    assert udfs.KPI_REPEAT_RATE(ids) == pytest.approx(2 / 3)
    assert udfs.KPI_REPEAT_RATE(ids, statuses) == 0.0
    # ann 3 Jan paid, bob 20 Jan refunded, ann 11 Feb paid: January has 1 active customer, not 2
    dates = [["2024-01-03"], ["2024-01-20"], ["2024-02-11"]]
    names = [["ann"], ["bob"], ["ann"]]
    paid_only = udfs.KPI_CUSTOMERS(dates, names, 30, "EN", [["paid"], ["refunded"], ["paid"]])
    assert [row[:4] for row in paid_only[1:]] == [["2024-01", 1, 1, 0], ["2024-02", 1, 0, 1]]
    assert udfs.KPI_CUSTOMERS(dates, names, 30, "EN")[1][:4] == ["2024-01", 2, 2, 0]
    # cohorts: without bob's refunded order January acquires 1 customer, who is back in February
    assert udfs.KPI_COHORTS(dates, names, "count", None, None, [["paid"], ["refunded"], ["paid"]]) == [
        ["Cohorte", 0, 1], ["2024-01", 1.0, 1.0], ["2024-02", 0.0, ""]]


def test_repeat_rate_with_statuses_agrees_with_the_dashboard_on_the_demo():
    from kpi_xl.sample import sample_shop

    table = sample_shop().tables()["orders"]
    ids, statuses = [[v] for v in table["customer_id"]], [[v] for v in table["status"]]
    # issue 14: the formula gave 0.4216 and the dashboard 0.4150 (repeat purchase rate to the last month)
    assert udfs.KPI_REPEAT_RATE(ids) == pytest.approx(0.4216, abs=5e-5)
    with_statuses = udfs.KPI_REPEAT_RATE(ids, statuses)
    assert with_statuses == pytest.approx(0.4150, abs=5e-5)
    dashboard = period_summary(table, status_col="status")["repeat_purchase_rate"].iloc[-1]
    assert with_statuses == pytest.approx(dashboard, rel=1e-12)


def test_an_unknown_status_is_named():
    assert udfs.KPI_REPEAT_RATE([["a"], ["b"]], [["paid"], ["lost"]]) == (
        f"{ERROR_PREFIX} statuses: cell 2 of 2 is 'lost', not a known status "
        "(paid, refunded, cancelled; payée, remboursée, annulée)")
    message = udfs.KPI_CUSTOMERS([["2024-01-03"], ["2024-01-04"]], [["a"], ["b"]], None, None, [["paid"], ["?"]])
    assert message.startswith(f"{ERROR_PREFIX} statuses: cell 2 of 2: '?' is not a known status")


def test_realised_ltv_formula_on_the_hand_built_table():
    from test_cohort_value import ROWS  # worked out by hand there

    dates, _, names, revenues, costs, statuses = ([[row[i]] for row in ROWS] for i in range(6))
    spilled = udfs.KPI_LTV_REALISED(dates, names, revenues, costs, statuses)
    assert spilled[0] == ["Cohorte", "Clients", 3, 6, 12, 24]
    assert spilled[1][:2] == ["2024-01", 3] and spilled[1][2:4] == pytest.approx([127 / 3, 167 / 3])
    assert spilled[1][4:] == ["", ""]  # not 12 months old: blank, not a partial value
    assert spilled[2] == ["2024-02", 2, 45.0, "", "", ""]
    assert spilled[3] == ["2024-03", 0, UNDEFINED, "", "", ""]  # 4 months observed, nobody acquired
    assert spilled[4] == ["2024-04", 1, UNDEFINED, "", "", ""]  # fay's cost of goods is not known
    ages = udfs.KPI_LTV_REALISED(dates, names, revenues, costs, statuses, [[1, 4]], "EN")
    assert ages[0] == ["Cohort", "Customers", 1, 4]
    assert ages[1][2:] == pytest.approx([67 / 3, 157 / 3])
    assert udfs.KPI_LTV_REALISED(dates, names, revenues, costs, statuses, 2.5) == (
        f"{ERROR_PREFIX} ages: give whole numbers of months, at least 1 (e.g. 3, 6, 12, 24)")


def test_clv_formula_spills_the_core_result():
    from kpi_xl.clv import customer_lifetime_values
    from kpi_xl.sample import sample_shop

    table = sample_shop().tables()["orders"]
    columns = [[[v] for v in table[c]] for c in ("order_date", "customer_id", "net_revenue", "status")]
    spilled = udfs.KPI_CLV(*columns, None, 0)  # 12 months, no discounting
    assert spilled[0] == ["Client", "Achats attendus", "Probabilité active", "Valeur attendue"]
    core, purchases, spend = customer_lifetime_values(table, status_col="status", discount_rate=0.0)
    assert len(spilled) == len(core) + 1 == 1124  # 1,123 customers with a paid order
    assert [row[0] for row in spilled[1:]] == core.index.tolist()
    body = np.array([row[1:] for row in spilled[1:]], dtype=float)
    np.testing.assert_allclose(body, core[["expected_purchases", "probability_alive", "clv"]].to_numpy())
    # by hand: undiscounted value = expected purchases x spend per order, the population mean
    # p gamma / (q - 1) for a customer with no repeat purchase, who is active with probability 1
    once = core.index[core["frequency"] == 0][0]
    row = spilled[1 + core.index.get_loc(once)]
    assert row[2] == 1.0
    assert row[3] == pytest.approx(row[1] * spend.p * spend.gamma / (spend.q - 1))
    discounted = udfs.KPI_CLV(*columns, 24, [[0.10]], "EN")
    assert discounted[0][0] == "Customer"
    assert udfs.KPI_CLV(*columns, 0) == f"{ERROR_PREFIX} horizon_months is 0: use a whole number of months, at least 1"


def test_a_date_typed_as_text_is_read_whole():
    """'2024-01-311' is no date (its first ten characters were read as 31 January); a time after the day is fine."""
    from kpi_xl.errors import KpiInputError
    from kpi_xl.excel.cells import dates_in

    assert dates_in(["2024-01-31 10:30"], "order_dates").tolist() == [pd.Timestamp("2024-01-31")]
    with pytest.raises(KpiInputError, match="order_dates is '2024-01-311', not a date"):
        dates_in(["2024-01-311"], "order_dates")


def test_a_row_is_dropped_only_when_every_range_is_blank_there():
    from kpi_xl.excel.cells import order_rows

    # by hand: row 2 is blank in all three ranges; row 3 only in the first two (its status is kept), row 4
    # only in the first; order_rows looks at the later ranges only for the rows blank so far (2 and 3, then 2)
    kept, positions, count = order_rows(order_dates=[["2024-01-03"], [None], [""], [None]],
                                        customer_ids=[["a"], [" "], [None], ["b"]],
                                        statuses=[["paid"], [None], ["refunded"], ["paid"]])
    assert (positions, count) == ([1, 3, 4], 4)
    assert kept == {"order_dates": ["2024-01-03", "", None], "customer_ids": ["a", None, "b"],
                    "statuses": ["paid", "refunded", "paid"]}
