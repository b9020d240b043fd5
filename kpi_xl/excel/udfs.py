"""KPI_* worksheet functions: thin xlwings wrappers over the KPI core.

Every function here reads its ranges (:mod:`kpi_xl.excel.cells`), calls the
core (:mod:`kpi_xl.kpis`, :mod:`kpi_xl.orders`) and turns the result into cell
values; no KPI arithmetic lives here. The template's ``UDF Modules`` setting
names this module.

In a cell:

* a range argument of a rate function is summed:
  ``=KPI_CAC(B2:B13; C2:C13)`` is total spend / total new customers;
* an undefined result (a zero denominator) shows ``n.d.``, never a blank or 0;
* invalid input shows a text starting with ``#KPI!`` that names the argument,
  the cell and the value, e.g. ``#KPI! visitors: cell 3 of 12 is 'n/a', not a number``.

Each docstring is the description Excel's function wizard shows (at most 255
characters), and each ``doc=`` the help of an argument.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable

import numpy as np
import pandas as pd
import xlwings as xw

from .. import kpis
from ..clv import customer_lifetime_values
from ..cohort_value import DEFAULT_AGES, realised_ltv
from ..errors import InputProblem, KpiInputError
from ..labels import text
from ..order_table import STATUS_ALIASES, ValidOrders, prepare_orders
from ..orders import cohort_matrix, period_summary
from .cells import _number, cell_column, cells, dates_in, ids_in, is_blank, numbers_in, option, order_rows, single, total

__all__ = [
    "KPI_CONVERSION_RATE", "KPI_CTR", "KPI_CAC", "KPI_CHURN_RATE", "KPI_RETENTION_RATE", "KPI_REPEAT_RATE",
    "KPI_GROSS_PROFIT", "KPI_GROSS_MARGIN", "KPI_AOV", "KPI_LTV", "KPI_LTV_CAC", "KPI_ROAS",
    "KPI_ENGAGEMENT_RATE", "KPI_COHORTS", "KPI_CUSTOMERS", "KPI_CUSTOM", "KPI_CLV", "KPI_LTV_REALISED",
    "UNDEFINED", "ERROR_PREFIX", "CATEGORY",
]

#: The function wizard's category of every KPI_* function.
CATEGORY = "KPI"
#: What a cell shows for an undefined result (non défini).
UNDEFINED = "n.d."
#: How the text of an input error starts.
ERROR_PREFIX = "#KPI!"

_MEASURES = {"share": "share", "part": "share", "count": "count", "nombre": "count",
             "revenue": "revenue", "ca": "revenue", "chiffre d'affaires": "revenue"}
_CUSTOMER_HEADERS = {
    "fr": ["Mois", "Clients actifs", "Nouveaux", "Récurrents", "Perdus", "Taux d'attrition", "Taux de rétention"],
    "en": ["Month", "Active", "New", "Returning", "Lost", "Churn rate", "Retention rate"],
}
_COHORT_CORNER = {"fr": "Cohorte", "en": "Cohort"}


def _to_cell(value: Any) -> Any:
    """A result as a cell value: nan becomes the visible UNDEFINED marker."""
    if isinstance(value, (list, tuple)):
        return [_to_cell(v) for v in value]
    if isinstance(value, (float, np.floating)):
        return UNDEFINED if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _excel_result(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn nan into UNDEFINED and an input error into a one-line ``#KPI!`` text."""

    @functools.wraps(func)
    def wrapper(*args: Any) -> Any:
        try:
            return _to_cell(func(*args))
        except KpiInputError as error:
            return f"{ERROR_PREFIX} {_one_line(error)}"

    return wrapper


def _one_line(error: KpiInputError) -> str:
    if not error.problems:
        return str(error).replace("\n", " ")
    first, more = error.problems[0], len(error.problems) - 1
    return str(first) + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


_DATES_DOC = "Date of each order, one order per row. / Date de chaque commande."
_IDS_DOC = "Customer id of each order, same rows. / Identifiant client, mêmes lignes."
_LANGUAGE_DOC = "FR (default) or EN, for the header. / FR (défaut) ou EN, pour l'en-tête."
_STATUS_DOC = ("Optional status of each order, same rows: paid counts, refunded and cancelled do not (as the "
               "dashboard). / Statut : payée compte, remboursée et annulée non.")


