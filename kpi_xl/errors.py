"""Errors raised on invalid input, each naming where the bad value sits.

Every reader of user data reports *what* is wrong and *where*: the argument of
a function, or the sheet, row and column of a table, and the offending value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

__all__ = ["InputProblem", "KpiInputError", "one_of", "show_value"]

#: How many problems a :class:`KpiInputError` message lists before summarising.
MESSAGE_PROBLEM_LIMIT = 10


#: The words of an address, per language: sheet, file, row, line, column.
_WHERE = {"en": ("sheet", "file", "row", "line", "column"), "fr": ("feuille", "fichier", "ligne", "ligne", "colonne")}


@dataclass(frozen=True)
class InputProblem:
    """One problem found in the input: a message and its address.

    Parameters
    ----------
    message : str
        What is wrong, in plain words (``"is not a number"``).
    column : str, optional
        The argument name or the table column holding the value.
    row : object, optional
        The row label (a table's index label, e.g. the sheet row number).
    value : object, optional
        The offending value, as found.
    sheet : str, optional
        The sheet or file the table came from.
    in_file : bool
        The problem is in a file: ``sheet`` names the file and ``row`` is a line number.

    Examples
    --------
    >>> str(InputProblem("is not a number", column="net_revenue", row=12,
    ...                  value="12,3x", sheet="Commandes"))
    "sheet 'Commandes', row 12, column 'net_revenue': '12,3x' is not a number"
    """

    message: str
    column: str | None = None
    row: Any = None
    value: Any = None
    sheet: str | None = None
    in_file: bool = False  # True: ``sheet`` is a file name and ``row`` a line number

    def address(self, lang: str = "en") -> str:
        """Where the problem sits, e.g. ``"sheet 'Orders', row 3, column 'date'"`` (``lang="fr"``: in French)."""
        sheet, file, row, line, column = _WHERE[lang]
        parts = []
        if self.sheet is not None:
            parts.append(f"{file if self.in_file else sheet} {self.sheet!r}")
        if self.row is not None:
            parts.append(f"{line if self.in_file else row} {self.row}")
        if self.column is not None:
            parts.append(f"{column} {self.column!r}")
        return ", ".join(parts)

    def __str__(self) -> str:
        where = self.address()
        what = self.message if self.value is None else f"{show_value(self.value)} {self.message}"
        return f"{where}: {what}" if where else what


class KpiInputError(ValueError):
    """Invalid input to a KPI function or to the orders analytics.

    The message names the argument (or the sheet, row and column) and the bad
    value. ``problems`` holds every :class:`InputProblem` found, so that a caller
    such as the dashboard refresh can list them all.

    Examples
    --------
    >>> err = KpiInputError("visitors is -3, which is negative")
    >>> isinstance(err, ValueError), err.problems
    (True, ())
    """

    def __init__(self, message: str, problems: Iterable[InputProblem] = ()):
        super().__init__(message)
        self.problems: tuple[InputProblem, ...] = tuple(problems)

    @classmethod
    def from_problems(cls, problems: Iterable[InputProblem], *, what: str) -> "KpiInputError":
        """Build one error listing the first problems of many.

        >>> err = KpiInputError.from_problems(
        ...     [InputProblem("is empty", column="customer_id", row=4)], what="orders")
        >>> print(err)
        orders: 1 problem
          row 4, column 'customer_id': is empty
        """
        problems = tuple(problems)
        count = len(problems)
        lines = [f"{what}: {count} problem{'s' if count != 1 else ''}"]
        lines += [f"  {p}" for p in problems[:MESSAGE_PROBLEM_LIMIT]]
        if count > MESSAGE_PROBLEM_LIMIT:
            lines.append(f"  ... and {count - MESSAGE_PROBLEM_LIMIT} more")
        return cls("\n".join(lines), problems)


def show_value(value: Any) -> str:
    """A short, quoted rendering of a bad value for messages."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def one_of(options: dict[str, Any], value: Any, name: str) -> Any:
    """``options[value]``; an unknown value is a ValueError listing the accepted ones.

    >>> one_of({"day": 1.0, "week": 7.0}, "week", "unit")
    7.0
    """
    try:
        return options[value]
    except (KeyError, TypeError):
        raise ValueError(f"{name} must be one of {', '.join(options)}, not {value!r}") from None
