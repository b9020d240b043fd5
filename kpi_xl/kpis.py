"""The KPI functions of an online shop: pure, documented, no Excel and no I/O.

Conventions (see ``docs/kpis.md``):

* Arguments come numerator first. Counts and money may be one number or a
  sequence (monthly values, a column): sequences are summed. When both the
  numerator and the denominator are sequences they are paired month by month
  and must have the same length.
* Rates and margins are fractions (0.25 means 25 %); nothing is multiplied by 100.
* A zero denominator gives ``nan``: undefined is not zero.
* Invalid input (text, booleans, empty values, NaN, negative counts or money,
  a part larger than its whole) raises :class:`~kpi_xl.errors.KpiInputError`
  naming the argument and the value. Inputs are never modified.
"""

from __future__ import annotations

from typing import Any

from ._numbers import paired_totals, safe_divide, single, total
from .errors import KpiInputError

__all__ = [
    "conversion_rate",
    "click_through_rate",
    "customer_acquisition_cost",
    "churn_rate",
    "retention_rate",
    "repeat_purchase_rate",
    "gross_profit",
    "gross_margin",
    "average_order_value",
    "purchase_frequency",
    "customer_lifetime_value",
    "ltv_cac_ratio",
    "cac_payback_periods",
    "return_on_ad_spend",
    "engagement_rate",
    "follower_growth_rate",
    "social_traffic_share",
]

Numbers = Any  # a number, or a (nested) sequence / array of numbers


def conversion_rate(conversions: Numbers, visitors: Numbers) -> float:
    """Share of visitors (or sessions) that completed a goal.

    ``conversion_rate = conversions / visitors``

    Parameters
    ----------
    conversions : number or sequence of numbers
        Goals completed: purchases, newsletter sign-ups, white-paper downloads...
    visitors : number or sequence of numbers
        The base the rate is taken on: visitors (users) or sessions. Shopify's
        online store conversion rate uses sessions; GA4 offers both.

    Returns
    -------
    float
        A fraction in [0, 1]; ``nan`` when there were no visitors.

    Raises
    ------
    KpiInputError
        Negative or non-numeric values, or more conversions than visitors.

    Examples
    --------
    >>> conversion_rate(45, 1500)
    0.03
    >>> conversion_rate([20, 25], [700, 800])  # two months, summed
    0.03
    """
    done, base = paired_totals(conversions, "conversions", visitors, "visitors", part_le_whole=True)
    return safe_divide(done, base)


def click_through_rate(clicks: Numbers, impressions: Numbers) -> float:
    """Share of ad or post impressions that were clicked.

    ``click_through_rate = clicks / impressions``

    Meta also reports a *link* CTR (link clicks only) and a *unique* CTR
    (people rather than clicks): pass the clicks that match the variant wanted.

    Returns
    -------
    float
        A fraction in [0, 1]; ``nan`` when there were no impressions.

    Examples
    --------
    >>> click_through_rate(62, 4000)
    0.0155
    """
    clicked, shown = paired_totals(clicks, "clicks", impressions, "impressions", part_le_whole=True)
    return safe_divide(clicked, shown)


def customer_acquisition_cost(acquisition_spend: Numbers, new_customers: Numbers) -> float:
    """Marketing and sales spend per new customer.

    ``customer_acquisition_cost = acquisition_spend / new_customers``

    Parameters
    ----------
    acquisition_spend : money, number or sequence
        Spend on acquiring customers (ads, agencies, promotions), in the
        shop's currency.
    new_customers : number or sequence
        Customers who placed their first order in the same period.

    Returns
    -------
    float
        Money per customer; ``nan`` when no new customer was acquired.

    Examples
    --------
    >>> customer_acquisition_cost([1200, 1300], [40, 60])
    25.0
    """
    spend, acquired = paired_totals(acquisition_spend, "acquisition_spend", new_customers, "new_customers")
    return safe_divide(spend, acquired)


def churn_rate(customers_lost: Numbers, customers_at_start: Numbers) -> float:
    """Share of the customers present at the start of a period who were lost in it.

    ``churn_rate = customers_lost / customers_at_start``

    Customers who join and leave within the same period are counted in
    neither (as ChartMogul and Baremetrics do). For a shop without
    subscriptions, "lost" means no order within an inactivity window; see
    :func:`kpi_xl.orders.period_summary`.

    Returns
    -------
    float
        A fraction in [0, 1]; ``nan`` when there was nobody at the start.

    Examples
    --------
    >>> churn_rate(12, 400)
    0.03
    """
    lost, base = paired_totals(
        customers_lost, "customers_lost", customers_at_start, "customers_at_start", part_le_whole=True
    )
    return safe_divide(lost, base)


