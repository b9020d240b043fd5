"""Custom KPIs: formulas a shop writes over the monthly figures, parsed and evaluated safely.

The language is small: numbers, variable names (every monthly figure and
built-in KPI, see :func:`variables`), ``+ - * /``, parentheses, and the
functions ``min``, ``max``, ``abs``, ``round`` and ``if_zero(value, fallback)``.
The text is parsed by Python's own parser into a syntax tree (``ast``) that
this module walks itself, accepting only those node types: there is no
``eval`` or ``exec``, and attributes, subscripts, imports, lambdas or any other
construct are refused. Every division goes through the package's one division
helper, so a zero denominator gives an undefined month, never an error or 0.

>>> months = pd.DataFrame({"revenue": [100.0, 200.0], "sessions": [50.0, 0.0]})
>>> evaluate(parse("revenue / sessions", months.columns), months).tolist()
[2.0, nan]
"""

from __future__ import annotations

import ast
import difflib
import re
from dataclasses import dataclass
from typing import Any, Iterable

import numpy as np
import pandas as pd

from ._numbers import safe_divide
from .number_text import as_numbers

__all__ = ["FormulaError", "Formula", "parse", "evaluate", "variables", "FUNCTIONS", "MAX_LENGTH", "MAX_DEPTH"]

MAX_LENGTH = 500
MAX_DEPTH = 30
FUNCTIONS = ("min", "max", "abs", "round", "if_zero")
_OPERATORS = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply}


