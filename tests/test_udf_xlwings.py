"""The KPI_* functions through xlwings' own code: the Windows wrapper generator and the Office.js path."""

import math
import re

import pandas as pd
import pytest
from test_cohort_value import ROWS  # the hand-built orders table of the realised LTV

from kpi_xl.excel import udfs
from kpi_xl.sample import sample_shop
from kpi_xl.template.udf_wrapper import generate_udf_wrapper
from xlwings_paths import server_calls

KPI_FUNCTIONS = sorted(name for name in udfs.__all__ if name.startswith("KPI_"))


@pytest.fixture(scope="module")
def wrapper():
    return generate_udf_wrapper()


def test_the_generator_accepts_every_function_and_keeps_its_docs(wrapper):
    import inspect

    assert [f["name"] for f in wrapper.functions] == KPI_FUNCTIONS
    for meta in wrapper.functions:
        func = getattr(udfs, meta["name"])
        params = list(inspect.signature(func).parameters)
        # one VBA Function with the same arguments, optional ones marked Optional
        shown = [a for a in meta["args"] if a["name"] != "caller"]  # xlwings fills `caller` with the calling cell
        signature = ", ".join(("Optional " if a["optional"] else "") + a["name"] for a in shown)
        assert f"Function {meta['name']}({signature})" in wrapper.vba
        assert [a["name"] for a in meta["args"]] == params
        assert meta["category"] == "KPI"
        assert meta["description"] == func.__doc__ and len(meta["description"]) <= 255
        for arg in shown:  # every argument has its own help, not xlwings' "Positional argument N"
            assert not arg["doc"].startswith("Positional argument") and len(arg["doc"]) <= 255, (meta["name"], arg)
    assert len(re.findall(r"^Function KPI_", wrapper.vba, flags=re.M)) == len(KPI_FUNCTIONS)
    assert 'XLPy.CallUDF("kpi_xl.excel.udfs", "KPI_CAC"' in wrapper.vba


def test_optional_arguments_are_positional(wrapper):
    cohorts = next(f for f in wrapper.functions if f["name"] == "KPI_COHORTS")
    assert [a["optional"] for a in cohorts["args"]] == [False, False, True, True, True, True]


def serial(day):
    """An Excel date serial, as Office.js sends dates."""
    return float((pd.Timestamp(day) - pd.Timestamp("1899-12-30")).days)


DEMO = sample_shop().tables()["orders"]

# Office.js payloads: every argument is a 2-D array; blanks are null, dates serial numbers.
PAYLOADS = [
    ("KPI_CAC", [[[1200], [1300], [None]], [[40], [60], [None]]]),         # blanks as null
    ("KPI_CAC", [[[500]], [[0]]]),                                          # zero denominator
    ("KPI_CONVERSION_RATE", [[[20, 25], [None, 5]], [[700, 800], [0, 500]]]),  # a 2-D range
    ("KPI_CONVERSION_RATE", [[[5]], [[1], [2], ["n/a"]]]),                 # text in a number range
    ("KPI_AOV", [[["1 234,56"]], [[1]]]),                                  # French text number
    ("KPI_LTV", [[[50]], [[1.2]], [[0.05]], [[None]]]),                    # optional argument left blank
    ("KPI_LTV", [[[50]], [[1.2]], [[0.05]], [[0.4]]]),
    ("KPI_REPEAT_RATE", [[["a"], ["b"], ["a"], [None]]]),
    ("KPI_COHORTS", [[[45294], [45311], [45333], [45349]], [["ann"], ["bob"], ["ann"], ["cat"]]]),
    ("KPI_CUSTOMERS", [[[45294], [45311], [45333]], [["ann"], ["bob"], ["ann"]], [[30]], [["EN"]]]),
    ("KPI_REPEAT_RATE", [[["a"], ["b"], ["a"], ["c"]], [["paid"], ["payée"], ["refunded"], ["Paid"]]]),
    ("KPI_LTV_REALISED", [[[serial(r[0])] for r in ROWS], *[[[r[i]] for r in ROWS] for i in (2, 3, 4, 5)]]),
    ("KPI_CLV", [[[serial(d)] for d in DEMO["order_date"]], *[[[v] for v in DEMO[c]] for c in
                                                               ("customer_id", "net_revenue", "status")],
                 [[None]], [[0]], [["EN"]]]),
]


@pytest.fixture(scope="module")
def server_results():
    return server_calls([{"func_name": name, "args": args} for name, args in PAYLOADS])


def test_office_js_path_gives_the_same_cells_as_plain_python(server_results):
    for (name, args), result in zip(PAYLOADS, server_results, strict=True):
        plain = getattr(udfs, name)(*[None if a == [[None]] else a for a in args])
        expected = plain if isinstance(plain, list) else [[plain]]
        # xlwings writes None/"" as "" in the Office.js result
        assert result == [["" if v is None else v for v in row] for row in expected], name


def test_office_js_values(server_results):
    results = dict(enumerate(server_results))
    assert results[0] == [[25.0]]  # hand: 2500 / 100
    assert results[1] == [["n.d."]]  # undefined is a visible marker, not xlwings' #NUM! or a blank
    assert results[2][0][0] == pytest.approx(50 / 2000)  # hand: (20+25+5) / (700+800+500)
    assert results[3] == [["#KPI! visitors: cell 3 of 3 is 'n/a', not a number"]]
    assert results[4] == [[1234.56]]
    assert results[5] == [[1200.0]] and results[6] == [[480.0]]  # hand: 50*1.2/0.05 and x 0.4
    assert math.isclose(results[7][0][0], 0.5)  # a twice of a, b
    # serials 45294 = 2024-01-03, 45311 = 2024-01-20, 45333 = 2024-02-11, 45349 = 2024-02-27
    assert results[8] == [["Cohorte", 0, 1], ["2024-01", 1.0, 0.5], ["2024-02", 1.0, ""]]
    assert results[9][0] == ["Month", "Active", "New", "Returning", "Lost", "Churn rate", "Retention rate"]
    assert results[9][1][:5] == ["2024-01", 2, 2, 0, 0]
    assert results[10] == [[0.0]]  # paid only: a, b, c once each -> nobody repeats
    # realised LTV (worked out by hand in test_cohort_value): January 127/3 at 3 months, 167/3 at 6
    assert results[11][0] == ["Cohorte", "Clients", 3, 6, 12, 24]
    assert results[11][1][:2] == ["2024-01", 3] and results[11][1][2:4] == pytest.approx([127 / 3, 167 / 3])
    assert results[11][1][4:] == ["", ""] and results[11][4] == ["2024-04", 1, "n.d.", "", "", ""]
    assert results[12][0] == ["Customer", "Expected purchases", "Probability active", "Expected value"]
    assert len(results[12]) == 1124  # the demo's 1,123 customers with a paid order
