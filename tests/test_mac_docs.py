"""What the docs tell Mac users, and the verification page (issue 13 items 5 and 12)."""

import re
from pathlib import Path

import xlwings

ROOT = Path(__file__).resolve().parent.parent
DOCS = {name: (ROOT / "docs" / name).read_text(encoding="utf-8") for name in ("guide.en.md", "guide.md", "udfs.md")}


def test_no_doc_says_mac_users_see_name_errors():
    # on a Mac the wrapper's VBA runs and fails loading the Windows DLL: its error text shows, not #NAME?
    for name, text in DOCS.items():
        for line in text.splitlines():
            if re.search(r"#(NAME|NOM)\?", line) and re.search(r"\bMac", line):
                assert re.search(r"(does not show|n'affiche pas) .?#(NAME|NOM)\?", line), f"{name}: {line}"


def test_the_docs_quote_what_a_mac_really_shows_and_what_to_use():
    dll = f"xlwings32-{xlwings.__version__}.dll"  # the DLL name xlwings' VBA declares for this version
    for name, text in DOCS.items():
        assert dll in text, name
        assert "Mes indicateurs" in text and "kpi-xl kpis" in text, name


def test_the_guides_mac_sections_say_to_run_runpython_install_once():
    for name in ("guide.en.md", "guide.md"):
        section = re.search(r"### (On a Mac|Sur Mac)\n(.*?)\n## ", DOCS[name], re.S).group(2)
        assert "`xlwings runpython install`" in section and "kpi-xl doctor" in section, name
        assert "~/Library/Application Scripts/com.microsoft.Excel" in section, name


def test_the_verification_page_lists_what_needs_a_real_excel_and_a_ten_minute_checklist():
    page = (ROOT / "docs" / "verification.md").read_text(encoding="utf-8")
    assert "## What is verified, and how" in page and "## What still needs a real Excel" in page
    checklist = re.search(r"## Ten minutes with a real Excel\n(.*?)(\n## |\Z)", page, re.S).group(1)
    steps = re.findall(r"^\d+\. ", checklist, re.MULTILINE)
    assert len(steps) >= 8
    for must in ("Enable", "Actualiser", "KPI_CAC", "xlwings runpython install", "Mac", "save"):
        assert must in checklist, must
