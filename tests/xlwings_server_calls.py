"""Calls KPI_* functions through xlwings' real Office.js conversion path (xlwings.server).

Run in its own process (the environment must say XLWINGS_ON_SERVER=true before
xlwings is imported): reads a JSON list of {"func_name", "args"} payloads on
standard input, prints the JSON list of results. Tests only: the shipped
add-in never imports xlwings.server.
"""

import asyncio
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's kpi_xl

import xlwings
from xlwings.server import custom_functions_call

from kpi_xl.excel import udfs

BASE = {"version": xlwings.__version__, "client": "Office.js", "runtime": "1.4",
        "culture_info_name": "fr-FR", "date_format": "dd/MM/yyyy"}


async def call_all(payloads):
    return [await custom_functions_call({**BASE, **payload}, udfs) for payload in payloads]


if __name__ == "__main__":
    print(json.dumps(asyncio.run(call_all(json.load(sys.stdin)))))