def _paid(statuses: list[Any], positions: list[int], count: int) -> list[bool]:
    """Whether each order counts, by the statuses' rules of the refresh (``order_table.STATUS_ALIASES``)."""
    out = []
    for value, position in zip(statuses, positions, strict=True):
        meaning = STATUS_ALIASES.get(str(value).strip().lower()) if not is_blank(value) else None
        if meaning is None:
            raise KpiInputError(f"statuses: cell {position} of {count} is {value!r}, not a known status "
                                "(paid, refunded, cancelled; payée, remboursée, annulée)")
        out.append(meaning == "paid")
    return out


def _sums(core: Callable[..., float], **ranges: Any) -> float:
    """``core`` applied to the totals of the ranges, passed in order."""
    return core(*(total(value, name) for name, value in ranges.items()))


@xw.func(category=CATEGORY)
@xw.arg("conversions", doc="Goals reached: purchases, newsletter sign-ups, downloads (summed). / Objectifs atteints.")
@xw.arg("visitors", doc="Visitors or sessions in the same period (summed). / Visiteurs ou sessions.")
@_excel_result
def KPI_CONVERSION_RATE(conversions, visitors):
    """Conversion rate = conversions / visitors (fraction, format as %). Taux de conversion. n.d. if no visitor."""
    return _sums(kpis.conversion_rate, conversions=conversions, visitors=visitors)


@xw.func(category=CATEGORY)
@xw.arg("clicks", doc="Clicks (summed). / Clics.")
@xw.arg("impressions", doc="Impressions (summed). / Impressions.")
@_excel_result
def KPI_CTR(clicks, impressions):
    """Click-through rate = clicks / impressions (fraction, format as %). Taux de clic. n.d. if no impression."""
    return _sums(kpis.click_through_rate, clicks=clicks, impressions=impressions)


@xw.func(category=CATEGORY)
@xw.arg("acquisition_spend", doc="Marketing spend to acquire customers (summed). / Dépenses d'acquisition.")
@xw.arg("new_customers", doc="New customers of the same period (summed). / Nouveaux clients.")
@_excel_result
def KPI_CAC(acquisition_spend, new_customers):
    """Customer acquisition cost = spend / new customers. Coût d'acquisition client (CAC). n.d. if no new customer."""
    return _sums(kpis.customer_acquisition_cost, acquisition_spend=acquisition_spend, new_customers=new_customers)


@xw.func(category=CATEGORY)
@xw.arg("customers_lost", doc="Customers lost during the period (summed). / Clients perdus.")
@xw.arg("customers_at_start", doc="Customers at the start of the period (summed). / Clients au début.")
@_excel_result
def KPI_CHURN_RATE(customers_lost, customers_at_start):
    """Churn rate = customers lost / customers at start (fraction). Taux d'attrition. n.d. if nobody at start."""
    return _sums(kpis.churn_rate, customers_lost=customers_lost, customers_at_start=customers_at_start)


@xw.func(category=CATEGORY)
@xw.arg("customers_at_end", doc="Customers at the end of the period (E). / Clients à la fin.")
@xw.arg("new_customers", doc="New customers during the period (N). / Nouveaux clients.")
@xw.arg("customers_at_start", doc="Customers at the start of the period (S). / Clients au début.")
@_excel_result
def KPI_RETENTION_RATE(customers_at_end, new_customers, customers_at_start):
    """Retention rate = (E - N) / S: customers kept over customers at start. Taux de rétention. n.d. if S = 0."""
    return _sums(kpis.retention_rate, customers_at_end=customers_at_end, new_customers=new_customers,
                 customers_at_start=customers_at_start)


