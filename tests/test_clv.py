"""Predictive CLV: the BG/NBD and Gamma-Gamma likelihoods, their fit, and what they predict.

Published figures used here:
* BG/NBD on the CDNOW sample (2,357 customers, weeks 1-39 of 1997): r = 0.243,
  alpha = 4.414, a = 0.793, b = 2.426, log-likelihood -9582.4 (Fader, Hardie & Lee 2005,
  "Counting your customers the easy way", Marketing Science 24(2), section 7 and Figure 1;
  the LL as in CLVTools' correctness test tests/testthat/test_correctness_bgnbd.R).
* Per-customer BG/NBD log-likelihoods -9.4596 (x=2, t_x=30.43), -4.4711 (x=1, t_x=1.71),
  -0.5538 (x=0), T=38.86: Hardie's spreadsheet (brucehardie.com/notes/004, sheet
  "BGNBD Estimation"), as quoted in pymc-marketing's tests/distributions test_logp_matches_excel.
* Gamma-Gamma on the 946 CDNOW repeat customers: p = 6.25, q = 3.74, gamma = 15.44
  (Fader & Hardie 2013, "The Gamma-Gamma model of monetary value", brucehardie.com/notes/025),
  log-likelihood -4055.9177 (CLVTools' tests/testthat/test_correctness_gg.R, citing that note).
"""

import io
import math
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_xl import clv, clv_models
from kpi_xl.clv import BgNbd, GammaGamma
from kpi_xl.clv_simulation import simulate_customers
from kpi_xl.errors import KpiInputError

PUBLISHED_BGNBD = BgNbd(0.243, 4.414, 0.793, 2.426)
PUBLISHED_GG = GammaGamma(6.25, 3.74, 15.44)


def log_beta(u, v):
    return math.lgamma(u) + math.lgamma(v) - math.lgamma(u + v)


def bgnbd_by_hand(r, alpha, a, b, x, t_x, T):
    """Equation (6) of Fader, Hardie & Lee (2005), term by term in plain floats."""
    first = math.exp(log_beta(a, b + x) - log_beta(a, b) + math.lgamma(r + x) - math.lgamma(r)
                     + r * math.log(alpha) - (r + x) * math.log(alpha + T))
    second = 0.0
    if x > 0:
        second = math.exp(log_beta(a + 1, b + x - 1) - log_beta(a, b) + math.lgamma(r + x) - math.lgamma(r)
                          + r * math.log(alpha) - (r + x) * math.log(alpha + t_x))
    return math.log(first + second)


def test_bgnbd_log_likelihood_of_two_customers_by_hand():
    # customer 1 of CDNOW (x=2, t_x=30.43, T=38.86) and a customer with no repeat purchase
    ours = clv.bgnbd_log_likelihood(PUBLISHED_BGNBD, [2, 0], [30.43, 0.0], [38.86, 38.86])
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    # x = 0 by hand: B(a, b)/B(a, b) = 1, Gamma(r)/Gamma(r) = 1, so L = (alpha / (alpha + T))^r
    assert ours[1] == pytest.approx(0.243 * math.log(4.414 / (4.414 + 38.86)), rel=1e-12)  # = -0.5547
    assert ours[0] == pytest.approx(bgnbd_by_hand(r, alpha, a, b, 2, 30.43, 38.86), rel=1e-12)
    # and Hardie's spreadsheet at its unrounded estimates: agree to the 3-decimal rounding of the parameters
    assert ours == pytest.approx([-9.4596, -0.5538], abs=2e-3)


def test_gamma_gamma_log_likelihood_of_two_customers_by_hand():
    p, q, g = 6.25, 3.74, 15.44
    by_hand = []
    for x, m in [(1, 20.0), (3, 35.5)]:  # f(m|x) = G(px+q)/(G(px)G(q)) g^q x^(px) m^(px-1) / (g + x m)^(px+q)
        by_hand.append(math.lgamma(p * x + q) - math.lgamma(p * x) - math.lgamma(q) + q * math.log(g)
                       + p * x * math.log(x) + (p * x - 1) * math.log(m) - (p * x + q) * math.log(g + x * m))
    ours = clv.gamma_gamma_log_likelihood(PUBLISHED_GG, [1, 3], [20.0, 35.5])
    assert ours == pytest.approx(by_hand, rel=1e-12)
    assert ours[0] == pytest.approx(-3.5942, abs=1e-4)  # computed once with a calculator from the line above


