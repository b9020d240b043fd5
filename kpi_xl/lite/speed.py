"""A workaround for xlwings' per-cell ``is_jsnull`` on the Office.js path (xlwings Lite, xlwings Server).

xlwings cleans every cell of a custom function's arguments with ``xlwings.utils.is_jsnull``, which runs
``from pyodide.ffi import JsNull`` for each cell. Where that import fails (CPython, or a Pyodide older than
0.28, which has no ``JsNull``) Python searches for it again every time: on 100,000 order rows that is most
of a formula's time (figures in docs/performance.md). :func:`answer_jsnull_once` imports it once and puts
an equivalent check in its place.
"""

from __future__ import annotations

from typing import Any, Callable

__all__ = ["answer_jsnull_once", "jsnull_check"]


def jsnull_check() -> Callable[[Any], bool]:
    """``is_jsnull`` with its import done once: True for Pyodide's ``JsNull`` sentinel, else False."""
    try:
        from pyodide.ffi import JsNull
    except ImportError:  # not Pyodide, or a Pyodide without JsNull: no value can be JsNull
        def is_jsnull(value: Any) -> bool:
            return False
    else:
        def is_jsnull(value: Any) -> bool:
            return isinstance(value, JsNull)
    is_jsnull.kpi_xl_once = True
    return is_jsnull


def answer_jsnull_once() -> bool:
    """Replace ``xlwings.utils.is_jsnull`` (which xlwings' Office.js engine calls per cell) by
    :func:`jsnull_check`; True if it was replaced, False where this xlwings has no such function."""
    from xlwings import utils

    current = getattr(utils, "is_jsnull", None)
    if current is None:
        return False
    if not getattr(current, "kpi_xl_once", False):
        utils.is_jsnull = jsnull_check()
    return True