@xw.func(category=CATEGORY)
@xw.arg("customer_ids", doc="Customer id of each order, one order per row. / Identifiant client de chaque commande.")
@xw.arg("statuses", doc=_STATUS_DOC)
@_excel_result
def KPI_REPEAT_RATE(customer_ids, statuses=None):
    """Repeat purchase rate = customers with 2+ paid orders / customers, from order rows. Taux de réachat."""
    if statuses is None:
        ids = [i for i in ids_in(cells(customer_ids)) if i is not None]
    else:
        kept, positions, count = order_rows(customer_ids=customer_ids, statuses=statuses)
        paid = _paid(kept["statuses"], positions, count)
        ids = [i for i, counts in zip(ids_in(kept["customer_ids"]), paid, strict=True) if counts and i is not None]
    orders_per_customer = pd.Series(ids, dtype=object).value_counts()
    return kpis.repeat_purchase_rate(int((orders_per_customer >= 2).sum()), len(orders_per_customer))


@xw.func(category=CATEGORY)
@xw.arg("revenue", doc="Net sales: after discounts and refunds, before shipping and taxes (summed). / CA net.")
@xw.arg("cogs", doc="Cost of goods sold (summed). / Coût des marchandises vendues.")
@_excel_result
def KPI_GROSS_PROFIT(revenue, cogs):
    """Gross profit = net sales - cost of goods sold (money). Marge brute."""
    return kpis.gross_profit(total(revenue, "revenue"), total(cogs, "cogs"))


@xw.func(category=CATEGORY)
@xw.arg("revenue", doc="Net sales: after discounts and refunds, before shipping and taxes (summed). / CA net.")
@xw.arg("cogs", doc="Cost of goods sold (summed). / Coût des marchandises vendues.")
@_excel_result
def KPI_GROSS_MARGIN(revenue, cogs):
    """Gross margin = (net sales - cost of goods) / net sales (fraction). Taux de marge brute. n.d. if no sales."""
    return kpis.gross_margin(total(revenue, "revenue"), total(cogs, "cogs"))


@xw.func(category=CATEGORY)
@xw.arg("revenue", doc="Net revenue (summed). / Chiffre d'affaires net.")
@xw.arg("orders", doc="Number of orders (summed). / Nombre de commandes.")
@_excel_result
def KPI_AOV(revenue, orders):
    """Average order value = net revenue / orders (money). Panier moyen. n.d. if no order."""
    return _sums(kpis.average_order_value, revenue=revenue, orders=orders)


@xw.func(category=CATEGORY)
@xw.arg("average_order_value", doc="Average order value (one cell). / Panier moyen.")
@xw.arg("purchase_frequency", doc="Orders per customer per period (one cell). / Fréquence d'achat par période.")
@xw.arg("churn_rate", doc="Churn rate per the same period (one cell, e.g. 5%). / Taux d'attrition.")
@xw.arg("gross_margin", doc="Optional gross margin (e.g. 40%); blank = 1 (revenue LTV). / Taux de marge, facultatif.")
@_excel_result
def KPI_LTV(average_order_value, purchase_frequency, churn_rate, gross_margin=None):
    """Lifetime value = AOV x frequency x gross margin / churn rate. Valeur vie client (LTV). n.d. if churn = 0."""
    return kpis.customer_lifetime_value(
        single(average_order_value, "average_order_value"), single(purchase_frequency, "purchase_frequency"),
        single(churn_rate, "churn_rate"),
        gross_margin=single(gross_margin, "gross_margin", default=1.0, allow_negative=True))


@xw.func(category=CATEGORY)
@xw.arg("ltv", doc="Customer lifetime value (one cell). / Valeur vie client.")
@xw.arg("cac", doc="Customer acquisition cost (one cell). / Coût d'acquisition client.")
@_excel_result
def KPI_LTV_CAC(ltv, cac):
    """LTV:CAC ratio = lifetime value / acquisition cost; 3 or more is healthy. Ratio LTV / CAC. n.d. if CAC = 0."""
    return kpis.ltv_cac_ratio(single(ltv, "ltv", allow_negative=True), single(cac, "cac"))


@xw.func(category=CATEGORY)
@xw.arg("revenue", doc="Revenue (summed). / Chiffre d'affaires.")
@xw.arg("ad_spend", doc="Advertising spend (summed). / Dépenses publicitaires.")
@_excel_result
def KPI_ROAS(revenue, ad_spend):
    """Return on ad spend = revenue / ad spend (4 = 4 earned per 1 spent). ROAS. n.d. if nothing spent."""
    return _sums(kpis.return_on_ad_spend, revenue=revenue, ad_spend=ad_spend)