class FormulaError(ValueError):
    """A formula that cannot be used; the message says why, in plain words."""


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its text, its tree and the variables it uses."""

    text: str
    tree: ast.Expression
    names: tuple[str, ...]


def _depth(node: ast.AST) -> int:
    children = list(ast.iter_child_nodes(node))
    return 1 + max((_depth(child) for child in children), default=0)


def parse(text: str, known: Iterable[str]) -> Formula:
    """Check a formula and return it parsed.

    Raises
    ------
    FormulaError
        Too long or too deeply nested, a syntax error (with its position), a
        construct outside the language, an unknown function, or an unknown
        name (with the closest known names).

    >>> parse("__import__('os')", ["revenue"])
    Traceback (most recent call last):
    ...
    kpi_xl.custom.FormulaError: '__import__' is not a function of the formula language (use min, max, abs, round, if_zero)
    """
    text = str(text).strip()
    if not text:
        raise FormulaError("the formula is empty")
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"the formula is {len(text)} characters long: at most {MAX_LENGTH}")
    if text.count("(") > MAX_DEPTH:  # before the parser, which would recurse on deep nesting
        raise FormulaError(f"the formula has more than {MAX_DEPTH} parentheses")
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        where = f" at character {error.offset}" if error.offset else ""
        raise FormulaError(f"the formula cannot be read{where}: check the operators and parentheses") from None
    if _depth(tree) > MAX_DEPTH * 2:
        raise FormulaError("the formula is nested too deeply")
    known = set(known)
    names: list[str] = []
    for node in ast.walk(tree):
        _check(node, known, names)
    return Formula(text, tree, tuple(dict.fromkeys(names)))


def _check(node: ast.AST, known: set[str], names: list[str]) -> None:
    if isinstance(node, (ast.Expression, ast.Load, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.USub, ast.UAdd)):
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise FormulaError(f"{node.value!r} is not a number: formulas hold numbers and names only")
        return
    if isinstance(node, (ast.BinOp, ast.UnaryOp)):
        if isinstance(node, ast.BinOp) and not isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div)):
            raise FormulaError("only + - * / are allowed between values")
        return
    if isinstance(node, ast.Call):
        func = node.func
        if not isinstance(func, ast.Name) or func.id not in FUNCTIONS:
            name = func.id if isinstance(func, ast.Name) else ast.unparse(func)
            raise FormulaError(f"{name!r} is not a function of the formula language (use {', '.join(FUNCTIONS)})")
        if node.keywords:
            raise FormulaError(f"{func.id}() takes its values in order, without names")
        return
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS:
            return
        if node.id not in known:
            close = difflib.get_close_matches(node.id, sorted(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(close)}?" if close else "; the names are listed on the Definitions sheet"
            raise FormulaError(f"{node.id!r} is not a known name{hint}")
        names.append(node.id)
        return
    raise FormulaError(f"{type(node).__name__} is not allowed: use numbers, names, + - * / ( ) and "
                       f"{', '.join(FUNCTIONS)}")


_MAX_DIGITS = 15  # a double holds about 15 significant digits


def evaluate(formula: Formula, months: pd.DataFrame) -> pd.Series:
    """The formula's value for every month (nan where a division by zero or an undefined input occurs;
    an overflow gives an infinite value, which the caller reports)."""
    with np.errstate(all="ignore"):
        result = _value(formula.tree.body, months)
    values = np.broadcast_to(np.asarray(result, dtype=float), (len(months),)).copy()
    return pd.Series(values, index=months.index, name=formula.text)


def _value(node: ast.AST, months: pd.DataFrame) -> Any:
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return as_numbers(months[node.id]).to_numpy(dtype=float)
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, months)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _value(node.left, months), _value(node.right, months)
        if isinstance(node.op, ast.Div):
            return safe_divide(left, right)
        return _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.Call):
        args = [_value(arg, months) for arg in node.args]
        return _call(node.func.id, args)
    raise FormulaError(f"{type(node).__name__} is not allowed")  # parse() refuses these first


def _call(name: str, args: list[Any]) -> Any:
    if name in ("min", "max"):
        if len(args) < 2:
            raise FormulaError(f"{name}() needs at least two values")
        out = args[0]
        for arg in args[1:]:
            out = np.minimum(out, arg) if name == "min" else np.maximum(out, arg)
        return out
    if name == "abs":
        _arity(name, args, 1)
        return np.abs(args[0])
    if name == "round":
        if len(args) not in (1, 2):
            raise FormulaError("round() takes a value and, optionally, a number of decimals")
        digits = np.asarray(args[1], dtype=float).ravel() if len(args) == 2 else np.zeros(1)
        if len(np.unique(digits)) != 1 or not digits[0].is_integer() or abs(digits[0]) > _MAX_DIGITS:
            raise FormulaError(f"round() takes a whole number of decimals between -{_MAX_DIGITS} and {_MAX_DIGITS}, "
                               "the same every month")
        return np.round(args[0], int(digits[0]))
    _arity(name, args, 2)  # if_zero(value, fallback)
    value, fallback = np.asarray(args[0], dtype=float), args[1]
    return np.where((value == 0) | np.isnan(value), fallback, value)


def _arity(name: str, args: list[Any], count: int) -> None:
    if len(args) != count:
        raise FormulaError(f"{name}() takes {count} value{'s' if count > 1 else ''}, not {len(args)}")


def _slug(text: str) -> str:
    """A name part from a channel or platform: 'Meta Ads' -> 'meta_ads', 'Réseaux sociaux' -> 'reseaux_sociaux'."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain.lower()).strip("_")


def variables(table: pd.DataFrame, marketing: pd.DataFrame | None = None,
              social: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every name a formula may use, one column per name, one row per month.

    The monthly KPI table's numeric columns (``revenue``, ``sessions``,
    ``churn_rate``...), and per channel and platform: ``spend_<channel>``,
    ``impressions_<channel>``, ``clicks_<channel>``, ``new_customers_<channel>``
    (e.g. ``spend_meta_ads``) and ``followers_<platform>``, ``reach_<platform>``,
    ``likes_<platform>``... (e.g. ``followers_instagram``).
    """
    out = table.select_dtypes("number").copy()
    for frame, key, columns in ((marketing, "channel", ("spend", "impressions", "clicks", "new_customers")),
                                (social, "platform", ("followers", "reach", "impressions", "likes", "comments",
                                                      "shares", "site_visits"))):
        if frame is None or frame.empty:
            continue
        months = pd.to_datetime(frame["month"]).dt.to_period("M")
        for column in columns:
            per = as_numbers(frame[column]).groupby([months, frame[key].map(_slug)]).sum()
            for (month, name), value in per.items():
                out.loc[month, f"{column}_{name}"] = value
    return out
