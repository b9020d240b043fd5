"""Shared fixtures: the hand-built orders table; its stints and every expected number are worked out in
test_orders.py."""

import os
import shutil

import pandas as pd
import pytest

# Tests marked ``soffice`` need LibreOffice and poppler's pdftoppm. On a machine without them they are
# skipped with the reason, so the README's test command passes on a fresh machine; CI sets
# KPI_XL_REQUIRE_SOFFICE=1 (after installing both), and then a missing LibreOffice fails them instead.
_OFFICE_MISSING = not (shutil.which("soffice") or shutil.which("libreoffice")) or not shutil.which("pdftoppm") \
    or not shutil.which("pdftotext")
_OFFICE_REQUIRED = os.environ.get("KPI_XL_REQUIRE_SOFFICE", "") not in ("", "0")


def pytest_collection_modifyitems(config, items):
    if not _OFFICE_MISSING or _OFFICE_REQUIRED:
        return
    skip = pytest.mark.skip(reason="LibreOffice (soffice) or pdftoppm is not installed "
                                   "(Debian: apt-get install -y libreoffice-calc-nogui poppler-utils)")
    for item in items:
        if "soffice" in item.keywords:
            item.add_marker(skip)

ROWS = [  # order_id, date, customer, net revenue, cost of goods, status
    ("1", "2024-01-03", "A", 100, 60, "paid"),
    ("2", "2024-01-05", "B", 50, 30, "paid"),
    ("3", "2024-01-10", "C", 80, 50, "paid"),
    ("4", "2024-01-20", "A", 40, 20, "paid"),
    ("5", "2024-01-25", "D", 60, 40, "refunded"),
    ("6", "2024-01-28", "E", 70, 35, "paid"),
    ("7", "2024-02-02", "B", 30, 15, "paid"),
    ("8", "2024-02-06", "F", 90, 50, "paid"),
    ("9", "2024-02-15", "A", 20, 10, "cancelled"),
    ("10", "2024-02-20", "G", 40, 25, "paid"),
    ("11", "2024-02-22", "F", 25, 10, "paid"),
    ("12", "2024-02-27", "E", 65, 30, "paid"),
    ("13", "2024-03-05", "C", 45, 20, "paid"),
    ("14", "2024-03-07", "H", 55, 30, "paid"),
    ("15", "2024-03-10", "J", 40, 20, "cancelled"),
    ("16", "2024-03-12", "G", 35, 20, "paid"),
    ("17", "2024-03-15", "B", 60, 40, "paid"),
    ("18", "2024-03-18", "I", 20, 12, "paid"),
    ("19", "2024-03-19", "H", 15, 5, "paid"),
    ("20", "2024-03-20", "F", 30, 15, "paid"),
    ("21", "2024-01-12", "A", 0, 0, "annulée"),  # a French label, cancelled: counts nowhere
]


@pytest.fixture
def orders():
    frame = pd.DataFrame(ROWS, columns=["order_id", "order_date", "customer_id", "net_revenue",
                                        "cost_of_goods_sold", "status"])
    frame.index = range(2, 2 + len(frame))  # sheet row numbers, as the refresh will pass them
    return frame



# A helper run as its own process with XLWINGS_ON_SERVER=true; not a test module.
collect_ignore = ["xlwings_server_calls.py", "xlwings_remote_refresh.py"]


@pytest.fixture(scope="session")
def empty_template(tmp_path_factory):
    """The template built once for the import tests (kept unchanged: tests copy it)."""
    from kpi_xl.template.build import build_template

    return build_template(tmp_path_factory.mktemp("imports") / "template.xlsm")


@pytest.fixture
def empty_book(empty_template, tmp_path):
    """A fresh copy of the template to import into."""
    import shutil

    path = tmp_path / "book.xlsm"
    shutil.copy(empty_template, path)
    return path
