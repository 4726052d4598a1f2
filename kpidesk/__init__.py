"""KPI Desk: offline staff performance appraisal."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kpidesk")  # the one source is pyproject.toml's [project] version
except PackageNotFoundError:  # a source checkout put on sys.path without installing it
    __version__ = "0+unknown"
