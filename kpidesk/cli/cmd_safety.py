"""``backup``, ``restore``, ``audit list|verify|export``, ``users …`` and ``verify-sheet``."""

from __future__ import annotations

import getpass
import os
import sys
from datetime import date
from pathlib import Path

from kpidesk.cli.output import check_out, print_json, print_table
from kpidesk.errors import ValidationError
from kpidesk.i18n import _
from kpidesk.services.actor import Role

NEW_PASSWORD_ENV = "KPIDESK_NEW_PASSWORD"


def register(subparsers) -> None:
    p = subparsers.add_parser("backup", help=_("back up the database now (checked copy)"))
    p.add_argument("--out", metavar="FILE", help=_("write the backup to this file instead of the backup folder"))
    p.add_argument("--list", action="store_true", help=_("list the backups kept for this database"))
    p.add_argument("--folder", metavar="DIR",
                   help=_("keep this database's backups in DIR from now on, moving the existing ones "
                          "('default': beside the database)"))
    p.set_defaults(handler=run_backup)

    p = subparsers.add_parser("restore", help=_("replace the database with a checked backup"))
    p.add_argument("file", nargs="?", metavar="FILE", help=_("the backup file to restore"))
    p.add_argument("--newest", action="store_true", help=_("restore the newest backup that passes every check"))
    p.set_defaults(handler=run_restore)

    p = subparsers.add_parser("audit", help=_("the audit log: list, verify, export"))
    sub = p.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help=_("show entries, newest first"))
    _add_filters(listing)
    listing.add_argument("--limit", type=int, default=50, help=_("how many entries (default 50, 0 for all)"))
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    listing.set_defaults(handler=run_audit_list)
    sub.add_parser("verify", help=_("check that no entry was altered or removed")).set_defaults(
        handler=run_audit_verify)
    export = sub.add_parser("export", help=_("write entries to a .csv or .xlsx file"))
    export.add_argument("out", metavar="FILE")
    _add_filters(export)
    export.set_defaults(handler=run_audit_export)

    p = subparsers.add_parser("users", help=_("logins and roles"))
    sub = p.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    enable = sub.add_parser("enable-access", help=_("turn on logins and create the administrator"))
    enable.add_argument("--admin", default="admin", metavar="NAME", help=_("administrator's user name"))
    enable.set_defaults(handler=run_enable_access)
    sub.add_parser("disable-access", help=_("back to single-user mode (no logins)")).set_defaults(
        handler=run_disable_access)
    add = sub.add_parser("add", help=_("add a user"))
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[role.value for role in Role])
    add.add_argument("--employee", metavar="STAFF_NO", help=_("the employee this login belongs to"))
    add.add_argument("--department", metavar="NAME_OR_ID", help=_("a department head's department"))
    add.set_defaults(handler=run_add_user)
    passwd = sub.add_parser("passwd", help=_("set a user's password"))
    passwd.add_argument("name")
    passwd.set_defaults(handler=run_passwd)
    sub.add_parser("list", help=_("list users")).set_defaults(handler=run_list_users)
    recover = sub.add_parser("recover", help=_("reset an administrator's password with the recovery code"))
    recover.add_argument("name")
    recover.set_defaults(handler=run_recover)

    p = subparsers.add_parser("verify-sheet", help=_("check a printed sheet's hash against the database"))
    p.add_argument("--period", required=True)
    p.add_argument("--employee", required=True, metavar="STAFF_NO")
    p.add_argument("hash", metavar="HASH")
    p.set_defaults(handler=run_verify_sheet)


def _add_filters(parser) -> None:
    parser.add_argument("--since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--until", type=date.fromisoformat, metavar="YYYY-MM-DD")
    parser.add_argument("--by", metavar="USER", help=_("only this user's entries"))
    parser.add_argument("--action", help=_("action or its prefix, e.g. value or import"))
    parser.add_argument("--entity", help=_("kind of item, e.g. measurement, employee, period"))
    parser.add_argument("--search", metavar="TEXT", help=_("text in item ids, values or reasons"))


def _filters(args, **extra):
    from kpidesk.services.safety.audit import AuditFilter

    return AuditFilter(since=args.since, until=args.until, actor=args.by, action=args.action,
                       entity=args.entity, text=args.search, **extra)


