"""What the dashboard shows, computed from the inputs: pure, no workbook inside.

:func:`compute` checks every input table (bad rows are listed and left out),
computes every KPI of every month with the core (:func:`kpi_xl.report.monthly_kpis`)
and returns the values of each dashboard area, keyed by defined name and by
offset from the area's top-left cell. Writing them is the adapters' job.
"""

from __future__ import annotations

import datetime as _dt
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputProblem, KpiInputError
from ..labels import KPI_LABELS, text, undefined_reason
from ..number_text import as_numbers
from ..layout import (CHECK_COLUMNS, STATUS_MARKS, TILE_CELLS, change_format, change_value, custom_tile_name,
                      number_format, tile_name)
from ..order_table import prepare_orders
from ..orders import cohort_matrix, paid_months
from ..problem_text import problem_text
from ..report import ACQUISITION_KPIS, CHURN_KPIS, monthly_kpis, prepare_monthly
from ..schema import CUSTOM_SLOTS, DASHBOARD, INPUT_TABLES, NAMES, TILE_KPIS, TREND_COLUMNS, sheet_title
from .cell_marks import marked
from .custom_kpis import CustomKpi, custom_kpis
from .inputs import Inputs, Target
from .lifetime_tiles import LIFETIME_KPIS, lifetime_values
from .values import Formatted, Formula

__all__ = ["DashboardFill", "compute", "tile_status", "NOT_AVAILABLE", "advice", "ADVICE"]

#: A trend cell with no value: Excel's #N/A, which charts leave out (text or a blank would plot as 0 or a gap).
NOT_AVAILABLE = Formula("NA()", "#N/A")
#: KPIs read from the orders' channel column, with the column that is n.d. where no order carries a channel.
_CHANNEL_KPIS = {"return_on_ad_spend": "paid_channel_revenue", "paid_customer_acquisition_cost": "paid_new_customers"}


@dataclass
class DashboardFill:
    """The dashboard's values and what the checks found."""

    month: pd.Period
    table: pd.DataFrame  # every KPI of every month
    problems: list[InputProblem]
    rows_read: int
    rows_skipped: int
    writes: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)
    custom: list[CustomKpi] = field(default_factory=list)
    print_area: str = NAMES["print_main"]  # the data checks print only when there are some
    language: str = "fr"  # the workbook's, from its Settings
    currency: str = "EUR"
    notes: dict[str, str] = field(default_factory=dict)  # tile notes computed beside the table (lifetime values)

    def kpis(self) -> dict[str, dict[str, Any]]:
        """Every KPI of every month, JSON-ready (nan as None); the shop's own KPIs under "custom"."""
        out = {}
        for month, row in self.table.iterrows():
            out[str(month)] = {k: _plain(v) for k, v in row.items()}
            out[str(month)]["custom"] = {kpi.name: _plain(kpi.values.get(month, float("nan"))) for kpi in self.custom}
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    return value.item() if hasattr(value, "item") else value


def _relabel(problems: list[InputProblem], labels: dict[str, str]) -> list[InputProblem]:
    """Problems with the column as the user sees it (the sheet's header), not the schema key."""
    return [InputProblem(p.message, labels.get(p.column, p.column), p.row, p.value, p.sheet) for p in problems]


