"""Custom KPIs: the formula language, its errors, escape attempts, and the dashboard and formula that show them."""

import ast
import math
import shutil

import pandas as pd
import pytest
from workbook_cells import cell

from kpi_xl.custom import Formula, FormulaError, evaluate, parse, variables
from kpi_xl.excel.books import FileBook, fill_inputs
from kpi_xl.excel.refresh import refresh_file
from kpi_xl.sample import sample_shop
from kpi_xl.template.build import build_template
from kpi_xl.layout import TILE_CELLS, custom_tile_name

MONTHS = pd.DataFrame({"revenue": [1000.0, 1500.0], "sessions": [500.0, 0.0], "orders": [20.0, 25.0],
                       "likes": [40.0, 60.0], "shares": [10.0, 15.0], "followers": [1000.0, 1200.0],
                       "spend_meta_ads": [300.0, 0.0], "ad_spend": [500.0, 0.0], "churn_rate": [0.05, float("nan")]},
                      index=pd.period_range("2025-01", periods=2, freq="M"))

# (formula, expected per month) -- every value worked out by hand from MONTHS
VALID = [
    ("revenue / sessions", [2.0, math.nan]),                        # 1000/500; 0 sessions: undefined
    ("(likes + shares) / followers", [0.05, 0.0625]),               # 50/1000, 75/1200
    ("spend_meta_ads / ad_spend", [0.6, math.nan]),                 # 300/500; nothing spent
    ("revenue / orders", [50.0, 60.0]),                             # AOV by hand
    ("revenue - 2 * orders", [960.0, 1450.0]),                      # precedence: 1000 - 40
    ("-revenue + 1000", [0.0, -500.0]),                             # unary minus
    ("if_zero(sessions, 1)", [500.0, 1.0]),                         # fallback where 0
    ("revenue / if_zero(sessions, 1)", [2.0, 1500.0]),              # no undefined month
    ("max(likes, shares * 5)", [50.0, 75.0]),                       # element-wise
    ("min(likes, 50, shares * 5)", [40.0, 50.0]),                   # three values
    ("abs(likes - 50)", [10.0, 10.0]),                              # |40-50|, |60-50|
    ("round(revenue / 3, 1)", [333.3, 500.0]),                      # 333.33.. -> 333.3
    ("round(revenue / 7)", [143.0, 214.0]),                         # 142.86 -> 143, 214.29 -> 214
    ("round(revenue, -2)", [1000.0, 1500.0]),                       # to the hundred
    ("1 / churn_rate", [20.0, math.nan]),                           # undefined input stays undefined
    ("12", [12.0, 12.0]),                                           # a constant
]


@pytest.mark.parametrize("text, expected", VALID)
def test_valid_formulas(text, expected):
    values = evaluate(parse(text, MONTHS.columns), MONTHS).tolist()
    assert len(values) == 2
    for got, want in zip(values, expected, strict=True):
        assert (math.isnan(got) and math.isnan(want)) or got == pytest.approx(want)


ERRORS = [
    ("revnue / sessions", "'revnue' is not a known name; did you mean revenue?"),
    ("sessons", "did you mean sessions"),
    ("revenue / (sessions", "cannot be read"),
    ("revenue ** 2", "only + - * / are allowed"),
    ("'text'", "is not a number"),
    ("foo(revenue)", "'foo' is not a function"),
    ("round(revenue, 1, 2)", "round() takes a value"),
    ("round(revenue, 0.5)", "round() takes a whole number of decimals between -15 and 15"),
    ("min(revenue)", "min() needs at least two values"),
    ("max(revenue)", "max() needs at least two values"),
    ("abs(revenue, 1)", "abs() takes 1 value, not 2"),
    ("if_zero(revenue)", "if_zero() takes 2 values, not 1"),
    ("if_zero(revenue, 1, 2)", "if_zero() takes 2 values, not 3"),
    ("", "the formula is empty"),
]


@pytest.mark.parametrize("text, words", ERRORS)
def test_each_kind_of_error_says_what_is_wrong(text, words):
    with pytest.raises(FormulaError) as info:
        evaluate(parse(text, MONTHS.columns), MONTHS)
    assert words in str(info.value)


@pytest.mark.parametrize("text", [
    "__import__('os')", "__import__('os').system('echo hacked')", "revenue.__class__", "().__class__.__bases__",
    "[x for x in (1, 2)]", "lambda: 1", "open('/etc/passwd')", "exec('1')", "eval('1')", "globals()",
    "revenue[0]", "revenue if sessions else 0", "{'a': 1}", "f'{revenue}'", "revenue, sessions",
    "(" * 200 + "1" + ")" * 200, "1+" * 5000 + "1", "x" * 100_000,
])
def test_escape_attempts_are_refused_by_the_parser_alone(text):
    """The parser is the gate: each of these must be refused before any evaluation."""
    with pytest.raises(FormulaError):
        parse(text, MONTHS.columns)


@pytest.mark.parametrize("text", ["revenue.__class__", "revenue[0]", "revenue if sessions else 0", "[revenue]"])
def test_the_evaluator_refuses_them_too(text):
    """A second, independent guard: a tree that never went through the parser is still refused."""
    formula = Formula(text, ast.parse(text, mode="eval"), ("revenue", "sessions"))
    with pytest.raises(FormulaError, match="is not allowed"):
        evaluate(formula, MONTHS)


