"""pandas' Arrow-backed texts read through their Arrow buffers, without importing pyarrow (the core may not).

The checks of :mod:`kpi_xl.table_checks` and :mod:`kpi_xl.order_table`, the reader of the input
tables and the analytics of :mod:`kpi_xl.orders` read a text column of a million ids as its offsets
and bytes, in numpy: no Python text per cell. Without pyarrow (Pyodide), or for another Arrow layout, the helpers
say so (None) and the callers take pandas' own path.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

__all__ = ["arrow_texts", "offsets", "leading_word", "text_edges"]


def arrow_texts(texts: pd.Series) -> Any:
    """The Arrow array (one chunk) behind a Series of pandas' text dtype; None when the texts are not
    Arrow strings with offsets (without pyarrow, as in Pyodide, or of another Arrow layout). Reached
    through pandas' ``__arrow_array__``: the core imports no pyarrow."""
    if getattr(texts.dtype, "storage", None) != "pyarrow":
        return None
    chunked = texts.array.__arrow_array__()
    if str(chunked.type) not in ("string", "large_string"):
        return None
    return chunked.chunk(0) if chunked.num_chunks == 1 else chunked.combine_chunks()


#: For k = 0..8: the integer that keeps the first k bytes of a big-endian 64-bit word.
_FIRST_BYTES = np.array([2**64 - 2**(64 - 8 * k) for k in range(9)], dtype=np.uint64)


def leading_word(texts: Any) -> np.ndarray:
    """The first eight UTF-8 bytes of each text of an Arrow text array, padded with zero bytes, as one
    unsigned integer compared as the bytes are: if a text sorts before another, its word is not greater.

    >>> [hex(w) for w in leading_word(arrow_texts(pd.Series(["AB", "", "ABCDEFGHIJ"], dtype="string[pyarrow]")))]
    ['0x4142000000000000', '0x0', '0x4142434445464748']
    """
    bounds, data = offsets(texts), texts.buffers()[2]
    content = np.zeros((0 if data is None else data.size) + 8, dtype=np.uint8)  # 8 bytes past the last text
    if data is not None:
        content[:data.size] = np.frombuffer(data, dtype=np.uint8)
    # the eight bytes from each position of the content, read as big-endian words (unaligned, no copy)
    windows = np.ndarray(content.size - 7, dtype=">u8", buffer=content, strides=(1,))
    return windows[bounds[:-1]].astype(np.uint64) & _FIRST_BYTES[np.minimum(np.diff(bounds), 8)]


def offsets(texts: Any) -> np.ndarray:
    """Where each text of an Arrow text array starts in its data buffer, then where the last one ends."""
    width = np.int64 if str(texts.type).startswith("large_") else np.int32  # large_string: 64-bit offsets
    return np.frombuffer(texts.buffers()[1], dtype=width)[texts.offset:texts.offset + len(texts) + 1]


def text_edges(values: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """Each text's length in UTF-8 bytes, first byte and last byte (0 for an empty or missing text), read
    from the Arrow buffers behind a column of pandas' text dtype (no Python text per cell); None for any
    other column (object, or texts not held as Arrow strings with offsets, as without pyarrow).

    >>> [a.tolist() for a in text_edges(pd.Series(["ab", None, "", "é"], dtype="string[pyarrow]"))]
    [[2, 0, 0, 2], [97, 0, 0, 195], [98, 0, 0, 169]]
    """
    arrow = arrow_texts(values)
    if arrow is None:
        return None
    bounds = offsets(arrow)
    lengths = np.diff(bounds)
    data = arrow.buffers()[2]
    if data is None or data.size == 0:
        return lengths, np.zeros(len(lengths), dtype=np.uint8), np.zeros(len(lengths), dtype=np.uint8)
    content = np.frombuffer(data, dtype=np.uint8)
    first = content.take(bounds[:-1], mode="clip")
    last = content.take(bounds[1:] - 1, mode="clip")
    empty = lengths == 0
    if empty.any():
        first[empty] = last[empty] = 0
    return lengths, first, last
