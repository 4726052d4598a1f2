"""``init``, ``demo``, ``info`` and ``db upgrade|check``."""

from __future__ import annotations

from kpidesk.cli.output import print_json
from kpidesk.i18n import _


def register(subparsers) -> None:
    p = subparsers.add_parser("init", help=_("create the database, optionally with a starter library"))
    p.add_argument("--starter", metavar="NAME", help=_("starter library to install, e.g. customer-service"))
    p.set_defaults(handler=run_init, creates_database=True)

    p = subparsers.add_parser("demo", help=_("fill an empty database with the demo department"))
    p.add_argument("--size", type=int, metavar="N",
                   help=_("instead, generate an office of N people with a year of raw data (for speed tests)"))
    p.set_defaults(handler=run_demo, creates_database=True)

    p = subparsers.add_parser("info", help=_("show counts, schema version, path and periods"))
    p.add_argument("--json", action="store_true", help=_("print JSON"))
    p.set_defaults(handler=run_info)

    p = subparsers.add_parser("db", help=_("database maintenance"))
    sub = p.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    sub.add_parser("upgrade", help=_("bring the schema up to date")).set_defaults(handler=run_db_upgrade)
    sub.add_parser("check", help=_("check integrity and schema version")).set_defaults(handler=run_db_check)
    copy = sub.add_parser("copy", help=_("copy a whole database to another (e.g. a file to a server)"))
    copy.add_argument("--from", dest="source", required=True, metavar="DB", help=_("database file or URL to copy"))
    copy.add_argument("--to", dest="target", required=True, metavar="DB", help=_("empty database file or URL"))
    copy.set_defaults(handler=run_db_copy)
    for action, text in (
        ("encrypt", _("encrypt the database file in place (administrators); the key comes from the "
                      "administrator's password with logins on, else from the passphrase file or the keyring")),
        ("decrypt", _("store the database file without encryption again (administrators)")),
    ):
        command = sub.add_parser(action, help=text)
        command.add_argument("--passphrase-file", dest="command_passphrase_file", metavar="FILE",
                             help=_("file whose first line is the passphrase"))
        command.set_defaults(handler=run_db_encrypt if action == "encrypt" else run_db_decrypt)


def run_init(args, ctx) -> int:
    from kpidesk.services.safety.startup import database_file

    path = database_file(ctx.db_target)
    existed = path is None or (path.exists() and path.stat().st_size > 0)
    db = ctx.db
    if existed:  # re-running init on a database in use is an administrator's job
        from kpidesk.services.safety.access import Permission, require

        require(ctx.actor, Permission.DATABASE_ADMIN)
    if args.starter:
        from kpidesk.services.library.use_cases import install_starter

        counts = install_starter(db, ctx.actor, args.starter)
        print(_("Installed starter library {name}: {kpis} KPIs, {templates} templates").format(name=args.starter, **counts))
    print(_("Database ready: {path}").format(path=db.display_name))
    return 0


def run_demo(args, ctx) -> int:
    import sys

    from kpidesk.cli.cmd_pdf import ProgressBar
    from kpidesk.services.demo import build_demo
    from kpidesk.services.demo_office import build_office

    bar = ProgressBar(sys.stderr)
    try:
        if args.size is None:
            counts = build_demo(ctx.db, ctx.actor, progress=bar)
        else:
            counts = build_office(ctx.db, ctx.actor, args.size, progress=bar)
    finally:
        bar.close()
    print(_("Demo created: {employees} employees, {periods} periods, {measurements} values").format(**counts))
    return 0


def run_info(args, ctx) -> int:
    from kpidesk.services.safety.use_cases import database_info

    data = database_info(ctx.db, ctx.actor)
    if args.json:
        print_json(data)
        return 0
    print(_("Database: {path}").format(path=data["path"]))
    print(_("Schema version: {version}").format(version=data["schema_version"]))
    if data["encrypted"]:
        print(_("The database file is encrypted."))
    for key, value in data["counts"].items():
        print(f"  {key}: {value}")
    if data["periods"]:
        print(_("Periods: {periods}").format(periods=", ".join(f"{p['code']} ({p['status']})" for p in data["periods"])))
    return 0


