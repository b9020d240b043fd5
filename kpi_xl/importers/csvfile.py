"""Reading the CSV files shops export: encodings, separators, comment and title lines, blocks.

:func:`read_blocks` returns the tables of a file, each a header and its rows,
every row with the line number it starts on in the file (a quoted field may
span lines, as Shopify's ``Notes`` do). Lines starting with ``#`` (GA4) before a
table are comments (inside one, '#1001' is Shopify's order name); a blank line ends a block; lines before a block's header that have
fewer fields (Google Ads' title and date-range lines) are kept as its preamble. A pivot's two header
lines (GA4 Explore with a dimension in columns: group labels above, metric names below) become one,
each column named ``group | metric``.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pandas as pd
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import KpiInputError
from ..number_text import NumberTextError, parse_number, parse_numbers

__all__ = ["Block", "read_blocks", "read_frame", "number", "numbers", "MISSING", "header_lookup"]

#: Values exports use for "no value".
MISSING = {"", "--", "-", "n/a", "N/A", "(not set)"}


@dataclass
class Block:
    """One table of a file: preamble lines, header, and rows as (line number, {column: text})."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    preamble: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


#: Characters no cell of a workbook can hold (XML 1.0 refuses them): a damaged export or a binary file.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _decode(raw: bytes, path: Path, *, cut: bool = False) -> str:
    """The text of an export; a control character (a NUL byte...) is refused with its line."""
    text = _decoded(raw, path, cut=cut)
    bad = _CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        raise KpiInputError(f"{path.name}, line {line}: holds the control character {bad.group()!r}, which no "
                            "workbook cell can hold (a damaged export?): export the file again")
    return text


