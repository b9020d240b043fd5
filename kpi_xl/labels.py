"""KPI labels in French and English, their display kind, and number formatting.

French comes first: the template and the command line default to it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .layout import CURRENCY_SYMBOLS

__all__ = ["Label", "KPI_LABELS", "DASHBOARD_KPIS", "format_value", "text", "undefined_reason", "LANGUAGES"]

LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Label:
    """How one KPI is named and shown."""

    fr: str
    en: str
    kind: str  # percent, money, ratio, count, months
    higher_is_better: bool | None = True
    short: tuple[str, str] | None = None  # (fr, en) for narrow columns

    def name(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en

    def short_name(self, lang: str) -> str:
        """A name for narrow columns (the full name when no short one is set)."""
        if self.short is None:
            return self.name(lang)
        return self.short[0] if lang == "fr" else self.short[1]


KPI_LABELS: dict[str, Label] = {
    "revenue": Label("Chiffre d'affaires net", "Net revenue", "money", short=("CA net", "Revenue")),
    "orders": Label("Commandes", "Orders", "count"),
    "average_order_value": Label("Panier moyen", "Average order value", "money"),
    "gross_profit": Label("Marge brute", "Gross profit", "money"),
    "gross_margin": Label("Taux de marge brute", "Gross margin", "percent"),
    "conversion_rate": Label("Taux de conversion", "Conversion rate", "percent", short=("Conversion", "Conversion")),
    "newsletter_rate": Label("Inscriptions newsletter / visiteur", "Newsletter sign-up rate", "percent"),
    "active_customers": Label("Clients actifs", "Active customers", "count"),
    "new_customers": Label("Nouveaux clients", "New customers", "count"),
    "returning_customers": Label("Clients récurrents", "Returning customers", "count"),
    "customers_lost": Label("Clients perdus", "Customers lost", "count", False),
    "churn_rate": Label("Taux d'attrition", "Churn rate", "percent", False, short=("Attrition", "Churn")),
    "retention_rate": Label("Taux de rétention", "Retention rate", "percent", short=("Rétention", "Retention")),
    "returning_customer_rate": Label("Taux de clients récurrents", "Returning customer rate", "percent"),
    "repeat_purchase_rate": Label("Taux de réachat", "Repeat purchase rate", "percent"),
    "customer_acquisition_cost": Label("CAC global (tous nouveaux clients)", "Blended CAC (all new customers)",
                                       "money", False, short=("CAC global", "Blended CAC")),
    "paid_customer_acquisition_cost": Label("CAC payant (clients venus des pubs)", "Paid CAC (customers from ads)",
                                            "money", False, short=("CAC payant", "Paid CAC")),
    "lifetime_value": Label("LTV (formule simple)", "LTV (simple formula)", "money", short=("LTV simple", "Simple LTV")),
    "realised_ltv_12m": Label("LTV réalisée à 12 mois", "Realised 12-month LTV", "money"),
    "predictive_clv_12m": Label("Valeur attendue 12 mois (prédictive)", "Expected 12-month value (predictive)",
                                "money"),
    "realised_ltv_cac_ratio": Label("LTV réalisée / CAC", "Realised LTV:CAC", "ratio"),
    "ltv_cac_ratio": Label("Ratio LTV / CAC", "LTV:CAC ratio", "ratio"),
    "cac_payback_months": Label("Retour sur CAC (cohorte)", "CAC payback (cohort)", "months", False,
                                short=("Retour CAC (mois)", "CAC payback (months)")),
    "repurchase_30d": Label("Réachat sous 30 jours (cohorte)", "Repurchase within 30 days (cohort)", "percent",
                            short=("Réachat 30 j (cohorte)", "Repurchase 30 d (cohort)")),
    "repurchase_90d": Label("Réachat sous 90 jours (cohorte)", "Repurchase within 90 days (cohort)", "percent",
                            short=("Réachat 90 j (cohorte)", "Repurchase 90 d (cohort)")),
    "click_through_rate": Label("Taux de clic des pubs (CTR)", "Ads click-through rate (CTR)", "percent",
                                short=("CTR pubs", "Ads CTR")),
    "marketing_efficiency_ratio": Label("MER (CA / dépenses marketing)", "MER (revenue / marketing spend)", "ratio",
                                        short=("MER", "MER")),
    "email_click_rate": Label("Taux de clic e-mail", "E-mail click rate", "percent"),
    "return_on_ad_spend": Label("ROAS (CA venu des pubs / dépenses pubs)",
                                "ROAS (revenue from ads / ad spend)", "ratio", short=("ROAS", "ROAS")),
    "engagement_rate": Label("Taux d'engagement", "Engagement rate", "percent",
                             short=("Engagement", "Engagement")),
    "follower_growth_rate": Label("Croissance des abonnés", "Follower growth", "percent"),
    "social_traffic_share": Label("Trafic venant des réseaux", "Traffic from social media", "percent"),
}

#: The KPIs of the dashboard's tiles, in order.
DASHBOARD_KPIS = [
    "revenue", "orders", "average_order_value", "gross_margin", "conversion_rate", "new_customers",
    "churn_rate", "returning_customer_rate", "repeat_purchase_rate", "lifetime_value", "realised_ltv_12m",
    "predictive_clv_12m", "realised_ltv_cac_ratio", "customer_acquisition_cost", "paid_customer_acquisition_cost",
    "marketing_efficiency_ratio", "return_on_ad_spend", "click_through_rate", "email_click_rate", "engagement_rate",
    "social_traffic_share",
]

_TEXT = {
    "undefined": ("n.d.", "n/a"),
    "provisional": ("provisoire", "provisional"),
    "no_history": ("historique insuffisant", "not enough history"),
    "months": ("mois", "months"),
    "provisional_note": ("provisoire : la fenêtre d'inactivité n'est pas écoulée", "provisional: the inactivity "
                         "window has not run out"),
    "no_history_note": ("historique insuffisant : moins d'une fenêtre de données", "not enough history: less than "
                        "one window of data"),
    "earlier_customers_note": ("historique insuffisant : des clients antérieurs manquent",
                               "not enough history: earlier customers are missing"),
    "realised_note": ("cohortes {first} à {last} ({customers} clients)", "cohorts {first} to {last} ({customers} "
                      "customers)"),
    "no_cohort_note": ("historique insuffisant : aucune cohorte de 12 mois", "not enough history: no 12-month cohort"),
    "predictive_note": ("BG/NBD + Gamma-Gamma, marge brute, actualisé 10 %/an",
                        "BG/NBD + Gamma-Gamma, gross profit, discounted 10 %/yr"),
    "no_fit_note": ("trop peu de clients fidèles pour le modèle", "too few repeat customers for the model"),
    "ratio_note": ("LTV réalisée 12 mois / CAC du mois", "realised 12-month LTV / the month's CAC"),
    "no_cac_note": ("CAC du mois n.d.", "the month's CAC n/a"),
    "window_note": ("fenêtre d'inactivité {days} j", "{days}-day inactivity window"),
    "window_header": ("{label} ({days}\u00a0j)", "{label} ({days}\u00a0d)"),  # the number and its unit on one line
    "no_channel_note": ("n.d. : les commandes du mois n'ont pas de canal", "n/a: the month's orders carry no channel"),
    "engagement_per_post_note": ("par publication, comme l'objectif", "per post, like the target"),
    "engagement_month_note": ("total du mois : publications non saisies, pas d'objectif",
                              "the month's total: posts not entered, no target"),
    "ltv_note": ("formule simple, fenêtre {days} j", "simple formula, {days}-day window"),
    "previous_month": ("Mois préc.", "Prev. month"),
    "target": ("Objectif", "Target"),
    "custom_hint": ("Ajoutez vos indicateurs : feuille Mes indicateurs", "Add your own KPIs: sheet My KPIs"),
}

#: Why a KPI is undefined (its denominator is zero or unknown), shown under an n.d. tile.
UNDEFINED_REASONS = {
    "average_order_value": ("aucune commande", "no order"),
    "returning_customer_rate": ("aucun client ce mois", "no customer this month"),
    "gross_margin": ("coût des marchandises inconnu", "cost of goods unknown"),
    "conversion_rate": ("aucune session saisie", "no sessions entered"),
    "repeat_purchase_rate": ("aucun client", "no customer"),
    "customer_acquisition_cost": ("aucun nouveau client ou dépense non saisie", "no new customer or no spend entered"),
    "paid_customer_acquisition_cost": ("aucun nouveau client venu des pubs, ou dépense non saisie",
                                       "no new customer from ads, or no spend entered"),
    "return_on_ad_spend": ("aucune dépense des canaux payants saisie", "no spend of the paid channels entered"),
    "lifetime_value": ("attrition nulle ou inconnue", "churn zero or unknown"),
    "ltv_cac_ratio": ("LTV ou CAC n.d.", "LTV or CAC n/a"),
    "click_through_rate": ("aucune impression de pub saisie", "no ad impressions entered"),
    "email_click_rate": ("aucun e-mail saisi (canal Email)", "no e-mails entered (channel Email)"),
    "marketing_efficiency_ratio": ("aucune dépense marketing saisie", "no marketing spend entered"),
    "engagement_rate": ("aucun abonné saisi", "no followers entered"),
    "social_traffic_share": ("aucune session, ou plus de visites des réseaux que de sessions",
                             "no sessions, or more social visits than sessions"),
}


def text(key: str, lang: str, **values: object) -> str:
    """A short interface text in ``lang`` ("fr" or "en"), with ``{placeholders}`` filled from ``values``."""
    fr, en = _TEXT[key]
    return (fr if lang == "fr" else en).format(**values)


def undefined_reason(key: str, lang: str) -> str:
    """Why a KPI can be undefined, in ``lang``; empty when the KPI has no such case."""
    fr, en = UNDEFINED_REASONS.get(key, ("", ""))
    return fr if lang == "fr" else en


def format_value(value: float, kind: str, lang: str = "fr", currency: str = "EUR") -> str:
    """A value as a reader expects it: French or English separators, % or currency.

    Undefined values (nan) show a visible marker, never a blank or 0.

    >>> format_value(0.0312, "percent"), format_value(0.0312, "percent", "en")
    ('3,1\\xa0%', '3.1%')
    >>> format_value(1234.5, "money"), format_value(1234.5, "money", "en")
    ('1\\u202f234,50\\xa0€', '€1,234.50')
    >>> format_value(float("nan"), "money")
    'n.d.'
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return text("undefined", lang)
    digits = {"percent": 1, "money": 2, "ratio": 1, "count": 0, "months": 1}[kind]
    number = value * 100 if kind == "percent" else value
    shown = f"{number:,.{digits}f}"
    if lang == "fr":
        shown = shown.replace(",", "\u202f").replace(".", ",")
    symbol = CURRENCY_SYMBOLS.get(currency, currency)
    if kind == "percent":
        return f"{shown}\u00a0%" if lang == "fr" else f"{shown}%"
    if kind == "money":
        return f"{shown}\u00a0{symbol}" if lang == "fr" else f"{symbol}{shown}"
    if kind == "months":
        return f"{shown} {text('months', lang)}"
    return shown
