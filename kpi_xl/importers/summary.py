"""What an import did, told once: counts, customers' identities, reconciliation, rows left out by reason."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from ..errors import InputProblem

__all__ = ["ImportReport", "grouped_problems"]

#: How many line numbers a grouped message shows before "and N more".
SHOWN_LINES = 5
_ADDRESS = re.compile(r"^.*?, line \d+(?:, column ('[^']*'))?: ")


def grouped_problems(problems: list[InputProblem]) -> list[str]:
    """Rows left out, one line per reason, with a count and the first line numbers; the file named once.

    >>> from kpi_xl.errors import InputProblem
    >>> rows = [InputProblem("is not paid", "Status", n, "Failed", "p.csv", in_file=True) for n in (4, 9, 12)]
    >>> grouped_problems(rows)
    ["3 rows: column 'Status': 'Failed' is not paid (lines 4, 9, 12)"]
    >>> grouped_problems([InputProblem("s.csv, line 2, column 'Subtotal': '1,234' is ambiguous", None, 2, None, "s.csv",
    ...                                in_file=True)])  # the parser's address: its column kept, its line said once
    ["1 row: column 'Subtotal': '1,234' is ambiguous (line 2)"]
    """
    groups: dict[tuple, list[int]] = {}
    for problem in problems:
        address = _ADDRESS.match(problem.message)  # the parser's own address: file and line said once below
        message = problem.message[address.end():] if address else problem.message
        what = message if problem.value is None else f"{problem.value!r} {message}"
        column = f"column {problem.column!r}: " if problem.column else \
            f"column {address[1]}: " if address and address[1] else ""
        groups.setdefault((column, what), []).append(problem.row)
    out = []
    for (column, what), lines in sorted(groups.items(), key=lambda g: -len(g[1])):
        shown = ", ".join(str(n) for n in lines[:SHOWN_LINES])
        more = f" and {len(lines) - SHOWN_LINES} more" if len(lines) > SHOWN_LINES else ""
        noun = "row" if len(lines) == 1 else "rows"
        out.append(f"{len(lines)} {noun}: {column}{what} (line{'s' if len(lines) > 1 else ''} {shown}{more})")
    return out


@dataclass
class ImportReport:
    """What an import did."""

    layout: str
    table: str
    read: int
    imported: int
    merged: int
    skipped: list[InputProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    unchanged: int = 0  # rows already in the workbook with the same values
    file: str = ""
    reconciliation: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    identities: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)
    rows: int = 0  # rows the export gave for the table

    @property
    def failed(self) -> bool:
        """Nothing could be taken from the export: every row was left out, or it held none."""
        return self.rows == 0

    def summary(self) -> str:
        return (f"{self.layout}: {self.read} read, {self.imported} imported, {len(self.skipped)} skipped, "
                f"{self.merged} merged, {self.unchanged} already there, into {self.table}")

    def lines(self) -> list[str]:
        """Everything to tell the user, in order, the file named once at the top."""
        out = [f"{self.file}: {self.summary()}"]
        if self.identities:
            out.append("  customers identified by " + ", ".join(f"{how}: {n}" for how, n in self.identities.items()))
        out += [f"  reconciliation: {line}" for line in self.reconciliation]
        out += [f"  WARNING: {line}" for line in self.warnings]
        out += [f"  left out, {line}" for line in grouped_problems(self.skipped)]
        out += [f"  kept: {line}" for line in self.kept]
        out += [f"  note: {line}" for line in self.notes]
        return out
