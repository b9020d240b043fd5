"""Numbers typed as text: one reading everywhere (the refresh, the KPI_* formulas, the imports).

The reference table is written by hand from the two conventions: French (space or no-break space between
thousands, comma before the decimals: 1 234,5) and US (comma between thousands, point before the decimals:
1,234.5). A text with one separator followed by exactly three digits (1,234 or 1.234) reads differently in
the two and is refused with the reason.
"""

import pandas as pd
import pytest

from kpi_xl.errors import KpiInputError
from kpi_xl.excel.cells import numbers_in
from kpi_xl.importers.csvfile import number as export_number
from kpi_xl.number_text import NumberTextError, parse_number, parse_numbers

NBSP, NNBSP = "\u00a0", "\u202f"

READ = [  # text, the number it stands for
    ("12", 12.0),
    ("12,5", 12.5),  # French decimal comma: the refresh refused it before issue 12
    ("12.5", 12.5),
    ("-12,5", -12.5),
    ("+3", 3.0),
    ("0,125", 0.125),  # a leading zero: only a decimal reading
    ("0.125", 0.125),
    ("1 234,5", 1234.5),
    (f"1{NBSP}234,5", 1234.5),  # Excel's French number format puts a no-break space
    (f"1{NNBSP}234,56", 1234.56),  # and newer versions a narrow one
    ("1 234 567", 1234567.0),
    ("1,234.5", 1234.5),
    ("1,234,567", 1234567.0),  # two commas: thousands only
    ("1.234.567", 1234567.0),
    ("1.234,5", 1234.5),  # German and Italian style
    ("1'234.5", 1234.5),  # Swiss style
    ("1234,567", 1234.567),  # four digits before the comma: no thousands group
    ("12,3456", 12.3456),
    ("25,50 €", 25.5),
    ("€25.50", 25.5),
    ("$1,234.50", 1234.5),
    ("1 200 €", 1200.0),
    ("2,5 %", 0.025),
    ("12%", 0.12),
    (" 7 ", 7.0),
]
REFUSED = [  # text, words of the reason
    ("1,234", "is ambiguous: it reads as 1.234 in French and as 1234 otherwise"),
    ("1.234", "is ambiguous: it reads as 1234 with a thousands point and as 1.234 otherwise"),
    ("-1,500", "is ambiguous"),
    ("12,5x", "is not a number"),
    ("douze", "is not a number"),
    ("1 23", "spaces must separate groups of three digits"),
    ("1,23,456", "is not a number"),
    ("1.234,5.6", "is not a number"),
    ("1,2.3", "mixed separators"),
    ("n.c.", "is not a number"),  # ("--" and "n/a" are an export's "no value": blank for the imports)
    ("1e5", "is not a number"),  # not a way anyone types an amount; never read as 100000
]


@pytest.mark.parametrize("text, expected", READ)
def test_every_reader_reads_a_number_typed_as_text_alike(text, expected):
    assert parse_number(text) == pytest.approx(expected)
    numbers, why = parse_numbers(pd.Series([text, None], dtype=object))  # the refresh's columns
    assert numbers.iloc[0] == pytest.approx(expected) and why == {}
    assert numbers_in([[text]], "spend", allow_negative=True) == [pytest.approx(expected)]  # KPI_* formulas
    assert export_number(text, "Total", 2, "orders.csv") == pytest.approx(expected)  # imports


@pytest.mark.parametrize("text, words", REFUSED)
def test_every_reader_refuses_a_doubtful_text_with_the_reason(text, words):
    with pytest.raises(NumberTextError, match=words.replace("(", r"\(").replace(".", r"\.")):
        parse_number(text)
    numbers, why = parse_numbers(pd.Series([1.0, text], dtype=object))
    assert numbers.isna().tolist() == [False, True] and words in why[1]
    with pytest.raises(KpiInputError, match="spend: cell 2 of 2") as formula:
        numbers_in([[1.0], [text]], "spend")
    assert repr(text) in str(formula.value)
    with pytest.raises(KpiInputError) as imported:
        export_number(text, "Total", 7, "orders.csv")
    assert str(imported.value).startswith(f"orders.csv, line 7, column 'Total': {text!r} ") and words in \
        str(imported.value)


def test_a_count_of_an_export_has_no_decimals_so_its_separator_groups_thousands():
    """An ads export's clicks '1,414' or '1.414' are 1414 clicks: a count has no decimals (the one rule the
    imports add, for count columns only)."""
    assert export_number("1,414", "Clicks", 2, "ads.csv", count=True) == 1414.0
    assert export_number("1.414", "Clicks", 2, "ads.csv", count=True) == 1414.0
    with pytest.raises(KpiInputError, match="ambiguous"):
        export_number("1.414", "Cost", 2, "ads.csv")


def test_many_texts_are_read_at_column_speed():
    """Each distinct text is read once: a million cells of twelve distinct texts."""
    numbers, why = parse_numbers(pd.Series([f"{i % 12},5" for i in range(1_000_000)], dtype=object))
    # 83,333 whole cycles of 0..11 (66 each), then 0, 1, 2, 3; plus 0.5 a cell
    assert why == {} and numbers.iloc[13] == 1.5 and numbers.sum() == pytest.approx(83_333 * 66 + 6 + 500_000)
