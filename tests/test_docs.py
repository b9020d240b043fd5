"""The KPI documentation covers every KPI, in French and in English."""

import re
from pathlib import Path

from kpi_xl import kpis
from kpi_xl.report import monthly_kpis

DOC = Path(__file__).resolve().parent.parent / "docs" / "kpis.md"


def test_every_kpi_function_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name in kpis.__all__:
        assert f"`{name}(" in text, f"{name} is not in docs/kpis.md"


def test_every_monthly_kpi_column_is_documented(orders):
    text = DOC.read_text(encoding="utf-8")
    table = monthly_kpis(orders, inactivity_days=30)
    rate_columns = [c for c in table.columns if re.search(r"_(rate|cost|value|ratio|months|share)$", c)]
    assert len(rate_columns) > 10
    for column in rate_columns:
        assert f"`{column}`" in text or f"`{column}(" in text, f"{column} is not in docs/kpis.md"


def test_each_section_has_both_languages():
    sections = DOC.read_text(encoding="utf-8").split("\n## ")[3:]  # after the conventions and orders
    for section in sections:
        title = section.splitlines()[0]
        assert "**EN.**" in section and "**FR.**" in section, title


def test_udf_reference_page_is_up_to_date():
    from kpi_xl.excel import reference

    page = (DOC.parent / "udfs.md").read_text(encoding="utf-8")
    assert page == reference.render(), "docs/udfs.md is stale: python -m kpi_xl.excel.reference > docs/udfs.md"


def test_udf_reference_has_an_example_for_every_function():
    from kpi_xl.excel import reference, udfs

    with_examples = {name for name, *_ in reference.EXAMPLES} | {"KPI_CUSTOM", "KPI_CLV"}  # theirs are the demo's
    assert with_examples == {name for name in udfs.__all__ if name.startswith("KPI_")}
    page = reference.render()
    assert "=KPI_CUSTOM(" in page and "=KPI_CLV(" in page
