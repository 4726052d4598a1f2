"""A small, safe expression language for computing KPI values from raw fields.

Formulas such as ``first_contact_resolved / contacts * 100`` or ``一次解决数 / 接待总数 * 100`` are
tokenised and parsed here by hand (a Pratt parser) into a tiny tree that only knows numbers, field
names, arithmetic, comparisons, ``and/or/not`` and the functions ``min max abs round if first``. Nothing is
ever handed to Python's ``eval`` or ``exec``, so a hostile formula can only fail to parse.

Evaluation is vectorised: fields are numpy arrays (one value per employee) and every row carries its own
outcome — a value, or the reason it is not computable (a missing field, a division by zero).
"""

from __future__ import annotations

import keyword
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike

from kpidesk.errors import ValidationError
from kpidesk.i18n import _

MAX_LENGTH = 1000
MAX_DEPTH = 60

# Characters people type that mean an ASCII operator; full-width forms come from Chinese input methods.
_CHAR_ALIASES = {
    "÷": "/",
    "×": "*",
    "−": "-",
    "–": "-",
    "＋": "+",
    "－": "-",
    "＊": "*",
    "／": "/",
    "（": "(",
    "）": ")",
    "，": ",",
    "＜": "<",
    "＞": ">",
    "＝": "=",
    "≤": "<=",
    "≥": ">=",
    "≠": "!=",
    "．": ".",
    "！": "!",
}
_FULLWIDTH_DIGITS = {chr(0xFF10 + i): str(i) for i in range(10)}

_OPERATORS = ("<=", ">=", "==", "!=", "<>", "**", "+", "-", "*", "/", "(", ")", ",", "<", ">", "=", "^", "!")
_KEYWORDS = {"and", "or", "not"}
_FUNCTIONS = {"min": (1, None), "max": (1, None), "abs": (1, 1), "round": (1, 2), "if": (3, 3), "first": (1, None)}


class FormulaError(ValidationError):
    """A formula that cannot be parsed; ``position`` is the 0-based index of the offending character."""

    def __init__(self, message: str, position: int, text: str):
        pointer = _("at position {position}").format(position=position + 1)
        super().__init__(f"{message} ({pointer}: {text[:position]}⟦{text[position:position + 1]}⟧{text[position + 1:]})")
        self.reason = message
        self.position = position
        self.text = text


class Problem(IntEnum):
    """Why a row of a formula has no value."""

    OK = 0
    MISSING_FIELD = 1
    DIVISION_BY_ZERO = 2
    INVALID = 3  # a non-finite result such as an overflow


@dataclass(frozen=True)
class Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    position: int
    value: float = 0.0


def _normalise_char(ch: str) -> str:
    return _FULLWIDTH_DIGITS.get(ch) or _CHAR_ALIASES.get(ch, ch)


def _is_name_start(ch: str) -> bool:
    return ch == "_" or ch.isalpha()


def _is_name_char(ch: str) -> bool:
    return ch == "_" or ch.isalnum()


def tokenize(text: str) -> list[Token]:
    """Split a formula into tokens, keeping each token's position in the text as typed."""
    chars = [_normalise_char(c) for c in text]
    tokens: list[Token] = []
    i = 0
    n = len(chars)
    while i < n:
        ch = chars[i]
        if ch.isspace() or ch == "\u3000":
            i += 1
            continue
        if ch.isdigit() and ch.isascii() or (ch == "." and i + 1 < n and chars[i + 1].isdigit()):
            start = i
            while i < n and (chars[i].isascii() and chars[i].isdigit() or chars[i] == "."):
                i += 1
            if i < n and chars[i] in "eE":
                j = i + 1
                if j < n and chars[j] in "+-":
                    j += 1
                if j < n and chars[j].isascii() and chars[j].isdigit():
                    i = j
                    while i < n and chars[i].isascii() and chars[i].isdigit():
                        i += 1
            literal = "".join(chars[start:i])
            try:
                value = float(literal)
            except ValueError:
                raise FormulaError(_("malformed number"), start, text) from None
            if not math.isfinite(value):
                raise FormulaError(_("number too large"), start, text)
            if i < n and _is_name_start(chars[i]):
                raise FormulaError(_("unexpected character"), i, text)
            tokens.append(Token("num", literal, start, value))
            continue
        if _is_name_start(ch):
            start = i
            while i < n and _is_name_char(chars[i]):
                i += 1
            tokens.append(Token("name", "".join(chars[start:i]), start))
            continue
        if len(ch) == 2:  # ≤ ≥ ≠ typed as one character
            tokens.append(Token("op", ch, i))
            i += 1
            continue
        for op in _OPERATORS:
            if "".join(chars[i:i + len(op)]) == op:
                tokens.append(Token("op", op, i))
                i += len(op)
                break
        else:
            # Left for the parser to report, so a call such as open('x') is named for what it is.
            tokens.append(Token("bad", ch, i))
            i += 1
    tokens.append(Token("end", "", n))
    return tokens


