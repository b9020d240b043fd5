"""kpi_xl: e-commerce KPIs for Excel, from a tested Python engine."""

__version__ = "0.1.0"
