"""The command line: argument parsing and printing only; the work is done by kpidesk.services.

Command groups live in ``cmd_*.py`` modules beside this one, each with ``register(subparsers)``; they are
found automatically so that adding a command never means editing this file.
"""

from __future__ import annotations

import argparse
import atexit
import importlib
import logging
import os
import pkgutil
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from kpidesk.domain.text_rules import show_controls
from kpidesk.errors import KpiDeskError, NotFound
from kpidesk.i18n import _, set_language

log = logging.getLogger("kpidesk.cli")

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3


@dataclass
class CliContext:
    """What a handler needs: the database (opened on first use) and the acting user.

    ``creates_database`` is set by the commands allowed to make a new database file (init, demo);
    ``ending_process`` when the program ends after the command (not when a test or a script calls ``main``).
    """

    db_target: str | None
    user: str | None = None
    creates_database: bool = False
    passphrase_file: str | None = None  # opens an encrypted database whose key this computer does not keep
    ending_process: bool = False
    _db: object = field(default=None, repr=False)
    _actor: object = field(default=None, repr=False)

    @property
    def db(self):
        if self._db is None:
            if not self.creates_database:
                require_existing_database(self.db_target)
            self._db = self.open_checked()  # a damaged file is named with its newest good backup
            for warning in self._db.warnings:
                print(_("Warning: {message}").format(message=warning), file=sys.stderr)
        return self._db

    def passphrase(self) -> str | None:
        """The passphrase from ``--passphrase-file`` (its first line), if one was named."""
        if not self.passphrase_file:
            return None
        try:
            text = Path(self.passphrase_file).expanduser().read_text(encoding="utf-8")
        except OSError as exc:
            raise NotFound(_("Cannot read the passphrase file {path}: {error}").format(
                path=self.passphrase_file, error=exc.strerror or exc)) from None
        return text.splitlines()[0] if text.strip() else None

    def open_checked(self):
        """Open through the file checks; an encrypted file whose key is not kept here is opened with the
        passphrase file, else with a passphrase typed at a prompt (when someone is at the terminal)."""
        from kpidesk.errors import KeyNeeded
        from kpidesk.services.safety.database import open_checked

        try:
            return open_checked(self.db_target, passphrase=self.passphrase())
        except KeyNeeded:
            if self.passphrase_file or not sys.stdin.isatty():
                raise
            import getpass

            typed = getpass.getpass(_("Passphrase of the encrypted database (with logins on, the administrator's "
                                      "password): "))
            return open_checked(self.db_target, passphrase=typed)

    @property
    def actor(self):
        if self._actor is None:
            from kpidesk.services.safety.auth import actor_for_cli

            self._actor = actor_for_cli(self.db, self.user)
        return self._actor

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def require_existing_database(target: str | None) -> None:
    """Refuse a ``--db`` or ``KPIDESK_DB`` file that does not exist, so a mistyped path never turns into a
    new empty database. Server URLs and the default location (created on first use) pass."""
    raw = target if target is not None else os.environ.get("KPIDESK_DB") or None
    if raw is None or "://" in raw:
        return
    path = Path(raw).expanduser().resolve()
    if not path.exists():
        raise NotFound(_("No database at {path}. Create one with: kpidesk --db \"{path}\" init").format(path=path))


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # exit code 2 with one line, as argparse does, but translated
        self.print_usage(sys.stderr)
        print(f"{self.prog}: {_('error')}: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


class _VersionAction(argparse.Action):
    """``--version``, reading the installed version only when asked (it costs every command ~50 ms)."""

    def __init__(self, option_strings, dest, **kwargs) -> None:
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help=_("show the program's version number and exit"))

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from kpidesk import __version__

        print(f"KPI Desk {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="kpidesk", description=_("KPI Desk — staff performance appraisal"))
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--db", help=_("database file or SQLAlchemy URL (default: KPIDESK_DB or the user data folder)"))
    parser.add_argument("--user", help=_("log in as this user when access control is on"))
    parser.add_argument("--passphrase-file", metavar="FILE",
                        help=_("file whose first line is the passphrase of an encrypted database"))
    parser.add_argument("--lang", help=_("language: zh, en or system"))
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in iter_command_modules():
        module.register(subparsers)
    return parser


def iter_command_modules():
    package = importlib.import_module(__name__)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("cmd_"):
            yield importlib.import_module(f"{__name__}.{info.name}")


def main(argv: Sequence[str] | None = None) -> int:
    from kpidesk.logging_setup import configure_logging

    configure_logging()
    ending_the_process = argv is None  # run as the program, not called by a test or a script
    argv = list(sys.argv[1:] if argv is None else argv)
    lang_index = argv.index("--lang") if "--lang" in argv else -1
    set_language(argv[lang_index + 1] if 0 <= lang_index < len(argv) - 1 else None)
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    ctx = CliContext(db_target=args.db, user=args.user, creates_database=getattr(args, "creates_database", False),
                     passphrase_file=getattr(args, "command_passphrase_file", None) or args.passphrase_file,
                     ending_process=ending_the_process)
    try:
        code = _run(args, ctx)
    finally:
        ctx.close()
    if ending_the_process:
        end_process(code)
    return code


def _run(args, ctx: CliContext) -> int:
    try:
        return int(args.handler(args, ctx) or 0)
    except KpiDeskError as exc:
        log.info("command failed", exc_info=True)
        print(f"kpidesk: {show_controls(str(exc))}", file=sys.stderr)  # stored text never drives the terminal
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head` and the reader went away: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        print(_("Interrupted; nothing was changed."), file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug: the user gets one line, the log gets the traceback
        log.exception("unexpected error")
        from kpidesk.logging_setup import log_file

        print(
            _("kpidesk: unexpected error: {error} (details in {log})").format(error=exc, log=log_file()),
            file=sys.stderr,
        )
        return EXIT_ERROR


def end_process(code: int) -> NoReturn:
    """End the program once its command is done. The exit handlers run (the log written out, a chart
    process and temporary folders cleaned up) and the output is flushed; the interpreter's teardown, which
    frees every object of every module loaded one at a time (some 40 ms after printing one sheet, with
    pandas, SQLAlchemy and reportlab loaded), is left to the operating system."""
    atexit._run_exitfuncs()  # what a normal exit runs first; no public name exists for it
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe or stream: nothing more can reach it
            pass
    os._exit(code)