# ----- the tree -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Num:
    value: float


@dataclass(frozen=True)
class Field:
    name: str


@dataclass(frozen=True)
class Unary:
    op: str  # "-" or "not"
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str
    left: Node
    right: Node
    position: int


@dataclass(frozen=True)
class Call:
    name: str
    args: tuple[Node, ...]


Node = Num | Field | Unary | Binary | Call
#: Per row: values, a problem code and the index of the detail the problem refers to.
Arrays = tuple[np.ndarray, np.ndarray, np.ndarray]


_BINARY_POWER = {
    "or": 1,
    "and": 2,
    "==": 4, "!=": 4, "<": 4, "<=": 4, ">": 4, ">=": 4,
    "+": 5, "-": 5,
    "*": 6, "/": 6,
}
_PREFIX_POWER = {"not": 3, "-": 7, "+": 7}
_SPELLINGS = {"=": "==", "<>": "!="}


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        first = self.tokens[0]
        if first.kind == "op" and first.text == "=":
            self.tokens = self.tokens[1:]  # a leading '=' as typed in a spreadsheet
        self.index = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        if token.kind == "bad":
            raise self.fail_bad(token)
        return token

    def fail(self, message: str, token: Token) -> FormulaError:
        return FormulaError(message, token.position, self.text)

    def fail_bad(self, token: Token) -> FormulaError:
        previous = self.tokens[self.index - 2] if self.index >= 2 else None
        if token.text == "." and previous is not None and previous.kind in ("name", "op") and previous.text != "(":
            return self.fail(_("attribute access is not allowed"), token)
        if token.text in "'\"":
            return self.fail(_("text in quotes is not allowed"), token)
        return self.fail(_("unexpected character"), token)

    def expect(self, op: str) -> Token:
        token = self.advance()
        if token.kind != "op" or token.text != op:
            raise self.fail(_("expected '{op}'").format(op=op), token)
        return token

    def parse(self) -> Node:
        if self.peek().kind == "end":
            raise self.fail(_("the formula is empty"), self.peek())
        node = self.expression(0)
        if self.peek().kind == "bad":
            self.advance()
        if self.peek().kind != "end":
            raise self.fail(_("unexpected '{text}'").format(text=self.peek().text), self.peek())
        return node

    def infix_op(self, token: Token) -> str | None:
        if token.kind == "op":
            op = _SPELLINGS.get(token.text, token.text)
            return op if op in _BINARY_POWER else None
        if token.kind == "name" and token.text.lower() in ("and", "or"):
            return token.text.lower()
        return None

    def expression(self, min_power: int) -> Node:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(_("the formula is nested too deeply"), self.peek())
        left = self.prefix()
        while True:
            token = self.peek()
            if token.kind == "bad":
                self.advance()
            op = self.infix_op(token)
            if op is None:
                if token.kind == "op" and token.text in ("**", "^", "!"):
                    raise self.fail(_("operator '{op}' is not allowed").format(op=token.text), token)
                break
            power = _BINARY_POWER[op]
            if power <= min_power:
                break
            self.advance()
            right = self.expression(power)
            left = Binary(op, left, right, token.position)
            following = self.infix_op(self.peek())
            if power == 4 and following is not None and _BINARY_POWER[following] == 4:
                raise self.fail(_("comparisons cannot be chained"), self.peek())
        self.depth -= 1
        return left

    def prefix(self) -> Node:
        token = self.advance()
        if token.kind == "num":
            return Num(token.value)
        if token.kind == "op" and token.text in ("-", "+"):
            operand = self.expression(_PREFIX_POWER["-"])
            return Unary("-", operand) if token.text == "-" else operand
        if token.kind == "op" and token.text == "(":
            node = self.expression(0)
            self.expect(")")
            return node
        if token.kind == "name":
            lowered = token.text.lower()
            if lowered == "not":
                return Unary("not", self.expression(_PREFIX_POWER["not"]))
            if lowered in _KEYWORDS:
                raise self.fail(_("unexpected '{text}'").format(text=token.text), token)
            nxt = self.peek()
            if nxt.kind == "op" and nxt.text == "(":
                return self.call(token)
            if keyword.iskeyword(token.text):
                raise self.fail(_("'{name}' is not allowed in a formula").format(name=token.text), token)
            if token.text.startswith("__"):
                raise self.fail(_("names starting with '__' are not allowed"), token)
            return Field(token.text)
        if token.kind == "end":
            raise self.fail(_("the formula ends too early"), token)
        raise self.fail(_("unexpected '{text}'").format(text=token.text), token)

    def call(self, name_token: Token) -> Call:
        name = name_token.text.lower()
        if name not in _FUNCTIONS:
            raise self.fail(
                _("unknown function '{name}' (allowed: min, max, abs, round, if, first)").format(name=name_token.text),
                name_token,
            )
        self.expect("(")
        args = []
        if not (self.peek().kind == "op" and self.peek().text == ")"):
            while True:
                args.append(self.expression(0))
                if self.peek().kind == "op" and self.peek().text == ",":
                    self.advance()
                    continue
                break
        self.expect(")")
        low, high = _FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            raise self.fail(
                _("{name}() takes {count} arguments").format(
                    name=name, count=str(low) if low == high else f"{low}–{high if high else '…'}"
                ),
                name_token,
            )
        return Call(name, tuple(args))


