"""The xlwings Lite edition: the KPI_* formulas and the four buttons in Excel for Windows, Mac and the web,
with Python running inside the xlwings Lite add-in (Pyodide). ``main.py`` is the file the workbook holds."""
