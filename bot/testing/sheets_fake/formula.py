"""A deliberately small formula evaluator: arithmetic, ``&``, comparisons, same-sheet cell
references and SUM/MIN/MAX/AVERAGE/COUNT. Anything else evaluates to ``#NAME?``/``#ERROR!``."""

from __future__ import annotations

import operator
import re
from collections.abc import Callable

from .a1 import col_to_index

Value = str | float | bool | None
Lookup = Callable[[int, int], Value]

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)"
    r'|(?P<str>"(?:[^"]|"")*")'
    r"|(?P<ref>\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?)(?![A-Za-z0-9_(])"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_.]*)"
    r"|(?P<op><>|<=|>=|[-+*/^&(),=<>%]))"
)
_FUNCS = {"SUM", "MIN", "MAX", "AVERAGE", "COUNT"}


class FormulaError(Exception):
    """Evaluation failed; ``code`` is the Sheets error text, e.g. ``#DIV/0!``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def evaluate(formula: str, lookup: Lookup) -> Value:
    """Evaluate ``=...`` against ``lookup(row, col)``; errors come back as their error text."""
    try:
        tokens = _tokenize(formula.lstrip("=").strip())
        parser = _Parser(tokens, lookup)
        result = parser.comparison()
        if parser.pos != len(tokens):
            raise FormulaError("#ERROR!")
        if isinstance(result, list):
            result = result[0] if result else None
        return result
    except FormulaError as exc:
        return exc.code
    except RecursionError:
        return "#REF!"


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match or match.end() == pos:
            if text[pos:].strip() == "":
                break
            raise FormulaError("#ERROR!")
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], lookup: Lookup) -> None:
        self.tokens = tokens
        self.pos = 0
        self.lookup = lookup

    def peek(self) -> str | None:
        return self.tokens[self.pos][1] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, str]:
        if self.pos >= len(self.tokens):
            raise FormulaError("#ERROR!")
        self.pos += 1
        return self.tokens[self.pos - 1]

    def comparison(self) -> Value | list[Value]:
        left = self.concat()
        while self.peek() in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            right = self.concat()
            left = _compare(op, _scalar(left), _scalar(right))
        return left

    def concat(self) -> Value | list[Value]:
        left = self.additive()
        while self.peek() == "&":
            self.take()
            left = _text(_scalar(left)) + _text(_scalar(self.additive()))
        return left

    def additive(self) -> Value | list[Value]:
        left = self.term()
        while self.peek() in ("+", "-"):
            op = self.take()[1]
            a, b = _num(_scalar(left)), _num(_scalar(self.term()))
            left = a + b if op == "+" else a - b
        return left

    def term(self) -> Value | list[Value]:
        left = self.power()
        while self.peek() in ("*", "/"):
            op = self.take()[1]
            a, b = _num(_scalar(left)), _num(_scalar(self.power()))
            if op == "/" and b == 0:
                raise FormulaError("#DIV/0!")
            left = a * b if op == "*" else a / b
        return left

    def power(self) -> Value | list[Value]:
        left = self.unary()
        while self.peek() == "^":
            self.take()
            left = _num(_scalar(left)) ** _num(_scalar(self.unary()))
        return left

    def unary(self) -> Value | list[Value]:
        if self.peek() in ("-", "+"):
            op = self.take()[1]
            number = _num(_scalar(self.unary()))
            return -number if op == "-" else number
        value = self.atom()
        if self.peek() == "%":
            self.take()
            return _num(_scalar(value)) / 100
        return value

    def atom(self) -> Value | list[Value]:
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "ref":
            return self.reference(text)
        if kind == "name":
            return self.name(text)
        if text == "(":
            value = self.comparison()
            if self.take()[1] != ")":
                raise FormulaError("#ERROR!")
            return value
        raise FormulaError("#ERROR!")

    def name(self, text: str) -> Value | list[Value]:
        upper = text.upper()
        if upper in ("TRUE", "FALSE") and self.peek() != "(":
            return upper == "TRUE"
        if self.peek() != "(":
            raise FormulaError("#NAME?")
        self.take()
        args: list[Value] = []
        while self.peek() != ")":
            value = self.comparison()
            args.extend(value if isinstance(value, list) else [value])
            if self.peek() == ",":
                self.take()
        self.take()
        if upper not in _FUNCS:
            raise FormulaError("#NAME?")
        return _call(upper, args)

    def reference(self, text: str) -> Value | list[Value]:
        ends = [_cell(part) for part in text.replace("$", "").split(":")]
        if len(ends) == 1:
            value = self.lookup(*ends[0])
            return 0.0 if value is None else value
        (r0, c0), (r1, c1) = ends
        return [
            self.lookup(r, c)
            for r in range(min(r0, r1), max(r0, r1) + 1)
            for c in range(min(c0, c1), max(c0, c1) + 1)
        ]


def _cell(text: str) -> tuple[int, int]:
    match = re.match(r"([A-Za-z]+)(\d+)", text)
    if not match:
        raise FormulaError("#REF!")
    return int(match.group(2)) - 1, col_to_index(match.group(1))


def _call(name: str, args: list[Value]) -> Value:
    numbers = [float(a) for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
    if name == "SUM":
        return float(sum(numbers))
    if name == "COUNT":
        return float(len(numbers))
    if name == "AVERAGE":
        if not numbers:
            raise FormulaError("#DIV/0!")
        return sum(numbers) / len(numbers)
    if not numbers:
        return 0.0
    return min(numbers) if name == "MIN" else max(numbers)


def _scalar(value: Value | list[Value]) -> Value:
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _num(value: Value) -> float:
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and value.startswith("#"):
        raise FormulaError(value)
    try:
        return float(value)
    except ValueError as exc:
        raise FormulaError("#VALUE!") from exc


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _compare(op: str, a: Value, b: Value) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        left, right = _text(a).lower(), _text(b).lower()
        return _cmp(op, left, right)
    return _cmp(op, _num(a), _num(b))


_ORDER = {"<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}


def _cmp(op: str, a: str | float, b: str | float) -> bool:
    if op == "=":
        return a == b
    if op == "<>":
        return a != b
    return bool(_ORDER[op](a, b))