def test_probability_alive_and_expected_spend_by_hand():
    # P(alive) = 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) for x=2, t_x=30.43, T=38.86
    odds = 0.793 / (2.426 + 1) * ((4.414 + 38.86) / (4.414 + 30.43)) ** (0.243 + 2)
    assert clv.probability_alive(PUBLISHED_BGNBD, 2, 30.43, 38.86)[0] == pytest.approx(1 / (1 + odds))
    assert clv.probability_alive(PUBLISHED_BGNBD, 0, 0.0, 38.86)[0] == 1.0  # no repeat: alive by the model
    # E(M) = p (gamma + x m) / (p x + q - 1): 6.25 (15.44 + 60) / (12.5 + 2.74) = 471.5 / 15.24
    assert clv.expected_spend(PUBLISHED_GG, [2, 0], [30.0, np.nan]) == pytest.approx(
        [471.5 / 15.24, 6.25 * 15.44 / 2.74])  # nobody repeated: the population mean p gamma / (q - 1)


def test_expected_purchases_follow_the_paper_and_stay_finite():
    from scipy import special

    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    x, t_x, T, t = 7, 29.43, 38.86, 52.0
    # equation (10) as printed: (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t))]
    #                           / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))
    printed = ((a + b + x - 1) / (a - 1) * (1 - ((alpha + T) / (alpha + T + t)) ** (r + x)
               * special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)))
               / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x)))
    assert clv.expected_purchases(PUBLISHED_BGNBD, t, x, t_x, T)[0] == pytest.approx(printed, rel=1e-10)
    # 3,000 purchases: the printed form is inf x 0 = nan, ours stays a number (about the rate 3000/104 x 52)
    busy = clv.expected_purchases(BgNbd(2.0, 1.0, 0.5, 30.0), 52.0, 3000, 104.0, 104.0)[0]
    assert np.isfinite(busy) and 1000 < busy < 1500


def test_expected_purchases_of_many_customers_and_horizons_follow_the_printed_equation():
    from scipy import special

    # customers sharing (x, T) pairs but not t_x, and one alone: each value from equation (10) as printed
    r, alpha, a, b = 0.243, 4.414, 0.793, 2.426
    x = np.array([0, 2, 2, 2, 5, 0, 1])
    t_x = np.array([0.0, 10.0, 30.0, 30.0, 20.0, 0.0, 3.5])
    T = np.array([38.0, 38.0, 38.0, 40.0, 38.0, 12.0, 70.25])
    horizons = np.array([0.0, 13.0, 52.0])
    printed = np.array([[(a + b + xi - 1) / (a - 1) * (1 - ((alpha + Ti) / (alpha + Ti + t)) ** (r + xi)
                         * special.hyp2f1(r + xi, b + xi, a + b + xi - 1, t / (alpha + Ti + t)))
                         / (1 + (xi > 0) * a / (b + xi - 1) * ((alpha + Ti) / (alpha + ti)) ** (r + xi))
                         for xi, ti, Ti in zip(x, t_x, T, strict=True)] for t in horizons])
    ours = clv.expected_purchases(PUBLISHED_BGNBD, horizons, x, t_x, T)
    assert ours.shape == (3, 7)
    assert ours == pytest.approx(printed, rel=1e-10, abs=1e-12)
    assert clv.expected_purchases(PUBLISHED_BGNBD, 52.0, x, t_x, T) == pytest.approx(printed[2], rel=1e-10)
    # weighted sums over the horizons (as the discounted CLV takes them): the same weights on the printed values
    weights = np.array([[0.0, 0.0, 1.0], [0.5, -2.0, 3.0]])
    assert clv.weighted_expected_purchases(PUBLISHED_BGNBD, horizons, weights, x, t_x, T) == pytest.approx(
        weights @ printed, rel=1e-10, abs=1e-12)


def test_discounting_at_zero_rate_is_the_expected_purchases_times_spend():
    x, t_x, T = np.array([2.0, 0.0]), np.array([30.43, 0.0]), np.array([38.86, 38.86])
    spend = np.array([25.0, 35.0])
    undiscounted = clv.discounted_value(PUBLISHED_BGNBD, spend, x, t_x, T, horizon_months=12,
                                        discount_rate=0.0, days_per_unit=7.0)
    weeks = 12 * clv.UNITS["month"] / 7.0  # 12 months = 52.18 weeks
    assert undiscounted == pytest.approx(spend * clv.expected_purchases(PUBLISHED_BGNBD, weeks, x, t_x, T))
    discounted = clv.discounted_value(PUBLISHED_BGNBD, spend, x, t_x, T, horizon_months=12,
                                      discount_rate=0.10, days_per_unit=7.0)
    # every month is worth between 1/1.1 and 1 of its undiscounted value
    assert (discounted < undiscounted).all() and (discounted > undiscounted / 1.1).all()


