"""What counts as an empty cell (kpi_xl.table_checks.blank_mask), for every kind of text column a reader gives."""

import pandas as pd
import pytest

from kpi_xl.table_checks import blank_mask

# by hand: a value, a space, an empty text, a missing cell, a no-break space and a tab, a text with spaces round it
CELLS = ["a", " ", "", None, "\u00a0\t", " b "]
EXPECTED = [False, True, True, True, True, False]


@pytest.mark.parametrize("dtype", ["str", "string[python]", "string[pyarrow]", object])
def test_spaces_only_and_missing_are_blank_in_every_text_dtype(dtype):
    assert blank_mask(pd.Series(CELLS, dtype=dtype)).tolist() == EXPECTED


def test_a_column_mixing_texts_and_numbers_looks_at_each_cell():
    assert blank_mask(pd.Series(["  ", 0.0, None, "x", float("nan")], dtype=object)).tolist() == [
        True, False, True, False, True]
