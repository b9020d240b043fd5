"""Column letters and numbers of Excel's grid (``"A"`` is 1): plain Python, for every book adapter.

A file (:mod:`.package`) and the Settings' messages (``Paramètres!C8``) need them; a live
workbook in xlwings Lite must not load lxml or calamine to get them.
"""

from __future__ import annotations

__all__ = ["MAX_ROW", "MAX_COL", "column_index_from_string", "get_column_letter"]

#: Excel's grid: 1,048,576 rows and 16,384 columns (XFD).
MAX_ROW, MAX_COL = 1_048_576, 16_384


def column_index_from_string(letters: str) -> int:
    """A column's number from its letters (``"A"`` is 1, ``"AA"`` 27); openpyxl's import costs 0.2 s.

    >>> column_index_from_string("A"), column_index_from_string("Z"), column_index_from_string("XFD")
    (1, 26, 16384)
    """
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def get_column_letter(index: int) -> str:
    """A column's letters from its number (1 is ``"A"``), the inverse of :func:`column_index_from_string`.

    >>> get_column_letter(1), get_column_letter(27), get_column_letter(16384)
    ('A', 'AA', 'XFD')
    """
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
