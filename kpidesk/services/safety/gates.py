"""The gate in front of every public service function: a decorator that declares what the function needs.

``@requires(Permission.X)`` refuses, before the function runs, an actor whose role does not hold ``X``
anywhere (a department head holding it for their own departments passes: which rows they reach is
decided by the department scope inside the function). ``@any_login`` asks only for a logged-in actor;
``@touches_no_appraisal_data`` declares a function that reads or writes no appraisal data at all (paths,
server addresses, pure formatting). Each decorator leaves a :class:`Gate` on the function under
:data:`GATE_ATTRIBUTE`, so a test can list every public function and find the undeclared ones.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, cast

from kpidesk.errors import PermissionDenied
from kpidesk.i18n import _
from kpidesk.services.actor import Actor
from kpidesk.services.safety.access import ACTIONS, Permission, may_somewhere, role_label

GATE_ATTRIBUTE = "access_gate"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Gate:
    """What a public service function declared: any one of ``permissions`` (kind "permission"), a login
    of any role ("any_login"), or that it touches no appraisal data ("no_appraisal_data")."""

    kind: Literal["permission", "any_login", "no_appraisal_data"]
    permissions: tuple[Permission, ...] = ()


def refusal(actor: Actor, permission: Permission) -> PermissionDenied:
    """The translated refusal naming who asked and what they are not allowed to do."""
    return PermissionDenied(_("{user} ({role}) is not allowed to {action}.").format(
        user=actor.name, role=role_label(actor.role), action=_(ACTIONS[permission])))


def check_gate(gate: Gate, actor: object) -> None:
    """Refuse ``actor`` unless it passes ``gate``."""
    if gate.kind == "no_appraisal_data":
        return
    if not isinstance(actor, Actor):
        raise PermissionDenied(_("Log in first: this needs a user."))
    if gate.kind == "permission" and not any(may_somewhere(actor, p) for p in gate.permissions):
        raise refusal(actor, gate.permissions[0])


def _actor_position(function: Callable[..., Any]) -> int:
    names = list(inspect.signature(function).parameters)
    if "actor" not in names:
        raise TypeError(f"{function.__qualname__} takes no actor, so no permission can be checked")
    return names.index("actor")


def _gated(gate: Gate) -> Callable[[F], F]:
    def decorate(function: F) -> F:
        position = _actor_position(function)

        @functools.wraps(function)
        def checked(*args: Any, **kwargs: Any) -> Any:
            actor = kwargs["actor"] if "actor" in kwargs else args[position] if position < len(args) else None
            check_gate(gate, actor)
            return function(*args, **kwargs)

        setattr(checked, GATE_ATTRIBUTE, gate)
        return cast(F, checked)

    return decorate


def requires(*permissions: Permission) -> Callable[[F], F]:
    """Run the function only for an actor holding one of ``permissions`` (somewhere)."""
    if not permissions:
        raise TypeError("requires() needs at least one permission")
    return _gated(Gate("permission", tuple(permissions)))


def any_login(function: F) -> F:
    """Run the function for any logged-in actor, whatever the role."""
    return _gated(Gate("any_login"))(function)


def touches_no_appraisal_data(function: F) -> F:
    """Declare that the function reads and writes no appraisal data, so it needs no actor."""
    setattr(function, GATE_ATTRIBUTE, Gate("no_appraisal_data"))
    return function
