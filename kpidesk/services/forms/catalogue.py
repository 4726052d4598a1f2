"""Which forms exist: the form files, the versions pinned in the database, and how rater roles are named.

A form file is copied into the database (``form_versions``) the first time a template uses it; responses
point at that copy, so editing the file later never changes an appraisal already made.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kpidesk.domain.form_parsing import FormProblem
from kpidesk.domain.forms import Form, RaterRole, form_fingerprint, form_from_dict, form_to_dict
from kpidesk.errors import NotFound, Place, ValidationError
from kpidesk.exchange.form_files import BUNDLED, USER, load_catalogue, load_form_file
from kpidesk.i18n import N_, _
from kpidesk.resources import FORMS_DIR
from kpidesk.services.actor import Actor
from kpidesk.services.safety import audit
from kpidesk.services.safety.access import Permission, require
from kpidesk.services.safety.gates import touches_no_appraisal_data
from kpidesk.store import models as m

ROLE_LABELS = {
    RaterRole.SELF: N_("self-assessment"),
    RaterRole.MANAGER: N_("manager assessment"),
    RaterRole.PEER: N_("peer assessment"),
    RaterRole.HR: N_("HR assessment"),
}


def role_label(role: RaterRole | str) -> str:
    return _(ROLE_LABELS[RaterRole(role)])


def problem_error(problems: Iterable[FormProblem]) -> ValidationError:
    """The first error of a form file as an exception (the other problems are in its message count)."""
    errors = [p for p in problems if p.is_error]
    first = errors[0]
    message = first.message(_)
    if first.path:
        message = f"{first.path}: {message}"
    if len(errors) > 1:
        message += " " + _("(and {count} more problems)").format(count=len(errors) - 1)
    return ValidationError(message, Place(file=first.file, row=first.line))


@dataclass(frozen=True)
class FormListing:
    """One form file as ``forms list`` shows it, with the versions already stored in the database."""

    key: str
    version: int
    title_zh: str
    title_en: str
    criteria: int
    raters: tuple[str, ...]
    path: str
    source: str = BUNDLED  # BUNDLED or USER (the office's own folder)
    stored_versions: tuple[int, ...] = ()
    #: The file's version is stored with different content: HR edited it without raising ``version``.
    changed_without_new_version: bool = False


def form_folders(forms_dir: Path | None = None) -> list[tuple[str, Path]]:
    """Where forms are read: the folder given, else the bundled forms with the office's own folder
    (user data) over them, where a form with the same id replaces the bundled one."""
    if forms_dir is not None:
        return [(USER, Path(forms_dir))]
    from kpidesk.store.locations import user_forms_folder

    return [(BUNDLED, FORMS_DIR), (USER, user_forms_folder())]


def find_form(key: str, forms_dir: Path | None = None) -> Form:
    """The form with id ``key``; a broken file meant for it (named after it) raises its errors."""
    folders = form_folders(forms_dir)
    entries, problems = load_catalogue(folders)
    broken = [p for p in problems if p.is_error and Path(p.file).stem == key]
    own_copy_broken = any(Path(p.file).parent == Path(folders[-1][1]) for p in broken)
    if broken and (own_copy_broken or key not in entries):
        raise problem_error(broken)  # the office's own copy is broken: never fall back silently
    if key in entries:
        return entries[key].form
    raise NotFound(_("There is no form {key} in {folder}.").format(
        key=key, folder=", ".join(str(folder) for _source, folder in folders)))


def _stored(session: Session, key: str, version: int) -> m.FormVersion | None:
    return session.execute(
        select(m.FormVersion).where(m.FormVersion.form_key == key, m.FormVersion.version == version)
    ).scalar()


def pin_loaded_form(session: Session, form: Form, actor: Actor) -> m.FormVersion:
    """Store this exact form under its id and version, or return the copy already stored.

    A stored version with other content means the file was edited without raising its version; that is
    refused, because the appraisals made with the stored copy must keep it.
    """
    fingerprint = form_fingerprint(form)
    existing = _stored(session, form.id, form.version)
    if existing is not None:
        if existing.content_hash != fingerprint:
            raise ValidationError(
                _(
                    "Form {key} version {version} was changed after it was stored; raise its version "
                    "number in the file to use the new content."
                ).format(key=form.id, version=form.version)
            )
        return existing
    row = m.FormVersion(
        form_key=form.id,
        version=form.version,
        title_zh=form.title.zh or form.title.en,
        title_en=form.title.en or form.title.zh,
        content=form_to_dict(form),
        content_hash=fingerprint,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "form.pin",
        entity="form_version",
        entity_id=f"{form.id}@{form.version}",
        new={"hash": fingerprint},
    )
    return row


def pin_form(
    session: Session, key: str, *, forms_dir: Path | None = None, actor: Actor
) -> m.FormVersion:
    """Copy the form file ``key`` into the database (once per version) and return the stored version."""
    return pin_loaded_form(session, find_form(key, forms_dir), actor)


def attach_form(
    session: Session,
    actor: Actor,
    template_id: int,
    key: str,
    share: Decimal | int | str = 100,
    *,
    forms_dir: Path | None = None,
) -> m.TemplateForm:
    """Attach a form (pinned now) to a template with its share of the qualitative part."""
    require(actor, Permission.LIBRARY_WRITE)
    template = session.get(m.Template, template_id)
    if template is None:
        raise NotFound(_("There is no template {id}.").format(id=template_id))
    share = Decimal(str(share))
    if share <= 0 or share > 100:
        raise ValidationError(_("A form's share must be above 0 and at most 100."))
    version = pin_form(session, key, forms_dir=forms_dir, actor=actor)
    for attached in template.forms:
        if attached.form_version_id == version.id:
            attached.share = share
            break
    else:
        attached = m.TemplateForm(form_version_id=version.id, share=share)
        template.forms.append(attached)
    session.flush()
    audit.record(
        session,
        actor,
        "template.form",
        entity="template",
        entity_id=template.key,
        new={"form": f"{key}@{version.version}", "share": str(share)},
    )
    return attached


class FormCache:
    """Stored forms read back once per use case."""

    def __init__(self, session: Session):
        self.session = session
        self._forms: dict[int, Form] = {}

    def __call__(self, form_version_id: int) -> Form:
        if form_version_id not in self._forms:
            row = self.session.get(m.FormVersion, form_version_id)
            if row is None:
                raise NotFound(_("There is no stored form version {id}.").format(id=form_version_id))
            self._forms[form_version_id] = form_from_dict(row.content)
        return self._forms[form_version_id]


def stored_form(session: Session, form_version_id: int) -> Form:
    """The form exactly as it was pinned (never the current file)."""
    return FormCache(session)(form_version_id)


def latest_form_version(session: Session, key: str) -> m.FormVersion:
    row = (
        session.execute(
            select(m.FormVersion).where(m.FormVersion.form_key == key).order_by(m.FormVersion.version.desc())
        )
        .scalars()
        .first()
    )
    if row is None:
        raise NotFound(_("Form {key} is not used by any template yet.").format(key=key))
    return row


@touches_no_appraisal_data
def list_forms(
    forms_dir: Path | None = None, session: Session | None = None
) -> tuple[list[FormListing], list[FormProblem]]:
    """The forms (bundled and the office's own) as a list, noting for each the versions stored in the
    database."""
    entries, problems = load_catalogue(form_folders(forms_dir))
    stored: dict[str, dict[int, str]] = {}
    if session is not None:
        for key, version, content_hash in session.execute(
            select(m.FormVersion.form_key, m.FormVersion.version, m.FormVersion.content_hash)
        ):
            stored.setdefault(key, {})[version] = content_hash
    listings = []
    for entry in entries.values():
        form = entry.form
        versions = stored.get(form.id, {})
        changed = form.version in versions and versions[form.version] != form_fingerprint(form)
        listings.append(
            FormListing(
                key=form.id,
                version=form.version,
                title_zh=form.title.zh or form.title.en,
                title_en=form.title.en or form.title.zh,
                criteria=len(form.criteria),
                raters=tuple(role.value for role in form.raters),
                path=str(entry.path),
                source=entry.source,
                stored_versions=tuple(sorted(versions)),
                changed_without_new_version=changed,
            )
        )
    return sorted(listings, key=lambda item: item.key), problems


def check_form_file(path: Path) -> tuple[Form | None, list[FormProblem]]:
    """Read and check one form file, as ``forms check FILE`` does."""
    return load_form_file(Path(path))


def own_forms_folder() -> Path:
    """Where the office keeps its own or edited form files (beside the user's data)."""
    from kpidesk.store.locations import user_forms_folder

    return user_forms_folder()