@xw.func(category=CATEGORY)
@xw.arg("interactions", doc="Likes + comments + shares (+ saves), summed. / J'aime + commentaires + partages.")
@xw.arg("audience", doc="Followers, reach or impressions: say which in your sheet (summed). / Abonnés, portée...")
@_excel_result
def KPI_ENGAGEMENT_RATE(interactions, audience):
    """Engagement rate = interactions / audience (followers, reach or impressions). Taux d'engagement. n.d. if 0."""
    return _sums(kpis.engagement_rate, interactions=interactions, audience=audience)


def _amounts(values: list[Any], name: str, positions: list[int], count: int) -> list[float | None]:
    return [None if is_blank(v) else _number(v, f"{name}: cell {p} of {count}")
            for v, p in zip(values, positions, strict=True)]


def _orders(order_dates: Any, customer_ids: Any, revenues: Any = None, *, statuses: Any = None,
            costs: Any = None) -> ValidOrders:
    """An orders table from order-level ranges, checked by the core; messages name the cells.

    ``statuses`` follow the refresh's rules (only paid orders count); blank
    ``costs`` are not known (the gross profit that needs them is n.d.).
    """
    ranges = {"order_dates": order_dates, "customer_ids": customer_ids}
    ranges.update({name: value for name, value in
                   (("revenues", revenues), ("statuses", statuses), ("costs", costs)) if value is not None})
    kept, positions, count = order_rows(**ranges)
    if not positions:
        raise KpiInputError("order_dates is empty: there is no order to count")
    rows = pd.Index(np.fromiter(positions, dtype=np.int64, count=len(positions)))
    frame = pd.DataFrame({
        "order_dates": dates_in(kept["order_dates"], "order_dates", positions, count).to_numpy(),
        "order_ids": rows.to_numpy(),  # one order per row (whole numbers: read as texts, keyed as numbers)
        "customer_ids": cell_column(kept["customer_ids"]).array,  # made texts by prepare_orders (ids_as_text)
        "revenues": 0.0 if revenues is None else _amounts(kept["revenues"], "revenues", positions, count),
        "cogs": 0.0 if costs is None else _amounts(kept["costs"], "costs", positions, count),
        **({} if statuses is None else {"statuses": kept["statuses"]}),  # none: every order is paid
    }, index=rows)
    try:
        return prepare_orders(frame, date_col="order_dates", order_id_col="order_ids",
                              customer_id_col="customer_ids", revenue_col="revenues", cogs_col="cogs",
                              status_col="statuses")
    except KpiInputError as error:
        if not error.problems:
            raise
        first, more = error.problems[0], len(error.problems) - 1
        what = InputProblem(first.message, value=first.value)  # "-5.0 is negative", "is empty: ..."
        where = f"{first.column}: cell {first.row} of {count}{'' if first.value is None else ':'}"
        raise KpiInputError(f"{where} {what}" + (f" (and {more} more problem{'s' if more > 1 else ''})"
                                                 if more else "")) from None


def _language(language: Any) -> str:
    chosen = option(language, "language")
    lang = "fr" if chosen is None else chosen.lower()
    if lang not in ("fr", "en"):
        raise KpiInputError(f"language is {chosen!r}: use FR or EN")
    return lang


