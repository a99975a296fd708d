"""Pure-Python analysis: statistics, scoring, typology, benchmarks and rules.

Nothing in this package may import Django (a test enforces it): functions take plain values or
DataFrames and return plain values or DataFrames, so they can be tested and reused anywhere.
"""
