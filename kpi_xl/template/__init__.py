"""Build-time code of the template workbook (runs on any OS, never inside Excel)."""