def _orders(inputs: Inputs):
    frame = inputs.tables["orders"]
    sheet = inputs.sheets["orders"]
    if frame.empty:
        raise KpiInputError(f"sheet {sheet!r}: the orders table is empty; fill it in, import an export, or load "
                            "the sample")
    frame, notes = _default_costs(frame, inputs)
    valid = prepare_orders(frame, status_col="status" if "status" in frame else None, skip_invalid=True,
                           sheet=sheet)
    table = valid.frame  # its paid rows selected by masks: a copy of the whole table (valid.counted) costs more
    paid = table["counts"].to_numpy(dtype=bool)
    cost = table["cost_of_goods_sold"].to_numpy(dtype=float)
    dear = table.index[paid & (cost > table["net_revenue"].to_numpy(dtype=float))]
    cost_label = inputs.labels["orders"].get("cost_of_goods_sold", "cost_of_goods_sold")
    for row in dear[:_MAX_WARNINGS]:  # kept, and said: a sale at a loss, or a cost typed in the wrong row
        notes.append(InputProblem(f"is more than the net revenue ({table.at[row, 'net_revenue']:g}): a sale at a "
                                  "loss? the order is counted", cost_label, row,
                                  table.at[row, "cost_of_goods_sold"], sheet))
    early = table.index[paid & (table["order_date"] < _PLAUSIBLE_FROM).to_numpy()]
    if len(early):  # a 1990s history is legitimate; a typo of the year is not: said once, never per row
        date_label = inputs.labels["orders"].get("order_date", "order_date")
        notes.append(InputProblem(f"is before {_PLAUSIBLE_FROM.year} in {len(early)} orders (the first in row "
                                  f"{early[0]}): check the year if your history does not go back that far; the "
                                  "orders are counted", date_label, None,
                                  table.at[early[0], "order_date"].date(), sheet))
    unknown = int((paid & np.isnan(cost)).sum())
    if unknown:
        label = inputs.labels["orders"].get("cost_of_goods_sold", "cost_of_goods_sold")
        notes.append(InputProblem(f"is empty in {unknown} paid orders: the gross margin and the LTV of their months "
                                  "are n.d.", label, None, None, sheet))
    found = marked(list(valid.problems), inputs.marks.get("orders", {}), sheet)
    return valid, notes + _relabel(found, inputs.labels["orders"])


_MAX_WARNINGS = 10  # warnings of one kind listed on the dashboard
#: Orders before this are possible (a shop open since the 1990s) but unusual: one warning, not one per row.
_PLAUSIBLE_FROM = pd.Timestamp("2000-01-01")


def _consistency(table: pd.DataFrame, inputs: Inputs) -> list[InputProblem]:
    """Months whose figures contradict each other across sheets, and settings that mislead."""
    found = []
    over = table.index[(table["social_site_visits"] > table["sessions"]).to_numpy()]
    label = inputs.labels["social"].get("site_visits", "site_visits")
    sessions = inputs.labels["traffic"].get("sessions", "sessions")
    for month in over[:_MAX_WARNINGS]:
        found.append(InputProblem(
            f"is more than the {sessions} of sheet {inputs.sheets['traffic']} "
            f"({table.at[month, 'sessions']:g}) in {month}: the platforms count visits the site's analytics missed "
            "(cookie consent); traffic from social media is n.d. that month", label, None,
            table.at[month, "social_site_visits"], inputs.sheets["social"]))
    days = inputs.settings["inactivity_days"]
    if days < 30:
        sheet, row, column = inputs.setting_cells.get("inactivity_days") or \
            (sheet_title("settings", inputs.settings["language"]), None, None)
        found.append(InputProblem(f"the inactivity window is {days} days: under 30, most customers count as lost "
                                  "between two orders and churn looks much worse than it is", column, row, days,
                                  sheet))
    return found


def _default_costs(frame: pd.DataFrame, inputs: Inputs) -> tuple[pd.DataFrame, list[InputProblem]]:
    """Blank costs of goods filled with the Settings' default rate, said once on the dashboard."""
    rate = inputs.settings.get("default_cogs_rate")
    if rate is None:
        return frame, []
    revenue = as_numbers(frame["net_revenue"])
    fill = frame["cost_of_goods_sold"].isna() & revenue.notna()
    if not fill.any():
        return frame, []
    costs = frame["cost_of_goods_sold"].where(~fill, (revenue * rate).round(2))
    label = inputs.labels["orders"].get("cost_of_goods_sold", "cost_of_goods_sold")
    note = InputProblem(f"is empty in {int(fill.sum())} orders: the default rate of {rate:.0%} of net revenue "
                        "(Settings) is used for them", label, None, None, inputs.sheets["orders"])
    return frame.assign(cost_of_goods_sold=costs), [note]


def _monthly(inputs: Inputs, kind: str) -> tuple[pd.DataFrame | None, list[InputProblem], int, set]:
    """A monthly table's valid rows, its problems, rows read, and the months it covers."""
    frame = inputs.tables[kind]
    if frame.empty:
        return None, [], 0, set()
    sums, problems = prepare_monthly(frame, kind, sheet=inputs.sheets[kind], skip_invalid=True)
    bad = {p.row for p in problems}
    problems = marked(problems, inputs.marks.get(kind, {}), inputs.sheets[kind])
    clean = frame[[row not in bad for row in frame.index]]
    return (clean if len(clean) else None), _relabel(problems, inputs.labels[kind]), len(frame), set(sums.index)


