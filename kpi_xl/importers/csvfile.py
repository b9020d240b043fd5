"""Reading the CSV files shops export: encodings, separators, comment and title lines, blocks.

:func:`read_blocks` returns the tables of a file, each a header and its rows,
every row with the line number it starts on in the file (a quoted field may
span lines, as Shopify's ``Notes`` do). Lines starting with ``#`` (GA4) before a
table are comments (inside one, '#1001' is Shopify's order name); a blank line ends a block; lines before a block's header that have
fewer fields (Google Ads' title and date-range lines) are kept as its preamble.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KpiInputError
from ..number_text import NumberTextError, parse_number

__all__ = ["Block", "read_blocks", "number", "MISSING"]

#: Values exports use for "no value".
MISSING = {"", "--", "-", "n/a", "N/A", "(not set)"}


@dataclass
class Block:
    """One table of a file: preamble lines, header, and rows as (line number, {column: text})."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def _decode(raw: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise KpiInputError(f"{path.name}: not a text file in UTF-8 or Windows-1252")


def _delimiter(lines: list[str]) -> str:
    sample = "\n".join(line for line in lines[:20] if line and not line.startswith("#"))
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def read_blocks(path: str | Path) -> list[Block]:
    """The tables of an exported CSV file."""
    path = Path(path)
    try:
        text = _decode(path.read_bytes(), path)
    except OSError as error:
        raise KpiInputError(f"{path}: cannot be read ({error.strerror or error})") from None
    delimiter = _delimiter(text.splitlines())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    blocks: list[Block] = []
    pending_preamble: list[str] = []
    comments: list[str] = []
    current: Block | None = None
    line = 1
    for record in reader:
        start, line = line, reader.line_num + 1
        cells = [c.strip() for c in record]
        if current is None and cells and cells[0].startswith("#"):  # inside a table, '#1001' is an order
            comments.append(",".join(record).lstrip("#").strip().rstrip(","))
            continue
        if not any(cells):
            current = None
            continue
        if current is None:
            width = len([c for c in cells if c])
            if width < 3 and not blocks_have_header_like(cells):  # a title or date-range line
                pending_preamble.append(" ".join(c for c in cells if c))
                continue
            current = Block(header=cells, preamble=pending_preamble, comments=comments)
            blocks.append(current)
            pending_preamble, comments = [], []
            continue
        row = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(current.header) if name}
        current.rows.append((start, row))
    if not blocks:
        raise KpiInputError(f"{path.name}: no table found (is it an export in CSV format?)")
    return blocks


def blocks_have_header_like(cells: list[str]) -> bool:
    """A short line is a header when it names columns (no digits only), e.g. 'Date,Users'."""
    filled = [c for c in cells if c]
    return len(filled) == 2 and all(not re.fullmatch(r"[\d.,\s%-]+", c) for c in filled) and \
        not any(re.search(r"\d{4}", c) for c in filled)


def number(text: str, column: str, line: int, file: str, *, count: bool = False) -> float | None:
    """A number from an export's cell: French or US style, '6.20%' as 0.062; None for '--' and blanks.

    With ``count`` (clicks, impressions, users...), '1,414' is 1414: a count has no decimals, so the
    separator can only group thousands.

    >>> number("1,414", "Clicks", 2, "ads.csv", count=True), number(" --", "Cost", 2, "ads.csv")
    (1414.0, None)
    """
    value = text.strip()
    if value in MISSING:
        return None
    if count and re.fullmatch(r"\d{1,3}(?:([,.\u00a0\u202f ])\d{3})(?:\1\d{3})*", value):
        return float(re.sub(r"\D", "", value))
    try:
        return parse_number(value)
    except NumberTextError as error:
        raise KpiInputError(f"{file}, line {line}, column {column!r}: {value!r} {error}") from None
