"""Pictures of a workbook's sheets, rendered by LibreOffice headless (for the docs and the tests).

To picture one sheet, every other sheet is marked hidden in a copy of the
package (``xl/workbook.xml``); the copy goes through ``soffice --convert-to
pdf`` and ``pdftoppm -png``. Nothing is loaded into openpyxl, so charts and
conditional formats render as Excel files carry them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path

__all__ = ["render_sheet", "sheet_pdf", "soffice", "RenderError"]


class RenderError(RuntimeError):
    """LibreOffice or poppler is missing or failed."""


def soffice() -> str:
    """The LibreOffice command, or a RenderError saying how to install it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    raise RenderError("LibreOffice is not installed (Debian: apt-get install -y libreoffice-calc-nogui)")


def _only_sheet(source: Path, target: Path, sheet: str) -> None:
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                text = data.decode("utf-8")
                if f'name="{_xml(sheet)}"' not in text:
                    raise RenderError(f"no sheet named {sheet!r} in {source}")

                def mark(match: re.Match) -> str:
                    tag = re.sub(r'\sstate="[^"]*"', "", match.group(0))
                    if f'name="{_xml(sheet)}"' in tag:
                        return tag
                    return tag.replace("<sheet ", '<sheet state="hidden" ', 1)

                tags = re.findall(r"<sheet [^>]*/>", text)
                index = next(i for i, tag in enumerate(tags) if f'name="{_xml(sheet)}"' in tag)
                text = re.sub(r"<sheet [^>]*/>", mark, text)
                # the active tab must be the visible sheet, or LibreOffice prints the hidden active one
                text = re.sub(r'activeTab="\d+"', f'activeTab="{index}"', text)
                text = re.sub(r'firstSheet="\d+"', f'firstSheet="{index}"', text)
                data = text.encode("utf-8")
            zout.writestr(item, data)


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("'", "&apos;").replace('"', "&quot;")


def sheet_pdf(book: str | Path, sheet: str, out_pdf: str | Path) -> Path:
    """Print ``sheet`` of ``book`` to a PDF as LibreOffice prints it (print area, page breaks, scaling)."""
    office = soffice()
    out_pdf = Path(out_pdf)
    with tempfile.TemporaryDirectory(prefix="kpi-xl-render-") as tmp:
        work = Path(tmp) / "sheet.xlsm"
        _only_sheet(Path(book), work, sheet)
        profile = Path(tmp) / "profile"
        run = subprocess.run([office, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                              "--outdir", tmp, str(work)], capture_output=True, text=True, timeout=180, check=False)
        pdf = Path(tmp) / "sheet.pdf"
        if run.returncode != 0 or not pdf.exists():
            raise RenderError(f"LibreOffice could not convert {book}: {run.stderr.strip() or run.stdout.strip()}")
        shutil.move(pdf, out_pdf)
    return out_pdf


def render_sheet(book: str | Path, sheet: str, out_png: str | Path, *, dpi: int = 70, first_page_only: bool = True) -> Path:
    """Render ``sheet`` of ``book`` to ``out_png`` (its first page, or ``out_png``'s stem + -N per page)."""
    if shutil.which("pdftoppm") is None:
        raise RenderError("pdftoppm is not installed (Debian: apt-get install -y poppler-utils)")
    out_png = Path(out_png)
    with tempfile.TemporaryDirectory(prefix="kpi-xl-render-") as tmp:
        pdf = sheet_pdf(book, sheet, Path(tmp) / "sheet.pdf")
        args = ["pdftoppm", "-png", "-r", str(dpi)] + (["-f", "1", "-l", "1", "-singlefile"] if first_page_only else [])
        subprocess.run(args + [str(pdf), str(out_png.with_suffix(""))], check=True, timeout=120)
    return out_png