def _missing_months(inputs: Inputs, kind: str, present: set, order_months: set, read: int) -> list[InputProblem]:
    if not present:
        label = INPUT_TABLES[kind].title(inputs.settings["language"])
        state = "is empty" if not read else "has no valid row"
        return [InputProblem(f"the {label} table {state}: its KPIs stay n.d.", sheet=inputs.sheets[kind])]
    month_label = inputs.labels[kind].get("month", "month")
    return [InputProblem("has orders but no row in this sheet: its KPIs stay n.d.", month_label, None,
                         str(month), inputs.sheets[kind]) for month in sorted(order_months - present)]


def tile_status(value: float, target: Target | None) -> str:
    """green, amber, red, or '' when there is no target or no value.

    The tolerance is in the KPI's own unit (points for a rate, currency for money): churn 7 % against
    5 % and retention 93 % against 95 % are the same fact and get the same colour. Without a
    tolerance, 10 % of the target.
    """
    if target is None or target.value is None or value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    goal = target.value
    tolerance = abs(target.tolerance) if target.tolerance is not None else abs(goal) * 0.1
    gap = value - goal if target.higher_is_better else goal - value  # >= 0 means on target
    return "green" if gap >= 0 else "amber" if gap >= -tolerance - 1e-12 else "red"


def _number(table: pd.DataFrame, month: pd.Period, key: str, basis: str | None = None) -> float | None:
    """A KPI's value, or None when it is undefined (no such month, churn not final, zero denominator, or an
    engagement rate on another basis than ``basis``)."""
    if month not in table.index:
        return None
    if key in CHURN_KPIS and table.at[month, "churn_status"] != "final":
        return None
    if key == "engagement_rate" and basis is not None and table.at[month, "engagement_basis"] != basis:
        return None
    value = float(table.at[month, key])
    return None if math.isnan(value) else value


def _note(table: pd.DataFrame, month: pd.Period, key: str, value: float | None, inputs: Inputs) -> str | None:
    """What a tile says under its value: why it is n.d., or the variant it is (churn window, simple LTV)."""
    lang, days = inputs.settings["language"], inputs.settings["inactivity_days"]
    if value is None and key in CHURN_KPIS and month in table.index and table.at[month, "churn_status"] != "final":
        return text(f"{table.at[month, 'churn_status']}_note", lang)
    if value is None and key in ACQUISITION_KPIS and month in table.index and \
            table.at[month, "acquisition_status"] != "final":
        return text("earlier_customers_note", lang)
    if value is None and key in _CHANNEL_KPIS and month in table.index and pd.isna(table.at[month, _CHANNEL_KPIS[key]]):
        return text("no_channel_note", lang)
    if key == "engagement_rate" and month in table.index:  # which engagement: per post, or the month's total
        return text(f"engagement_{table.at[month, 'engagement_basis']}_note", lang)
    if value is None:
        return undefined_reason(key, lang) or None
    if key in ("lifetime_value", "ltv_cac_ratio"):
        return text("ltv_note", lang, days=days)
    if key in CHURN_KPIS:
        return text("window_note", lang, days=days)
    return None


def _change(now: float | None, before: float | None, kind: str, lang: str) -> Formatted | None:
    """The change from the month before as a number with a format that shows its sign and unit."""
    change = change_value(now, before, kind)
    return None if change is None else Formatted(change, change_format(kind, lang))


def _tile(now: float | None, before: float | None, target: Target | None, kind: str, note: str | None,
          inputs: Inputs) -> dict[tuple[int, int], Any]:
    """The cells of one tile (value, month before, change, target, status, note)."""
    lang = inputs.settings["language"]
    fmt = number_format(kind, lang, inputs.settings["currency"])
    goal = target.value if target is not None else None
    return {TILE_CELLS["value"]: Formatted(now, fmt) if now is not None else text("undefined", lang),
            TILE_CELLS["previous"]: Formatted(before, fmt) if before is not None else text("undefined", lang),
            TILE_CELLS["change"]: _change(now, before, kind, lang),
            TILE_CELLS["target"]: Formatted(goal, fmt) if goal is not None else None,
            TILE_CELLS["status"]: STATUS_MARKS.get(tile_status(now, target)),
            TILE_CELLS["note"]: note}