def retention_rate(customers_at_end: Numbers, new_customers: Numbers, customers_at_start: Numbers) -> float:
    """Customer retention rate (CRR): the share of starting customers still there at the end.

    ``retention_rate = (customers_at_end - new_customers) / customers_at_start``

    Parameters
    ----------
    customers_at_end : number or sequence
        Customers at the end of the period (E).
    new_customers : number or sequence
        Customers who joined during the period and are still there at the end (N).
    customers_at_start : number or sequence
        Customers at the start of the period (S).

    Returns
    -------
    float
        A fraction in [0, 1]; ``nan`` when there was nobody at the start.

    Raises
    ------
    KpiInputError
        When E - N is negative (more new customers than customers at the end)
        or larger than S (more customers kept than there were).

    Examples
    --------
    >>> retention_rate(450, 90, 400)
    0.9
    """
    end = total(customers_at_end, "customers_at_end")
    new = total(new_customers, "new_customers")
    start = total(customers_at_start, "customers_at_start")
    kept = end - new
    if kept < 0:
        raise KpiInputError(
            f"new_customers ({new:g}) is more than customers_at_end ({end:g}): "
            "the customers kept would be negative"
        )
    if kept > start:
        raise KpiInputError(
            f"customers_at_end - new_customers ({kept:g}) is more than customers_at_start ({start:g})"
        )
    return safe_divide(kept, start)


def repeat_purchase_rate(repeat_customers: Numbers, customers: Numbers) -> float:
    """Share of customers who ordered more than once.

    ``repeat_purchase_rate = repeat_customers / customers`` (Shopify's definition:
    customers with two orders or more / customers with at least one order).

    Returns
    -------
    float
        A fraction in [0, 1]; ``nan`` when there is no customer.

    Examples
    --------
    >>> repeat_purchase_rate(27, 100)
    0.27
    """
    repeat, base = paired_totals(repeat_customers, "repeat_customers", customers, "customers", part_le_whole=True)
    return safe_divide(repeat, base)


def gross_profit(revenue: Numbers, cost_of_goods_sold: Numbers) -> float:
    """Net sales less the cost of the goods sold, in money.

    ``gross_profit = revenue - cost_of_goods_sold``

    ``revenue`` is net sales: after discounts, returns and refunds, before
    shipping and taxes. The result is negative when goods were sold at a loss.

    Examples
    --------
    >>> gross_profit([10000, 12000], [6000, 7000])
    9000.0
    """
    sales, cost = paired_totals(revenue, "revenue", cost_of_goods_sold, "cost_of_goods_sold")
    return sales - cost


def gross_margin(revenue: Numbers, cost_of_goods_sold: Numbers) -> float:
    """Gross profit as a share of net sales.

    ``gross_margin = (revenue - cost_of_goods_sold) / revenue``

    Returns
    -------
    float
        At most 1; negative when the goods cost more than they sold for;
        ``nan`` when there were no sales.

    Examples
    --------
    >>> gross_margin(20000, 12000)
    0.4
    """
    sales, cost = paired_totals(revenue, "revenue", cost_of_goods_sold, "cost_of_goods_sold")
    return safe_divide(sales - cost, sales)


def average_order_value(revenue: Numbers, orders: Numbers) -> float:
    """Net revenue per order (AOV).

    ``average_order_value = revenue / orders``. Shopify (since 2023) computes it
    as (gross sales - discounts) / orders; pass revenue after discounts to match.

    Returns
    -------
    float
        Money per order; ``nan`` when there was no order.

    Examples
    --------
    >>> average_order_value(12500, 250)
    50.0
    """
    sales, count = paired_totals(revenue, "revenue", orders, "orders")
    return safe_divide(sales, count)


def purchase_frequency(orders: Numbers, customers: Numbers) -> float:
    """Orders per customer over a period.

    ``purchase_frequency = orders / customers`` (distinct customers who ordered).

    Returns
    -------
    float
        Orders per customer; ``nan`` when there was no customer.

    Examples
    --------
    >>> purchase_frequency(250, 200)
    1.25
    """
    count, people = paired_totals(orders, "orders", customers, "customers")
    return safe_divide(count, people)


def customer_lifetime_value(
    average_order_value: Numbers,
    purchase_frequency: Numbers,
    churn_rate: Numbers,
    *,
    gross_margin: Numbers = 1.0,
) -> float:
    """Expected value of a customer over their lifetime (LTV, CLV).

    ``LTV = average_order_value * purchase_frequency * gross_margin / churn_rate``

    The expected lifetime is ``1 / churn_rate`` periods, so the frequency and
    the churn rate must refer to the same period (both monthly, say). With the
    default ``gross_margin=1`` this is the revenue LTV; pass the gross margin
    for the margin-adjusted LTV, the one to compare with the CAC.

    Parameters
    ----------
    average_order_value : money
    purchase_frequency : orders per customer per period
    churn_rate : fraction in [0, 1], per period
    gross_margin : fraction at most 1, keyword only

    Returns
    -------
    float
        Money per customer; ``nan`` when the churn rate is 0 (no customer is
        ever lost, so the lifetime is unbounded).

    Raises
    ------
    KpiInputError
        A churn rate above 1, a gross margin above 1, a negative AOV or
        frequency, or a sequence of several values (rates do not add up).

    Examples
    --------
    >>> customer_lifetime_value(50, 1.2, 0.05)
    1200.0
    >>> customer_lifetime_value(50, 1.2, 0.05, gross_margin=0.4)
    480.0
    """
    aov = single(average_order_value, "average_order_value")
    freq = single(purchase_frequency, "purchase_frequency")
    churn = single(churn_rate, "churn_rate")
    margin = single(gross_margin, "gross_margin", allow_negative=True)
    if churn > 1:
        raise KpiInputError(f"churn_rate is {churn:g}, more than 1 (rates are fractions: 5 % is 0.05)")
    if margin > 1:
        raise KpiInputError(f"gross_margin is {margin:g}, more than 1 (margins are fractions: 40 % is 0.4)")
    return safe_divide(aov * freq * margin, churn)


