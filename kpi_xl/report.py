"""Every KPI of every month, from the shop's four input tables.

:func:`monthly_kpis` joins the orders analytics (:mod:`kpi_xl.orders`) with the
monthly traffic, marketing and social tables and computes each KPI with its
core function (:mod:`kpi_xl.kpis`), so a number here is always the number the
core gives for that month's inputs.

The monthly tables (canonical column names; see :data:`MONTHLY_TABLES`):

* traffic, one row per month: visitors, sessions, purchases, newsletter
  sign-ups, white-paper downloads;
* marketing, one row per month and channel: spend, impressions, clicks, new
  customers attributed to the channel;
* social, one row per month and platform: followers (at the month's end),
  reach, impressions, likes, comments, shares, visits to the site.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any, Callable

import numpy as np
import pandas as pd

from . import kpis
from ._numbers import _num, safe_divide
from .attribution import channel_months, is_email_channel, is_paid_channel
from .cohort_value import cac_payback_months, repurchase_rate
from .errors import KpiInputError
from .order_table import ValidOrders, prepare_orders
from .orders import period_summary
from .table_checks import (TableReport, check_amounts, check_dates, check_duplicates, check_ids, key_codes,
                           require_columns)

__all__ = ["MONTHLY_TABLES", "CHURN_KPIS", "ACQUISITION_KPIS", "prepare_monthly", "monthly_kpis", "is_paid_channel", "is_email_channel"]

#: For each monthly table: its key columns and its numeric columns, and
#: (part, whole) column pairs where the part may not exceed the whole.
MONTHLY_TABLES: dict[str, dict[str, Any]] = {
    "traffic": {"keys": ["month"],
                "numbers": ["visitors", "sessions", "purchases", "newsletter_signups", "whitepaper_downloads"],
                "parts": [("purchases", "sessions"), ("purchases", "visitors"), ("newsletter_signups", "visitors"),
                          ("whitepaper_downloads", "visitors")]},
    "marketing": {"keys": ["month", "channel"],
                  "numbers": ["spend", "impressions", "clicks", "new_customers"],
                  "parts": [("clicks", "impressions")]},
    "social": {"keys": ["month", "platform"],
               "numbers": ["followers", "reach", "impressions", "likes", "comments", "shares", "site_visits"],
               "parts": [], "optional": ["posts"],
               # per post, each platform's interactions count against its own followers (Rival IQ's rate per post)
               "row_ratios": {"interactions_per_follower": (("likes", "comments", "shares"), "followers")}},
}


def prepare_monthly(
    frame: pd.DataFrame, kind: str, *, sheet: str | None = None, skip_invalid: bool = False, today: Any = None
) -> tuple[pd.DataFrame, list]:
    """Check a monthly table and sum it per month.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table, with the canonical columns of ``MONTHLY_TABLES[kind]``; row
        labels are used in messages.
    kind : {"traffic", "marketing", "social"}
    sheet : str, optional
        Sheet name for messages.
    skip_invalid : bool
        False: any problem raises :class:`KpiInputError`; True: rows with a
        problem are left out and returned in the problem list.
    today : date-like, optional
        Months after today's month are "in the future"; default: today.

    Returns
    -------
    (pandas.DataFrame, list of InputProblem)
        The numeric columns summed per month (a ``PeriodIndex`` named
        ``month``), and the problems found. An optional column (``posts`` of
        the social table) is ``nan`` for a month where a row leaves it blank or
        the table has no such column.

    Examples
    --------
    >>> traffic = pd.DataFrame({"month": ["2024-01", "2024-02"], "visitors": [1000, 1200],
    ...     "sessions": [1300, 1500], "purchases": [26, 33], "newsletter_signups": [12, 15],
    ...     "whitepaper_downloads": [3, 2]})
    >>> prepare_monthly(traffic, "traffic")[0]["sessions"]
    month
    2024-01    1300.0
    2024-02    1500.0
    Freq: M, Name: sessions, dtype: float64
    """
    valid, problems = _checked_monthly(frame, kind, sheet=sheet, skip_invalid=skip_invalid, today=today)
    return _monthly_sums(valid, kind), problems


def _checked_monthly(frame: pd.DataFrame, kind: str, *, sheet: str | None, skip_invalid: bool,
                     today: Any) -> tuple[pd.DataFrame, list]:
    """The checks of :func:`prepare_monthly`: the valid rows (months as periods, keys, numbers) and the problems."""
    spec = MONTHLY_TABLES[kind]
    require_columns(frame, spec["keys"] + spec["numbers"], table=kind, sheet=sheet)
    report = TableReport(frame.index, sheet)
    today_ts = pd.Timestamp(today if today is not None else _dt.date.today()).normalize()
    months = check_dates(frame["month"], "month", report, today_ts + pd.offsets.MonthEnd(0),
                         what="every row needs a month").dt.to_period("M")
    columns = {"month": months}
    for key in spec["keys"][1:]:
        columns[key] = check_ids(frame[key], key, report, f"every row needs a {key}")
    for column in spec["numbers"]:
        columns[column] = check_amounts(frame[column], column, report)
    for column in spec.get("optional", ()):  # blank: not known
        if column in frame.columns:
            columns[column] = check_amounts(frame[column], column, report, blank_ok=True)
    clean = pd.DataFrame(columns, index=frame.index)  # built at once, not column by column
    for part, whole in spec["parts"]:
        report.add((clean[part] > clean[whole]).to_numpy(), part, frame[part],
                   lambda pos, p=part, w=whole: f"is more than {w} ({_num(clean[w].iloc[pos])})"
                   f": {p.replace('_', ' ')} cannot exceed {w}")
    check_duplicates(key_codes(*(clean[k] for k in spec["keys"])), frame["month"], "month", report,
                     what="the month" + ("" if len(spec["keys"]) == 1 else f" and {spec['keys'][1]}"))
    problems = report.problems
    if problems and not skip_invalid:
        raise KpiInputError.from_problems(problems, what=kind)
    return clean[~report.bad], problems


def _monthly_sums(valid: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The sums per month of :func:`prepare_monthly` from the valid rows of :func:`_checked_monthly`."""
    spec = MONTHLY_TABLES[kind]
    sums = valid.groupby("month")[spec["numbers"]].sum().astype(float)
    for column in spec.get("optional", ()):  # known for a month only when every row of it has one
        if column not in valid.columns:
            sums[column] = np.nan
            continue
        blank = valid[column].isna().groupby(valid["month"]).any()
        sums[column] = valid.groupby("month")[column].sum().astype(float).mask(blank)
    for column, (parts, whole) in spec.get("row_ratios", {}).items():  # a row with no whole makes its month's nan
        ratios = pd.Series(safe_divide(valid[list(parts)].sum(axis=1).to_numpy(), valid[whole].to_numpy()),
                           index=valid.index)
        sums[column] = ratios.groupby(valid["month"]).sum(min_count=1).mask(ratios.isna().groupby(valid["month"]).any())
    return sums