def _decoded(raw: bytes, path: Path, *, cut: bool = False) -> str:
    """UTF-16 (Google Ads' "Excel CSV", with or without its byte-order mark), UTF-8, else Windows-1252."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return raw.decode("utf-16")
    if len(raw) >= 4 and raw[1:4:2] == b"\x00\x00" and raw[0:4:2] != b"\x00\x00":
        return raw.decode("utf-16-le")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as error:
            if cut and encoding == "utf-8-sig" and error.start >= len(raw) - 3:  # a character cut by the head
                return raw[:error.start].decode(encoding)
            continue
    raise KpiInputError(f"{path.name}: not a text file in UTF-8 or Windows-1252")


def _delimiter(lines: list[str]) -> str:
    sample = "\n".join(line for line in lines[:20] if line and not line.startswith("#"))
    counts = {d: sample.count(d) for d in (",", ";", "\t")}
    return max(counts, key=counts.get) if any(counts.values()) else ","


def read_blocks(path: str | Path, keep: frozenset[str] | None = None, *, head: int | None = None) -> list[Block]:
    """The tables of an exported CSV file.

    With ``keep``, each row holds only those columns (large exports); with ``head``, only the first bytes
    are read (to recognise the layout), the last line possibly cut.
    """
    path = Path(path)
    try:
        with open(path, "rb") as stream:
            raw = stream.read(head) if head else stream.read()
        text = _decode(raw[: len(raw) - len(raw) % 2] if head and len(raw) == head else raw, path, cut=bool(head))
    except OSError as error:
        raise KpiInputError(f"{path}: cannot be read ({error.strerror or error})") from None
    delimiter = _delimiter(text.splitlines())
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    blocks: list[Block] = []
    pending_preamble: list[str] = []
    comments: list[str] = []
    current: Block | None = None
    wanted: list[tuple[int, str]] = []  # the current block's columns kept: (position, name)
    line = 1
    first_row = False  # whether the next record is the first under the current header
    for record in reader:
        start, line = line, reader.line_num + 1
        if current is not None and "".join(record).strip():
            if first_row and keep is None and (pivot := pivot_header(current.header, record)):
                current.header = pivot
                wanted = [(i, name) for i, name in enumerate(pivot) if name]
                first_row = False
                continue
            first_row = False
            row = {name: (record[i].strip() if i < len(record) else "") for i, name in wanted}
            current.rows.append((start, row))
            continue
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
            wanted = [(i, name) for i, name in enumerate(cells) if name and (keep is None or name in keep)]
            first_row = True
            blocks.append(current)
            pending_preamble, comments = [], []
    if not blocks:
        raise KpiInputError(f"{path.name}: no table found (is it an export in CSV format?)")
    return blocks


def pivot_header(header: list[str], below: list[str]) -> list[str] | None:
    """One header from a pivot's two lines, or None when ``below`` is not a second header line.

    It is one when the header repeats or leaves out names that ``below`` gives, and ``below`` holds no digit.

    >>> pivot_header(["Date", "desktop", "", "Totals", ""], ["", "Sessions", "Users", "Sessions", "Users"])
    ['Date', 'desktop | Sessions', 'desktop | Users', 'Totals | Sessions', 'Totals | Users']
    >>> pivot_header(["Date", "Sessions"], ["", "Totals"]) is None
    True
    """
    top = [c.strip() for c in header]
    bottom = [c.strip() for c in below] + [""] * max(0, len(top) - len(below))
    folded = [t.casefold() for t in top if t]
    gaps = [i for i, t in enumerate(top) if bottom[i] and (not t or folded.count(t.casefold()) > 1)]
    if not gaps or any(re.search(r"\d", c) for c in bottom):
        return None
    names, group = [], ""
    for i, name in enumerate(bottom[:max(len(top), len(bottom))]):
        group = (top[i] if i < len(top) else "") or group
        names.append((f"{group} | {name}" if group and group != name else name) if name else
                     (top[i] if i < len(top) else ""))
    return names


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


def header_lookup(header: list[str], names: tuple[str, ...]) -> str | None:
    """The first of ``names`` in a header, compared without case or surrounding spaces.

    >>> header_lookup(["Date", "NET SALES "], ("net sales", "n. revenue"))
    'NET SALES '
    """
    folded = {h.strip().casefold(): h for h in header}
    return next((folded[n] for n in names if n in folded), None)


def read_frame(path: str | Path, keep: frozenset[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """A one-table export (Shopify's orders) as text columns, only those in ``keep``, and each row's line number.

    Read by pandas' C parser: 200,000 rows in about a second. Line numbers count the newlines inside quoted
    fields (Shopify's ``Notes``).
    """
    path = Path(path)
    try:
        text = _decode(path.read_bytes(), path)
    except OSError as error:
        raise KpiInputError(f"{path}: cannot be read ({error.strerror or error})") from None
    delimiter = _delimiter(text[:65536].splitlines())
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False, na_filter=False,
                            usecols=lambda name: name.strip() in keep, skip_blank_lines=True)
    except (pd.errors.ParserError, ValueError) as error:
        raise KpiInputError(f"{path.name}: not a readable CSV table ({error})") from None
    frame.columns = [c.strip() for c in frame.columns]
    newlines = text.count("\n") + (0 if text.endswith("\n") else 1)
    if newlines == len(frame) + 1:  # no field spans lines, no blank line: row i is on line i + 2
        return frame, np.arange(2, len(frame) + 2)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    lines, line = [], 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if "".join(record).strip():
            lines.append(start)
    return frame, np.asarray(lines[1:len(frame) + 1])


def numbers(column: pd.Series, name: str, lines: np.ndarray, file: str,
            problems: dict[int, str]) -> np.ndarray:
    """The numbers of a text column (NaN where blank), as :func:`number` reads them, fast for plain ones.

    A cell that is not a number is NaN and its message goes to ``problems`` by row position.
    """
    text = column.str.strip()
    read, why = parse_numbers(text.where(~text.isin(MISSING)))  # the one reader of numbers typed as text
    for i, reason in why.items():
        problems.setdefault(i, f"{file}, line {int(lines[i])}, column {name!r}: {text.iat[i]!r} {reason}")
    return read.to_numpy(float, copy=True)
