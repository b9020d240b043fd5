"""The data checks' messages in a French workbook (kpi_xl.problem_text).

The French wordings below are the expected text written by hand for each English message form the checks
give (table_checks, order_table, report, the refresh's own checks); the gallery of bad inputs
(tests/test_bad_input_gallery.py) reads the dashboard of every French case back and finds no English there.
"""

import re

import pytest

from kpi_xl.errors import InputProblem
from kpi_xl.problem_text import FORMS, problem_line, problem_text

#: (English message as the checks write it, its French wording): written by hand.
REFERENCE = [
    ("is not a number", "n'est pas un nombre"),
    ("is not a number (mixed separators)", "n'est pas un nombre (séparateurs mélangés)"),
    ("is not a number (too large: 400 digits)", "n'est pas un nombre (trop grand : 400 chiffres)"),
    ("is not a number (spaces must separate groups of three digits)",
     "n'est pas un nombre (les espaces doivent séparer des groupes de trois chiffres)"),
    ("is not a number: the tile of Panier moyen shows no target",
     "n'est pas un nombre : la tuile de Panier moyen n'a pas d'objectif"),
    ("is not a direction (plus haut = mieux / plus bas = mieux, higher is better / lower is better): the tile of "
     "Taux d'attrition shows no status",
     "n'est pas un sens (plus haut = mieux / plus bas = mieux) : la tuile de Taux d'attrition n'a pas de statut"),
    ("is not a tolerance (a number, 0 or more, in the KPI's unit): 10 % of the target is used for Taux de marge brute",
     "n'est pas une tolérance (un nombre, 0 ou plus, dans l'unité de l'indicateur) : 10 % de l'objectif est utilisé "
     "pour Taux de marge brute"),
    ("is negative", "est négatif"),
    ("is too large for an amount (above 10^15): a typo?",
     "est trop grand pour un montant (plus de 10^15) : une faute de frappe ?"),
    ("is a true/false value, not an amount", "est une valeur vrai/faux, pas un montant"),
    ("is not a date (use YYYY-MM-DD)", "n'est pas une date (AAAA-MM-JJ)"),
    ("is in the future", "est dans le futur"),
    ("is after the as-of date 2025-03-31", "est après la date d'arrêté 2025-03-31"),
    ("is before 1900, which no order can be: check the year",
     "est avant 1900, ce qu'aucune commande ne peut être : vérifiez l'année"),
    ("is before 2000 in 12 orders (the first in row 5): check the year if your history does not go back that far; "
     "the orders are counted",
     "est avant 2000 dans 12 commandes (la première ligne 5) : vérifiez l'année si votre historique ne remonte pas "
     "si loin ; les commandes sont comptées"),
    ("is ambiguous: it reads as 1.025 in French and as 1025 otherwise; enter it as a number, not as text",
     "est ambigu : 1,025 à la française, 1025 à l'anglaise ; saisissez-le comme un nombre, pas comme un texte"),
    ("is ambiguous: it reads as 1025 with a thousands point and as 1.025 otherwise; enter it as a number, not as "
     "text",
     "est ambigu : 1025 à la française, 1,025 à l'anglaise ; saisissez-le comme un nombre, pas comme un texte"),
    ("is empty in 3 paid orders: the gross margin and the LTV of their months are n.d.",
     "est vide dans 3 commandes payées : la marge brute et la LTV de leurs mois sont n.d."),
    ("is empty in 4 orders: the default rate of 40% of net revenue (Settings) is used for them",
     "est vide dans 4 commandes : le taux par défaut de 40 % du CA net (Paramètres) leur est appliqué"),
    ("is empty: every order needs a date", "est vide : chaque commande a besoin d'une date"),
    ("is empty: every order needs a customer id", "est vide : chaque commande a besoin d'un identifiant client"),
    ("is empty: every row needs a channel", "est vide : chaque ligne a besoin d'une valeur « Canal »"),
    ("is empty: enter the amount, 0 if there is none", "est vide : saisissez le montant, 0 s'il n'y en a pas"),
    ("is empty", "est vide"),
    ("repeats the order number of row 12", "répète le numéro de commande de la ligne 12"),
    ("repeats the month and channel of row 7", "répète le mois et « Canal » de la ligne 7"),
    ("is not a known status (paid, refunded, cancelled)", "n'est pas un statut connu (paid, refunded, cancelled)"),
    ("is more than the net revenue (25): a sale at a loss? the order is counted",
     "dépasse le CA net (25) : une vente à perte ? La commande est comptée"),
    ("is more than clicks (120): new customers cannot exceed clicks",
     "dépasse « Clics » (120) : « Nouveaux clients attribués » ne peut pas dépasser « Clics »"),
    ("is more than the Sessions of sheet Trafic (1200) in 2025-03: the platforms count visits the site's analytics "
     "missed (cookie consent); traffic from social media is n.d. that month",
     "dépasse les Sessions de la feuille Trafic (1200) en 2025-03 : les plateformes comptent des visites que l'outil "
     "d'analyse du site a manquées (consentement aux cookies) ; le trafic venu des réseaux sociaux est n.d. ce "
     "mois-là"),
    ("is an Excel error, not a value: correct the formula (or the cells it reads)",
     "est une erreur Excel, pas une valeur : corrigez la formule (ou les cellules qu'elle lit)"),
    ("holds a formula without a saved value: the file was saved without calculation; open it in Excel or "
     "LibreOffice, save it, then refresh",
     "contient une formule sans valeur enregistrée : le fichier a été enregistré sans calcul ; ouvrez-le dans Excel "
     "ou LibreOffice, enregistrez, puis actualisez"),
    ("below the table tblOrders, not read by the refresh: row(s) 19-20; extend the table over them",
     "sous le tableau tblOrders, non lues par l'actualisation : ligne(s) 19-20 ; étendez le tableau sur ces lignes"),
    ("has orders but no row in this sheet: its KPIs stay n.d.",
     "a des commandes mais pas de ligne dans cette feuille : ses indicateurs restent n.d."),
    ("the inactivity window is 20 days: under 30, most customers count as lost between two orders and churn looks "
     "much worse than it is",
     "la fenêtre d'inactivité est de 20 jours : sous 30, la plupart des clients comptent comme perdus entre deux "
     "commandes et l'attrition paraît bien pire qu'elle n'est"),
    ("the Trafic table is empty: its KPIs stay n.d.", "le tableau Trafic est vide : ses indicateurs restent n.d."),
    ("the Trafic table has no valid row: its KPIs stay n.d.",
     "le tableau Trafic n'a aucune ligne valide : ses indicateurs restent n.d."),
    ("the orders start on 2025-01-03, after the shop opened (2024-06-01): earlier customers may be missing, so the "
     "first inactivity window is marked 'not enough history'",
     "les commandes commencent le 2025-01-03, après l'ouverture de la boutique (2024-06-01) : des clients plus "
     "anciens peuvent manquer, la première fenêtre d'inactivité est donc marquée « historique insuffisant »"),
    ("is outside the data (2025-01 to 2025-03): the latest month is shown",
     "est hors des données (2025-01 à 2025-03) : le dernier mois est affiché"),
]

#: English message forms: what a check's message starts with (a French one starts otherwise).
ENGLISH = re.compile(r"^(is|has|repeats|holds|below|the)\b")


@pytest.mark.parametrize("english, french", REFERENCE, ids=[e[:40] for e, _ in REFERENCE])
def test_each_message_in_french(english, french):
    assert problem_text(english, "fr") == french
    assert problem_text(english, "en") == english  # the English workbook keeps the check's own words


def test_every_form_has_a_reference_case():
    used = {next(i for i, (pattern, _) in enumerate(FORMS) if pattern.fullmatch(english)) for english, _ in REFERENCE}
    assert used == set(range(len(FORMS)))


def test_an_unknown_message_is_shown_whole_not_half_translated():
    assert problem_text("is odd in a new way", "fr") == "is odd in a new way"


def test_a_message_box_line_in_french():
    problem = InputProblem("is not a date (use YYYY-MM-DD)", "Date", 13, "31/02/2025", "Commandes")
    assert problem_line(problem, "fr") == ("feuille 'Commandes', ligne 13, colonne 'Date' : '31/02/2025' n'est pas "
                                           "une date (AAAA-MM-JJ)")
    assert problem_line(problem, "en") == str(problem)
