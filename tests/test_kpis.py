"""Reference values for every KPI function: a normal case, the zero-denominator
case and invalid input. Each expected value says where it comes from."""

import math
import re

import numpy as np
import pandas as pd
import pytest

from kpi_xl import kpis
from kpi_xl.errors import KpiInputError

NAN = math.nan

# (function, positional args, keyword args, expected) -- the comment after each row is its source.
REFERENCE = [
    # conversion_rate
    (kpis.conversion_rate, (45, 1500), {}, 0.03),  # hand: 45 / 1500
    (kpis.conversion_rate, ([20, 25], [700, 800]), {}, 0.03),  # hand: (20+25) / (700+800) = 45/1500
    (kpis.conversion_rate, (0, 0), {}, NAN),  # zero visitors: undefined by convention
    (kpis.conversion_rate, (0, 250), {}, 0.0),  # hand: no sale is a real 0 %
    # click_through_rate
    (kpis.click_through_rate, (62, 4000), {}, 0.0155),  # hand: 62 / 4000
    (kpis.click_through_rate, (np.array([30, 70]), np.array([1000, 3000])), {}, 0.025),  # hand: 100 / 4000
    (kpis.click_through_rate, (0, 0), {}, NAN),  # no impression: undefined
    # customer_acquisition_cost
    (kpis.customer_acquisition_cost, ([1200, 1300], [40, 60]), {}, 25.0),  # hand: 2500 / 100
    (kpis.customer_acquisition_cost, (500, 0), {}, NAN),  # spend without a new customer: undefined, not 0
    # churn_rate
    (kpis.churn_rate, (12, 400), {}, 0.03),  # hand: 12 / 400
    (kpis.churn_rate, (0, 0), {}, NAN),  # nobody at start: undefined
    # retention_rate: (E - N) / S
    (kpis.retention_rate, (450, 90, 400), {}, 0.9),  # hand: (450-90)/400 = 360/400
    (kpis.retention_rate, (180, 20, 200), {}, 0.8),  # textbook CRR example: (180-20)/200
    (kpis.retention_rate, (5, 5, 0), {}, NAN),  # nobody at start: undefined
    # repeat_purchase_rate
    (kpis.repeat_purchase_rate, (27, 100), {}, 0.27),  # hand: 27 / 100
    (kpis.repeat_purchase_rate, (0, 0), {}, NAN),  # no customer: undefined
    # gross_profit and gross_margin
    (kpis.gross_profit, ([10000, 12000], [6000, 7000]), {}, 9000.0),  # hand: 22000 - 13000
    (kpis.gross_profit, (100, 130), {}, -30.0),  # hand: sold at a loss
    (kpis.gross_margin, (20000, 12000), {}, 0.4),  # hand: 8000 / 20000
    (kpis.gross_margin, (100, 130), {}, -0.3),  # hand: -30 / 100, negative margin allowed
    (kpis.gross_margin, (0, 0), {}, NAN),  # no sales: undefined
    # average_order_value, purchase_frequency
    (kpis.average_order_value, (12500, 250), {}, 50.0),  # hand: 12500 / 250
    (kpis.average_order_value, (0, 0), {}, NAN),  # no order: undefined
    (kpis.purchase_frequency, (250, 200), {}, 1.25),  # hand: 250 / 200
    (kpis.purchase_frequency, (0, 0), {}, NAN),  # no customer: undefined
    # customer_lifetime_value
    (kpis.customer_lifetime_value, (50, 1.2, 0.05), {}, 1200.0),  # hand: 50*1.2/0.05
    (kpis.customer_lifetime_value, (50, 1.2, 0.05), {"gross_margin": 0.4}, 480.0),  # hand: 1200*0.4
    (kpis.customer_lifetime_value, (50, 1.2, 0), {}, NAN),  # churn 0: lifetime unbounded, undefined
    # ltv_cac_ratio, cac_payback_periods
    (kpis.ltv_cac_ratio, (480, 120), {}, 4.0),  # hand: 480 / 120
    (kpis.ltv_cac_ratio, (480, 0), {}, NAN),  # free acquisition: undefined
    (kpis.cac_payback_periods, (120, 20), {}, 6.0),  # hand: 120 / 20 months
    (kpis.cac_payback_periods, (120, 0), {}, NAN),  # no profit: never paid back
    (kpis.cac_payback_periods, (120, -5), {}, NAN),  # a loss per period: never paid back
    # return_on_ad_spend
    (kpis.return_on_ad_spend, ([8000, 4000], [2000, 1000]), {}, 4.0),  # hand: 12000 / 3000
    (kpis.return_on_ad_spend, (800, 0), {}, NAN),  # nothing spent: undefined
    # engagement_rate
    (kpis.engagement_rate, ([300, 45, 30], 15000), {}, 0.025),  # hand: (300+45+30) / 15000
    (kpis.engagement_rate, (120, 0), {}, NAN),  # no audience: undefined
    (kpis.engagement_rate, (150, 100), {}, 1.5),  # more interactions than reach is possible
    # follower_growth_rate
    (kpis.follower_growth_rate, (10500, 10000), {}, 0.05),  # hand: 500 / 10000
    (kpis.follower_growth_rate, (9000, 10000), {}, -0.1),  # hand: -1000 / 10000
    (kpis.follower_growth_rate, (50, 0), {}, NAN),  # no follower at start: undefined
    # social_traffic_share
    (kpis.social_traffic_share, (900, 12000), {}, 0.075),  # hand: 900 / 12000
    (kpis.social_traffic_share, (0, 0), {}, NAN),  # no visit: undefined
]


