"""Properties of every import (issue 11): twice equals once byte for byte; disjoint ranges commute."""

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpi_xl.excel.refresh import FileBook
from kpi_xl.importers import import_file

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
#: Fixtures an import refuses on purpose (tests/test_importers_patterns.py checks each message).
REFUSED = {"google_ads_keywords.csv", "meta_several_months.csv", "shopify_resaved_ambiguous.csv"}
IMPORTED = sorted(p.name for p in FIXTURES.glob("*.csv") if p.name not in REFUSED)
TABLES = ("tblOrders", "tblTraffic", "tblMarketing", "tblImports")


def fresh(empty_template, path):
    shutil.copy(empty_template, path)
    return path


def contents(path):
    """Every filled row of the input tables and the import log, in a canonical order."""
    empty_book, out = FileBook(path), {}
    for table in TABLES:
        _sheet, _row, values = empty_book.table_values(table)
        rows = [tuple("" if v is None else v for v in r) for r in values[1:]]
        out[table] = sorted((r for r in rows if any(v != "" for v in r)), key=repr)
    return out


def test_every_fixture_is_covered():
    assert len(IMPORTED) == 19 and REFUSED <= {p.name for p in FIXTURES.glob("*.csv")}


@pytest.mark.parametrize("name", IMPORTED)
def test_importing_twice_equals_importing_once(empty_template, tmp_path, name):
    empty_book = fresh(empty_template, tmp_path / "book.xlsm")
    first = import_file("auto", FIXTURES / name, empty_book)
    assert first.imported > 0  # the fixture brings rows: the property is not vacuous
    once = empty_book.read_bytes()
    again = import_file("auto", FIXTURES / name, empty_book)
    assert (again.imported, again.merged) == (0, 0)
    assert empty_book.read_bytes() == once


@pytest.mark.parametrize("a, b", [
    ("shopify_blank_emails.csv", "shopify_tax_inclusive.csv"),  # October and November orders
    ("ga4_fr_mois.csv", "ga4_es_dias.csv"),  # October-November and December traffic
    ("google_ads_video.csv", "google_ads_by_device.csv"),  # November and December spend
    ("stripe_old_layout.csv", "woocommerce_variants.csv"),  # two platforms
])
def test_disjoint_imports_commute(empty_template, tmp_path, a, b):
    ab = fresh(empty_template, tmp_path / "ab.xlsm")
    ba = fresh(empty_template, tmp_path / "ba.xlsm")
    for first, second, empty_book in ((a, b, ab), (b, a, ba)):
        import_file("auto", FIXTURES / first, empty_book)
        import_file("auto", FIXTURES / second, empty_book)
    assert contents(ab) == contents(ba)
    assert sum(len(rows) for rows in contents(ab).values()) > 2


def ads(path, first_day, last_day, cost, clicks):
    path.write_text(f'Campaign report\n"December {first_day}, 2025 - December {last_day}, 2025"\n'
                    "Campaign,Clicks,Impr.,CTR,Currency code,Avg. CPC,Cost\n"
                    f"Noël,{clicks},{clicks * 10},10%,EUR,0.5,{cost:.2f}\n", encoding="utf-8")
    return path


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(split=st.integers(1, 30), costs=st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)),
       clicks=st.tuples(st.integers(0, 5000), st.integers(0, 5000)))
def test_two_halves_of_a_month_add_up_in_any_order(empty_template, tmp_path, split, costs, clicks):
    """December cut at any day: both orders give the same row, the sum of the halves (cents as integers)."""
    a = ads(tmp_path / "a.csv", 1, split, costs[0] / 100, clicks[0])
    b = ads(tmp_path / "b.csv", split + 1, 31, costs[1] / 100, clicks[1])
    ab = fresh(empty_template, tmp_path / "ab.xlsm")
    ba = fresh(empty_template, tmp_path / "ba.xlsm")
    for first, second, empty_book in ((a, b, ab), (b, a, ba)):
        import_file("auto", first, empty_book)
        import_file("auto", second, empty_book)
    assert contents(ab) == contents(ba)
    (row,) = contents(ab)["tblMarketing"]
    assert row[2] == pytest.approx((costs[0] + costs[1]) / 100) and row[4] == clicks[0] + clicks[1]
