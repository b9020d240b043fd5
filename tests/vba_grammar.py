"""VBA conditional compilation ([MS-VBAL] 3.4) and a grammar parse (the ``antlr4-vba`` package), for the tests.

:func:`preprocess` keeps the lines a given platform compiles and blanks the
others (line numbers stay), evaluating ``#Const`` and ``#If/#ElseIf/#Else``
with the platform's predefined constants. :func:`syntax_errors` parses the
result with the MS-VBAL grammar of ``antlr4-vba`` and returns its syntax errors.
"""

from __future__ import annotations

import re

from antlr4 import CommonTokenStream, InputStream
from antlr4.atn.PredictionMode import PredictionMode
from antlr4.error.ErrorListener import ErrorListener
from antlr4_vba.vbaLexer import vbaLexer
from antlr4_vba.vbaParser import vbaParser

#: Predefined compiler constants ([MS-VBAL] 3.4.1.1) of the three builds Excel runs; VBA's True is -1.
PLATFORMS = {
    "Win64": {"VBA6": -1, "VBA7": -1, "WIN16": 0, "WIN32": -1, "WIN64": -1, "MAC": 0},
    "Win32": {"VBA6": -1, "VBA7": -1, "WIN16": 0, "WIN32": -1, "WIN64": 0, "MAC": 0},
    "Mac": {"VBA6": -1, "VBA7": -1, "WIN16": 0, "WIN32": 0, "WIN64": 0, "MAC": -1, "MAC_OFFICE_VERSION": 16},
}

_DIRECTIVE = re.compile(r"^\s*#(const|if|elseif|else|end\s*if)\b(.*)$", re.IGNORECASE)
_TOKEN = re.compile(r'\s*(?:("(?:[^"]|"")*")|(\d+(?:\.\d+)?)|(<>|<=|>=|=|<|>|\(|\))|([A-Za-z_][A-Za-z0-9_]*))')
_WORDS = {"AND": " and ", "OR": " or ", "NOT": " not ", "TRUE": " -1 ", "FALSE": " 0 "}
_OPS = {"=": "==", "<>": "!="}


def _strip_comment(text: str) -> str:
    """``text`` without a trailing ' comment (quotes respected)."""
    inside = False
    for i, char in enumerate(text):
        if char == '"':
            inside = not inside
        elif char == "'" and not inside:
            return text[:i]
    return text


def evaluate(expression: str, constants: dict[str, object]) -> object:
    """The value of a conditional-compilation expression; an undefined constant is Empty (0)."""
    expression = _strip_comment(expression).strip()
    if expression.upper().endswith(" THEN"):
        expression = expression[:-5]
    python, pos = [], 0
    expression = expression.strip()
    while pos < len(expression):
        match = _TOKEN.match(expression, pos)
        if not match or match.end() == pos:
            raise SyntaxError(f"cannot read conditional-compilation expression {expression!r}")
        string, number, op, word = match.groups()
        if string is not None:
            python.append(repr(string[1:-1].replace('""', '"')))
        elif number is not None:
            python.append(number)
        elif op is not None:
            python.append(_OPS.get(op, op))
        elif word.upper() in _WORDS:
            python.append(_WORDS[word.upper()])
        else:
            python.append(repr(constants.get(word.upper(), 0)))
        pos = match.end()
    return eval(" ".join(python), {"__builtins__": {}}, {})  # noqa: S307 - tokens checked above


