"""What xlwings' remote engine sends Excel for a refresh, compared with what the headless refresh wrote."""

import datetime as dt

import pytest

from kpi_xl.excel.fill import NOT_AVAILABLE
from kpi_xl.excel.package import Package
from kpi_xl.excel.values import Formatted, Formula


def written(actions):
    """The cells the actions set, by (sheet position, row, column), 1-based."""
    cells = {}
    for action in actions:
        if action["func"] != "setValues":
            continue
        for i, row in enumerate(action["values"]):
            for j, value in enumerate(row):
                cells[(action["sheet_position"], action["start_row"] + i + 1, action["start_column"] + j + 1)] = value
    return cells


def assert_same_dashboard(actions, fill, headless_copy) -> int:
    """Every cell ``fill`` (the headless refresh of ``headless_copy``) wrote, but the time stamp, is what the
    actions set, with the same number format; returns how many cells were compared."""
    package = Package(headless_copy)
    dashboard = list(package.sheets).index("Tableau de bord")
    cells = written(actions)
    formats = {(a["sheet_position"], a["start_row"] + 1, a["start_column"] + 1): a["args"][0]
               for a in actions if a["func"] == "setNumberFormat"}
    checked = 0
    for name, values in fill.writes.items():
        if name == "kpi_refreshed_at":
            continue
        _sheet, (r1, c1, _r2, _c2) = package.name_target(name)
        for (dr, dc), value in values.items():
            remote = cells[(dashboard, r1 + dr, c1 + dc)]
            if isinstance(value, Formatted):
                assert formats[(dashboard, r1 + dr, c1 + dc)] == value.number_format, (name, dr, dc)
                value = value.value
            if isinstance(value, Formula):
                assert value == NOT_AVAILABLE and remote == "=NA()"
            elif isinstance(value, float):
                assert remote == pytest.approx(value), (name, dr, dc)
            elif isinstance(value, (dt.date, dt.datetime)):
                assert str(remote).startswith(value.strftime("%Y-%m-%d")), (name, remote)
            else:
                assert remote in (value, "" if value is None else value), (name, dr, dc, remote)
            checked += 1
    return checked