def _defined(func: Callable[..., float], *args: Any, **kwargs: Any) -> float:
    """``func(*args)``, or nan when an input is itself undefined (nan)."""
    values = list(args) + list(kwargs.values())
    return np.nan if any(pd.isna(v) for v in values) else func(*args, **kwargs)


def monthly_kpis(
    orders: pd.DataFrame | ValidOrders,
    traffic: pd.DataFrame | None = None,
    marketing: pd.DataFrame | None = None,
    social: pd.DataFrame | None = None,
    *,
    inactivity_days: int = 365,
    history_start: Any = None,
    earlier_customers: bool = False,
    **order_options: Any,
) -> pd.DataFrame:
    """Every KPI of every month.

    Parameters
    ----------
    orders : pandas.DataFrame or ValidOrders
        The orders table (see :func:`~kpi_xl.order_table.prepare_orders`).
    traffic, marketing, social : pandas.DataFrame, optional
        The monthly tables (see :func:`prepare_monthly`); a missing table
        leaves its KPIs undefined (nan).
    inactivity_days, history_start, earlier_customers
        Passed to :func:`~kpi_xl.orders.period_summary`. Where earlier customers
        make a month's new customers unknown (``acquisition_status``), its new
        and returning customers and every KPI built on them (CAC, paid CAC,
        LTV:CAC, CAC payback) are nan, not a flattering number.
    **order_options
        Passed to :func:`~kpi_xl.order_table.prepare_orders` (column names,
        ``as_of``, ...).

    Returns
    -------
    pandas.DataFrame
        One row per month (``PeriodIndex`` named ``month``): the columns of
        :func:`~kpi_xl.orders.period_summary`, the monthly inputs summed over
        channels and platforms, and the KPIs:

        ``conversion_rate`` purchases / sessions (Shopify's definition);
        ``visitor_conversion_rate`` purchases / visitors; ``newsletter_rate``
        and ``whitepaper_rate`` sign-ups and downloads / visitors;
        ``click_through_rate`` ad clicks / ad impressions of the paid channels
        (:func:`is_paid_channel`); ``email_click_rate`` e-mail clicks / e-mails
        (the Marketing sheet's impressions of the e-mail channel);
        ``customer_acquisition_cost`` ad spend / all new customers (blended
        CAC, the one comparable with an LTV over all customers);
        ``paid_customer_acquisition_cost`` paid channels' spend / new
        customers whose first order carries a paid channel (orders' channel
        column, :mod:`kpi_xl.attribution`); ``marketing_efficiency_ratio``
        (MER) net revenue / all marketing spend (a blended figure, not a
        channel's ROAS); ``return_on_ad_spend`` (ROAS) net revenue of the orders
        whose channel is a paid one / the paid channels' spend (``nan`` where
        the month's orders carry no channel);
        ``returning_customer_rate`` returning customers / the month's customers
        (Shopify's definition);
        ``ltv_cac_ratio``; ``cac_payback_months`` months the customers
        acquired in the month took to pay back its CAC from their own gross
        profit (:func:`~kpi_xl.cohort_value.cac_payback_months`; ``nan`` until
        paid back); ``repurchase_30d`` and ``repurchase_90d`` share of the
        month's new customers who ordered again within 30 / 90 days
        (:func:`~kpi_xl.cohort_value.repurchase_rate`); ``engagement_rate``
        interactions (likes + comments + shares) / posts / followers where the
        social table counts the month's posts, else interactions / followers
        (``engagement_basis`` says which: ``per_post`` or ``month``; both are
        in ``engagement_rate_per_post`` and ``engagement_rate_per_month``);
        ``engagement_rate_by_reach``
        interactions / reach; ``follower_growth_rate`` against the previous
        month; ``social_traffic_share`` site visits from social / sessions.

    Examples
    --------
    >>> from kpi_xl.sample import sample_shop
    >>> shop = sample_shop()
    >>> table = monthly_kpis(shop.orders, shop.traffic, shop.marketing, shop.social,
    ...                      history_start=shop.opened, as_of=shop.as_of)
    >>> len(table), str(table.index[-1])
    (24, '2025-12')
    """
    valid = prepare_orders(orders, **order_options)
    summary = period_summary(valid, inactivity_days=inactivity_days, history_start=history_start,
                             earlier_customers=earlier_customers)
    summary.index = summary.index.rename("month")
    checked = {kind: _checked_monthly(frame, kind, sheet=None, skip_invalid=False, today=None)[0]
               for kind, frame in (("traffic", traffic), ("marketing", marketing), ("social", social))
               if frame is not None}
    inputs = {kind: _monthly_sums(checked[kind], kind) if kind in checked else
              pd.DataFrame(columns=MONTHLY_TABLES[kind]["numbers"], dtype=float,
                           index=pd.PeriodIndex([], freq="M", name="month"))
              for kind in ("traffic", "marketing", "social")}
    marketing_sums = inputs["marketing"].rename(columns={
        "spend": "ad_spend", "impressions": "ad_impressions", "clicks": "ad_clicks",
        "new_customers": "attributed_new_customers"})
    marketing_sums = marketing_sums.join(_channel_sums(marketing, checked.get("marketing"),
                                                       months_of=marketing_sums.index))
    social_sums = inputs["social"].rename(columns={"impressions": "social_impressions",
                                                   "site_visits": "social_site_visits"})
    social_sums["interactions"] = social_sums[["likes", "comments", "shares"]].sum(axis=1)
    for column in ("posts", "interactions_per_follower"):  # no social table
        if column not in social_sums:
            social_sums[column] = np.nan
    months = summary.index.union(inputs["traffic"].index).union(marketing_sums.index).union(social_sums.index)
    table = summary.reindex(months).join([inputs["traffic"], marketing_sums, social_sums,
                                          channel_months(valid, months)])
    table.index.name = "month"
    for days in (30, 90):  # by acquisition cohort: the row of a month holds the rate of the customers acquired in it
        table[f"repurchase_{days}d"] = repurchase_rate(valid, days).reindex(months).to_numpy()
    derived = [_month_kpis(row, previous_followers)
               for row, previous_followers in zip(table.itertuples(), table["followers"].shift(1), strict=True)]
    table = table.join(pd.DataFrame(derived, index=table.index))
    # the months the customers acquired in a month took to pay back that month's CAC from their own gross profit
    table["cac_payback_months"] = cac_payback_months(valid, table["customer_acquisition_cost"]).reindex(months)
    unknown = (table["acquisition_status"] == "no_history").to_numpy()
    if unknown.any():
        for column in ACQUISITION_KPIS:
            table[column] = table[column].astype(float).mask(unknown)
    return table


