"""The Settings sheet read and checked: every value, each problem named by its cell as the user sees it.

The cells are found from their defined names (the Settings) and from the targets
table (tblTargets): a message says ``Paramètres!C8`` in a French workbook and
``Settings!C8`` in an English one, in that language. A value the computation
cannot do without (the churn window, the reporting month...) stops the refresh,
every bad one listed; a bad target or tolerance only leaves that tile without a
colour and is listed on the dashboard.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass
from typing import Any, Protocol

import pandas as pd

from ..errors import InputProblem, KpiInputError
from ..schema import CHOICES, NAMES, SETTINGS, sheet_title
from .addresses import get_column_letter
from .cells import cell_day, cell_number
from .cells import is_blank

__all__ = ["Target", "read_settings", "read_targets", "yes_no", "chosen", "workbook_language", "SETTING_MESSAGES"]


class SettingsReader(Protocol):
    def name_values(self, name: str) -> list[list[Any]]: ...

    def name_cell(self, name: str) -> tuple[str, int, int]: ...

    def table_values(self, table: str) -> tuple[str, int, list[list[Any]]]: ...


@dataclass(frozen=True)
class Target:
    """A KPI's target from the Settings sheet."""

    value: float | None
    higher_is_better: bool
    tolerance: float | None  # in the KPI's unit; None: 10 % of the target


#: What each Settings check says, in French and in English ({cell}: the cell, {value}: what it holds).
SETTING_MESSAGES = {
    "language": ("{cell} : la langue est {value} : choisissez FR ou EN",
                 "{cell}: the language is {value}: pick FR or EN"),
    "currency": ("{cell} : la devise est {value} : saisissez un code de trois lettres (EUR, USD, GBP...)",
                 "{cell}: the currency is {value}: enter a three-letter code (EUR, USD, GBP...)"),
    "reporting_month": ("{cell} : le mois de référence est {value} : saisissez une date (AAAA-MM) ou laissez vide",
                        "{cell}: the reporting month is {value}: enter a date (YYYY-MM) or leave it blank"),
    "inactivity_days": ("{cell} : la fenêtre d'inactivité est {value} : saisissez un nombre entier de jours, "
                        "de 1 à 3650", "{cell}: the inactivity window is {value}: enter a whole number of days, "
                        "from 1 to 3650"),
    "history_start": ("{cell} : « commandes complètes depuis » est {value} : saisissez une date (AAAA-MM-JJ) ou "
                      "laissez vide", "{cell}: 'orders complete since' is {value}: enter a date (YYYY-MM-DD) or "
                      "leave it blank"),
    "opened": ("{cell} : « ouverture de la boutique » est {value} : saisissez une date (AAAA-MM-JJ) ou laissez vide",
               "{cell}: 'shop opened' is {value}: enter a date (YYYY-MM-DD) or leave it blank"),
    "default_cogs_rate": ("{cell} : le coût des marchandises par défaut est {value} : saisissez un pourcentage "
                          "entre 0 % et 100 %, ou laissez vide", "{cell}: the default cost of goods is {value}: "
                          "enter a percentage between 0 % and 100 %, or leave it blank"),
    "paid_only": ("{cell} : « compter seulement les commandes payées » est {value} : choisissez oui ou non, ou "
                  "laissez vide", "{cell}: 'count only paid orders' is {value}: pick yes or no, or leave it blank"),
    "date_order": ("{cell} : « dates comme 03/04/2026 » est {value} : choisissez jour d'abord ou mois d'abord, ou "
                   "laissez vide", "{cell}: 'dates like 03/04/2026' is {value}: pick day first or month first, or "
                   "leave it blank"),
}
#: The longest inactivity window: ten years (a longer one is a typo, and overflows the date arithmetic).
MAX_WINDOW_DAYS = 3650
_HEADING = ("Paramètres : {count} valeur(s) à corriger avant d'actualiser",
            "Settings: {count} value(s) to correct before refreshing")


def _date(value: Any) -> pd.Timestamp | None:
    """A date cell, or an ISO date (or month, ``2025-06``) typed as text; None for anything else (a number too)."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value.strip()):
        value = value.strip() + "-01"
    return cell_day(value)


def _shown(value: Any) -> str:
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 0, as the cell shows it, not 0.0
    return repr(value) if isinstance(value, str) else str(value)


def _checks(raw: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The settings the computation uses, and the keys of those whose value cannot be used."""
    out, bad = dict(raw), []
    language = raw.get("language")
    out["language"] = "fr"
    if language is not None:
        if str(language).strip().upper() in CHOICES["language"]["en"]:
            out["language"] = str(language).strip().lower()
        else:
            bad.append("language")
    currency = str(raw.get("currency") or "EUR").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        bad.append("currency")
    out["currency"] = currency
    month = raw.get("reporting_month")
    if month is not None:
        stamp = _date(month)
        if stamp is None:
            bad.append("reporting_month")
        else:
            out["reporting_month"] = pd.Period(stamp, freq="M")
    days = raw.get("inactivity_days")
    number = 365.0 if days is None else cell_number(days)
    if number is None or not 1 <= number <= MAX_WINDOW_DAYS or not number.is_integer():
        bad.append("inactivity_days")
    else:
        out["inactivity_days"] = int(number)
    for key in ("history_start", "opened"):
        day = raw.get(key)
        if day is not None:
            stamp = _date(day)
            if stamp is None:
                bad.append(key)
            out[key] = stamp
    rate = raw.get("default_cogs_rate")
    if rate is not None:
        number = cell_number(rate)
        if number is None or not 0 <= number <= 1:
            bad.append("default_cogs_rate")
        out["default_cogs_rate"] = number
    return out, bad