def _db(ctx):
    """Open the database through the checks that name the newest good backup when the file is unusable."""
    if getattr(ctx, "_db", None) is None:
        from kpidesk.cli import require_existing_database

        require_existing_database(ctx.db_target)
        ctx._db = ctx.open_checked()
        for warning in ctx._db.warnings:
            print(_("Warning: {message}").format(message=warning), file=sys.stderr)
    return ctx._db


# --------------------------------------------------------------------------- backup and restore


def run_backup(args, ctx) -> int:
    from kpidesk.services.safety import backup

    db = _db(ctx)
    if args.folder:
        folder, moved = backup.change_backup_folder(db, ctx.actor, None if args.folder == "default" else args.folder)
        print(_("Backups are kept in {folder} ({count} moved there).").format(folder=folder, count=moved))
        return 0
    if args.list:
        from kpidesk.services.safety.access import Permission, require

        require(ctx.actor, Permission.BACKUP)
        if db.path is None:
            raise ValidationError(_("Only a database file has a backup folder."))
        rows = backup.describe_backups(db.path)
        print_table([_("When"), _("Why"), _("Size"), _("File")],
                    [[r["taken_at"], r["reason"], r["size"], r["file"]] for r in rows])
        return 0
    target = backup.backup_to(db, ctx.actor, check_out(args.out) if args.out else None)
    print(_("Backup written: {path}").format(path=target))
    return 0


def run_restore(args, ctx) -> int:
    from kpidesk.services.safety import backup
    from kpidesk.services.safety.access import Permission, require
    from kpidesk.services.safety.startup import database_file

    if bool(args.file) == bool(args.newest):
        raise ValidationError(_("Give the backup FILE to restore, or --newest."))
    db_path = database_file(ctx.db_target)
    if db_path is None:
        raise ValidationError(_("Restore works on database files; a server database has its own backups."))
    from kpidesk.services.actor import Actor

    actor = Actor.local_owner()  # a damaged database has no logins to ask: whoever is at the keyboard restores
    if backup.diagnose(db_path) is None and db_path.exists() and db_path.stat().st_size:
        _db(ctx)
        actor = ctx.actor  # a usable database: its logins decide who may replace it
        require(actor, Permission.RESTORE)
    ctx.close()
    ctx._db = None
    result = (backup.restore_newest_good_backup(db_path, actor=actor) if args.newest
              else backup.restore(db_path, Path(args.file), actor=actor, passphrase=ctx.passphrase()))
    print(_("Restored {database} from {source}.").format(database=result.database, source=result.source))
    if result.replaced_copy:
        print(_("The replaced file is kept as {path}").format(path=result.replaced_copy))
    return 0


# --------------------------------------------------------------------------- audit log


def run_audit_list(args, ctx) -> int:
    from kpidesk.services.safety import audit
    from kpidesk.services.safety.use_cases import audit_entries

    rows = audit_entries(_db(ctx), ctx.actor, _filters(args, limit=args.limit or None))
    if args.json:
        print_json([{"id": r.id, "at": r.at.isoformat() + "Z", "actor": r.actor, "action": r.action,
                     "entity": r.entity, "entity_id": r.entity_id, "old": r.old, "new": r.new,
                     "reason": r.reason} for r in rows])
        return 0
    frame = audit.entries_frame(rows)
    print_table([str(c) for c in frame.columns],
                [[_short(v) for v in row] for row in frame.itertuples(index=False, name=None)])
    return 0


def _short(value, width: int = 60):
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = str(value).replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def run_audit_verify(args, ctx) -> int:
    from kpidesk.services.appraisal.integrity import verify_integrity
    from kpidesk.services.safety import audit
    from kpidesk.services.safety.use_cases import verify_audit

    check = verify_audit(_db(ctx), ctx.actor)
    integrity = verify_integrity(_db(ctx), ctx.actor)
    if check.ok and not integrity.ok:
        print(_("The {count} audit log entries link up, but the log disagrees with its witnesses or with the "
                "stored periods:").format(count=check.checked))
    else:
        print(audit.describe_check(check))
    print_integrity(integrity)
    return 0 if check.ok and integrity.ok else 1