#: KPIs that stay undefined until the month's churn is final (provisional, not enough history).
CHURN_KPIS = frozenset({"churn_rate", "retention_rate", "lifetime_value", "ltv_cac_ratio"})

#: What earlier customers, missing from the data, make unknown.
ACQUISITION_KPIS = ("new_customers", "returning_customers", "returning_customer_rate", "customer_acquisition_cost",
                     "paid_customer_acquisition_cost", "ltv_cac_ratio", "cac_payback_months", "repurchase_30d",
                    "repurchase_90d")


def _channel_sums(marketing: pd.DataFrame | None, valid: pd.DataFrame | None, *,
                  months_of: pd.PeriodIndex) -> pd.DataFrame:
    """Spend, impressions and clicks of the paid channels and of e-mail, per month (0 where a month has none).

    ``valid``: the marketing table's rows as checked by :func:`_checked_monthly` (all of them: a problem
    raised), so the channels' rows are summed without being checked again.
    """
    out = pd.DataFrame(0.0, index=months_of, columns=["paid_spend", "paid_impressions", "paid_clicks",
                                                       "email_impressions", "email_clicks"])
    if marketing is None or marketing.empty:
        return out
    for prefix, keep in (("paid", is_paid_channel), ("email", is_email_channel)):
        chosen = marketing["channel"].map(keep).astype(bool).to_numpy()  # of the channel as typed
        if chosen.any():
            sums = _monthly_sums(valid[chosen], "marketing")
            for column in ("spend", "impressions", "clicks"):
                if f"{prefix}_{column}" in out:
                    out[f"{prefix}_{column}"] = sums[column].reindex(months_of).fillna(0.0)
    return out


