"""The Experiments tab: guided experiments, their cases, table, chart and verdict."""
