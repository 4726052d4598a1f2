"""Start the KPI Desk desktop application."""

from kpidesk.ui.app import run

if __name__ == "__main__":
    raise SystemExit(run())