@xw.func(category=CATEGORY)
@xw.arg("order_dates", doc=_DATES_DOC)
@xw.arg("customer_ids", doc=_IDS_DOC)
@xw.arg("measure", doc="share (default), count or revenue. / part (défaut), nombre ou ca.")
@xw.arg("revenues", doc="Net revenue of each order, same rows (for revenue). / CA net de chaque commande.")
@xw.arg("language", doc=_LANGUAGE_DOC)
@xw.arg("statuses", doc=_STATUS_DOC)
@_excel_result
def KPI_COHORTS(order_dates, customer_ids, measure=None, revenues=None, language=None, statuses=None):
    """Cohort matrix (spills): rows = month of first order, columns = months since (0, 1, 2...). Cohortes."""
    chosen = option(measure, "measure")
    name = "share" if chosen is None else _MEASURES.get(chosen.lower())
    if name is None:
        raise KpiInputError(f"measure is {chosen!r}: use share, count or revenue (part, nombre, ca)")
    if name == "revenue" and revenues is None:
        raise KpiInputError("measure is revenue: give the revenues range as the 4th argument")
    matrix = cohort_matrix(_orders(order_dates, customer_ids, revenues, statuses=statuses), measure=name)
    header = [_COHORT_CORNER[_language(language)], *[int(c) for c in matrix.columns]]
    last = len(matrix) - 1  # cohorts are consecutive months: cohort i reaches age (last - i)
    rows = [[str(cohort), *[v if age <= last - i else "" for age, v in enumerate(values)]]
            for i, (cohort, values) in enumerate(zip(matrix.index, matrix.to_numpy().tolist(), strict=True))]
    return [header, *rows]  # a reached cell of an empty cohort is nan: shown as UNDEFINED


@xw.func(category=CATEGORY)
@xw.arg("order_dates", doc=_DATES_DOC)
@xw.arg("customer_ids", doc=_IDS_DOC)
@xw.arg("inactivity_days", doc="Days without an order before a customer is lost (default 365). / Jours d'inactivité.")
@xw.arg("language", doc=_LANGUAGE_DOC)
@xw.arg("statuses", doc=_STATUS_DOC)
@_excel_result
def KPI_CUSTOMERS(order_dates, customer_ids, inactivity_days=None, language=None, statuses=None):
    """Customers per month (spills): active, new, returning, lost, churn and retention rates. Clients par mois."""
    lang = _language(language)
    days = single(inactivity_days, "inactivity_days", default=365.0)
    if days < 1 or not float(days).is_integer():
        raise KpiInputError(f"inactivity_days is {days:g}: use a whole number of days, at least 1")
    summary = period_summary(_orders(order_dates, customer_ids, statuses=statuses), inactivity_days=int(days))
    counts = summary[["active_customers", "new_customers", "returning_customers", "customers_lost"]]
    rates = zip(summary["churn_rate"].tolist(), summary["retention_rate"].tolist(), strict=True)
    rows = [_CUSTOMER_HEADERS[lang]]
    for month, count, rate, status in zip(summary.index, counts.to_numpy().tolist(), rates,
                                          summary["churn_status"].tolist(), strict=True):
        rows.append([str(month), *count, *(rate if status == "final" else (text(status, lang),) * 2)])
    return rows


_CUSTOM_CACHE: dict[str, tuple[float, Any]] = {}
_CUSTOM_CACHE_SECONDS = 5.0  # one recalculation computes the workbook once, however many cells ask


def _workbook_fill(book: Any) -> Any:
    import time

    from .refresh import LiveBook, refresh_book

    key = str(getattr(book, "fullname", None) or getattr(book, "name", id(book)))
    now = time.monotonic()
    cached = _CUSTOM_CACHE.get(key)
    if cached is None or now - cached[0] > _CUSTOM_CACHE_SECONDS:
        cached = (now, refresh_book(LiveBook(book), write=False))
        _CUSTOM_CACHE[key] = cached
    return cached[1]


@xw.func(category=CATEGORY)
@xw.arg("name", doc="The name of one of your KPIs (sheet Mes indicateurs). / Le nom d'un de vos indicateurs.")
@xw.arg("month", doc="A date in the month wanted; blank = the reporting month. / Un jour du mois ; vide = mois de référence.")
@_excel_result
def KPI_CUSTOM(name, month=None, caller=None):
    """Value of one of your own KPIs (sheet Mes indicateurs) for a month. Valeur d'un de vos indicateurs."""
    if caller is None:
        raise KpiInputError("KPI_CUSTOM reads the workbook that calls it: use it in a kpi_xl workbook in Excel")
    wanted = option(name, "name")
    if wanted is None:
        raise KpiInputError("name is empty: give the name of one of your KPIs")
    fill = _workbook_fill(caller.sheet.book)
    kpi = next((k for k in fill.custom if k.name.casefold() == wanted.casefold()), None)
    if kpi is None:
        known = ", ".join(k.name for k in fill.custom) or "none yet"
        raise KpiInputError(f"name is {wanted!r}: not one of your KPIs (sheet Mes indicateurs: {known})")
    if is_blank(month) or month == [[None]]:
        period = fill.month
    else:
        stamp = dates_in(cells(month)[:1], "month").iloc[0]
        period = pd.Period(stamp, freq="M")
    return float(kpi.values.get(period, float("nan")))


