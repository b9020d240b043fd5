"""What the refresh hands the book adapters besides plain values: a formula, or a value with its
number format. Pure data: no workbook code, so the dashboard's computation imports nothing from
the file or Excel adapters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Formula", "Formatted"]


@dataclass(frozen=True)
class Formula:
    """A formula to write into a cell (without the leading '='), with its cached error value if any."""

    text: str
    cached_error: str | None = None


@dataclass(frozen=True)
class Formatted:
    """A cell value with the number format it must show in (the cell keeps the rest of its style)."""

    value: Any
    number_format: str