def ltv_cac_ratio(lifetime_value: Numbers, acquisition_cost: Numbers) -> float:
    """Lifetime value per unit of acquisition cost (LTV:CAC).

    ``ltv_cac_ratio = lifetime_value / acquisition_cost``. A ratio of 3 or more
    is the usual rule of thumb for healthy growth.

    Returns
    -------
    float
        A ratio; ``nan`` when the acquisition cost is 0.

    Examples
    --------
    >>> ltv_cac_ratio(480, 120)
    4.0
    """
    ltv = single(lifetime_value, "lifetime_value", allow_negative=True)
    cac = single(acquisition_cost, "acquisition_cost")
    return safe_divide(ltv, cac)


def cac_payback_periods(acquisition_cost: Numbers, gross_profit_per_customer_per_period: Numbers) -> float:
    """Periods of a customer's gross profit needed to earn back their acquisition cost.

    ``cac_payback_periods = acquisition_cost / gross_profit_per_customer_per_period``

    Returns
    -------
    float
        Periods (months when the profit is monthly); ``nan`` when the gross
        profit per period is zero or negative: the cost is never paid back.

    Examples
    --------
    >>> cac_payback_periods(120, 20)
    6.0
    """
    cac = single(acquisition_cost, "acquisition_cost")
    profit = single(gross_profit_per_customer_per_period, "gross_profit_per_customer_per_period", allow_negative=True)
    return safe_divide(cac, max(profit, 0.0))


def return_on_ad_spend(revenue: Numbers, ad_spend: Numbers) -> float:
    """Revenue earned per unit of money spent on ads (ROAS).

    ``return_on_ad_spend = revenue / ad_spend`` (a ratio: 4.0 means 4 earned per 1 spent).

    Returns
    -------
    float
        A ratio; ``nan`` when nothing was spent.

    Examples
    --------
    >>> return_on_ad_spend([8000, 4000], [2000, 1000])
    4.0
    """
    earned, spent = paired_totals(revenue, "revenue", ad_spend, "ad_spend")
    return safe_divide(earned, spent)


def engagement_rate(interactions: Numbers, audience: Numbers) -> float:
    """Interactions per member of the audience on social media.

    ``engagement_rate = interactions / audience``

    Parameters
    ----------
    interactions : number or sequence
        Likes + comments + shares (+ saves); a sequence such as
        ``[likes, comments, shares]`` is summed.
    audience : number or sequence
        The base, named by the caller, as there is no standard (Hootsuite
        lists all three): *followers* (engagement by followers, comparable
        across posts of an account), *reach* (distinct people who saw the
        content) or *impressions* (times it was shown).

    Returns
    -------
    float
        A fraction, usually well below 1 but allowed above it (one person
        may like, comment and share); ``nan`` when the audience is 0.

    Examples
    --------
    >>> engagement_rate([300, 45, 30], 15000)  # likes, comments, shares / followers
    0.025
    """
    acts, base = paired_totals(interactions, "interactions", audience, "audience")
    return safe_divide(acts, base)


def follower_growth_rate(followers_at_end: Numbers, followers_at_start: Numbers) -> float:
    """Growth of the follower count over a period.

    ``follower_growth_rate = (followers_at_end - followers_at_start) / followers_at_start``

    Sequences are summed, e.g. one value per platform.

    Returns
    -------
    float
        A fraction, negative when followers were lost; ``nan`` when there was
        no follower at the start.

    Examples
    --------
    >>> follower_growth_rate(10500, 10000)
    0.05
    """
    end, start = paired_totals(followers_at_end, "followers_at_end", followers_at_start, "followers_at_start")
    return safe_divide(end - start, start)


def social_traffic_share(social_visits: Numbers, visits: Numbers) -> float:
    """Share of the site's visits that came from social media.

    ``social_traffic_share = social_visits / visits``

    Returns
    -------
    float
        A fraction in [0, 1]; ``nan`` when the site had no visit.

    Examples
    --------
    >>> social_traffic_share(900, 12000)
    0.075
    """
    social, every = paired_totals(social_visits, "social_visits", visits, "visits", part_le_whole=True)
    return safe_divide(social, every)
