"""The acting user is always named: no service treats a missing actor as "everything allowed", the use
cases all start with the database and the actor, and the window and the command line call only the
functions that open their own unit of work."""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "kpidesk"
SERVICES = PACKAGE / "services"


def _module_name(path: Path) -> str:
    parts = (path.relative_to(ROOT) if path.is_relative_to(ROOT) else Path(path.name)).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _python_files(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.py"))


def _public_functions(tree: ast.Module) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    """Public functions of a module and public methods of its public classes."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_"):
            yield node
        elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and not item.name.startswith("_"):
                    yield item


def _optional_actor(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """Why the function's ``actor`` parameter may be left out or None, or None when it may not."""
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: dict[str, ast.expr | None] = dict(
        zip([a.arg for a in positional][len(positional) - len(arguments.defaults):], arguments.defaults, strict=True))
    defaults.update({a.arg: d for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)})
    for argument in [*positional, *arguments.kwonlyargs]:
        if argument.arg != "actor":
            continue
        annotation = ast.unparse(argument.annotation) if argument.annotation is not None else ""
        if "None" in annotation or "Optional" in annotation:
            return f"annotated {annotation}"
        default = defaults.get(argument.arg)
        if isinstance(default, ast.Constant) and default.value is None:
            return "defaults to None"
    return None


def optional_actor_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{_module_name(path)}.{function.name}: actor {why}"
            for function in _public_functions(tree) if (why := _optional_actor(function))]


def test_no_service_function_takes_an_optional_actor():
    problems = [problem for path in _python_files(SERVICES) for problem in optional_actor_problems(path)]
    assert problems == []


def test_the_check_catches_an_optional_actor(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def a(session, actor: Actor | None): ...\n"
        "def b(session, *, actor=None): ...\n"
        "def c(session, actor: Optional[Actor] = None): ...\n"
        "def d(session, actor: Actor): ...\n"
        "def _e(session, actor=None): ...\n",
        encoding="utf-8",
    )
    problems = optional_actor_problems(sample)
    assert [p.split(":")[0].rsplit(".", 1)[-1] for p in problems] == ["a", "b", "c"]


def use_case_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    problems = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name.startswith("_"):
            continue
        first = [*node.args.posonlyargs, *node.args.args][:2]
        found = [(a.arg, ast.unparse(a.annotation) if a.annotation is not None else "") for a in first]
        if found != [("db", "Database"), ("actor", "Actor")]:
            problems.append(f"{_module_name(path)}.{node.name} starts with {found}")
    return problems


def test_every_use_case_takes_the_database_then_the_actor():
    modules = sorted(SERVICES.rglob("use_cases.py"))
    assert len(modules) >= 8
    problems = [problem for path in modules for problem in use_case_problems(path)]
    assert problems == []


def test_the_use_case_check_catches_a_wrong_start(tmp_path):
    sample = tmp_path / "use_cases.py"
    sample.write_text(
        "def good(db: Database, actor: Actor, period: str): ...\n"
        "def no_actor(db: Database, period: str): ...\n"
        "def untyped(db, actor): ...\n"
        "def _helper(session): ...\n",
        encoding="utf-8",
    )
    assert [p.split(" ")[0].rsplit(".", 1)[-1] for p in use_case_problems(sample)] == ["no_actor", "untyped"]


def _takes_a_session(function) -> bool:
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        return False
    if not parameters:
        return False
    first = parameters[0]
    annotation = first.annotation
    named = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    return first.name == "session" or named.split(".")[-1] == "Session"


def _service_calls(tree: ast.Module) -> Iterator[tuple[str, str, int]]:
    """(service module, function name, line) of every call through a name imported from the services:
    ``from kpidesk.services.x import fn`` then ``fn(...)``, or ``from kpidesk.services import x`` /
    ``import kpidesk.services.x as x`` then ``x.fn(...)``."""
    functions: dict[str, tuple[str, str]] = {}
    modules: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kpidesk.services"):
            for alias in node.names:
                functions[alias.asname or alias.name] = (node.module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("kpidesk.services") and alias.asname:
                    modules[alias.asname] = alias.name
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = node.func
        if isinstance(target, ast.Name) and target.id in functions:
            yield (*functions[target.id], node.lineno)
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
            owner = target.value.id
            if owner in modules:
                yield modules[owner], target.attr, node.lineno
            elif owner in functions:  # ``from kpidesk.services.safety import backup`` then ``backup.fn()``
                module, name = functions[owner]
                yield f"{module}.{name}", target.attr, node.lineno


def session_call_problems(path: Path) -> list[str]:
    problems = []
    for module_name, name, line in _service_calls(ast.parse(path.read_text(encoding="utf-8"))):
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            module = None
        if module is not None:
            function = getattr(module, name, None)
        else:  # ``from kpidesk.services.x import Thing`` then ``Thing.fn()``: Thing is no module
            parent, _dot, attribute = module_name.rpartition(".")
            function = getattr(getattr(importlib.import_module(parent), attribute, None), name, None)
        if inspect.ismodule(function) or function is None or not callable(function):
            continue
        if inspect.isfunction(function) and _takes_a_session(function):
            problems.append(f"{_module_name(path)}:{line} {module_name}.{name}(session, …)")
    return problems


@pytest.mark.parametrize("floor", ["ui", "cli"])
def test_the_window_and_the_command_line_never_call_a_session_taking_service(floor):
    problems = [problem for path in _python_files(PACKAGE / floor) for problem in session_call_problems(path)]
    assert problems == []


def test_the_session_check_catches_a_session_taking_call(tmp_path):
    sample = tmp_path / "page.py"
    sample.write_text(
        "from kpidesk.services.appraisal.scoring import compute_scores\n"
        "from kpidesk.services.appraisal import use_cases\n"
        "from kpidesk.services.safety import audit\n"
        "compute_scores(session, '2025-11')\n"
        "use_cases.list_periods(db, actor)\n"
        "audit.record(session, actor, 'x')\n",
        encoding="utf-8",
    )
    problems = session_call_problems(sample)
    assert [p.split(" ")[1].split("(")[0] for p in problems] == [
        "kpidesk.services.appraisal.scoring.compute_scores", "kpidesk.services.safety.audit.record"]