_CLV_HEADERS = {
    "fr": ["Client", "Achats attendus", "Probabilité active", "Valeur attendue"],
    "en": ["Customer", "Expected purchases", "Probability active", "Expected value"],
}
_LTV_CORNER = {"fr": ["Cohorte", "Clients"], "en": ["Cohort", "Customers"]}


@xw.func(category=CATEGORY)
@xw.arg("order_dates", doc=_DATES_DOC)
@xw.arg("customer_ids", doc=_IDS_DOC)
@xw.arg("amounts", doc="Net revenue (or gross profit) of each order, same rows. / Montant de chaque commande.")
@xw.arg("statuses", doc=_STATUS_DOC)
@xw.arg("horizon_months", doc="How far ahead, in months (default 12). / Horizon en mois (défaut 12).")
@xw.arg("discount_rate", doc="Annual discount rate (default 10%). / Taux d'actualisation annuel (défaut 10 %).")
@xw.arg("language", doc=_LANGUAGE_DOC)
@_excel_result
def KPI_CLV(order_dates, customer_ids, amounts, statuses=None, horizon_months=None, discount_rate=None,
            language=None):
    """Predictive CLV per customer (spills): expected purchases, probability active, discounted value. CLV prédictive."""
    lang = _language(language)
    horizon = single(horizon_months, "horizon_months", default=12.0)
    rate = single(discount_rate, "discount_rate", default=0.10)
    if horizon < 1 or not float(horizon).is_integer():
        raise KpiInputError(f"horizon_months is {horizon:g}: use a whole number of months, at least 1")
    table, _, _ = customer_lifetime_values(_orders(order_dates, customer_ids, amounts, statuses=statuses),
                                           horizon_months=int(horizon), discount_rate=rate)
    rows = zip(table.index, table["expected_purchases"], table["probability_alive"], table["clv"], strict=True)
    return [_CLV_HEADERS[lang], *[[str(c), float(n), float(p), float(v)] for c, n, p, v in rows]]


@xw.func(category=CATEGORY)
@xw.arg("order_dates", doc=_DATES_DOC)
@xw.arg("customer_ids", doc=_IDS_DOC)
@xw.arg("revenues", doc="Net revenue of each order, same rows. / CA net de chaque commande.")
@xw.arg("costs", doc="Cost of goods of each order, same rows; blank = not known (n.d.). / Coût des marchandises.")
@xw.arg("statuses", doc=_STATUS_DOC)
@xw.arg("ages", doc="Ages in months, e.g. 3, 6, 12, 24 (the default). / Âges en mois (défaut 3, 6, 12, 24).")
@xw.arg("language", doc=_LANGUAGE_DOC)
@_excel_result
def KPI_LTV_REALISED(order_dates, customer_ids, revenues, costs, statuses=None, ages=None, language=None):
    """Realised LTV (spills): gross profit per acquired customer by cohort at 3, 6, 12, 24 months. LTV réalisée."""
    lang = _language(language)
    given = numbers_in(ages, "ages") if ages is not None else list(DEFAULT_AGES)
    wanted = [int(a) for a in given]
    if not wanted or any(a < 1 or a != g for a, g in zip(wanted, given, strict=True)):
        raise KpiInputError("ages: give whole numbers of months, at least 1 (e.g. 3, 6, 12, 24)")
    table = realised_ltv(_orders(order_dates, customer_ids, revenues, statuses=statuses, costs=costs), ages=wanted)
    rows = [[*_LTV_CORNER[lang], *wanted]]
    for cohort, row in table.iterrows():  # blank: the cohort is not that old yet; n.d.: undefined
        rows.append([str(cohort), int(row["customers"]),
                     *[row[age] if age <= row["months_observed"] else "" for age in wanted]])
    return rows
