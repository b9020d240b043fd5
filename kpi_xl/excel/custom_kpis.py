"""The shop's own KPIs (sheet "Mes indicateurs"): each row's formula evaluated for every month.

A row whose formula cannot be used is listed on the dashboard's data checks
(row, formula, problem; for an unknown name, the closest known names) and the
other KPIs are still computed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..custom import FormulaError, evaluate, parse, variables
from ..errors import InputProblem
from ..schema import CHOICES
from ..table_checks import is_blank
from .inputs import Inputs, Target
from .cells import cell_number

__all__ = ["CustomKpi", "custom_kpis"]

_KINDS = dict(zip(CHOICES["format"]["fr"], ("percent", "money", "ratio", "count"), strict=True)) | \
    dict(zip(CHOICES["format"]["en"], ("percent", "money", "ratio", "count"), strict=True))


@dataclass(frozen=True)
class CustomKpi:
    """One custom KPI: its name, display kind, target and values per month."""

    name: str
    formula: str
    kind: str
    target: Target | None
    values: pd.Series


def custom_kpis(inputs: Inputs, table: pd.DataFrame, marketing: pd.DataFrame | None,
                social: pd.DataFrame | None) -> tuple[list[CustomKpi], list[InputProblem]]:
    """Evaluate every row of the custom KPI table."""
    frame = inputs.tables.get("custom")
    if frame is None or frame.empty:
        return [], []
    sheet, labels = inputs.sheets["custom"], inputs.labels["custom"]
    names = variables(table, marketing, social)
    lower = {v for lang in ("fr", "en") for v in CHOICES["direction"][lang][1:]}
    found, problems = [], []
    seen: dict[str, int] = {}  # name -> its row
    for row, record in frame.iterrows():
        name, text = (None if pd.isna(v) else v for v in (record.get("name"), record.get("formula")))
        if name is None or text is None:  # a blank cell (None, or NaN from a column of texts)
            column = "name" if name is None else "formula"
            problems.append(InputProblem("is empty: a custom KPI needs a name and a formula", labels.get(column),
                                         row, None, sheet))
            continue
        try:
            formula = parse(str(text), names.columns)
            values = evaluate(formula, names)
        except FormulaError as error:
            problems.append(InputProblem(f"({name}): {error}", labels.get("formula"), row, str(text), sheet))
            continue
        same = " ".join(str(name).split()).casefold()  # "Marge" and "marge " are one name to a reader
        if same in seen:
            problems.append(InputProblem(f"({name}): the name is used by row {seen[same]} already: give each "
                                         "KPI its own name", labels.get("name"), row, str(name), sheet))
            continue
        seen[same] = row
        defined_inputs = names[list(formula.names)].notna().all(axis=1) if formula.names else \
            pd.Series(True, index=names.index)
        for months, why in ((values.index[values.isna() & defined_inputs], "divides by zero"),
                            (values.index[np.isinf(values.to_numpy())], "gives a number too large to show")):
            if len(months):
                shown = ", ".join(map(str, months[:3])) + (f" (+{len(months) - 3})" if len(months) > 3 else "")
                problems.append(InputProblem(f"({name}): {why} in {shown}: n.d. there", labels.get("formula"),
                                             row, str(text), sheet))
        values = values.where(np.isfinite(values.to_numpy()))
        target = record.get("target")
        number = None if is_blank(target) else cell_number(target)  # "35,5" typed as text is read
        if number is None and not is_blank(target):
            problems.append(InputProblem(f"is not a number: the tile of {name} shows no target", labels.get("target"),
                                         row, target, sheet))
        direction = str(record.get("direction") or "")
        goal = Target(number, direction not in lower, None) if number is not None else None
        kind = _KINDS.get(str(record.get("format") or "").strip(), "ratio")
        found.append(CustomKpi(str(name), str(text), kind, goal, values))
    return found, problems
