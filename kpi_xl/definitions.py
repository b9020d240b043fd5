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
                      "Customers whose first paid order is in the month",
                      "Historique insuffisant (avec récurrents, CAC, attrition) pendant une fenêtre après « Commandes "
                      "complètes depuis », sauf si elles sont complètes depuis l'ouverture de la boutique (Paramètres)",
                      "Not enough history (with returning, CAC, churn) for one window after \"Orders complete since\", "
                      "unless they are complete since the shop opened (Settings)"),
    "churn_rate": ("Clients perdus dans le mois / clients au début du mois",
                   "Customers lost in the month / customers at its start",
                   "Perdu = aucune commande pendant la fenêtre d'inactivité (Paramètres) ; n.d. tant que ce "
                   "n'est pas connu (mois en cours, historique insuffisant)",
                   "Lost = no order within the inactivity window (Settings); n/a while not known "
                   "(month not over, not enough history)"),
    "returning_customer_rate": ("Clients du mois ayant déjà acheté / clients du mois",
                                "Customers of the month who had bought before / customers of the month",
                                "Définition de Shopify ; à lire avant la rétention, qui vaut 1 - attrition",
                                "Shopify's definition; read it before retention, which is 1 - churn"),
    "retention_rate": ("(Clients à la fin - arrivés ou revenus) / clients au début",
                       "(Customers at end - joined or came back) / customers at start",
                       "= 1 - attrition", "= 1 - churn"),
    "repeat_purchase_rate": ("Clients avec 2 commandes ou plus / clients, depuis le début",
                             "Customers with 2+ orders / customers, to date", "Définition Shopify",
                             "Shopify's definition"),
    "customer_acquisition_cost": ("Dépenses marketing / nouveaux clients", "Marketing spend / new customers",
                                  "CAC global : tous les nouveaux clients, quelle que soit leur origine",
                                  "Blended CAC: all new customers, whatever brought them"),
    "paid_customer_acquisition_cost": ("Dépenses des canaux payants / nouveaux clients dont la 1re commande vient "
                                       "d'un canal payant", "Paid channels' spend / new customers whose first order "
                                       "came from a paid channel",
                                       "Canal de la 1re commande (feuille Commandes) ; n.d. si aucune commande du "
                                       "mois n'a de canal", "The first order's channel (Orders sheet); n/a when no "
                                       "order of the month has a channel"),
    "lifetime_value": ("Panier moyen x commandes par client de la base x taux de marge / attrition",
                       "AOV x orders per customer of the base x gross margin / churn",
                       "LTV en marge brute, comparable au CAC", "Gross-margin LTV, comparable with the CAC"),
    "realised_ltv_12m": ("Marge brute des 12 premiers mois des clients acquis / clients acquis",
                         "Gross profit of the first 12 months of the customers acquired / customers acquired",
                         "Les 3 dernières cohortes âgées de 12 mois ; ce que les clients ont vraiment rapporté",
                         "The latest 3 cohorts 12 months old; what customers really brought"),
    "predictive_clv_12m": ("Achats attendus (BG/NBD) x panier attendu (Gamma-Gamma) x marge, 12 mois",
                           "Expected purchases (BG/NBD) x expected spend (Gamma-Gamma) x margin, 12 months",
                           "Moyenne par client, actualisée 10 % par an (Fader, Hardie & Lee 2005)",
                           "Mean per customer, discounted 10 % a year (Fader, Hardie & Lee 2005)"),
    "realised_ltv_cac_ratio": ("LTV réalisée à 12 mois / CAC du mois", "Realised 12-month LTV / the month's CAC",
                               "3 ou plus : croissance saine", "3 or more: healthy growth"),
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
    "return_on_ad_spend": ("CA net des commandes venues d'un canal payant / dépenses des canaux payants",
                           "Net revenue of the orders from a paid channel / the paid channels' spend",
                           "Canal de chaque commande (feuille Commandes) ; n.d. si aucune commande du mois n'a de "
                           "canal", "Each order's channel (Orders sheet); n/a when no order of the month has a "
                           "channel"),
    "engagement_rate": ("(J'aime + commentaires + partages) / abonnés / publications",
                        "(Likes + comments + shares) / followers / posts",
                        "Par publication quand les publications sont saisies (comme l'objectif) ; sinon total du "
                        "mois / abonnés, sans couleur", "Per post where the posts are entered (as the target is); "
                        "else the month's total / followers, with no colour"),
    "social_traffic_share": ("Visites venant des réseaux / sessions", "Visits from social media / sessions",
                             "", ""),
    "follower_growth_rate": ("(Abonnés fin de mois - fin du mois précédent) / fin du mois précédent",
                             "(Followers at month end - previous month end) / previous month end", "", ""),
    "cac_payback_months": ("Mois pour que la marge brute cumulée par client de la cohorte atteigne son CAC",
                           "Months until the cohort's cumulative gross profit per customer reaches its CAC",
                           "Cohorte acquise dans le mois, CAC global du mois ; n.d. tant que pas remboursé",
                           "The cohort acquired in the month, the month's blended CAC; n/a until paid back"),
    "repurchase_30d": ("Nouveaux clients du mois ayant recommandé sous 30 jours / nouveaux clients du mois",
                       "New customers of the month who ordered again within 30 days / new customers of the month",
                       "Cohorte du mois ; n.d. tant que ses 30 jours ne sont pas écoulés",
                       "The month's cohort; n/a until its 30 days have passed"),
    "repurchase_90d": ("Nouveaux clients du mois ayant recommandé sous 90 jours / nouveaux clients du mois",
                       "New customers of the month who ordered again within 90 days / new customers of the month",
                       "Cohorte du mois ; n.d. tant que ses 90 jours ne sont pas écoulés",
                       "The month's cohort; n/a until its 90 days have passed"),
}