def _month_kpis(row: Any, previous_followers: float) -> dict[str, float]:
    """The KPIs of one month from its inputs, each by its core function."""
    cac = _defined(kpis.customer_acquisition_cost, row.ad_spend, row.new_customers)
    # per post: the mean over the month's posts of a post's interactions / its platform's followers
    per_post = safe_divide(row.interactions_per_follower, row.posts) if row.posts > 0 else np.nan
    per_month = _defined(kpis.engagement_rate, row.interactions, row.followers)
    return {
        "conversion_rate": _defined(kpis.conversion_rate, row.purchases, row.sessions),
        "visitor_conversion_rate": _defined(kpis.conversion_rate, row.purchases, row.visitors),
        "newsletter_rate": _defined(kpis.conversion_rate, row.newsletter_signups, row.visitors),
        "whitepaper_rate": _defined(kpis.conversion_rate, row.whitepaper_downloads, row.visitors),
        # ads only: e-mail clicks per e-mail sent are another order of magnitude and would dilute it
        "click_through_rate": _defined(kpis.click_through_rate, row.paid_clicks, row.paid_impressions),
        "email_click_rate": _defined(kpis.click_through_rate, row.email_clicks, row.email_impressions),
        "customer_acquisition_cost": cac,
        # the paid channels' spend over the new customers whose first order came from a paid channel
        "paid_customer_acquisition_cost": _defined(kpis.customer_acquisition_cost, row.paid_spend,
                                                   row.paid_new_customers),
        # every sale over every marketing spend: the marketing efficiency ratio, not a ROAS
        "marketing_efficiency_ratio": _defined(kpis.return_on_ad_spend, row.revenue, row.ad_spend),
        # ROAS: the revenue of the orders that came from a paid channel over the paid channels' spend
        "return_on_ad_spend": _defined(kpis.return_on_ad_spend, row.paid_channel_revenue, row.paid_spend),
        "ltv_cac_ratio": _defined(kpis.ltv_cac_ratio, row.lifetime_value, cac),
        # per post where the social table counts the posts (the per-post target's unit), else the month's total
        "engagement_rate": per_post if not np.isnan(per_post) else per_month,
        "engagement_basis": "per_post" if not np.isnan(per_post) else "month",
        "engagement_rate_per_post": per_post,
        "engagement_rate_per_month": per_month,
        "engagement_rate_by_reach": _defined(kpis.engagement_rate, row.interactions, row.reach),
        "follower_growth_rate": _defined(kpis.follower_growth_rate, row.followers, previous_followers),
        # undefined when the platforms count more visits than the site's analytics (GA4 under cookie consent
        # misses some): a share above 100 % would be nonsense; the refresh lists such months
        # Shopify's returning-customer rate: customers of the month who had bought before / the month's customers
        "returning_customer_rate": safe_divide(row.returning_customers, row.active_customers),
        "social_traffic_share": np.nan if row.social_site_visits > row.sessions else
        _defined(kpis.social_traffic_share, row.social_site_visits, row.sessions),
    }