def preprocess(source: str, platform: str) -> str:
    """The lines of ``source`` that ``platform`` compiles; directives and skipped lines become blank."""
    constants = dict(PLATFORMS[platform])
    out = []
    stack: list[tuple[bool, bool]] = []  # (this branch active, a branch of this #If was taken)
    for number, line in enumerate(source.replace("\r\n", "\n").split("\n"), start=1):
        active = all(branch for branch, _ in stack)
        match = _DIRECTIVE.match(line)
        if not match:
            out.append(line if active else "")
            continue
        word, rest = match.group(1).lower().replace(" ", ""), match.group(2)
        if word == "const":
            if active:
                name, value = rest.split("=", 1)
                constants[name.strip().upper()] = evaluate(value, constants)
        elif word == "if":
            taken = bool(evaluate(rest, constants))
            stack.append((taken, taken))
        elif not stack:
            raise SyntaxError(f"line {number}: #{word} without #If")
        elif word == "elseif":
            _, done = stack[-1]
            taken = not done and bool(evaluate(rest, constants))
            stack[-1] = (taken, done or taken)
        elif word == "else":
            _, done = stack[-1]
            stack[-1] = (not done, True)
        else:
            stack.pop()
        out.append("")
    if stack:
        raise SyntaxError("#If without #End If")
    return "\n".join(out)


class _Errors(ErrorListener):
    def __init__(self) -> None:
        self.errors: list[tuple[int, str]] = []

    def syntaxError(self, recognizer, offending, line, column, message, error):  # noqa: N802 - antlr's name
        self.errors.append((line, f"column {column}: {message}"))


_STREAM_ONLY = re.compile(r"^Attribute VB_(Base|TemplateDerived|Customizable|Description) = ")
_CLASS_HEADER = ["VERSION 1.0 CLASS", "BEGIN", "  MultiUse = -1  'True", "END"]
_PROCEDURE = re.compile(r"^\s*((Public|Private|Friend)\s+)?(Static\s+)?(Sub|Function|Property\s+(Get|Let|Set))\s",
                        re.IGNORECASE)


def syntax_errors(source: str, *, is_class: bool) -> list[str]:
    """The grammar's syntax errors in a module's (preprocessed) source, with its line numbers; [] when it parses.

    A class or document module is given the header of an exported .cls file,
    which is how the grammar expects a class module to start, and loses the
    header attributes an exported file does not hold (VB_Base, VB_TemplateDerived,
    VB_Customizable) and the class's VB_Description, which the grammar's
    classAttr rule lacks: they are metadata, not code.

    The module is parsed in pieces (the declarations, then each procedure up to
    the next one, each after the module's header and blank lines standing for
    the lines before it): the grammar's fast SLL prediction parses most pieces
    and full LL, ~100 times slower on a long module, is needed only for the
    few that SLL rejects. A declaration between procedures still fails, as it
    ends the piece of the procedure before it.
    """
    lines = source.replace("\r\n", "\n").split("\n")
    if is_class:
        head = next(i for i, line in enumerate(lines) if not line.startswith("Attribute "))
        lines = ["" if i < head and _STREAM_ONLY.match(line) else line for i, line in enumerate(lines)]
    header = _CLASS_HEADER if is_class else []
    starts = [i for i, line in enumerate(lines) if _PROCEDURE.match(line)]
    bounds = list(zip([0] + starts, starts + [len(lines)], strict=True))
    name_line = lines[0]
    errors = []
    for first, last in bounds:
        if first == last:
            continue
        piece = lines[first:last] if first == 0 else [name_line] + [""] * (first - 1) + lines[first:last]
        text = "\n".join(header + piece) + "\n"
        found = _parse(text, PredictionMode.SLL)
        if found:
            found = _parse(text, PredictionMode.LL)
        errors += [(line - len(header), message) for line, message in found]
    return [f"line {line}: {message}" for line, message in errors]


def _parse(text: str, mode: PredictionMode) -> list[tuple[int, str]]:
    listener = _Errors()
    lexer = vbaLexer(InputStream(text))
    lexer.removeErrorListeners()
    lexer.addErrorListener(listener)
    parser = vbaParser(CommonTokenStream(lexer))
    parser._interp.predictionMode = mode
    parser.removeErrorListeners()
    parser.addErrorListener(listener)
    parser.startRule()
    return listener.errors
