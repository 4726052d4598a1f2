"""Entry point of the frozen command line ``kpidesk``."""

import sys

# First of all: `kpidesk pdf` renders charts in child processes, which in a frozen app are this same
# program started again; freeze_support runs the child's task and exits instead of parsing a command.
if getattr(sys, "frozen", False):
    import multiprocessing

    multiprocessing.freeze_support()

if __name__ == "__main__":
    from kpidesk.cli import main

    raise SystemExit(main())
