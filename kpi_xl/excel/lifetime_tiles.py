"""The dashboard's lifetime values: the realised 12-month LTV of the latest cohorts old enough to have one,
the predictive 12-month value (BG/NBD + Gamma-Gamma), and the realised LTV against the month's CAC.

Both are computed at the end of the data, beside the simple formula that the trend table keeps
(see docs/kpis.md, "Three LTVs"). Where a value cannot be known (no cohort 12 months old yet, too few
repeat customers to fit the models, a cost of goods unknown), the tile says n.d. and why.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from ..clv import customer_lifetime_values
from ..cohort_value import latest_realised_ltv
from ..errors import KpiInputError
from ..labels import text

__all__ = ["LIFETIME_KPIS", "lifetime_values"]

#: The tiles this module fills, beside the monthly KPIs of kpi_xl.report.
LIFETIME_KPIS = ("realised_ltv_12m", "predictive_clv_12m", "realised_ltv_cac_ratio")


def lifetime_values(valid: Any, table: pd.DataFrame, month: pd.Period, lang: str
                    ) -> tuple[dict[str, float], dict[str, str]]:
    """The three values and the note each tile shows under its value."""
    values, notes = {key: math.nan for key in LIFETIME_KPIS}, {}
    latest = latest_realised_ltv(valid, age=12, cohorts=3)
    if latest.cohorts:
        values["realised_ltv_12m"] = latest.value
        notes["realised_ltv_12m"] = text("realised_note", lang, first=str(latest.cohorts[0]),
                                         last=str(latest.cohorts[-1]), customers=latest.customers)
    else:
        notes["realised_ltv_12m"] = text("no_cohort_note", lang)
    try:
        customers, _purchases, _spend = customer_lifetime_values(valid, horizon_months=12, discount_rate=0.10,
                                                                 sort=False)
        values["predictive_clv_12m"] = float(customers["gross_profit_clv"].mean())
        notes["predictive_clv_12m"] = text("predictive_note", lang)
    except KpiInputError:
        notes["predictive_clv_12m"] = text("no_fit_note", lang)
    cac = table.at[month, "customer_acquisition_cost"] if month in table.index else math.nan
    if not (math.isnan(values["realised_ltv_12m"]) or pd.isna(cac) or cac == 0):
        values["realised_ltv_cac_ratio"] = values["realised_ltv_12m"] / float(cac)
        notes["realised_ltv_cac_ratio"] = text("ratio_note", lang)
    else:
        notes["realised_ltv_cac_ratio"] = notes["realised_ltv_12m"] if math.isnan(values["realised_ltv_12m"]) \
            else text("no_cac_note", lang)
    return values, notes