@pytest.fixture(scope="module")
def lifetimes_wheel(tmp_path_factory):
    """The lifetimes wheel from PyPI (it ships the CDNOW data); skip when the registry cannot be reached."""
    folder = tmp_path_factory.mktemp("lifetimes")
    try:
        done = subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-cache-dir",
                               "lifetimes==0.11.3", "-d", str(folder)], capture_output=True, text=True, timeout=180)
    except subprocess.TimeoutExpired:
        pytest.skip("PyPI unreachable: could not download the lifetimes wheel (CDNOW data) in 180 s")
    wheels = list(folder.glob("*.whl"))
    if done.returncode != 0 or not wheels:
        pytest.skip(f"PyPI unreachable: could not download the lifetimes wheel (CDNOW data): {done.stderr[-300:]}")
    return wheels[0]


def read_from_wheel(wheel: Path, name: str) -> bytes:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(f"lifetimes/datasets/{name}")


# The CDNOW dates (1997-98) are moved 28 years on (10,227 days; from when the order checks refused dates
# before 2000),
# which leaves every time difference, hence every frequency, recency and T, unchanged.
SHIFT = pd.Timedelta(days=10227)


@pytest.fixture(scope="module")
def cdnow(lifetimes_wheel):
    raw = pd.read_csv(io.BytesIO(read_from_wheel(lifetimes_wheel, "CDNOW_sample.txt")), sep=r"\s+", header=None,
                      names=["master_id", "id", "date", "quantity", "amount"])
    orders = pd.DataFrame({
        "order_date": pd.to_datetime(raw["date"].astype(str), format="%Y%m%d") + SHIFT,
        "order_id": [str(i) for i in range(len(raw))], "customer_id": raw["id"].astype(str),
        "net_revenue": raw["amount"], "cost_of_goods_sold": np.nan})
    summary = clv.rfm_summary(orders, unit="week", end=pd.Timestamp("1997-09-30") + SHIFT)  # 39-week calibration
    summary.index = summary.index.astype(int)
    published = pd.read_csv(io.BytesIO(read_from_wheel(lifetimes_wheel, "cdnow_customers_summary_with_transactions.csv")),
                            index_col="ID")
    return summary.sort_index(), published


def test_summary_from_the_cdnow_transactions_is_the_published_one(cdnow):
    summary, published = cdnow
    assert len(summary) == 2357 == len(published)
    assert (summary["frequency"].to_numpy() == published["x"].to_numpy()).all()
    # the published file is rounded to 2 decimals
    assert np.abs(summary["recency"].to_numpy() - published["t_x"].to_numpy()).max() <= 0.005
    assert np.abs(summary["T"].to_numpy() - published["T"].to_numpy()).max() <= 0.005
    repeat = published["x"].to_numpy() > 0
    assert repeat.sum() == 946
    assert np.abs(summary["monetary_value"].to_numpy()[repeat] - published["zbar"].to_numpy()[repeat]).max() <= 0.0051


def test_cdnow_fit_reproduces_the_published_parameters(cdnow):
    summary, _ = cdnow
    purchases = clv.fit_bgnbd(summary["frequency"], summary["recency"], summary["T"])
    assert (round(purchases.r, 3), round(purchases.alpha, 3), round(purchases.a, 3), round(purchases.b, 3)) == (
        0.243, 4.414, 0.793, 2.426)
    assert purchases.log_likelihood == pytest.approx(-9582.4, abs=0.05)
    # at the fitted (unrounded) estimates, Hardie's spreadsheet's per-customer values to 4 decimals
    per_customer = clv.bgnbd_log_likelihood(purchases, [2, 0], [30.43, 0.0], 38.86)
    assert per_customer == pytest.approx([-9.4596, -0.5538], abs=1e-4)
    spend = clv.fit_gamma_gamma(summary["frequency"], summary["monetary_value"])
    assert (round(spend.p, 2), round(spend.q, 2), round(spend.gamma, 2)) == (6.25, 3.74, 15.44)
    assert spend.log_likelihood == pytest.approx(-4055.9177, abs=1e-3)


