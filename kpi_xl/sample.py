"""A built-in sample shop: two years of orders, traffic, marketing and social data.

The data are generated from a fixed seed, so every run gives the same shop:
"Maison Lumière", a small French online shop selling candles and home
fragrance, open since 2024-01-01, reporting in euros. Customers are acquired
each month (more before Christmas), come back after random gaps or stop
buying, and a few orders are refunded or cancelled. The traffic, marketing and
social tables agree with the orders (purchases per month, new customers per
channel).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["SampleShop", "sample_shop", "CHANNELS", "PLATFORMS"]

#: Acquisition channels: (name, paid?, share of new customers).
CHANNELS = (("Google Ads", True, 0.34), ("Meta Ads", True, 0.26), ("Email", True, 0.08),
            ("Organique", False, 0.22), ("Réseaux sociaux", False, 0.10))
#: Social platforms: (name, followers at opening, monthly growth).
PLATFORMS = (("Instagram", 2400, 0.045), ("Facebook", 1800, 0.012), ("TikTok", 600, 0.09))


@dataclass(frozen=True)
class SampleShop:
    """The sample shop's input tables (canonical column names)."""

    name: str
    currency: str
    opened: pd.Timestamp
    as_of: pd.Timestamp
    orders: pd.DataFrame
    traffic: pd.DataFrame
    marketing: pd.DataFrame
    social: pd.DataFrame
    custom: pd.DataFrame  # the shop's own KPIs (sheet "Mes indicateurs")

    def tables(self, lang: str = "fr") -> dict[str, pd.DataFrame]:
        """The input tables by schema key, as :func:`kpi_xl.excel.books.fill_inputs` takes them; the
        custom KPIs named in ``lang``."""
        custom = self.custom.assign(name=self.custom["name_en"]) if lang == "en" else self.custom
        return {"orders": self.orders, "traffic": self.traffic, "marketing": self.marketing,
                "social": self.social, "custom": custom.drop(columns="name_en")}


def sample_shop(seed: int = 2024, *, months: int = 24, start: str = "2024-01-01") -> SampleShop:
    """Generate the sample shop.

    Parameters
    ----------
    seed : int
        Random seed; the default gives the documented demo shop.
    months : int
        Months of history, from ``start``.
    start : str
        Opening date (the first day of a month).

    Examples
    --------
    >>> shop = sample_shop()
    >>> shop.orders["order_date"].min().date(), shop.orders["order_date"].max().date()
    (datetime.date(2024, 1, 1), datetime.date(2025, 12, 31))
    >>> shop.orders["customer_id"].nunique() > 500
    True
    """
    rng = np.random.default_rng(seed)
    opened = pd.Timestamp(start)
    month_starts = pd.date_range(opened, periods=months, freq="MS")
    as_of = month_starts[-1] + pd.offsets.MonthEnd(0)
    orders, channel_of = _orders(rng, month_starts, as_of)
    traffic = _traffic(rng, orders, month_starts)
    marketing = _marketing(rng, orders, channel_of, month_starts)
    social = _social(rng, month_starts, traffic)
    custom = pd.DataFrame([
        {"name": "CA par session", "name_en": "Revenue per session", "formula": "revenue / sessions",
         "format": "monnaie", "target": 1.2, "direction": "plus haut = mieux"},
        {"name": "Part des dépenses Meta", "name_en": "Meta share of ad spend", "formula": "spend_meta_ads / ad_spend",
         "format": "pourcentage", "target": 0.5, "direction": "plus bas = mieux"},
    ])
    return SampleShop("Maison Lumière", "EUR", opened, as_of, orders, traffic, marketing, social, custom)


