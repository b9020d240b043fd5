"""Invariants of the KPI functions, checked with Hypothesis."""

import copy
import math

import numpy as np
from hypothesis import given, strategies as st

from kpi_xl import kpis

counts = st.integers(min_value=0, max_value=10**9)
# money and frequencies as shops have them: 0, or from a cent up (no subnormal floats)
money = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1e9))
scales = st.sampled_from([0.5, 2.0, 3.0, 10.0, 1000.0])

# (function, number of leading "part" arguments) for rates of a part over its whole.
PART_OF_WHOLE = [
    kpis.conversion_rate,
    kpis.click_through_rate,
    kpis.churn_rate,
    kpis.repeat_purchase_rate,
    kpis.social_traffic_share,
]
# ratio functions (numerator, denominator) of summable arguments
RATIOS = PART_OF_WHOLE + [
    kpis.customer_acquisition_cost,
    kpis.average_order_value,
    kpis.purchase_frequency,
    kpis.return_on_ad_spend,
    kpis.engagement_rate,
    kpis.gross_margin,
    kpis.follower_growth_rate,
]


@st.composite
def part_and_whole(draw):
    """Monthly (part, whole) sequences with part <= whole each month."""
    size = draw(st.integers(min_value=1, max_value=24))
    wholes = draw(st.lists(counts, min_size=size, max_size=size))
    parts = [draw(st.integers(min_value=0, max_value=w)) for w in wholes]
    return parts, wholes


@given(st.sampled_from(PART_OF_WHOLE), part_and_whole())
def test_rates_of_a_part_lie_in_unit_interval_or_are_nan_exactly_when_whole_is_zero(func, data):
    parts, wholes = data
    result = func(parts, wholes)
    if sum(wholes) == 0:
        assert math.isnan(result)
    else:
        assert 0.0 <= result <= 1.0


@given(st.sampled_from(RATIOS), st.data())
def test_nan_exactly_when_the_denominator_is_zero(func, data):
    whole = data.draw(counts)
    part = data.draw(st.integers(min_value=0, max_value=whole)) if func in PART_OF_WHOLE else data.draw(counts)
    if func is kpis.gross_margin:  # cost may exceed revenue; the denominator is the revenue (first argument)
        part, whole = whole, part
        assert math.isnan(func(part, whole)) == (part == 0)
    else:
        assert math.isnan(func(part, whole)) == (whole == 0)


@given(st.sampled_from(RATIOS), part_and_whole(), scales)
def test_ratios_are_scale_invariant(func, data, scale):
    parts, wholes = data
    if func is kpis.gross_margin:
        parts, wholes = wholes, parts  # revenue first, cost second (cost <= revenue here)
    base = func(parts, wholes)
    scaled = func([p * scale for p in parts], [w * scale for w in wholes])
    assert (math.isnan(base) and math.isnan(scaled)) or math.isclose(base, scaled, rel_tol=1e-9, abs_tol=1e-12)


@given(money, money, st.floats(min_value=0.001, max_value=1), scales)
def test_lifetime_value_scales_with_money_and_ratio_is_unitless(aov, freq, churn, scale):
    ltv = kpis.customer_lifetime_value(aov, freq, churn)
    assert math.isclose(kpis.customer_lifetime_value(aov * scale, freq, churn), ltv * scale, rel_tol=1e-9)
    assert math.isclose(ltv, aov * freq / churn, rel_tol=1e-9)  # the definition: AOV x frequency / churn
    cac = max(aov, 1.0)
    assert math.isclose(kpis.ltv_cac_ratio(ltv * scale, cac * scale), kpis.ltv_cac_ratio(ltv, cac), rel_tol=1e-9)


@given(counts, counts)
def test_retention_is_one_minus_churn_when_no_customer_joins(at_start, lost_seed):
    lost = lost_seed % (at_start + 1)
    retention = kpis.retention_rate(at_start - lost, 0, at_start)
    churn = kpis.churn_rate(lost, at_start)
    assert (math.isnan(retention) and math.isnan(churn)) or math.isclose(retention, 1 - churn, abs_tol=1e-12)


@given(st.sampled_from(RATIOS), part_and_whole(), st.sampled_from([list, np.array]))
def test_inputs_are_never_mutated(func, data, container):
    parts, wholes = (container(x) for x in data)
    if func is kpis.gross_margin:
        parts, wholes = wholes, parts
    before = copy.deepcopy((parts, wholes))
    func(parts, wholes)
    assert np.array_equal(parts, before[0]) and np.array_equal(wholes, before[1])
    assert type(parts) is type(before[0])


@given(part_and_whole())
def test_summing_months_equals_passing_the_totals(data):
    parts, wholes = data
    assert kpis.conversion_rate(parts, wholes) == kpis.conversion_rate(sum(parts), sum(wholes)) or (
        sum(wholes) == 0
    )