@pytest.mark.parametrize("func, args, kwargs, expected", REFERENCE,
                         ids=[f"{row[0].__name__}-{i}" for i, row in enumerate(REFERENCE)])
def test_reference_values(func, args, kwargs, expected):
    result = func(*args, **kwargs)
    assert isinstance(result, float)
    if math.isnan(expected):
        assert math.isnan(result)
    else:
        assert result == pytest.approx(expected, rel=1e-12)


# (function, args, kwargs, words the message must contain)
INVALID = [
    (kpis.conversion_rate, (-1, 100), {}, ["conversions", "-1", "negative"]),
    (kpis.conversion_rate, (120, 100), {}, ["conversions (120)", "more than visitors (100)"]),
    (kpis.conversion_rate, ([10, 50], [100, 40]), {}, ["conversions: item 2 of 2", "visitors: item 2 of 2 (40)"]),
    (kpis.conversion_rate, ([1, 2, 3], [10, 20]), {}, ["conversions has 3 values", "visitors has 2"]),
    (kpis.conversion_rate, (5, "n/a"), {}, ["visitors", "'n/a'", "not a number"]),
    (kpis.conversion_rate, ([5, None], 100), {}, ["conversions: item 2 of 2", "empty"]),
    (kpis.click_through_rate, (True, 10), {}, ["clicks", "true/false"]),
    (kpis.click_through_rate, (20, 10), {}, ["clicks (20)", "impressions (10)"]),
    (kpis.customer_acquisition_cost, (NAN, 10), {}, ["acquisition_spend", "NaN"]),
    (kpis.customer_acquisition_cost, (100, math.inf), {}, ["new_customers", "infinite"]),
    (kpis.churn_rate, (30, 20), {}, ["customers_lost (30)", "customers_at_start (20)"]),
    (kpis.retention_rate, (50, 60, 100), {}, ["new_customers (60)", "customers_at_end (50)"]),
    (kpis.retention_rate, (300, 10, 100), {}, ["(290)", "customers_at_start (100)"]),
    (kpis.repeat_purchase_rate, (11, 10), {}, ["repeat_customers (11)"]),
    (kpis.gross_profit, (-100, 10), {}, ["revenue", "negative"]),
    (kpis.gross_margin, (100, [1, "x"]), {}, ["cost_of_goods_sold: item 2 of 2", "'x'"]),
    (kpis.average_order_value, (100, -2), {}, ["orders", "negative"]),
    (kpis.purchase_frequency, ("10", 2), {}, ["orders", "'10'", "not a number"]),
    (kpis.customer_lifetime_value, (50, 1.2, 5), {}, ["churn_rate is 5", "more than 1"]),
    (kpis.customer_lifetime_value, (50, 1.2, 0.1), {"gross_margin": 40}, ["gross_margin is 40"]),
    (kpis.customer_lifetime_value, ([50, 60], 1.2, 0.1), {}, ["average_order_value expects one value, got 2"]),
    (kpis.ltv_cac_ratio, (100, -3), {}, ["acquisition_cost", "negative"]),
    (kpis.cac_payback_periods, (None, 10), {}, ["acquisition_cost", "empty"]),
    (kpis.return_on_ad_spend, (100, [1, 2j]), {}, ["ad_spend: item 2 of 2", "complex"]),
    (kpis.engagement_rate, (10, {"a": 1}), {}, ["audience"]),
    (kpis.follower_growth_rate, (-5, 10), {}, ["followers_at_end", "negative"]),
    (kpis.social_traffic_share, (200, 100), {}, ["social_visits (200)", "visits (100)"]),
]


