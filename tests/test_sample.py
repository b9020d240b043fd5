"""The built-in sample shop: deterministic, valid, and consistent across its tables."""

import pandas as pd

from kpi_xl.order_table import prepare_orders
from kpi_xl.report import prepare_monthly
from kpi_xl.sample import CHANNELS, sample_shop


def test_sample_is_deterministic():
    a, b = sample_shop(), sample_shop()
    pd.testing.assert_frame_equal(a.orders, b.orders)
    pd.testing.assert_frame_equal(a.social, b.social)
    assert not sample_shop(seed=7).orders.equals(a.orders)


def test_sample_is_a_real_shop():
    shop = sample_shop()
    valid = prepare_orders(shop.orders, as_of=shop.as_of)  # raises on any problem
    assert valid.rows_skipped == 0
    assert shop.orders["customer_id"].nunique() >= 300  # several hundred customers
    assert shop.orders["order_date"].dt.to_period("M").nunique() >= 12
    assert set(shop.orders["status"]) == {"paid", "refunded", "cancelled"}
    for kind in ("traffic", "marketing", "social"):
        sums, problems = prepare_monthly(getattr(shop, kind), kind)
        assert problems == [] and len(sums) == 24


def test_tables_agree_with_the_orders():
    shop = sample_shop()
    paid = shop.orders[shop.orders["status"] == "paid"]
    per_month = paid.groupby(paid["order_date"].dt.to_period("M")).size()
    assert shop.traffic["purchases"].tolist() == per_month.tolist()
    first = paid.groupby("customer_id")["order_date"].min()
    channel = paid.drop_duplicates("customer_id").set_index("customer_id")["channel"]
    paid_channels = {name for name, is_paid, _ in CHANNELS if is_paid}
    acquired_by_ads = channel[channel.isin(paid_channels)].index
    assert shop.marketing["new_customers"].sum() == first.loc[acquired_by_ads].size
