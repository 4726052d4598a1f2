"""Start the KPI Desk desktop application (also the entry point of the frozen ``kpidesk-gui``)."""

import sys

# First of all: in a frozen app a printing or chart child process is this same program started again;
# freeze_support runs the child's task and exits, instead of opening a second window. It does nothing
# outside a frozen app, so a start from source does not load multiprocessing before its first frame.
if getattr(sys, "frozen", False):
    import multiprocessing

    multiprocessing.freeze_support()

if __name__ == "__main__":
    from pathlib import Path

    if Path(sys.argv[0]).stem == "kpidesk":  # the frozen app's command line, a link to this program
        from kpidesk.cli import main

        raise SystemExit(main())
    if sys.argv[1:2] == ["--self-check-print"]:
        from kpidesk.ui.self_check import self_check_print

        raise SystemExit(self_check_print(sys.argv[2:]))
    from kpidesk.ui.app import run

    raise SystemExit(run())
