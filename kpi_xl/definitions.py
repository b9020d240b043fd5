"""Each KPI's formula and chosen variant, in French and English, for the Definitions sheet.

docs/kpis.md explains the choices at length; these are the one-line versions.
"""

from __future__ import annotations

__all__ = ["DEFINITIONS"]

# key: (formula fr, formula en, variant fr, variant en)
DEFINITIONS: dict[str, tuple[str, str, str, str]] = {
    "revenue": ("Somme du CA net des commandes payées", "Sum of net revenue of paid orders",
                "Après remises et remboursements, hors port et taxes ; commandes remboursées ou annulées exclues",
                "After discounts and refunds, before shipping and taxes; refunded or cancelled orders left out"),
    "orders": ("Nombre de commandes payées", "Number of paid orders", "", ""),
    "average_order_value": ("CA net / commandes", "Net revenue / orders",
                            "Comme Shopify depuis 2023 (ventes brutes - remises) / commandes",
                            "As Shopify since 2023: (gross sales - discounts) / orders"),
    "gross_margin": ("(CA net - coût des marchandises) / CA net", "(Net revenue - cost of goods) / net revenue",
                     "", ""),
    "conversion_rate": ("Achats / sessions", "Purchases / sessions",
                        "Sur les sessions (Shopify) ; le tableau mensuel donne aussi achats / visiteurs",
                        "On sessions (Shopify); the monthly table also gives purchases / visitors"),
    "new_customers": ("Clients dont la première commande payée est dans le mois",
                      "Customers whose first paid order is in the month", "", ""),
    "churn_rate": ("Clients perdus dans le mois / clients au début du mois",
                   "Customers lost in the month / customers at its start",
                   "Perdu = aucune commande pendant la fenêtre d'inactivité (Paramètres) ; n.d. tant que ce "
                   "n'est pas connu (mois en cours, historique insuffisant)",
                   "Lost = no order within the inactivity window (Settings); n/a while not known "
                   "(month not over, not enough history)"),
    "retention_rate": ("(Clients à la fin - arrivés ou revenus) / clients au début",
                       "(Customers at end - joined or came back) / customers at start",
                       "= 1 - attrition", "= 1 - churn"),
    "repeat_purchase_rate": ("Clients avec 2 commandes ou plus / clients, depuis le début",
                             "Customers with 2+ orders / customers, to date", "Définition Shopify",
                             "Shopify's definition"),
    "customer_acquisition_cost": ("Dépenses marketing / nouveaux clients", "Marketing spend / new customers",
                                  "CAC global : tous les nouveaux clients, quelle que soit leur origine",
                                  "Blended CAC: all new customers, whatever brought them"),
    "lifetime_value": ("Panier moyen x commandes par client de la base x taux de marge / attrition",
                       "AOV x orders per customer of the base x gross margin / churn",
                       "LTV en marge brute, comparable au CAC", "Gross-margin LTV, comparable with the CAC"),
    "ltv_cac_ratio": ("LTV / CAC", "LTV / CAC", "3 ou plus : croissance saine", "3 or more: healthy growth"),
    "click_through_rate": ("Clics / impressions des canaux payants (nom en « Ads »)",
                           "Clicks / impressions of the paid channels (named \"... Ads\")",
                           "Sans l'e-mail, qui le diluerait ; clics sur lien pour Meta",
                           "Without e-mail, which would dilute it; link clicks for Meta"),
    "email_click_rate": ("Clics / e-mails du canal Email (impressions = e-mails envoyés)",
                         "Clicks / e-mails of the Email channel (impressions = e-mails sent)", "", ""),
    "marketing_efficiency_ratio": ("CA net / toutes les dépenses marketing", "Net revenue / all marketing spend",
                                   "MER : global, sans attribution ; ce n'est pas le ROAS d'un canal",
                                   "MER: blended, no attribution; not a channel's ROAS"),
    "engagement_rate": ("(J'aime + commentaires + partages) / abonnés", "(Likes + comments + shares) / followers",
                        "Par abonnés ; le tableau mensuel donne aussi par portée",
                        "By followers; the monthly table also gives by reach"),
    "social_traffic_share": ("Visites venant des réseaux / sessions", "Visits from social media / sessions",
                             "", ""),
    "follower_growth_rate": ("(Abonnés fin de mois - fin du mois précédent) / fin du mois précédent",
                             "(Followers at month end - previous month end) / previous month end", "", ""),
    "cac_payback_months": ("CAC / marge brute mensuelle par client de la base",
                           "CAC / monthly gross profit per customer of the base", "", ""),
}
