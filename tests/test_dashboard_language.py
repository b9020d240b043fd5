"""The refreshed dashboard read back as a reader sees it: numbers with number formats, the workbook's
currency, and one language throughout."""

import re

import pytest
from workbook_cells import cell, workbook

from kpi_xl.cli import main as kpi_xl
from kpi_xl.excel.lifetime_tiles import LIFETIME_KPIS
from kpi_xl.labels import _TEXT, KPI_LABELS, UNDEFINED_REASONS
from kpi_xl.layout import CHECK_COLUMNS, TILE_CELLS, custom_tile_name, tile_name
from kpi_xl.schema import CHOICES, INPUT_TABLES, NAMES, SETTINGS, SHEETS, TILE_KPIS, TREND_COLUMNS


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    books = {}
    for lang in ("fr", "en"):
        books[lang] = folder / f"demo_{lang}.xlsm"
        assert kpi_xl(["demo", str(books[lang]), "--lang", lang]) == 0
    return books


def vocabulary(lang):
    """Every interface text of one language that the other language words differently."""
    pairs = [(c.fr, c.en) for t in INPUT_TABLES.values() for c in t.columns]
    pairs += [(t.fr, t.en) for t in INPUT_TABLES.values()] + [(s.fr, s.en) for s in SHEETS]
    pairs += [(s.fr, s.en) for s in SETTINGS] + [(label.fr, label.en) for label in KPI_LABELS.values()]
    pairs += [(fr, en) for fr, en in _TEXT.values()] + list(UNDEFINED_REASONS.values())
    pairs += [(fr, en) for _k, fr, en, _w in CHECK_COLUMNS]
    pairs += [pair for choice in CHOICES.values() for pair in zip(choice["fr"], choice["en"], strict=True)]
    words = {pair[0 if lang == "fr" else 1] for pair in pairs if pair[0] != pair[1]}
    return {w for w in words if "{" not in w}


def string_cells(path):
    for ws in workbook(path).worksheets:
        for row in ws.iter_rows():
            for found in row:
                if isinstance(found.value, str):
                    yield ws.title, found.coordinate, found.value


@pytest.mark.parametrize("lang, other", [("en", "fr"), ("fr", "en")])
def test_no_word_of_the_other_language(demos, lang, other):
    foreign = vocabulary(other)
    wrong = [(sheet, ref, value) for sheet, ref, value in string_cells(demos[lang]) if value in foreign]
    assert wrong == []
    if lang == "en":  # French accents have no business in the English workbook
        accented = [(s, r, v) for s, r, v in string_cells(demos[lang]) if re.search("[éèàçêôùâî]", v)]
        assert accented == []


@pytest.mark.parametrize("lang, money", [("fr", '#,##0.00\\ "€"'), ("en", '"€"#,##0.00')])
def test_every_kpi_cell_is_a_number_with_its_format(demos, lang, money):
    book = demos[lang]
    for key, _target in TILE_KPIS:
        kind = KPI_LABELS[key].kind
        value = cell(book, tile_name(key), TILE_CELLS["value"])
        assert isinstance(value.value, float), key  # the demo's December has every KPI defined
        expected = {"money": money, "percent": "0.0%", "ratio": "0.00", "count": "#,##0"}[kind]
        assert value.number_format == expected, key
        change = cell(book, tile_name(key), TILE_CELLS["change"])
        if key in LIFETIME_KPIS:  # computed at the end of the data only: no month before to compare with
            assert change.value is None, key
            continue
        assert isinstance(change.value, float), key  # a number, shown with its sign by the format
        unit = {"fr": '" pt"', "en": '" pp"'}[lang] if kind == "percent" else "%"  # points for a rate
        assert change.number_format == f"+0.0{unit};-0.0{unit};0.0{unit}", key
    # a cohort's repurchase rate is known once its customers have had 30 (90) days: with data to Dec 31, November's
    # and September's are the latest (rows 11 and 9 of the 12 months)
    latest = {"repurchase_30d": 11, "repurchase_90d": 9}
    for column, key in enumerate(TREND_COLUMNS, start=1):
        trend = cell(book, NAMES["trend"], (latest.get(key, 12), column))
        assert isinstance(trend.value, float), key
        if key in latest:
            assert cell(book, NAMES["trend"], (latest[key] + 1, column)).value == "=NA()", key
        if KPI_LABELS[key].kind == "money":
            assert trend.number_format == money, key
    meta = cell(book, custom_tile_name(2), TILE_CELLS["value"])
    assert isinstance(meta.value, float) and meta.number_format == "0.0%"