def _tiles(fill: DashboardFill, inputs: Inputs) -> None:
    table, month = fill.table, fill.month
    for key, _default in TILE_KPIS:
        basis = table.at[month, "engagement_basis"] if key == "engagement_rate" and month in table.index else None
        now, before = _number(table, month, key), _number(table, month - 1, key, basis)
        note = fill.notes[key] if key in fill.notes else _note(table, month, key, now, inputs)
        cells = _tile(now, before, inputs.targets.get(key), KPI_LABELS[key].kind, note, inputs)
        if basis == "month":  # a month's total is not comparable with the per-post target: no colour
            cells[TILE_CELLS["status"]] = None
        fill.writes[tile_name(key)] = cells


def _defined(value: Any) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _custom_tiles(fill: DashboardFill, inputs: Inputs) -> None:
    """A tile per custom KPI; the unused slots stay empty, the first of them with a quiet hint."""
    lang, month = inputs.settings["language"], fill.month
    for slot in range(1, CUSTOM_SLOTS + 1):
        if slot <= len(fill.custom):
            kpi = fill.custom[slot - 1]
            now, before = _defined(kpi.values.get(month)), _defined(kpi.values.get(month - 1))
            cells = _tile(now, before, kpi.target, kpi.kind, None, inputs)
            cells[TILE_CELLS["label"]] = kpi.name
            cells[TILE_CELLS["previous_label"]] = text("previous_month", lang)
            cells[TILE_CELLS["target_label"]] = text("target", lang)
        else:
            cells = {TILE_CELLS[part]: None for part in TILE_CELLS}
            if slot == len(fill.custom) + 1:
                cells[TILE_CELLS["note"]] = text("custom_hint", lang)
        fill.writes[custom_tile_name(slot)] = cells


def _trend(fill: DashboardFill, inputs: Inputs) -> None:
    lang, currency = inputs.settings["language"], inputs.settings["currency"]
    months = [m for m in fill.table.index if fill.month - DASHBOARD.trend_rows < m <= fill.month]
    cells: dict[tuple[int, int], Any] = {}
    for r in range(DASHBOARD.trend_rows):
        for c in range(len(TREND_COLUMNS) + 1):
            cells[(r + 1, c)] = None
    for c, key in enumerate(TREND_COLUMNS, start=1):
        if key in ("churn_rate", "retention_rate"):  # both depend on the window: the header says which
            cells[(0, c)] = text("window_header", lang, label=KPI_LABELS[key].short_name(lang),
                                 days=inputs.settings["inactivity_days"])
    for r, month in enumerate(months, start=1):
        cells[(r, 0)] = month.start_time.to_pydatetime()
        for c, key in enumerate(TREND_COLUMNS, start=1):
            value = _defined(fill.table.at[month, key])
            fmt = number_format(KPI_LABELS[key].kind, lang, currency)
            cells[(r, c)] = Formatted(value, fmt) if value is not None else NOT_AVAILABLE
    first = len(TREND_COLUMNS) + 1
    for slot in range(CUSTOM_SLOTS):
        kpi = fill.custom[slot] if slot < len(fill.custom) else None
        cells[(0, first + slot)] = kpi.name if kpi else None
        for r in range(1, DASHBOARD.trend_rows + 1):
            month = months[r - 1] if r <= len(months) else None
            if kpi is None or month is None:
                cells[(r, first + slot)] = None
                continue
            value = _defined(kpi.values.get(month))
            fmt = number_format(kpi.kind, lang, currency)
            cells[(r, first + slot)] = Formatted(value, fmt) if value is not None else NOT_AVAILABLE
    fill.writes[NAMES["trend"]] = cells


def _cohorts(fill: DashboardFill, valid, lang: str) -> None:
    size = DASHBOARD.cohort_size
    matrix = cohort_matrix(valid)
    cohorts = [c for c in matrix.index if fill.month - size < c <= fill.month]
    cells: dict[tuple[int, int], Any] = {(r, c): None for r in range(1, size + 1) for c in range(size + 1)}
    for r, cohort in enumerate(cohorts, start=1):
        cells[(r, 0)] = cohort.start_time.to_pydatetime()
        for age in range(size):
            if cohort + age > fill.month or age not in matrix.columns:
                continue
            value = matrix.at[cohort, age]
            cells[(r, 1 + age)] = text("undefined", lang) if math.isnan(value) else float(value)
    fill.writes[NAMES["cohorts"]] = cells


