"""The data checks' messages in the workbook's language.

The checks (``table_checks``, ``order_table``, ``report``, the refresh) word their problems in English,
the language of the code and of the command line. A French workbook shows them in French on its
dashboard and in its message boxes: :func:`problem_text` rewrites each known message form, whole,
with the values it carries; column keys inside a message become the sheet's own column titles.

A message no form knows is shown as it is (English) rather than half translated; ``tests/test_problem_text.py``
checks that every message the refresh can give has a form.
"""

from __future__ import annotations

import re
from typing import Callable

from .errors import InputProblem, show_value
from .schema import INPUT_TABLES

__all__ = ["problem_text", "problem_line", "FORMS"]


def _column(key: str) -> str:
    """A monthly table's column key (``new_customers``) as its French title; other text unchanged.

    Keys inside messages come from the monthly tables' checks (``report.prepare_monthly``): those
    tables are searched first (``channel`` is Canal there, Canal d'acquisition in the orders).
    """
    for table in sorted(INPUT_TABLES.values(), key=lambda t: t.key == "orders"):
        for column in table.columns:
            if column.key == key:
                return column.label("fr")
    return key


_WHAT = {  # the reason an empty cell matters, as the checks pass it
    "every order needs a date": "chaque commande a besoin d'une date",
    "every order needs an order number": "chaque commande a besoin d'un numéro",
    "every order needs a customer id": "chaque commande a besoin d'un identifiant client",
    "every row needs a month": "chaque ligne a besoin d'un mois",
    "enter the amount, 0 if there is none": "saisissez le montant, 0 s'il n'y en a pas",
    "a custom KPI needs a name and a formula": "un indicateur personnalisé a besoin d'un nom et d'une formule",
    "the order number": "le numéro de commande",
    "the month": "le mois",
}


def _what(text: str) -> str:
    if text in _WHAT:
        return _WHAT[text]
    needs = re.fullmatch(r"every row needs a (\w+)", text)
    if needs:
        return f"chaque ligne a besoin d'une valeur « {_column(needs.group(1))} »"
    pair = re.fullmatch(r"the month and (\w+)", text)
    return f"le mois et « {_column(pair.group(1))} »" if pair else text


def _number_detail(detail: str) -> str:
    large = re.fullmatch(r" \(too large: (\d+) digits\)", detail)
    if large:
        return f" (trop grand : {large[1]} chiffres)"
    return {"": "", " (mixed separators)": " (séparateurs mélangés)",
            " (spaces must separate groups of three digits)":
                " (les espaces doivent séparer des groupes de trois chiffres)"}.get(detail, detail)


def _decimal(text: str) -> str:
    """A number as the message wrote it (1.234 or 1234.5), with a decimal comma."""
    return text.replace(".", ",")


