"""Checking orders tables: every problem named with its row, column and value."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from kpi_xl.errors import KpiInputError
from kpi_xl.order_table import prepare_orders
from kpi_xl.orders import period_summary

GOOD = {"order_date": "2024-01-05", "order_id": "A1", "customer_id": "c1",
        "net_revenue": 50.0, "cost_of_goods_sold": 20.0, "status": "paid"}


def table(*changes):
    """A table of one good row followed by one row per change (row labels = sheet rows from 2)."""
    rows = [dict(GOOD)]
    for i, change in enumerate(changes):
        rows.append({**GOOD, "order_id": f"B{i}", **change})
    frame = pd.DataFrame(rows)
    frame.index = range(2, 2 + len(frame))
    return frame


# (change to a row, column named, words in the message)
SPOILED = [
    ({"order_date": "2024-13-01"}, "order_date", "'2024-13-01' is not a date"),
    ({"order_date": "05/01/2024"}, "order_date", "is not a date (use YYYY-MM-DD)"),
    ({"order_date": None}, "order_date", "is empty: every order needs a date"),
    ({"order_date": "2999-01-01"}, "order_date", "is in the future"),
    ({"order_date": "1024-01-05"}, "order_date", "is before 1900, which no order can be: check the year"),
    ({"order_id": "  "}, "order_id", "is empty: every order needs an order number"),
    ({"order_id": "A1"}, "order_id", "'A1' repeats the order number of row 2"),
    ({"customer_id": None}, "customer_id", "is empty: every order needs a customer id"),
    ({"net_revenue": "12,5x"}, "net_revenue", "'12,5x' is not a number"),
    ({"net_revenue": -5.0}, "net_revenue", "-5.0 is negative"),
    ({"net_revenue": None}, "net_revenue", "is empty: enter the amount"),
    ({"net_revenue": True}, "net_revenue", "is a true/false value"),
    ({"cost_of_goods_sold": "n/a"}, "cost_of_goods_sold", "'n/a' is not a number"),
    ({"status": "shipped"}, "status", "'shipped' is not a known status"),
]


@pytest.mark.parametrize("change, column, words", SPOILED, ids=[s[1] + "-" + s[2][:20] for s in SPOILED])
def test_each_problem_is_reported_with_its_address(change, column, words):
    frame = table(change)
    with pytest.raises(KpiInputError) as info:
        prepare_orders(frame, sheet="Commandes", today="2026-11-23")
    problem, = info.value.problems
    assert (problem.sheet, problem.row, problem.column) == ("Commandes", 3, column)
    assert words in str(problem)
    assert f"sheet 'Commandes', row 3, column '{column}'" in str(info.value)


def test_imported_orders_repeat_only_within_their_platform():
    # rows 2-6: A1 of Shopify, A1 of WooCommerce (another shop's number: not a repeat), A1 of Shopify
    # again (repeats row 2), A1 with no platform (typed by hand: its own key), A1 typed by hand again
    # (repeats row 5)
    frame = table({}, {}, {}, {})
    frame["order_id"] = "A1"
    frame["source"] = ["Shopify", "WooCommerce", "Shopify", None, None]
    valid = prepare_orders(frame, skip_invalid=True, today="2026-11-23")
    assert [(p.row, str(p.value)) for p in valid.problems] == [(4, "A1"), (6, "A1")]
    assert [p.message for p in valid.problems] == ["repeats the order number of row 2",
                                                   "repeats the order number of row 5"]
    assert list(valid.frame.index) == [2, 3, 5]


def test_a_platform_column_left_empty_keys_orders_by_number_alone():
    # a book whose platform column is empty everywhere (orders typed by hand): A1 at rows 2 and 4 repeat
    frame = table({}, {"order_id": "A1"})
    frame["source"] = pd.Series([None, None, None], index=frame.index, dtype="str")
    valid = prepare_orders(frame, skip_invalid=True, today="2026-11-23")
    assert [(p.row, p.message) for p in valid.problems] == [(4, "repeats the order number of row 2")]


def test_whole_number_order_ids_are_keyed_as_their_texts():
    # order numbers typed as whole numbers (an integer column): 1001 at rows 2 and 4 repeat, 1002 and 10010 do not
    frame = table({}, {}, {})
    frame["order_id"] = pd.array([1001, 1002, 1001, 10010], dtype="int64")
    valid = prepare_orders(frame, skip_invalid=True, today="2026-11-23")
    assert [(p.row, p.value, p.message) for p in valid.problems] == [(4, 1001, "repeats the order number of row 2")]
    assert valid.frame["order_id"].tolist() == ["1001", "1002", "10010"]


@pytest.mark.parametrize("numbers, dtype, repeats", [
    ([1, 2, 5, 9], "int64", []),  # each above the one before: no repeat to look for
    ([9, 5, 2, 1], "uint64", []),  # decreasing, all distinct: looked for, none
    ([1, 2, 2, 9], "uint64", [(4, 2)]),  # by hand: row 4 repeats row 3's number
    ([3, 1, 3, 4], "Int64", [(4, 3)]),  # pandas' nullable integers: looked for as before
])
def test_whole_number_order_ids_in_increasing_order_cannot_repeat(numbers, dtype, repeats):
    frame = table({}, {}, {})
    frame["order_id"] = pd.array(numbers, dtype=dtype)
    valid = prepare_orders(frame, skip_invalid=True, today="2026-11-23")
    assert [(p.row, p.value) for p in valid.problems] == repeats


def test_skip_invalid_keeps_the_good_rows_and_lists_every_problem():
    frame = table({"net_revenue": "abc"}, {"customer_id": ""}, {}, {"order_date": "2024-02-30"})
    valid = prepare_orders(frame, skip_invalid=True)
    assert valid.rows_read == 5 and valid.rows_skipped == 3
    assert [p.row for p in valid.problems] == [3, 4, 6]
    assert list(valid.frame.index) == [2, 5]
    summary = period_summary(valid)
    assert summary["orders"].tolist() == [2]  # the two good rows of January


def test_many_problems_are_summarised_in_the_message():
    frame = table(*[{"net_revenue": "x"}] * 14)
    with pytest.raises(KpiInputError) as info:
        prepare_orders(frame)
    assert len(info.value.problems) == 14
    assert "orders: 14 problems" in str(info.value) and "... and 4 more" in str(info.value)


def test_missing_column_and_empty_table_are_fatal():
    with pytest.raises(KpiInputError, match=r"no column 'net_revenue' \(columns found: .*'CA'"):
        prepare_orders(table().rename(columns={"net_revenue": "CA"}))
    with pytest.raises(KpiInputError, match="the orders table is empty"):
        prepare_orders(table().iloc[0:0])
    with pytest.raises(KpiInputError, match="must be a pandas DataFrame"):
        prepare_orders([GOOD])


def test_no_paid_order_is_an_error():
    frame = table({"status": "refunded"})
    frame.loc[2, "status"] = "cancelled"
    with pytest.raises(KpiInputError, match="no paid order"):
        period_summary(frame)


def test_orders_after_as_of_are_reported():
    frame = table({"order_date": "2024-03-01"})
    with pytest.raises(KpiInputError, match="is after the as-of date 2024-02-01"):
        prepare_orders(frame, as_of="2024-02-01")


def test_dates_of_every_kind_are_read():
    frame = table({"order_date": dt.date(2024, 2, 3)}, {"order_date": dt.datetime(2024, 3, 4, 18, 30)},
                  {"order_date": pd.Timestamp("2024-04-05 23:30", tz="Europe/Paris")},
                  {"order_date": "2024-05-06T10:00:00"})
    dates = prepare_orders(frame).frame["order_date"]
    # times are dropped; an aware timestamp keeps its own local date
    assert [d.strftime("%Y-%m-%d") for d in dates] == ["2024-01-05", "2024-02-03", "2024-03-04",
                                                      "2024-04-05", "2024-05-06"]


def test_identifiers_read_from_cells_as_numbers_become_text():
    frame = table({"customer_id": 1001.0, "order_id": 7.0})
    valid = prepare_orders(frame).frame
    assert valid.loc[3, "customer_id"] == "1001" and valid.loc[3, "order_id"] == "7"


def test_status_column_is_optional_and_labels_are_case_insensitive():
    frame = table({"status": " Remboursée "}, {"status": "PAID"})
    assert prepare_orders(frame).frame["status"].tolist() == ["paid", "refunded", "paid"]
    assert prepare_orders(frame.drop(columns="status")).frame["counts"].all()


def test_bad_arguments_of_the_analytics():
    with pytest.raises(ValueError, match="period must be one of month, week, quarter, year"):
        period_summary(table(), period="day")
    with pytest.raises(ValueError, match="inactivity_days must be a whole number"):
        period_summary(table(), inactivity_days=0)


def test_numeric_columns_of_numpy_types_are_fast_path():
    frame = table()
    frame["net_revenue"] = frame["net_revenue"].astype(np.float32)
    assert prepare_orders(frame).frame["net_revenue"].dtype == float


def test_dates_typed_with_a_time_zone_or_nanoseconds_keep_their_own_day():
    """Text dates from pasted exports: offsets (one for all, or differing), Z, nanoseconds. Each order keeps the
    calendar day of its own local time, as a date cell with a time zone does; none stops the refresh."""
    table = pd.DataFrame({
        "order_date": ["2024-01-05", "2024-01-06T23:30:00+02:00", "2024-01-07T23:30:00-05:00",
                       "2024-01-08T10:00:00.123456789", "2024-01-09T00:30:00Z", "5 janvier"],
        "order_id": ["1", "2", "3", "4", "5", "6"], "customer_id": ["a", "b", "c", "d", "e", "f"],
        "net_revenue": [1.0] * 6, "cost_of_goods_sold": [0.5] * 6})
    valid = prepare_orders(table, skip_invalid=True)
    # by hand: the local day of each text (in UTC the second would be 01-06 21:30, the third 01-08 04:30)
    assert valid.frame["order_date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08", "2024-01-09"]
    assert [(p.row, p.message) for p in valid.problems] == [(5, "is not a date (use YYYY-MM-DD)")]  # its index
    same_offset = table.iloc[1:2].assign(order_date="2024-01-06T23:30:00+02:00")
    assert prepare_orders(same_offset).frame["order_date"].tolist() == [pd.Timestamp("2024-01-06")]