@pytest.mark.parametrize("func, args, kwargs, words", INVALID,
                         ids=[f"{row[0].__name__}-{i}" for i, row in enumerate(INVALID)])
def test_invalid_input_names_argument_and_value(func, args, kwargs, words):
    with pytest.raises(KpiInputError) as info:
        func(*args, **kwargs)
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert isinstance(info.value, ValueError)


def test_every_public_function_has_a_reference_row_and_an_invalid_row():
    referenced = {row[0].__name__ for row in REFERENCE}
    rejected = {row[0].__name__ for row in INVALID}
    assert set(kpis.__all__) <= referenced
    assert set(kpis.__all__) <= rejected


def test_every_public_function_has_a_zero_denominator_row():
    undefined = {row[0].__name__ for row in REFERENCE if math.isnan(row[3])}
    # gross_profit is a difference, not a ratio: it has no denominator.
    assert set(kpis.__all__) - {"gross_profit"} <= undefined


@pytest.mark.parametrize("container", [list, tuple, np.array, pd.Series])
def test_sequences_of_any_kind_are_summed(container):
    # hand: (10 + 20 + 30) / (100 + 200 + 300) = 0.1
    assert kpis.click_through_rate(container([10, 20, 30]), container([100, 200, 300])) == pytest.approx(0.1)


def test_nested_ranges_are_flattened_and_empty_sequences_sum_to_zero():
    # an Excel 2-D range arrives as nested lists: hand 10/100
    assert kpis.customer_acquisition_cost([[4, 6]], [[40], [60]]) == pytest.approx(0.1)
    assert math.isnan(kpis.customer_acquisition_cost([], []))


def test_one_value_sequences_are_accepted_for_rates():
    # an Excel single cell may arrive as a one-item list: hand 50*1.2/0.05
    assert kpis.customer_lifetime_value([50], [[1.2]], np.array([0.05])) == pytest.approx(1200)


# One Python number takes a fast path in kpi_xl._numbers (no numpy array, no ABC checks): the same results
# as the general path, and the same messages for what it does not accept.
@pytest.mark.parametrize("numerator, denominator, expected", [
    (3, 4, 0.75),  # hand: 3 / 4
    (1.5, 0.5, 3.0),  # hand: 1.5 / 0.5
    (7, 0, NAN),  # zero denominator: undefined
    (7.0, -0.0, NAN),  # -0.0 is zero too
    (0, 0.0, NAN),
])
def test_safe_divide_of_two_python_numbers(numerator, denominator, expected):
    from kpi_xl._numbers import safe_divide

    result = safe_divide(numerator, denominator)
    assert type(result) is float
    assert (math.isnan(result) and math.isnan(expected)) or result == expected
    # the array path, on the same two numbers as numpy floats
    general = safe_divide(np.float64(numerator), np.float64(denominator))
    assert (math.isnan(result) and math.isnan(general)) or result == general


def test_one_python_number_is_checked_as_before():
    from kpi_xl._numbers import as_values

    assert as_values(12, "orders").tolist() == [12.0]  # hand: the number itself, as a float
    assert as_values(-2.5, "margin", allow_negative=True).tolist() == [-2.5]
    for value, words in [(-2, "orders is -2, which is negative"), (math.nan, "not a number (NaN)"),
                         (math.inf, "infinite"), (True, "a true/false value")]:
        with pytest.raises(KpiInputError, match=re.escape(words)):
            as_values(value, "orders")
