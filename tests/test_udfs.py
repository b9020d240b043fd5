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