def test_same_fit_as_lifetimes_where_it_imports(lifetimes_wheel, tmp_path):
    with zipfile.ZipFile(lifetimes_wheel) as archive:
        archive.extractall(tmp_path)
    sys.path.insert(0, str(tmp_path))
    try:
        lifetimes = pytest.importorskip("lifetimes", reason="lifetimes (needs autograd and dill) does not import here")
        data = pd.read_csv(tmp_path / "lifetimes/datasets/cdnow_customers_summary_with_transactions.csv")
        their_model = lifetimes.BetaGeoFitter().fit(data["x"], data["t_x"], data["T"])
        theirs = their_model.params_
        their_expected = their_model.conditional_expected_number_of_purchases_up_to_time(39, 2, 30.43, 38.86)
        their_alive = their_model.conditional_probability_alive(2, 30.43, 38.86)
        repeat = data[data["x"] > 0]
        their_spend = lifetimes.GammaGammaFitter().fit(repeat["x"], repeat["zbar"]).params_
    finally:
        sys.path.remove(str(tmp_path))
    ours = clv.fit_bgnbd(data["x"], data["t_x"], data["T"])
    assert [ours.r, ours.alpha, ours.a, ours.b] == pytest.approx(
        [theirs["r"], theirs["alpha"], theirs["a"], theirs["b"]], rel=1e-4)
    assert clv.expected_purchases(ours, 39, 2, 30.43, 38.86)[0] == pytest.approx(np.ravel(their_expected)[0], rel=1e-4)
    assert clv.probability_alive(ours, 2, 30.43, 38.86)[0] == pytest.approx(np.ravel(their_alive)[0], rel=1e-4)
    spend = clv.fit_gamma_gamma(data["x"], data["zbar"])
    assert [spend.p, spend.q, spend.gamma] == pytest.approx([their_spend["p"], their_spend["q"], their_spend["v"]],
                                                            rel=1e-4)


def test_parameters_are_recovered_from_simulated_customers():
    truth, spend_truth = BgNbd(0.5, 6.0, 0.8, 2.5), GammaGamma(6.0, 4.0, 15.0)
    T = np.random.default_rng(100).uniform(10, 78, 50_000)  # customers acquired over 68 weeks
    table = simulate_customers(truth, spend_truth, T, seed=0)
    fitted = clv.fit_bgnbd(table["frequency"], table["recency"], table["T"])
    assert [fitted.r, fitted.alpha, fitted.a, fitted.b] == pytest.approx([0.5, 6.0, 0.8, 2.5], rel=0.10)
    spend = clv.fit_gamma_gamma(table["frequency"], table["monetary_value"])
    assert [spend.p, spend.q, spend.gamma] == pytest.approx([6.0, 4.0, 15.0], rel=0.10)


def orders_of(rows):
    return pd.DataFrame(rows, columns=["order_date", "order_id", "customer_id", "net_revenue",
                                       "cost_of_goods_sold", "status"])


def test_customer_lifetime_values_per_customer_and_cohort():
    table = simulate_customers(BgNbd(0.5, 6.0, 0.8, 2.5), GammaGamma(6.0, 4.0, 15.0),
                               np.full(40, 30.0), seed=3)
    assert table["frequency"].gt(0).sum() >= 10  # enough repeat customers for this example
    rows = []
    start = pd.Timestamp("2024-01-01")
    for number, customer in enumerate(table.itertuples()):
        days = [0] + sorted({int(d) for d in np.linspace(1, customer.recency * 7, int(customer.frequency))})
        base = 25.0 if np.isnan(customer.monetary_value) else round(customer.monetary_value, 2)
        for k, day in enumerate(days):
            rows.append([start + pd.Timedelta(days=day), f"{number}-{k}", f"c{number}", base + k, None, "paid"])
    rows.append([start, "refund", "c0", 999.0, None, "refunded"])  # counts nowhere
    orders = orders_of(rows)
    per_customer, purchases, spend = clv.customer_lifetime_values(orders, as_of=start + pd.Timedelta(days=210))
    assert len(per_customer) == 40 and (per_customer["T"] == 30.0).all()  # 210 days = 30 weeks
    assert ((per_customer["probability_alive"] > 0) & (per_customer["probability_alive"] <= 1)).all()
    assert (per_customer["clv"] > 0).all()
    # CLV over 12 months at 0 % = expected purchases x expected spend
    flat, _, _ = clv.customer_lifetime_values(orders, as_of=start + pd.Timedelta(days=210), discount_rate=0.0)
    assert flat["clv"].to_numpy() == pytest.approx(
        (flat["expected_purchases"] * flat["expected_spend"]).to_numpy(), rel=1e-9)
    # the models are invariant to the time unit (alpha carries it): days give the same predictions as weeks
    in_days, days_model, _ = clv.customer_lifetime_values(orders, as_of=start + pd.Timedelta(days=210), unit="day")
    assert days_model.alpha == pytest.approx(purchases.alpha * 7, rel=1e-4)
    assert in_days["clv"].to_numpy() == pytest.approx(per_customer["clv"].to_numpy(), rel=1e-4)
    by_cohort = clv.clv_by_cohort(per_customer)
    assert by_cohort["customers"].tolist() == [40]
    assert by_cohort["total_clv"].iloc[0] == pytest.approx(per_customer["clv"].sum())
    assert per_customer["gross_profit_clv"].isna().all()  # no cost of goods known: no profit CLV
    # sorted by id (c0, c1, c10, c11, ...: text order) by default; unsorted, the same rows in first-order order
    assert per_customer.index.tolist()[:4] == ["c0", "c1", "c10", "c11"]
    unsorted, _, _ = clv.customer_lifetime_values(orders, as_of=start + pd.Timedelta(days=210), sort=False)
    assert unsorted.index.tolist()[:3] == ["c0", "c1", "c2"]  # all first bought on 2024-01-01, in row order
    pd.testing.assert_frame_equal(unsorted.sort_index(), per_customer.sort_index())