def test_variables_include_channels_and_platforms():
    shop = sample_shop(months=3)
    from kpi_xl.report import monthly_kpis

    table = monthly_kpis(shop.orders, shop.traffic, shop.marketing, shop.social, inactivity_days=30)
    names = variables(table, shop.marketing, shop.social)
    assert {"revenue", "sessions", "churn_rate", "spend_meta_ads", "spend_google_ads", "followers_instagram",
            "likes_tiktok"} <= set(names.columns)
    jan = shop.marketing[(shop.marketing["channel"] == "Meta Ads")].iloc[0]["spend"]
    assert names["spend_meta_ads"].iloc[0] == pytest.approx(jan)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = build_template(tmp_path_factory.mktemp("custom") / "demo.xlsm")
    shop = sample_shop()
    custom = pd.concat([shop.tables()["custom"], pd.DataFrame([{"name": "Cassé", "formula": "revenu / sesions"}])],
                       ignore_index=True)
    book = FileBook(path)
    fill_inputs(book, {"orders": shop.orders, "traffic": shop.traffic, "marketing": shop.marketing,
                       "social": shop.social, "custom": custom})
    book.save()
    return path


def test_the_dashboard_shows_custom_kpis_and_lists_broken_ones(demo, tmp_path):
    book = tmp_path / "book.xlsm"
    shutil.copy(demo, book)
    fill = refresh_file(book)
    assert [k.name for k in fill.custom] == ["CA par session", "Part des dépenses Meta"]
    december = fill.table.loc["2025-12"]
    # hand: the formulas on the core's monthly table
    assert fill.custom[0].values.loc["2025-12"] == pytest.approx(december["revenue"] / december["sessions"])
    broken, = [p for p in fill.problems if p.sheet == "Mes indicateurs"]
    assert broken.row == 7 and broken.value == "revenu / sesions" and "did you mean revenue" in broken.message
    assert cell(book, custom_tile_name(1), TILE_CELLS["label"]).value == "CA par session"
    value = cell(book, custom_tile_name(1), TILE_CELLS["value"])
    # a number (it can be summed and charted) in the workbook's currency, as the built-in money tiles
    assert value.value == pytest.approx(december["revenue"] / december["sessions"])
    assert value.number_format == '#,##0.00\\ "€"'
    share = cell(book, custom_tile_name(2), TILE_CELLS["value"])
    assert share.number_format == "0.0%" and 0 < share.value < 1
    # the unused slots show nothing but a quiet hint in the first of them
    assert cell(book, custom_tile_name(3), TILE_CELLS["label"]).value is None
    assert cell(book, custom_tile_name(3), TILE_CELLS["note"]).value == "Ajoutez vos indicateurs : feuille Mes indicateurs"
    assert cell(book, custom_tile_name(4), TILE_CELLS["note"]).value is None
    assert fill.kpis()["2025-12"]["custom"]["Part des dépenses Meta"] == pytest.approx(
        fill.custom[1].values.loc["2025-12"])


def test_kpi_custom_formula_reads_its_workbook(demo):
    from xlwings_paths import remote_custom_value

    fill = refresh_file(demo)
    expected = fill.custom[0].values.loc["2025-12"]
    assert remote_custom_value(demo, "CA par session") == pytest.approx(expected)
    assert remote_custom_value(demo, "Inconnu").startswith("#KPI! name is 'Inconnu': not one of your KPIs")


def test_one_bad_custom_kpi_never_stops_the_others(tmp_path):
    """Overflow, absurd rounding and a repeated name are problems of their own row; the rest is computed."""
    path = build_template(tmp_path / "book.xlsm")
    shop = sample_shop()
    custom = pd.DataFrame([
        {"name": "Huge", "formula": "revenue * 1e308"},  # rows 5.. of the sheet, in this order
        {"name": "Rounded", "formula": "round(revenue, 1000000000)"},
        {"name": "Per session", "formula": "revenue / sessions", "format": "ratio"},
        {"name": "Per session", "formula": "orders / sessions"},
    ])
    book = FileBook(path)
    fill_inputs(book, {"orders": shop.orders, "traffic": shop.traffic, "marketing": shop.marketing,
                       "social": shop.social, "custom": custom})
    book.save()
    fill = refresh_file(path)
    mine = {p.row: p for p in fill.problems if p.sheet == "Mes indicateurs"}
    first = min(mine)
    assert "gives a number too large to show in 2024-01" in mine[first].message
    assert "round() takes a whole number of decimals" in mine[first + 1].message
    assert "the name is used by row" in mine[first + 3].message and mine[first + 3].value == "Per session"
    values = {kpi.name: kpi.values for kpi in fill.custom}
    assert set(values) == {"Huge", "Per session"}  # the repeated name keeps its first formula
    assert values["Huge"].isna().all()  # infinite everywhere: n.d., never "inf" in a cell
    december = fill.table.loc["2025-12"]
    assert values["Per session"].loc["2025-12"] == pytest.approx(december["revenue"] / december["sessions"])
    assert fill.kpis()["2025-12"]["custom"]["Huge"] is None
    assert cell(path, custom_tile_name(1), TILE_CELLS["value"]).value == "n.d."


@pytest.mark.parametrize("text, accepted", [
    ("1." + "0" * 498, True),  # 500 characters: the longest formula accepted
    ("1." + "0" * 499, False),  # 501
    ("(" * 30 + "1" + ")" * 30, True),  # 30 parentheses: the deepest accepted
    ("(" * 31 + "1" + ")" * 31, False),
])
def test_the_limits_are_where_they_are_said_to_be(text, accepted):
    assert len(text) in (500, 501) or "(" in text
    if accepted:
        assert evaluate(parse(text, MONTHS.columns), MONTHS).notna().all()
    else:
        with pytest.raises(FormulaError, match="at most 500|more than 30 parentheses"):
            parse(text, MONTHS.columns)


def test_named_values_in_a_function_are_refused_with_the_reason():
    with pytest.raises(FormulaError, match=r"round\(\) takes its values in order, without names"):
        parse("round(revenue, ndigits=1)", MONTHS.columns)
