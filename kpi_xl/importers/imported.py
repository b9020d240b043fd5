"""What a parser found in an export: rows for one input table, rows left out, and the export's own totals.

Every parser returns an :class:`Imported`. Its ``export_totals`` are the
figures the export itself states (Google Ads' account total row, Meta's summary
row, GA4's Grand total); :func:`reconciliation` sets them against the sums of
the rows imported, so that every import proves its totals or warns with both
figures.
"""

from __future__ import annotations

import datetime as _dt
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputProblem, KpiInputError

__all__ = ["Imported", "one_currency", "reconciliation", "MEASURES"]

#: The measures a reconciliation line shows, per input table, in this order.
MEASURES = {"orders": ("net_revenue",), "traffic": ("visitors", "sessions", "purchases"),
            "marketing": ("spend", "impressions", "clicks"), "social": ()}
#: Relative difference below which an imported total equals the export's (rounding of displayed figures).
TOLERANCE = 0.005


@dataclass
class Imported:
    """What an export holds for one input table.

    ``rows`` are (line, values) with the schema's keys; monthly rows also carry ``period_start`` and
    ``period_end``, the days of the month the export covered. ``identities`` counts how customers were
    identified (e-mail, phone, name, unknown).
    """

    table: str  # orders, traffic, marketing or social
    layout: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    currency: str | None = None
    read: int = 0
    notes: list[str] = field(default_factory=list)
    export_totals: dict[str, float] = field(default_factory=dict)
    identities: Counter = field(default_factory=Counter)
    period: tuple[_dt.date, _dt.date] | None = None

    def reject(self, line: int, column: str | None, value: Any, message: str, file: str) -> None:
        """Leave a row out, saying why and where."""
        self.problems.append(InputProblem(message, column, line, value or None, file, in_file=True))

    def totals(self) -> dict[str, float]:
        """The sums of the imported rows, per measure of the table (refunded and cancelled orders count 0).

        >>> found = Imported("marketing", "google_ads", rows=[(5, {"spend": 1.5}), (6, {"spend": 2.0})])
        >>> found.totals()["spend"]
        3.5
        """
        out: dict[str, float] = {}
        for measure in MEASURES[self.table]:
            values = [r.get(measure) for _, r in self.rows if self._counts(r)]
            if any(v is not None for v in values):
                out[measure] = float(sum(v for v in values if v is not None))
        return out

    def _counts(self, row: dict[str, Any]) -> bool:
        return self.table != "orders" or row.get("status") == "paid"

    def widen(self, first: _dt.date, last: _dt.date) -> None:
        """Extend the date range the import covers."""
        if self.period is None:
            self.period = (first, last)
        else:
            self.period = (min(self.period[0], first), max(self.period[1], last))


def one_currency(found: Imported, currency: str, line: int, file: str) -> None:
    """Record the file's currency; a second, different one is an error (amounts cannot be added up)."""
    code = currency.strip().upper()
    if not code:
        return
    if found.currency is None:
        found.currency = code
    elif code != found.currency:
        raise KpiInputError(f"{file}, line {line}: currency {code} differs from {found.currency} earlier in the "
                            "file; import one currency at a time")


def _figure(value: float) -> str:
    return f"{value:,.2f}" if value != int(value) else f"{int(value):,}"


def reconciliation(found: Imported) -> tuple[list[str], list[str]]:
    """The reconciliation lines of an import, and the warnings of the totals that do not match.

    Each measure imported is set against the export's own total when the export states one; a relative
    difference above 0.5 % is a warning naming both figures.

    >>> found = Imported("marketing", "google_ads", rows=[(5, {"spend": 700.0})], export_totals={"spend": 714.0})
    >>> reconciliation(found)[1]
    ['spend: 700 imported but the export says 714 in its total row']
    """
    lines, warnings = [], []
    imported = found.totals()
    if found.table == "orders":
        paid = sum(1 for _, r in found.rows if r.get("status") == "paid")
        lines.append(f"orders: {len(found.rows)} imported ({paid} counted as sales), "
                     f"{len(found.problems)} left out, of {found.read} in the file")
    for measure, value in imported.items():
        stated = found.export_totals.get(measure)
        if stated is None:
            lines.append(f"{measure}: {_figure(value)} imported (the export states no total)")
        elif math.isclose(value, stated, rel_tol=TOLERANCE, abs_tol=0.01):
            lines.append(f"{measure}: {_figure(value)} imported = {_figure(stated)} in the export's total row")
        else:
            warnings.append(f"{measure}: {_figure(value)} imported but the export says {_figure(stated)} "
                            "in its total row")
    for measure, stated in found.export_totals.items():
        if measure not in imported:
            warnings.append(f"{measure}: nothing imported but the export says {_figure(stated)} in its total row")
    return lines, warnings
