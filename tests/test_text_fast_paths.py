"""The checks' fast paths on Arrow texts (pandas' text dtype): what they read from the Arrow buffers, worked
out by hand, and the problems they lead to, which are those of the texts compared one by one."""

import numpy as np
import pandas as pd
import pytest

from kpi_xl.arrow_text import text_edges
from kpi_xl.excel.inputs import _excel_errors, _has_blank_text, _read_table
from kpi_xl.order_table import _distinct_words, prepare_orders
from kpi_xl.schema import INPUT_TABLES
from kpi_xl.table_checks import _at_midnight, blank_mask, ids_as_text, maybe_padded


#: pandas' Arrow-backed text dtype: the refresh's texts ("str" from pandas 3 on; in pandas 2, where "str"
#: means Python objects and the refresh takes no fast path, the Arrow texts of "string[pyarrow]")
ARROW_TEXT = "str" if int(pd.__version__.split(".")[0]) >= 3 else "string[pyarrow]"


def texts(values):
    return pd.Series(values, dtype=ARROW_TEXT)


def test_text_edges_are_each_texts_length_first_and_last_bytes():
    # by hand: "ab" is 2 bytes, a (97) ... b (98); "é" is UTF-8 C3 A9 (195, 169); missing and empty: 0, 0, 0
    lengths, first, last = text_edges(texts(["ab", None, "", "é", "x"]))
    assert lengths.tolist() == [2, 0, 0, 2, 1]
    assert first.tolist() == [97, 0, 0, 195, 120]
    assert last.tolist() == [98, 0, 0, 169, 120]


def test_text_edges_of_a_slice_and_of_two_chunks():
    # a slice starts inside the Arrow buffers (an offset), a concatenation holds two chunks
    sliced = texts(["zz", "#N/A", "ok"]).iloc[1:]
    assert [a.tolist() for a in text_edges(sliced)] == [[4, 2], [35, 111], [65, 107]]  # '#', 'A'; 'o', 'k'
    joined = pd.concat([texts(["a"]), texts(["bc"])], ignore_index=True)
    assert [a.tolist() for a in text_edges(joined)] == [[1, 2], [97, 98], [97, 99]]


def test_text_edges_is_none_for_columns_that_are_not_arrow_texts():
    assert text_edges(pd.Series(["a"], dtype=object)) is None
    assert text_edges(pd.Series([1.0])) is None
    assert text_edges(pd.Series(["a"], dtype="string[python]")) is None


def test_maybe_padded_flags_every_text_strip_could_change_or_that_is_empty():
    # by hand: a space before, a tab after, a no-break space after (C2 A0), an ideographic space before
    # (E3 80 80), an empty text, then texts strip leaves as they are: a missing one, a space inside,
    # and "é" (flagged: its bytes are not ASCII, the test does not look further)
    cells = [" a", "a\t", "a\u00a0", "\u3000a", "", None, "a b", "é", "#1001"]
    assert maybe_padded(texts(cells)).tolist() == [True, True, True, True, True, False, False, True, False]


def test_blank_mask_of_arrow_texts_strips_only_the_flagged_ones():
    # by hand: spaces only, a no-break space only and an empty text are blank; " a " and "é" are not
    assert blank_mask(texts(["x", "  ", "\u00a0", "", None, " a ", "é"])).tolist() == [
        False, True, True, True, True, False, False]


def test_ids_as_text_of_arrow_texts_without_spaces_are_the_texts_themselves():
    ids = texts(["#1001", None, "c-2"])
    out = ids_as_text(ids)
    assert out.dtype == texts([]).dtype and out.iloc[0] == "#1001" and pd.isna(out.iloc[1]) and out.iloc[2] == "c-2"
    padded = ids_as_text(texts([" #1001 ", "  ", "c-2", "c-3\u00a0"]))  # stripped; spaces only: missing
    assert padded.iloc[0] == "#1001" and pd.isna(padded.iloc[1]) and padded.iloc[2] == "c-2"
    assert ids_as_text(texts(["c-1", "c-3 "])).tolist() == ["c-1", "c-3"]  # a space at the end only


@pytest.mark.parametrize("ids, distinct", [
    (["#1002", "#1001", None, "#1003"], True),  # different first eight bytes: different texts
    (["#1001", "#1002", "#1001"], False),  # a repeat (not next to each other)
    (["customer-1", "customer-2"], False),  # the same first eight bytes: not known from them
    (["#1", "#1\x00"], False),  # differ only by a NUL byte: the same word, not known from it
])
def test_distinct_words(ids, distinct):
    assert _distinct_words(texts(ids)) is distinct


def test_distinct_words_is_not_known_for_object_columns():
    assert _distinct_words(pd.Series(["a", "b"], dtype=object)) is False


