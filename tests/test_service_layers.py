"""The import contracts name every service package and every top-level package, so a new one cannot slip
past them unlisted (import-linter silently ignores modules a contract does not mention)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import kpidesk

ROOT = Path(kpidesk.__file__).parent


def _contract(name: str) -> dict:
    config = tomllib.loads((ROOT.parent / "pyproject.toml").read_text(encoding="utf-8"))
    return next(c for c in config["tool"]["importlinter"]["contracts"] if c["name"] == name)


def _children(folder: Path, prefix: str) -> set[str]:
    names = set()
    for path in folder.iterdir():
        if path.suffix == ".py" and path.stem != "__init__":
            names.add(f"{prefix}.{path.stem}")
        elif (path / "__init__.py").is_file():
            names.add(f"{prefix}.{path.name}")
    return names


def test_every_service_package_has_a_floor():
    layers = _contract("Service packages point down only")["layers"]
    listed = [name.strip() for layer in layers for name in layer.split("|")]
    assert len(listed) == len(set(listed))
    assert set(listed) == _children(ROOT / "services", "kpidesk.services")


def test_the_domain_may_import_only_errors_translations_and_resources():
    forbidden = set(_contract("The domain imports nothing of ours but errors, translations and the resource "
                              "folders")["forbidden_modules"])
    allowed = {"kpidesk.domain", "kpidesk.errors", "kpidesk.i18n", "kpidesk.resources",
               "kpidesk.__main__"}  # the entry point is nobody's import
    assert _children(ROOT, "kpidesk") - allowed <= forbidden


def test_the_service_contracts_make_no_exceptions():
    """An ``ignore_imports`` entry is a call running up the floors; closing a period, the last one, now
    sits in its own package above appraisal and pay."""
    for name in ("Service packages point down only",
                 "No import circles between sibling modules of the services and the store"):
        assert _contract(name).get("ignore_imports", []) == []


def test_closing_sits_above_appraisal_and_pay():
    layers = [[n.strip() for n in layer.split("|")] for layer in _contract("Service packages point down only")["layers"]]
    floor = {name: index for index, layer in enumerate(layers) for name in layer}
    closing = floor["kpidesk.services.closing"]
    assert closing < floor["kpidesk.services.pay"] and closing < floor["kpidesk.services.appraisal"]
