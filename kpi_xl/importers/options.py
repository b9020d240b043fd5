"""The choices an import takes from the command line and the Settings."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Options"]


@dataclass(frozen=True)
class Options:
    """How to read an export.

    ``day_order``: 'dmy' (``--dayfirst``) or 'mdy' (``--monthfirst``) for numeric dates a column cannot
    settle by itself; None decides from the column. ``paid_only``: leave out orders not paid yet (cash on
    delivery, bank transfer), the Settings' *count only paid orders*.
    """

    day_order: str | None = None
    paid_only: bool = False