def orders(ids):
    n = len(ids)
    frame = pd.DataFrame({"order_date": pd.to_datetime(["2024-01-05"] * n), "order_id": texts(ids),
                          "customer_id": texts([f"c{i}" for i in range(n)]), "net_revenue": [10.0] * n,
                          "cost_of_goods_sold": [4.0] * n, "status": texts(["payée"] * n)})
    frame.index = range(5, 5 + n)
    return frame


@pytest.mark.parametrize("ids, repeats", [
    (["#1001", "#1002", "#1003"], []),
    (["#1001", "#1002", "#1001"], [(7, "repeats the order number of row 5")]),  # by hand: row 7 repeats row 5
    (["order-000001", "order-000002", "order-000001"], [(7, "repeats the order number of row 5")]),
    (["order-000001", "order-000002", "order-000003"], []),  # a shared start, no repeat
    (["#1", "#1\x00", "#1\x00\x00"], []),  # three different texts
])
def test_repeated_order_numbers_of_arrow_texts_are_found(ids, repeats):
    valid = prepare_orders(orders(ids), skip_invalid=True, today="2026-01-01")
    assert [(p.row, p.message) for p in valid.problems] == repeats


def test_statuses_of_arrow_texts_blank_and_unknown():
    frame = orders(["#1", "#2", "#3", "#4"])
    frame["status"] = texts(["payée", None, "Remboursée ", "perdue"]).set_axis(frame.index)
    valid = prepare_orders(frame, skip_invalid=True, today="2026-01-01")
    assert [(p.row, p.value) for p in valid.problems] == [(6, None), (8, "perdue")]
    assert all("is not a known status" in p.message for p in valid.problems)
    assert valid.frame["status"].tolist() == ["paid", "refunded"] and valid.frame["counts"].tolist() == [True, False]


def test_at_midnight():
    assert _at_midnight(pd.Series(pd.to_datetime(["2024-01-05", None, "1999-12-31"]).astype("datetime64[us]")))
    assert not _at_midnight(pd.Series([pd.Timestamp("2024-01-05"), pd.Timestamp("2024-01-05 00:00:00.001")]))
    assert not _at_midnight(pd.Series(pd.to_datetime(["1969-12-31 23:00"]).astype("datetime64[s]")))  # before 1970


def test_excel_errors_of_arrow_texts():
    # by hand: exactly an error's text; "#N/A " (a space after), "#100" and "#NUM" are not one
    column = texts(["#N/A", "#100", "#REF!", None, "#N/A ", "#NUM", "#GETTING_DATA", "#DIV/0!"])
    assert _excel_errors(column, text_edges(column)).tolist() == [True, False, True, False, False, False, True, True]
    as_objects = column.astype(object)
    assert _excel_errors(as_objects, None).tolist() == [True, False, True, False, False, False, True, True]


@pytest.mark.parametrize("column, blank, expected", [
    (pd.Series([np.nan, "a"], dtype=object), [True, False], True),  # a NaN of an object column becomes None
    (pd.Series(["a", "b"], dtype=object), [False, False], False),
    (texts([None, "a"]), [True, False], False),  # already missing
    (texts(["  ", "a"]), [True, False], True),  # spaces only: made missing
    (pd.Series([np.nan, 1.0]), [True, False], False),  # numbers: left as they are
])
def test_has_blank_text(column, blank, expected):
    assert _has_blank_text(column, np.array(blank)) is expected


class TypedReader:
    """A reader handing the orders table over as typed columns, as a workbook file does."""

    def __init__(self, columns):
        self.columns = columns  # header -> column

    def table_columns(self, table):
        return "Commandes", 4, list(self.columns), list(self.columns.values())


def test_read_table_of_typed_texts_empties_blanks_and_excel_errors():
    columns = {"Date": pd.Series(pd.to_datetime(["2024-01-05"] * 4).astype("datetime64[us]")),
               "N° de commande": texts(["#1", "#N/A", " ", "#4"]), "Client": texts(["c1", "c2", "c3", "\u00a0"]),
               "CA net": pd.Series([1.0, 2.0, 3.0, 4.0]), "Coût des marchandises": pd.Series([0.5, 1.0, 1.5, 2.0]),
               "Statut": texts(["payée", "#REF!", "payée", "payée"])}
    frame, sheet, labels, marks = _read_table(TypedReader(columns), INPUT_TABLES["orders"])
    # rows 5 to 8 (header on row 4): the error and the blanks are missing, the rest as typed
    assert frame.index.tolist() == [5, 6, 7, 8] and sheet == "Commandes"
    assert frame["order_id"].isna().tolist() == [False, True, True, False]
    assert frame["customer_id"].isna().tolist() == [False, False, False, True]
    assert frame["status"].isna().tolist() == [False, True, False, False]
    assert marks == {(6, "order_id"): "#N/A", (6, "status"): "#REF!"}  # the errors, by sheet row and column
    assert frame["order_id"].iloc[3] == "#4" and frame["order_id"].dtype == texts([]).dtype