def _orders(rng: np.random.Generator, month_starts: pd.DatetimeIndex, as_of: pd.Timestamp):
    season = {10: 1.25, 11: 1.7, 12: 2.1, 1: 0.8, 2: 0.9}
    rows, channel_of = [], {}
    names = [c[0] for c in CHANNELS]
    shares = np.array([c[2] for c in CHANNELS])
    for m, first_day in enumerate(month_starts):
        days_in_month = first_day.days_in_month
        new = rng.poisson(28 * (1 + 0.045 * m) * season.get(first_day.month, 1.0))
        for _ in range(new):
            customer = f"C{len(channel_of) + 1:05d}"
            channel_of[customer] = names[rng.choice(len(names), p=shares)]
            day = first_day + pd.Timedelta(days=int(rng.integers(days_in_month)))
            loyal = rng.random() < 0.35  # loyal customers come back more often
            while day <= as_of:
                rows.append((day, customer, channel_of[customer]))
                if rng.random() < (0.25 if loyal else 0.62):
                    break
                day += pd.Timedelta(days=int(rng.exponential(55 if loyal else 120)) + 3)
    rows.sort(key=lambda r: r[0])
    rows[0] = (month_starts[0], *rows[0][1:])  # the shop's first order on opening day
    rows[-1] = (as_of, *rows[-1][1:])  # and one on the last day of the data
    count = len(rows)
    revenue = np.round(rng.lognormal(np.log(52), 0.45, count), 2)
    cost_share = np.clip(rng.normal(0.52, 0.06, count), 0.3, 0.8)
    status = rng.choice(["paid", "refunded", "cancelled"], p=[0.95, 0.03, 0.02], size=count)
    orders = pd.DataFrame({
        "order_date": pd.to_datetime([r[0] for r in rows]),
        "order_id": [f"#{1001 + i}" for i in range(count)],
        "customer_id": [r[1] for r in rows],
        "net_revenue": revenue,
        "cost_of_goods_sold": np.round(revenue * cost_share, 2),
        "discount": np.where(rng.random(count) < 0.15, np.round(revenue * 0.1, 2), 0.0),
        "status": status,
        "channel": [r[2] for r in rows],
    })
    return orders, channel_of


def _paid_per_month(orders: pd.DataFrame, month_starts: pd.DatetimeIndex) -> np.ndarray:
    paid = orders[orders["status"] == "paid"]
    months = paid["order_date"].dt.to_period("M")
    return months.value_counts().reindex(month_starts.to_period("M"), fill_value=0).to_numpy()


def _traffic(rng, orders, month_starts) -> pd.DataFrame:
    purchases = _paid_per_month(orders, month_starts)
    sessions = np.round(purchases / rng.uniform(0.017, 0.026, len(month_starts))).astype(int)
    visitors = np.round(sessions / rng.uniform(1.25, 1.45, len(month_starts))).astype(int)
    return pd.DataFrame({
        "month": month_starts,
        "visitors": visitors,
        "sessions": sessions,
        "purchases": purchases,
        "newsletter_signups": rng.binomial(visitors, 0.012),
        "whitepaper_downloads": rng.binomial(visitors, 0.003),
    })


def _marketing(rng, orders, channel_of, month_starts) -> pd.DataFrame:
    first = orders[orders["status"] == "paid"].groupby("customer_id")["order_date"].min()
    acquired = pd.DataFrame({"month": first.dt.to_period("M").dt.start_time,
                             "channel": first.index.map(channel_of)})
    counts = acquired.groupby(["month", "channel"]).size()
    cost_per_customer = {"Google Ads": 38.0, "Meta Ads": 31.0, "Email": 9.0}
    ctr = {"Google Ads": 0.032, "Meta Ads": 0.011, "Email": 0.045}
    cpc = {"Google Ads": 0.85, "Meta Ads": 0.55, "Email": 0.05}
    rows = []
    for month in month_starts:
        for channel, paid, _ in CHANNELS:
            if not paid:
                continue
            new = int(counts.get((month, channel), 0))
            spend = round(max(new, 1) * cost_per_customer[channel] * rng.uniform(0.8, 1.25), 2)
            clicks = int(spend / cpc[channel] * rng.uniform(0.9, 1.1))
            impressions = int(clicks / ctr[channel] * rng.uniform(0.85, 1.15))
            rows.append((month, channel, spend, impressions, clicks, new))
    return pd.DataFrame(rows, columns=["month", "channel", "spend", "impressions", "clicks", "new_customers"])


def _social(rng, month_starts, traffic) -> pd.DataFrame:
    rows = []
    for name, followers, growth in PLATFORMS:
        for m, month in enumerate(month_starts):
            count = int(followers * (1 + growth) ** m * rng.uniform(0.98, 1.02))
            reach = int(count * rng.uniform(1.4, 2.6))
            impressions = int(reach * rng.uniform(1.6, 2.4))
            likes = int(reach * rng.uniform(0.025, 0.05))
            share_of_sessions = {"Instagram": 0.05, "Facebook": 0.025, "TikTok": 0.02}[name]
            visits = int(traffic["sessions"].iloc[m] * share_of_sessions * rng.uniform(0.8, 1.2))
            rows.append((month, name, count, reach, impressions, likes, int(likes * rng.uniform(0.05, 0.12)),
                         int(likes * rng.uniform(0.03, 0.08)), visits))
    social = pd.DataFrame(rows, columns=["month", "platform", "followers", "reach", "impressions", "likes",
                                         "comments", "shares", "site_visits"])
    # drawn after the rest, so the other figures stay those of the documented demo
    posts_per_month = {"Instagram": 14, "Facebook": 9, "TikTok": 12}
    social["posts"] = rng.poisson(social["platform"].map(posts_per_month).to_numpy())
    return social
