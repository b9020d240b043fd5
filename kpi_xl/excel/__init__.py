"""The Excel layer: xlwings formulas (udfs) and the cell readers they use."""
