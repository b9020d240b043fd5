"""Regenerates the pictures in docs/ from the real workbooks, with LibreOffice headless.

Run: python3 scripts/render_docs.py   (needs soffice and pdftoppm)
"""

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kpi_xl.cli import main as kpi_xl  # noqa: E402
from kpi_xl.render import render_sheet  # noqa: E402
from kpi_xl.schema import sheet_title  # noqa: E402
from kpi_xl.template.build import build_template  # noqa: E402


def main() -> None:
    docs = ROOT / "docs"
    with tempfile.TemporaryDirectory() as tmp:
        template = build_template(Path(tmp) / "workbook_template.xlsm")
        for picture, sheet in (("template_dashboard.png", "dashboard"), ("template_orders.png", "orders")):
            render_sheet(template, sheet_title(sheet, "fr"), docs / picture, dpi=80)
            print(f"wrote docs/{picture}")
        demo = Path(tmp) / "kpi_xl_demo.xlsm"
        kpi_xl(["demo", str(demo)])
        render_sheet(demo, sheet_title("dashboard", "fr"), Path(tmp) / "demo.png", dpi=80, first_page_only=False)
        for page, picture in ((1, "demo_dashboard.png"), (2, "demo_dashboard_charts.png")):
            (Path(tmp) / f"demo-{page}.png").replace(docs / picture)
            print(f"wrote docs/{picture}")
        render_sheet(demo, sheet_title("orders", "fr"), docs / "demo_orders.png", dpi=80)
        print("wrote docs/demo_orders.png")
        demo_en = Path(tmp) / "kpi_xl_demo_en.xlsm"
        kpi_xl(["demo", str(demo_en), "--lang", "en"])
        render_sheet(demo_en, sheet_title("dashboard", "en"), Path(tmp) / "demo_en.png", dpi=80, first_page_only=False)
        for page, picture in ((1, "demo_dashboard_en.png"), (2, "demo_dashboard_charts_en.png")):
            (Path(tmp) / f"demo_en-{page}.png").replace(docs / picture)
            print(f"wrote docs/{picture}")


if __name__ == "__main__":
    main()