#: Settings that workbooks built by an earlier version lack (their named cell is missing): read as blank.
_ADDED_LATER = frozenset({"opened"})


def read_settings(reader: SettingsReader) -> tuple[dict[str, Any], dict[str, tuple[str, int, str]]]:
    """The settings of the computation, and each one's cell (sheet, row, column letter).

    Raises
    ------
    KpiInputError
        Listing every value that cannot be used, each with its cell, in the workbook's language.
    """
    raw, cells = {}, {}
    for setting in SETTINGS:
        if not setting.refresh:
            continue  # not a setting of the computation
        try:
            value = reader.name_values(setting.name)[0][0]
        except KpiInputError:
            if setting.key not in _ADDED_LATER:
                raise
            raw[setting.key] = None  # a workbook built before the setting existed: as if blank
            continue
        raw[setting.key] = None if is_blank(value) else value
        sheet, row, col = reader.name_cell(setting.name)
        cells[setting.key] = (sheet, row, get_column_letter(col))
    out, bad = _checks(raw)
    if bad:
        english = out["language"] == "en" or ("language" in bad and cells["language"][0] == sheet_title("settings", "en"))
        lines = [SETTING_MESSAGES[key][english].format(cell=f"{cells[key][0]}!{cells[key][2]}{cells[key][1]}",
                                                       value=_shown(raw[key])) for key in bad]
        heading = _HEADING[english].format(count=len(bad))
        raise KpiInputError("\n  ".join([heading, *lines]))
    return out, cells


def workbook_language(reader: SettingsReader) -> str:
    """The workbook's language as its Settings say: ``"en"`` for EN, else ``"fr"`` (the checks of
    :func:`read_settings` refuse any other value when it refreshes)."""
    return "en" if str(reader.name_values("kpi_language")[0][0]).strip().upper() == "EN" else "fr"


def _folded(value: Any) -> str:
    """A choice as typed, compared without case or extra spaces."""
    return " ".join(str(value).split()).casefold()


def _choice_words(choices: str) -> dict[str, int]:
    """Each word of a drop-down (``CHOICES[choices]``), in French and in English, to its position."""
    return {_folded(v): i for lang in ("fr", "en") for i, v in enumerate(CHOICES[choices][lang])}


def chosen(reader: SettingsReader, name: str, key: str, lang: str, *, extra: dict[str, int] | None = None) -> int | None:
    """The position of a choice setting's value among its choices (either language), None when blank; any other
    value stops with a message naming its cell."""
    value = reader.name_values(name)[0][0]
    if is_blank(value):
        return None
    setting = next(s for s in SETTINGS if s.name == name)
    choice = {**_choice_words(setting.choices), **(extra or {})}.get(_folded(value))
    if choice is None:
        sheet, row, col = reader.name_cell(name)
        raise KpiInputError(SETTING_MESSAGES[key][lang == "en"].format(cell=f"{sheet}!{get_column_letter(col)}{row}",
                                                                       value=_shown(value)))
    return choice


def yes_no(reader: SettingsReader, name: str, key: str, lang: str) -> bool:
    """A yes/no setting (blank: no); any other value stops with a message naming its cell."""
    value = reader.name_values(name)[0][0]
    if isinstance(value, (bool, int, float)) and not is_blank(value) and value in (0, 1):  # TRUE/FALSE, 1 or 0
        return bool(value)
    return chosen(reader, name, key, lang, extra={"true": 0, "vrai": 0, "1": 0, "false": 1, "faux": 1, "0": 1}) == 0


def read_targets(reader: SettingsReader) -> tuple[dict[str, Target], list[InputProblem]]:
    """The targets table: each KPI's target, direction and tolerance; a value that cannot be used is a
    problem naming its row and column, and that KPI's tile gets no colour (a tolerance: 10 % is used)."""
    sheet, header_row, values = reader.table_values(NAMES["targets"])
    headers = [str(h) for h in values[0]] + [""] * 5
    directions = _choice_words("direction")
    out, problems = {}, []

    def problem(message: str, column: int, row: int, value: Any) -> None:
        problems.append(InputProblem(message, headers[column], row, value, sheet))

    for row_number, row in enumerate(values[1:], start=header_row + 1):
        row = list(row) + [None] * (5 - len(row))
        label, target, direction, tolerance, key = row[:5]
        if is_blank(key):
            continue
        goal = None if is_blank(target) else cell_number(target)
        if goal is None and not is_blank(target):
            problem(f"is not a number: the tile of {label} shows no target", 1, row_number, target)
        way = 0 if is_blank(direction) else directions.get(_folded(direction))
        if way is None:
            problem(f"is not a direction ({' / '.join(CHOICES['direction']['fr'])}, "
                    f"{' / '.join(CHOICES['direction']['en'])}): the tile of {label} shows no status",
                    2, row_number, direction)
            goal = None
        tol = None if is_blank(tolerance) else cell_number(tolerance)
        if not is_blank(tolerance) and (tol is None or tol < 0):
            problem(f"is not a tolerance (a number, 0 or more, in the KPI's unit): 10 % of the target is used for "
                    f"{label}", 3, row_number, tolerance)
            tol = None
        out[str(key)] = Target(goal, way != 1, tol)
    return out, problems