#: What to do about each kind of problem, by the start of its message: (French, English).
ADVICE = (
    ("is not a number", "Saisissez un nombre (ex. 12,50)", "Enter a number (e.g. 12.50)"),
    ("is too large for an amount", "Corrigez le montant (zéros en trop ?)", "Correct the amount (extra zeros?)"),
    ("is negative", "Un montant ou un nombre ne peut pas être négatif : corrigez la cellule",
     "Amounts and counts cannot be negative: correct the cell"),
    ("is a true/false value", "Saisissez un nombre", "Enter a number"),
    ("is not a date", "Saisissez une date AAAA-MM-JJ", "Enter a date as YYYY-MM-DD"),
    ("is in the future", "Corrigez la date (saisie trop tôt ?)", "Correct the date (entered ahead of time?)"),
    ("is before 1900", "Corrigez l'année", "Correct the year"),
    ("is before 2000 in", "Rien à faire si votre historique remonte jusque-là ; sinon corrigez l'année",
     "Nothing to do if your history goes back that far; otherwise correct the year"),
    ("is ambiguous", "Saisissez le nombre comme un nombre, pas comme un texte (ou écrivez 1 234 ou 1,234.0)",
     "Enter it as a number, not as text (or write 1 234 or 1,234.0)"),
    ("is after the as-of date", "Corrigez la date", "Correct the date"),
    ("is empty in", "Saisissez les coûts, ou un coût par défaut dans Paramètres",
     "Enter the costs, or a default cost rate in Settings"),
    ("is empty", "Complétez la cellule ou supprimez la ligne", "Fill in the cell or delete the row"),
    ("repeats", "Supprimez le doublon ou corrigez le numéro", "Delete the duplicate or correct the number"),
    ("is not a known status", "Choisissez payée, remboursée ou annulée", "Pick paid, refunded or cancelled"),
    ("is more than the net revenue", "Vérifiez le coût saisi", "Check the cost entered"),
    ("is more than the Sessions", "Normal si votre outil d'analyse perd des visites ; sinon corrigez",
     "Normal if your analytics misses visits; otherwise correct it"),
    ("is more than", "Vérifiez les deux valeurs de la ligne", "Check the row's two values"),

    ("is an Excel error", "Corrigez la formule de la cellule, ou saisissez la valeur",
     "Correct the cell's formula, or enter the value"),
    ("holds a formula without a saved value", "Ouvrez le classeur dans Excel ou LibreOffice, enregistrez, actualisez",
     "Open the workbook in Excel or LibreOffice, save it, refresh again"),
    ("below the table", "Étendez le tableau sur ces lignes (poignée en bas à droite) ou déplacez-les dedans",
     "Extend the table over these rows (its bottom-right handle) or move them into it"),
    ("is not a direction", "Choisissez « plus haut = mieux » ou « plus bas = mieux »",
     "Pick 'higher is better' or 'lower is better'"),
    ("is not a tolerance", "Saisissez un nombre dans l'unité de l'indicateur, ou laissez vide",
     "Enter a number in the KPI's unit, or leave it blank"),
    ("has orders but no row", "Ajoutez la ligne de ce mois", "Add the row for this month"),
    ("the orders start on", "Si aucune commande ne manque, saisissez la date d'ouverture dans « Commandes complètes "
     "depuis »", "If no order is missing, enter the opening date in \"Orders complete since\""),
    ("the inactivity window", "Une fenêtre de 90 à 365 jours convient à la plupart des boutiques",
     "A window of 90 to 365 days suits most shops"),
    ("the ", "Remplissez la feuille ou importez un export", "Fill in the sheet or import an export"),
    ("(", "Corrigez la formule (noms : feuille Définitions)", "Correct the formula (names: Definitions sheet)"),
    ("is outside the data", "Videz ou corrigez le mois de référence (Paramètres)",
     "Clear or correct the reporting month (Settings)"),
)


def advice(message: str, lang: str) -> str:
    """What a user can do about a problem, from its message."""
    for start, fr, en in ADVICE:
        if message.startswith(start):
            return fr if lang == "fr" else en
    return ""