def test_gross_profit_clv_uses_the_margin_of_the_orders_with_a_known_cost():
    from kpi_xl.sample import sample_shop

    orders = sample_shop().tables()["orders"]
    per_customer, _, _ = clv.customer_lifetime_values(orders, status_col="status")
    paid = orders[(orders["status"] == "paid") & orders["cost_of_goods_sold"].notna()]
    margin = 1 - paid["cost_of_goods_sold"].sum() / paid["net_revenue"].sum()  # by hand: (revenue - cost) / revenue
    assert per_customer["gross_profit_clv"].to_numpy() == pytest.approx(per_customer["clv"].to_numpy() * margin)
    by_cohort = clv.clv_by_cohort(per_customer)
    assert by_cohort["gross_profit_clv"].iloc[0] == pytest.approx(
        per_customer.loc[per_customer["cohort"] == by_cohort.index[0], "gross_profit_clv"].mean())


@pytest.mark.parametrize("kwargs, message", [
    ({"horizon_months": 0}, "horizon_months is 0"),
    ({"discount_rate": -0.1}, "discount_rate is -0.1"),
])
def test_bad_options_are_named(kwargs, message):
    orders = orders_of([["2024-01-01", "1", "a", 10.0, None, "paid"]])
    with pytest.raises(KpiInputError, match=message):
        clv.customer_lifetime_values(orders, **kwargs)


def test_too_few_customers_is_a_clear_error():
    orders = orders_of([["2024-01-01", "1", "a", 10.0, None, "paid"], ["2024-02-01", "2", "a", 10.0, None, "paid"]])
    with pytest.raises(KpiInputError, match=r"purchases \(BG/NBD\): 1 customers are too few to fit the model"):
        clv.customer_lifetime_values(orders)
    with pytest.raises(KpiInputError, match=r"\(Gamma-Gamma\): 0 customers with a repeat purchase are too few"):
        clv.fit_gamma_gamma(np.zeros(20), np.full(20, np.nan))


def test_no_repeat_purchase_at_all_does_not_determine_the_purchase_model():
    # with no repeat purchase the likelihood keeps rising as the rate's shape r falls to 0: no finite fit
    once_each = orders_of([[f"2024-01-{day:02d}", str(day), f"c{day}", 10.0, None, "paid"] for day in range(1, 21)])
    with pytest.raises(KpiInputError, match=r"purchases \(BG/NBD\): these orders do not determine the model"):
        clv.customer_lifetime_values(once_each)


def test_the_sample_that_starts_a_large_fit_does_not_change_its_result(monkeypatch):
    # 50,000 customers: above twice the sample's 20,000, so the fit starts from a sample's optimum;
    # the reference is the same fit started from all parameters at 1, as for small tables
    table = simulate_customers(BgNbd(0.5, 6.0, 0.8, 2.5), GammaGamma(6.0, 4.0, 15.0),
                               np.random.default_rng(100).uniform(10, 78, 50_000), seed=1)
    warm = clv.fit_bgnbd(table["frequency"], table["recency"], table["T"])
    warm_spend = clv.fit_gamma_gamma(table["frequency"], table["monetary_value"])
    monkeypatch.setattr(clv_models, "_SAMPLE", 10**9)
    cold = clv.fit_bgnbd(table["frequency"], table["recency"], table["T"])
    cold_spend = clv.fit_gamma_gamma(table["frequency"], table["monetary_value"])
    assert [warm.r, warm.alpha, warm.a, warm.b] == pytest.approx([cold.r, cold.alpha, cold.a, cold.b], rel=1e-5)
    assert [warm_spend.p, warm_spend.q, warm_spend.gamma] == pytest.approx(
        [cold_spend.p, cold_spend.q, cold_spend.gamma], rel=1e-5)