#: Each message form: a pattern over the whole English message, and its French wording from the groups.
FORMS: tuple[tuple[re.Pattern, Callable[[re.Match], str]], ...] = tuple((re.compile(p, re.DOTALL), f) for p, f in (
    (r"is not a number: the tile of (.+) shows no target",
     lambda m: f"n'est pas un nombre : la tuile de {m[1]} n'a pas d'objectif"),
    (r"is not a number(.*)", lambda m: "n'est pas un nombre" + _number_detail(m[1])),
    (r"is not a direction \(([^,]*), [^)]*\): the tile of (.+) shows no status",
     lambda m: f"n'est pas un sens ({m[1]}) : la tuile de {m[2]} n'a pas de statut"),
    (r"is not a tolerance \(a number, 0 or more, in the KPI's unit\): 10 % of the target is used for (.+)",
     lambda m: f"n'est pas une tolérance (un nombre, 0 ou plus, dans l'unité de l'indicateur) : 10 % de l'objectif "
               f"est utilisé pour {m[1]}"),
    (r"is negative", lambda m: "est négatif"),
    (r"is too large for an amount \(above 10\^15\): a typo\?",
     lambda m: "est trop grand pour un montant (plus de 10^15) : une faute de frappe ?"),
    (r"is a true/false value, not an amount", lambda m: "est une valeur vrai/faux, pas un montant"),
    (r"is not a date \(use YYYY-MM-DD\)", lambda m: "n'est pas une date (AAAA-MM-JJ)"),
    (r"is in the future", lambda m: "est dans le futur"),
    (r"is after the as-of date (\S+)", lambda m: f"est après la date d'arrêté {m[1]}"),
    (r"is before (\d{4}), which no order can be: check the year",
     lambda m: f"est avant {m[1]}, ce qu'aucune commande ne peut être : vérifiez l'année"),
    (r"is before (\d{4}) in (\d+) orders \(the first in row (\d+)\): check the year if your history does not go "
     r"back that far; the orders are counted",
     lambda m: f"est avant {m[1]} dans {m[2]} commandes (la première ligne {m[3]}) : vérifiez l'année si votre "
               "historique ne remonte pas si loin ; les commandes sont comptées"),
    (r"is ambiguous: it reads as (\S+) (?:in French|with a thousands point) and as (\S+) otherwise; enter it as a "
     r"number, not as text",
     lambda m: f"est ambigu : {_decimal(m[1])} à la française, {_decimal(m[2])} à l'anglaise ; saisissez-le comme "
               "un nombre, pas comme un texte"),
    (r"is empty in (\d+) paid orders: the gross margin and the LTV of their months are n\.d\.",
     lambda m: f"est vide dans {m[1]} commandes payées : la marge brute et la LTV de leurs mois sont n.d."),
    (r"is empty in (\d+) orders: the default rate of (\d+)% of net revenue \(Settings\) is used for them",
     lambda m: f"est vide dans {m[1]} commandes : le taux par défaut de {m[2]} % du CA net (Paramètres) leur "
               "est appliqué"),
    (r"is empty: (.+)", lambda m: f"est vide : {_what(m[1])}"),
    (r"is empty", lambda m: "est vide"),
    (r"repeats (.+) of row (\d+)", lambda m: f"répète {_what(m[1])} de la ligne {m[2]}"),
    (r"is not a known status \((.*)\)", lambda m: f"n'est pas un statut connu ({m[1]})"),
    (r"is more than the net revenue \(([^)]*)\): a sale at a loss\? the order is counted",
     lambda m: f"dépasse le CA net ({_decimal(m[1])}) : une vente à perte ? La commande est comptée"),
    (r"is more than the (.+) of sheet (.+) \(([^)]*)\) in (\S+): the platforms count visits the site's "
     r"analytics missed \(cookie consent\); traffic from social media is n\.d\. that month",
     lambda m: f"dépasse les {m[1]} de la feuille {m[2]} ({_decimal(m[3])}) en {m[4]} : les plateformes comptent "
               "des visites que l'outil d'analyse du site a manquées (consentement aux cookies) ; le trafic venu "
               "des réseaux sociaux est n.d. ce mois-là"),
    (r"is more than (\w+) \(([^)]*)\): (.+) cannot exceed (\w+)",
     lambda m: f"dépasse « {_column(m[1])} » ({_decimal(m[2])}) : « {_column(m[3].replace(' ', '_'))} » ne peut "
               f"pas dépasser « {_column(m[4])} »"),
    (r"is an Excel error, not a value: correct the formula \(or the cells it reads\)",
     lambda m: "est une erreur Excel, pas une valeur : corrigez la formule (ou les cellules qu'elle lit)"),
    (r"holds a formula without a saved value: the file was saved without calculation; open it in Excel or "
     r"LibreOffice, save it, then refresh",
     lambda m: "contient une formule sans valeur enregistrée : le fichier a été enregistré sans calcul ; ouvrez-le "
               "dans Excel ou LibreOffice, enregistrez, puis actualisez"),
    (r"below the table (\S+), not read by the refresh: row\(s\) (.+); extend the table over them",
     lambda m: f"sous le tableau {m[1]}, non lues par l'actualisation : ligne(s) {m[2]} ; étendez le tableau "
               "sur ces lignes"),
    (r"has orders but no row in this sheet: its KPIs stay n\.d\.",
     lambda m: "a des commandes mais pas de ligne dans cette feuille : ses indicateurs restent n.d."),
    (r"the inactivity window is (\d+) days: under 30, most customers count as lost between two orders and churn "
     r"looks much worse than it is",
     lambda m: f"la fenêtre d'inactivité est de {m[1]} jours : sous 30, la plupart des clients comptent comme "
               "perdus entre deux commandes et l'attrition paraît bien pire qu'elle n'est"),
    (r"the (.+) table is empty: its KPIs stay n\.d\.",
     lambda m: f"le tableau {m[1]} est vide : ses indicateurs restent n.d."),
    (r"the (.+) table has no valid row: its KPIs stay n\.d\.",
     lambda m: f"le tableau {m[1]} n'a aucune ligne valide : ses indicateurs restent n.d."),
    (r"the orders start on (\S+), after the shop opened \((\S+)\): earlier customers may be missing, so the first "
     r"inactivity window is marked 'not enough history'",
     lambda m: f"les commandes commencent le {m[1]}, après l'ouverture de la boutique ({m[2]}) : des clients plus "
               "anciens peuvent manquer, la première fenêtre d'inactivité est donc marquée « historique insuffisant »"),
    (r"is outside the data \((\S+) to (\S+)\): the latest month is shown",
     lambda m: f"est hors des données ({m[1]} à {m[2]}) : le dernier mois est affiché"),
))


def problem_text(message: str, lang: str) -> str:
    """A check's message in the workbook's language (``"fr"`` or ``"en"``).

    >>> problem_text("is not a number", "fr"), problem_text("is not a number", "en")
    ("n'est pas un nombre", 'is not a number')
    >>> problem_text("repeats the order number of row 12", "fr")
    'répète le numéro de commande de la ligne 12'
    """
    if lang != "fr":
        return message
    for pattern, french in FORMS:
        match = pattern.fullmatch(message)
        if match:
            return french(match)
    return message


def problem_line(problem: InputProblem, lang: str) -> str:
    """A problem with its address, in the workbook's language (a message box's line).

    >>> problem_line(InputProblem("is negative", "Montant", 12, -3, "Commandes"), "fr")
    "feuille 'Commandes', ligne 12, colonne 'Montant' : -3 est négatif"
    """
    if lang != "fr":
        return str(problem)
    where = problem.address("fr")
    message = problem_text(problem.message, lang)
    what = message if problem.value is None else f"{show_value(problem.value)} {message}"
    return f"{where} : {what}" if where else what