def run_db_upgrade(args, ctx) -> int:
    from kpidesk.cli import require_existing_database
    from kpidesk.services.safety.startup import login_of, upgrade_schema

    require_existing_database(ctx.db_target)
    version = upgrade_schema(login_of(ctx.db_target, ctx.user), ctx.db_target)
    print(_("Schema version: {version}").format(version=version))
    return 0


def run_db_copy(args, ctx) -> int:
    from kpidesk.cli import require_existing_database
    from kpidesk.services.safety.startup import copy_database_between, login_of

    require_existing_database(args.source)  # only the target may be created
    result = copy_database_between(login_of(args.source, ctx.user), args.source, args.target)
    print(_("Copied {rows} rows; the audit chain of {entries} entries verifies.").format(
        rows=sum(result.counts.values()), entries=result.audit_entries))
    return 0


def run_db_check(args, ctx) -> int:
    from kpidesk.cli.cmd_safety import print_integrity
    from kpidesk.services.appraisal.integrity import verify_integrity
    from kpidesk.services.safety.startup import problems_when_logins_unreadable
    from kpidesk.services.safety.use_cases import check_database

    unreadable = problems_when_logins_unreadable(ctx.db)  # a damaged file is diagnosed for anyone
    problems = unreadable if unreadable is not None else check_database(ctx.db, ctx.actor)
    integrity = verify_integrity(ctx.db, ctx.actor) if not problems else None
    for problem in problems:
        print(problem)
    if integrity is not None:
        print_integrity(integrity)
    if problems or (integrity is not None and not integrity.ok):
        return 1
    print(_("The database is sound."))
    return 0


def run_db_encrypt(args, ctx) -> int:
    import getpass
    import os
    import sys

    from kpidesk.services.safety.auth import actor_for_cli
    from kpidesk.services.safety.encryption import KeySource, encrypt_database, keyring_usable, logins_on

    db = ctx.db
    if logins_on(db):
        password = os.environ.get("KPIDESK_PASSWORD")
        if password is None:
            password = getpass.getpass(_("Password for {user}: ").format(user=ctx.user or ""))
        ctx._actor = actor_for_cli(db, ctx.user, password)
        passphrase: str | None = password
    else:
        passphrase = ctx.passphrase()
        if passphrase is None and not keyring_usable() and sys.stdin.isatty():
            passphrase = _prompt_new_passphrase()
    result = encrypt_database(db, ctx.actor, passphrase)
    ctx._db = result.db
    messages = {
        KeySource.ADMIN_PASSWORD: _("The database is encrypted with the administrator's password."),
        KeySource.PASSPHRASE: _("The database is encrypted with the passphrase given."),
        KeySource.KEYRING: _("The database is encrypted with a random key kept in this computer's keyring."),
    }
    print(messages[result.key_source or KeySource.KEYRING])
    if result.remembered:
        print(_("This computer keeps the key in its keyring, so the database opens here without asking."))
    if result.plain_backups:
        print(_("{count} backups taken before encrypting are not encrypted; delete them from {folder} when "
                "they are no longer needed.").format(count=result.plain_backups, folder=result.db.backup_dir))
    return 0


def _prompt_new_passphrase() -> str:
    import getpass

    from kpidesk.errors import ValidationError

    first = getpass.getpass(_("New passphrase for the database: "))
    if first != getpass.getpass(_("The same passphrase again: ")):
        raise ValidationError(_("The two passphrases differ; the database was not encrypted."))
    return first


def run_db_decrypt(args, ctx) -> int:
    from kpidesk.services.safety.encryption import decrypt_database

    result = decrypt_database(ctx.db, ctx.actor)
    ctx._db = result.db
    print(_("The database is stored without encryption again; backups taken while it was encrypted still "
            "need its key."))
    return 0
