"""KPI Desk: offline staff performance appraisal."""

__version__ = "0.1.0"
