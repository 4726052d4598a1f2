"""The services decide who may do what: every public use case declares its gate, each role of README's
table is let through exactly where the table says, and the holes an attack run found stay closed."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import kpidesk.services as services_package
from kpidesk.errors import PermissionDenied
from kpidesk.services.actor import Actor, Role
from kpidesk.services.safety.access import Permission
from kpidesk.services.safety.gates import GATE_ATTRIBUTE, Gate, any_login, requires, touches_no_appraisal_data


def use_case_modules():
    """Every ``use_cases.py`` of the service packages, found on disk so a new package is covered too."""
    for info in pkgutil.walk_packages(services_package.__path__, prefix="kpidesk.services."):
        if info.name.endswith(".use_cases"):
            yield importlib.import_module(info.name)


def public_functions(module):
    """The functions a module defines itself (not those it imports) whose names do not start with "_"."""
    return [(name, function) for name, function in inspect.getmembers(module, inspect.isfunction)
            if not name.startswith("_") and function.__module__ == module.__name__]


def test_the_use_case_modules_are_found():
    names = {module.__name__.split(".")[2] for module in use_case_modules()}
    assert {"appraisal", "forms", "imports", "library", "pay", "people", "printing", "safety"} <= names


def test_every_public_use_case_declares_its_gate():
    undeclared = [f"{module.__name__}.{name}" for module in use_case_modules()
                  for name, function in public_functions(module)
                  if not isinstance(getattr(function, GATE_ATTRIBUTE, None), Gate)]
    assert undeclared == []


def test_a_gated_use_case_takes_the_actor():
    for module in use_case_modules():
        for name, function in public_functions(module):
            gate = getattr(function, GATE_ATTRIBUTE)
            if gate.kind != "no_appraisal_data":
                assert "actor" in inspect.signature(function).parameters, f"{module.__name__}.{name}"


# --- the decorator itself -------------------------------------------------------------------------------


@requires(Permission.DATA_WRITE)
def _write_values(db, actor, period):
    return period


@requires(Permission.PAY_READ, Permission.PAY_OWN)
def _see_pay(db, actor):
    return "pay"


@any_login
def _anyone(db, actor):
    return "ok"


def test_requires_refuses_before_running_and_names_the_action():
    auditor = Actor("aud1", role=Role.AUDITOR)
    with pytest.raises(PermissionDenied, match=r"aud1 \(auditor \(read-only\)\) is not allowed to enter or import KPI values"):
        _write_values(None, auditor, "2025-10")
    assert _write_values(None, Actor("hr", role=Role.HR), "2025-10") == "2025-10"
    assert _write_values(None, actor=Actor("hr", role=Role.HR), period="x") == "x"


def test_a_head_passes_the_gate_for_their_own_departments_only():
    assert _write_values(None, Actor("zhang", role=Role.HEAD, department_ids=frozenset({3})), "p") == "p"
    with pytest.raises(PermissionDenied):
        _write_values(None, Actor("zhang", role=Role.HEAD), "p")  # a head of no department


def test_any_of_several_permissions_opens_the_gate():
    assert _see_pay(None, Actor("wf", role=Role.EMPLOYEE, employee_id=5)) == "pay"
    with pytest.raises(PermissionDenied, match="not allowed to see pay"):
        _see_pay(None, Actor("lq", role=Role.HEAD, department_ids=frozenset({1})))


def test_no_actor_is_no_longer_everything():
    for gated in (_write_values, _anyone):
        with pytest.raises(PermissionDenied):
            gated(None, None, "p") if gated is _write_values else gated(None, None)
    assert _anyone(None, Actor("audit", role=Role.AUDITOR)) == "ok"


def test_the_refusal_is_translated():
    from kpidesk.i18n import set_language

    set_language("zh_CN")
    try:
        with pytest.raises(PermissionDenied) as refused:
            _write_values(None, Actor("aud1", role=Role.AUDITOR), "2025-10")
    finally:
        set_language("en")
    assert "not allowed" not in str(refused.value) and "aud1" in str(refused.value)


def test_a_gate_needs_an_actor_parameter():
    with pytest.raises(TypeError, match="takes no actor"):
        requires(Permission.DATA_READ)(lambda db: None)
    assert getattr(touches_no_appraisal_data(lambda: 1), GATE_ATTRIBUTE).kind == "no_appraisal_data"