def print_integrity(report) -> None:
    """Disagreements with the witnesses and between periods, snapshots and the log; then notices."""
    for problem in report.problems:
        print(problem)
    for notice in report.notices:
        print(_("Note: {message}").format(message=notice))


def run_audit_export(args, ctx) -> int:
    from kpidesk.services.safety.use_cases import export_audit

    path = export_audit(_db(ctx), ctx.actor, check_out(args.out), _filters(args, newest_first=False))
    print(_("Audit log written: {path}").format(path=path))
    return 0


# --------------------------------------------------------------------------- users


def _new_password(prompt_for: str) -> str:
    password = os.environ.get(NEW_PASSWORD_ENV)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise ValidationError(
            _("Give the new password in {env} or run the command in a terminal.").format(env=NEW_PASSWORD_ENV)
        )
    first = getpass.getpass(_("New password for {user}: ").format(user=prompt_for))
    if getpass.getpass(_("Repeat the password: ")) != first:
        raise ValidationError(_("The two passwords differ."))
    return first


def run_enable_access(args, ctx) -> int:
    from kpidesk.services.safety.use_cases import enable_access

    db = _db(ctx)
    password = _new_password(args.admin)
    enabled = enable_access(db, ctx.actor, args.admin, password)
    print(_("Access control is on. Administrator: {name}").format(name=enabled.admin))
    print(_("Recovery code (shown once; keep it somewhere safe): {code}").format(code=enabled.recovery_code))
    return 0


def run_disable_access(args, ctx) -> int:
    from kpidesk.services.safety.use_cases import disable_access

    disable_access(_db(ctx), ctx.actor)
    print(_("Access control is off: single-user mode."))
    return 0


def run_add_user(args, ctx) -> int:
    from kpidesk.services.people.use_cases import login_scope
    from kpidesk.services.safety.use_cases import add_user

    db = _db(ctx)
    actor = ctx.actor
    employee_id, department_id = login_scope(db, actor, args.employee, args.department)
    password = _new_password(args.name)
    name = add_user(db, actor, args.name, password, args.role, employee_id=employee_id, department_id=department_id)
    print(_("User {name} added.").format(name=name))
    return 0


def run_passwd(args, ctx) -> int:
    from kpidesk.services.safety.access import Permission, can
    from kpidesk.services.safety.use_cases import set_password

    db = _db(ctx)
    actor = ctx.actor
    old = None
    if actor.name == args.name and not can(actor, Permission.USERS_MANAGE):  # changing one's own password
        old = os.environ.get("KPIDESK_PASSWORD")
        if old is None:
            old = getpass.getpass(_("Current password: "))
    password = _new_password(args.name)
    set_password(db, actor, args.name, password, old_password=old)
    print(_("Password changed for {name}.").format(name=args.name))
    return 0


def run_list_users(args, ctx) -> int:
    from kpidesk.services.safety.access import role_label
    from kpidesk.services.safety.use_cases import list_users

    enabled, rows = list_users(_db(ctx), ctx.actor)
    print(_("Access control: {state}").format(state=_("on") if enabled else _("off (single-user mode)")))
    print_table([_("User"), _("Role"), _("Employee"), _("Department"), _("Enabled")],
                [[r.username, role_label(r.role), r.employee_id, r.department_id, _("yes") if r.active else _("no")]
                 for r in rows])
    return 0


def run_recover(args, ctx) -> int:
    from kpidesk.services.safety import auth

    db = _db(ctx)
    code = os.environ.get("KPIDESK_RECOVERY_CODE")
    if code is None:
        if not sys.stdin.isatty():
            raise ValidationError(_("Give the recovery code in KPIDESK_RECOVERY_CODE or run in a terminal."))
        code = getpass.getpass(_("Recovery code: "))
    password = _new_password(args.name)
    next_code = auth.recover_admin(db, args.name, code, password)
    print(_("Password reset for {name}.").format(name=args.name))
    print(_("New recovery code (shown once; the old one no longer works): {code}").format(code=next_code))
    return 0


# --------------------------------------------------------------------------- printed sheets


def run_verify_sheet(args, ctx) -> int:
    from kpidesk.services.printing.use_cases import verify_printed_sheet

    result = verify_printed_sheet(_db(ctx), ctx.actor, args.period, args.employee, args.hash)
    print(result.message)
    return 0 if result.ok else 1
