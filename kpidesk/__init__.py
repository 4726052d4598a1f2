"""KPI Desk: offline staff performance appraisal."""


def __getattr__(name: str) -> str:
    """``__version__`` is looked up when first asked for: reading the installed metadata loads
    ``importlib.metadata`` (and the email parser behind it), about 50 ms that every window start, command and
    printing child process would otherwise pay."""
    if name != "__version__":
        raise AttributeError(f"module 'kpidesk' has no attribute {name!r}")
    from importlib.metadata import PackageNotFoundError, version

    try:
        value = version("kpidesk")  # the one source is pyproject.toml's [project] version
    except PackageNotFoundError:  # a source checkout put on sys.path without installing it
        value = "0+unknown"
    globals()["__version__"] = value
    return value
