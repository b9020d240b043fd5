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

from ._numbers import as_index
from .order_table import COLUMNS, ValidOrders
from .orders import _days, _ordered, first_of_customer, period_ordinals

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
    frame = valid.frame
    if CHANNEL not in frame.columns or months.empty:
        return out
    codes, names = pd.factorize(frame[CHANNEL])  # a handful of names: each is judged once
    tagged = codes >= 0
    paid = np.append([is_paid_channel(name) for name in names], False).astype(bool)[codes]  # -1 (blank): no
    month = period_ordinals(_days(frame[DATE]), "M") - months[0].ordinal  # each order's slot in ``months``
    size = len(months)
    inside = (month >= 0) & (month < size)
    counts = frame["counts"].to_numpy(dtype=bool) & inside
    revenue = np.bincount(as_index(month[counts & paid]),
                          weights=frame[REVENUE].to_numpy(dtype=float)[counts & paid], minlength=size)
    any_tagged = np.bincount(as_index(month[counts & tagged]), minlength=size) > 0
    out["paid_channel_revenue"] = np.where(any_tagged, revenue, np.nan)
    ordered = _ordered(valid)  # paid orders sorted by customer then date: a customer's first row is their first
    code = ordered["_code"].to_numpy()
    first = ordered["_row"].to_numpy()[np.flatnonzero(first_of_customer(code))]
    first = first[inside[first]]
    new_paid = np.bincount(as_index(month[first[paid[first]]]), minlength=size).astype(float)
    new_tagged = np.bincount(as_index(month[first[tagged[first]]]), minlength=size) > 0
    out["paid_new_customers"] = np.where(new_tagged, new_paid, np.nan)
    return out

