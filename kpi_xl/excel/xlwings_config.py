"""Where xlwings finds a setting such as ``Interpreter_Win``, layer by layer, as xlwings 0.37.8's VBA does.

``GetConfig`` in xlwings.bas looks in this order and stops at the first layer
that has the key, **even when its value is empty**:

1. the workbook's ``xlwings.conf`` sheet (keys in column A from A1 down to the
   first blank, values in column B);
2. an ``xlwings.conf`` file in the workbook's folder;
3. the user's file: ``%USERPROFILE%\\.xlwings\\xlwings.conf`` on Windows,
   ``~/Library/Containers/com.microsoft.Excel/Data/xlwings.conf`` on a Mac
   (Excel's sandbox home);
4. otherwise the default: an empty interpreter makes ``RunPython`` start
   ``python`` from the PATH.

Files hold one ``"KEY","value"`` line per setting; keys compare ignoring case.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Found", "find_setting", "read_conf_file", "user_conf_file", "interpreter_key"]


@dataclass(frozen=True)
class Found:
    """A setting's value and the layer it came from ("sheet", "directory", "user" or "default")."""

    layer: str
    value: str
    where: str = ""


def interpreter_key(system: str) -> str:
    """The interpreter setting xlwings reads on ``system`` (a ``sys.platform`` value).

    >>> interpreter_key("win32"), interpreter_key("darwin")
    ('Interpreter_Win', 'Interpreter_Mac')
    """
    return "Interpreter_Win" if system.startswith("win") else "Interpreter_Mac"


def user_conf_file(system: str, home: Path) -> Path:
    """The user's own xlwings.conf for ``system``, under ``home``.

    >>> user_conf_file("darwin", Path("/Users/anne")).as_posix()
    '/Users/anne/Library/Containers/com.microsoft.Excel/Data/xlwings.conf'
    """
    if system == "darwin":
        return home / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    return home / ".xlwings" / "xlwings.conf"


def read_conf_file(path: Path) -> dict[str, str]:
    """The ``"KEY","value"`` lines of an xlwings.conf file, keys in upper case; {} when the file is absent.

    Lines that are not two quoted fields are skipped, as xlwings' ``Input #`` would misread them.
    """
    if not path.is_file():
        return {}
    out = {}
    with path.open(encoding="utf-8", errors="replace", newline="") as stream:
        for row in csv.reader(stream):
            if len(row) >= 2 and row[0].strip():
                out.setdefault(row[0].strip().upper(), row[1])
    return out


def find_setting(key: str, sheet: dict[str, str] | None, book_dir: Path | None, system: str,
                 home: Path) -> Found:
    """The value xlwings uses for ``key``, and which layer gives it.

    ``sheet`` is the workbook's xlwings.conf sheet as key -> value (None when
    there is no such sheet); ``book_dir`` the workbook's folder.
    """
    wanted = key.upper()
    if sheet is not None:
        for name, value in sheet.items():
            if name.upper() == wanted:
                return Found("sheet", value, "the workbook's xlwings.conf sheet")
    files = ([("directory", book_dir / "xlwings.conf")] if book_dir is not None else []) + \
        [("user", user_conf_file(system, home))]
    for layer, path in files:
        values = read_conf_file(path)
        if wanted in values:
            return Found(layer, values[wanted], str(path))
    return Found("default", "")