# ----- evaluation ---------------------------------------------------------------------------------------


@dataclass
class FormulaResult:
    """Per-row outcome: ``values`` (NaN where not computable), ``problems`` (a ``Problem`` code per row)
    and ``details`` (the field or the denominator each problem is about)."""

    values: np.ndarray
    problems: np.ndarray
    details: np.ndarray

    @property
    def ok(self) -> np.ndarray:
        return np.asarray(self.problems == Problem.OK)

    def reason(self, row: int) -> tuple[Problem, str] | None:
        code = Problem(int(self.problems[row]))
        return None if code is Problem.OK else (code, str(self.details[row]))


def _source(node: Node) -> str:
    """A compact text of a subtree, used to name the denominator that was zero."""
    if isinstance(node, Num):
        return f"{node.value:g}"
    if isinstance(node, Field):
        return node.name
    if isinstance(node, Unary):
        return f"-{_source(node.operand)}" if node.op == "-" else f"not {_source(node.operand)}"
    if isinstance(node, Binary):
        return f"({_source(node.left)} {node.op} {_source(node.right)})"
    return f"{node.name}({', '.join(_source(a) for a in node.args)})"


def _round_half_up(values: np.ndarray, digits: np.ndarray) -> np.ndarray:
    scale = np.power(10.0, digits)
    scaled = np.round(np.abs(values) * scale, 9)
    rounded: np.ndarray = np.sign(values) * np.floor(scaled + 0.5) / scale
    return rounded


class _Evaluator:
    """Walks the tree once over whole arrays; remembers the texts that problem codes refer to."""

    def __init__(self, data: Mapping[str, ArrayLike], size: int):
        self.data = data
        self.size = size
        self.issues: list[str] = [""]
        self.zeros = np.zeros(size, dtype=np.int32)

    def issue(self, detail: str) -> int:
        self.issues.append(detail)
        return len(self.issues) - 1

    def eval(self, node: Node) -> Arrays:
        size = self.size
        if isinstance(node, Num):
            return np.full(size, node.value), self.zeros, self.zeros
        if isinstance(node, Field):
            return self.field(node.name)
        if isinstance(node, Unary):
            values, problems, details = self.eval(node.operand)
            if node.op == "-":
                return -values, problems, details
            return (values == 0).astype(float), problems, details
        if isinstance(node, Binary):
            return self.binary(node)
        return self.call(node)

    def field(self, name: str) -> Arrays:
        size = self.size
        raw = self.data.get(name)
        if raw is None:
            code = self.issue(name)
            return np.full(size, np.nan), np.full(size, int(Problem.MISSING_FIELD)), np.full(size, code)
        values = np.broadcast_to(np.asarray(raw, dtype=float), (size,))
        missing = np.isnan(values)
        if missing.any():
            code = self.issue(name)
            return values, np.where(missing, int(Problem.MISSING_FIELD), 0), np.where(missing, code, 0)
        return values, self.zeros, self.zeros

    def binary(self, node: Binary) -> Arrays:
        lv, lp, ld = self.eval(node.left)
        rv, rp, rd = self.eval(node.right)
        problems = np.where(lp != 0, lp, rp)
        details = np.where(lp != 0, ld, rd)
        op = node.op
        if op == "+":
            values = lv + rv
        elif op == "-":
            values = lv - rv
        elif op == "*":
            values = lv * rv
        elif op == "/":
            zero = (rv == 0) & (problems == 0)
            values = np.divide(lv, np.where(rv == 0, np.nan, rv))
            if zero.any():
                code = self.issue(_source(node.right))
                problems = np.where(zero, int(Problem.DIVISION_BY_ZERO), problems)
                details = np.where(zero, code, details)
        elif op == "and":
            values = ((lv != 0) & (rv != 0)).astype(float)
        elif op == "or":
            values = ((lv != 0) | (rv != 0)).astype(float)
        else:
            values = _COMPARISONS[op](lv, rv).astype(float)
        return values, problems, details

    def call(self, node: Call) -> Arrays:
        if node.name == "if":
            cv, cp, cd = self.eval(node.args[0])
            av, ap, ad = self.eval(node.args[1])
            bv, bp, bd = self.eval(node.args[2])
            chosen = cv != 0
            values = np.where(chosen, av, bv)
            branch_p = np.where(chosen, ap, bp)
            branch_d = np.where(chosen, ad, bd)
            return values, np.where(cp != 0, cp, branch_p), np.where(cp != 0, cd, branch_d)
        if node.name == "first":
            return self.first_present(node.args)
        evaluated = [self.eval(arg) for arg in node.args]
        problems = self.zeros
        details = self.zeros
        for _v, p, d in evaluated:
            unset = problems == 0
            problems = np.where(unset, p, problems)
            details = np.where(unset, d, details)
        stacked = [v for v, _p, _d in evaluated]
        if node.name == "min":
            values = np.minimum.reduce(stacked)
        elif node.name == "max":
            values = np.maximum.reduce(stacked)
        elif node.name == "abs":
            values = np.abs(stacked[0])
        else:
            digits = np.round(stacked[1]) if len(stacked) > 1 else np.zeros(self.size)
            values = _round_half_up(stacked[0], np.clip(digits, -15, 15))
        return values, problems, details


    def first_present(self, args: tuple[Node, ...]) -> Arrays:
        """``first(a, b, …)``: per row the first argument that has a value, so one KPI can take whichever of
        two inputs was reported (a satisfaction percent, else a 5-point score); the last one's problem
        stands when none has a value."""
        values, problems, details = self.eval(args[-1])
        for arg in reversed(args[:-1]):
            av, ap, ad = self.eval(arg)
            usable = ap == 0
            values = np.where(usable, av, values)
            problems = np.where(usable, ap, problems)
            details = np.where(usable, ad, details)
        return values, problems, details


