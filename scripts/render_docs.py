"""Regenerates the pictures in docs/ from the real workbooks, with LibreOffice headless.

Run: python3 scripts/render_docs.py   (needs soffice and pdftoppm)
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpi_xl.render import render_sheet  # noqa: E402
from kpi_xl.schema import sheet_title  # noqa: E402
from kpi_xl.template.build import build_template  # noqa: E402

PICTURES = [  # (picture, sheet key)
    ("template_dashboard.png", "dashboard"),
    ("template_orders.png", "orders"),
]


def main() -> None:
    docs = ROOT / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        template = build_template(Path(tmp) / "workbook_template.xlsm")
        for picture, sheet in PICTURES:
            out = render_sheet(template, sheet_title(sheet, "fr"), docs / picture, dpi=80)
            print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
