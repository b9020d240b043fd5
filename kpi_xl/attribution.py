"""What the orders' channel column says about the paid channels, month by month: the revenue they
brought (for ROAS) and the new customers whose first order came from them (for paid CAC).

The orders' ``channel`` column (the Orders sheet's *Acquisition channel*, or an import's UTM source) is
optional and often filled for some orders only. Where a month's orders carry no channel at all, what
the paid channels brought that month is not known: the counts here are then ``nan``, never 0, and
the refresh says "n.d.: the orders carry no channel".

Definitions (paid orders only, see :mod:`kpi_xl.order_table`):

* ``paid_channel_revenue``: net revenue of the month's orders whose channel is a paid channel
  (:func:`is_paid_channel`); ``nan`` when none of the month's orders carries a channel;
* ``paid_new_customers``: customers whose first paid order is in the month and carries a paid
  channel; ``nan`` when none of the month's new customers' first orders carries a channel.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .order_table import COLUMNS, ValidOrders

__all__ = ["is_paid_channel", "is_email_channel", "channel_months"]

DATE, CUSTOMER, REVENUE, CHANNEL = COLUMNS["date"], COLUMNS["customer_id"], COLUMNS["revenue"], COLUMNS["channel"]


def is_paid_channel(channel: Any) -> bool:
    """A paid advertising channel: its name says "ads" (Google Ads, Meta Ads, TikTok Ads, Bing Ads...).

    >>> is_paid_channel("Meta Ads"), is_paid_channel("Email"), is_paid_channel("Organique")
    (True, False, False)
    """
    return "ads" in str(channel).casefold().replace("-", " ").split()


def is_email_channel(channel: Any) -> bool:
    """An e-mail channel (newsletters, e-mail campaigns).

    >>> is_email_channel("E-mail"), is_email_channel("Newsletter"), is_email_channel("Google Ads")
    (True, True, False)
    """
    return str(channel).casefold().replace("-", "").strip() in {"email", "emailing", "newsletter", "mail", "courriel"}


def channel_months(valid: ValidOrders, months: pd.PeriodIndex) -> pd.DataFrame:
    """``paid_channel_revenue`` and ``paid_new_customers`` per month of ``months`` (see the module doc).

    Examples
    --------
    >>> from kpi_xl.order_table import prepare_orders
    >>> table = pd.DataFrame({"order_date": ["2024-01-03", "2024-01-20", "2024-02-11", "2024-03-02"],
    ...     "order_id": ["1", "2", "3", "4"], "customer_id": ["ann", "bob", "ann", "cat"],
    ...     "net_revenue": [100.0, 60.0, 80.0, 40.0], "cost_of_goods_sold": [50.0, 30.0, 40.0, 20.0],
    ...     "channel": ["Google Ads", "Email", None, None]})
    >>> channel_months(prepare_orders(table), pd.period_range("2024-01", "2024-03", freq="M"))
             paid_channel_revenue  paid_new_customers
    2024-01                 100.0                 1.0
    2024-02                   NaN                 NaN
    2024-03                   NaN                 NaN
    """
    out = pd.DataFrame(np.nan, index=months, columns=["paid_channel_revenue", "paid_new_customers"])
    counted = valid.counted
    if CHANNEL not in counted.columns or counted.empty:
        return out
    counted = counted.reset_index(drop=True)  # positions, whatever the input's row labels
    month = counted[DATE].dt.to_period("M")
    channel = counted[CHANNEL]
    tagged = channel.notna()
    names = channel[tagged].unique()
    paid = channel.isin([name for name in names if is_paid_channel(name)])
    revenue = counted[REVENUE].where(paid, 0.0).groupby(month).sum()
    out["paid_channel_revenue"] = revenue.where(tagged.groupby(month).any()).reindex(months)
    first = counted.sort_values(DATE, kind="stable").drop_duplicates(CUSTOMER)  # each customer's first paid order
    first_month = first[DATE].dt.to_period("M")
    new = paid[first.index].astype(float).groupby(first_month).sum()
    out["paid_new_customers"] = new.where(tagged[first.index].groupby(first_month).any()).reindex(months)
    return out