_COMPARISONS = {
    "==": np.equal, "!=": np.not_equal, "<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal,
}


@dataclass(frozen=True)
class Formula:
    """A parsed formula; ``fields`` are the raw-field names it reads, in order of first use."""

    text: str
    tree: Node = field(repr=False, compare=False)
    fields: tuple[str, ...] = ()

    def evaluate(self, data: Mapping[str, ArrayLike], size: int | None = None) -> FormulaResult:
        """Evaluate over arrays of raw fields (NaN = missing). Scalars broadcast; absent fields are missing."""
        if size is None:
            size = next((np.shape(v)[0] for v in data.values() if np.ndim(v) > 0), 1)
        evaluator = _Evaluator(data, size)
        with np.errstate(all="ignore"):
            values, problems, details = evaluator.eval(self.tree)
            bad = (problems == Problem.OK) & ~np.isfinite(values)
        if bad.any():
            problems = np.where(bad, int(Problem.INVALID), problems)
            details = np.where(bad, evaluator.issue("non-finite"), details)
        issues = np.array(evaluator.issues, dtype=object)
        values = np.where(problems == Problem.OK, values, np.nan)
        return FormulaResult(values, problems.astype(np.int8), issues[details])

    def evaluate_one(self, data: Mapping[str, float | None]) -> float | tuple[Problem, str]:
        """One row: the value, or the (problem, detail) that stops it."""
        prepared = {k: (np.nan if v is None else float(v)) for k, v in data.items()}
        result = self.evaluate(prepared, size=1)
        reason = result.reason(0)
        return float(result.values[0]) if reason is None else reason


def _collect_fields(node: Node, found: dict[str, None]) -> None:
    if isinstance(node, Field):
        found.setdefault(node.name, None)
    elif isinstance(node, Unary):
        _collect_fields(node.operand, found)
    elif isinstance(node, Binary):
        _collect_fields(node.left, found)
        _collect_fields(node.right, found)
    elif isinstance(node, Call):
        for arg in node.args:
            _collect_fields(arg, found)


def parse_formula(text: str) -> Formula:
    """Parse a formula, or raise FormulaError pointing at the offending character."""
    if not isinstance(text, str):
        raise FormulaError(_("a formula must be text"), 0, str(text))
    if len(text) > MAX_LENGTH:
        raise FormulaError(_("the formula is too long"), MAX_LENGTH, text)
    tree = _Parser(text).parse()
    found: dict[str, None] = {}
    _collect_fields(tree, found)
    return Formula(text=text, tree=tree, fields=tuple(found))