def _checks(fill: DashboardFill, lang: str) -> None:
    cells: dict[tuple[int, int], Any] = {(r, c): None for r in range(1, DASHBOARD.checks_rows + 1)
                                         for c in range(len(CHECK_COLUMNS))}
    for r, problem in enumerate(fill.problems[:DASHBOARD.checks_rows], start=1):
        value = problem.value
        if isinstance(value, (_dt.datetime, pd.Timestamp)):
            value = value.strftime("%Y-%m-%d")
        shown = "" if value is None else value if isinstance(value, (int, float, str)) else str(value)
        row = (problem.sheet, problem.row, problem.column, shown, problem_text(problem.message, lang),
               advice(problem.message, lang))
        for c, item in enumerate(row):
            cells[(r, c)] = item
    fill.writes[NAMES["checks"]] = cells
    count = len(fill.problems)
    more = count - DASHBOARD.checks_rows
    if lang == "fr":
        summary = (f"{count} problème(s) dans les données ; {fill.rows_skipped} ligne(s) ignorée(s) sur "
                   f"{fill.rows_read} lues." if count else f"Aucun problème : {fill.rows_read} lignes lues.")
        summary += f" Les {DASHBOARD.checks_rows} premiers ci-dessous." if more > 0 else ""
    else:
        summary = (f"{count} problem(s) in the data; {fill.rows_skipped} row(s) left out of {fill.rows_read} read."
                   if count else f"No problem: {fill.rows_read} rows read.")
        summary += f" The first {DASHBOARD.checks_rows} below." if more > 0 else ""
    fill.writes[NAMES["checks_summary"]] = {(0, 0): summary}
    fill.print_area = NAMES["print_all"] if count else NAMES["print_main"]


def compute(inputs: Inputs, *, now: _dt.datetime | None = None) -> DashboardFill:
    """Check the inputs, compute every KPI and lay out the dashboard's values."""
    valid, problems = _orders(inputs)
    problems += inputs.problems
    rows_read, rows_skipped = valid.rows_read, valid.rows_skipped
    clean = {}
    order_months = paid_months(valid)
    for kind in ("traffic", "marketing", "social"):
        clean[kind], found, read, present = _monthly(inputs, kind)
        problems += found
        rows_read += read
        rows_skipped += len({p.row for p in found if p.row is not None})
        problems += _missing_months(inputs, kind, present, order_months, read)
    start, opened = inputs.settings.get("history_start"), inputs.settings.get("opened")
    # customers may be missing unless the orders are complete since the shop's opening (blank: not known)
    complete_since = start if start is not None else valid.frame["order_date"].min()
    table = monthly_kpis(valid, clean["traffic"], clean["marketing"], clean["social"],
                         inactivity_days=inputs.settings["inactivity_days"], history_start=start,
                         earlier_customers=opened is None or complete_since > opened)
    if opened is not None and start is None and complete_since > opened:  # a late first sale, or a partial export?
        problems.append(InputProblem(
            f"the orders start on {complete_since:%Y-%m-%d}, after the shop opened ({opened:%Y-%m-%d}): earlier "
            "customers may be missing, so the first inactivity window is marked 'not enough history'", None, None,
            f"{complete_since:%Y-%m-%d}", sheet_title("settings", inputs.settings["language"])))
    problems += _consistency(table, inputs)
    month = inputs.settings.get("reporting_month") or table.index[-1]
    if month not in table.index:
        sheet, row, column = inputs.setting_cells.get("reporting_month", (None, None, None))  # its cell
        problems.append(InputProblem(f"is outside the data ({table.index[0]} to {table.index[-1]}): the latest "
                                     "month is shown", column, row, str(month), sheet))
        month = table.index[-1]
    customs, custom_problems = custom_kpis(inputs, table, clean["marketing"], clean["social"])
    problems += custom_problems
    lang = inputs.settings["language"]
    lifetime, lifetime_notes = lifetime_values(valid, table, month, lang)
    table = table.assign(**{key: float("nan") for key in LIFETIME_KPIS})
    for key, value in lifetime.items():
        table.at[month, key] = value
    fill = DashboardFill(month, table, problems, rows_read, rows_skipped, custom=customs, language=lang,
                         currency=inputs.settings["currency"], notes=lifetime_notes)
    _tiles(fill, inputs)
    _custom_tiles(fill, inputs)
    _trend(fill, inputs)
    _cohorts(fill, valid, lang)
    _checks(fill, lang)
    fill.writes[NAMES["shown_month"]] = {(0, 0): month.start_time.to_pydatetime()}
    fill.writes[NAMES["refreshed_at"]] = {(0, 0): (now or _dt.datetime.now()).replace(microsecond=0)}
    return fill
