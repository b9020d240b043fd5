"""Every VBA module of the template parses with a VBA grammar on Windows 64-bit, 32-bit and Mac.

Excel compiles the project from source when the workbook opens; a syntax error
in any module a platform compiles stops every macro (the ribbon, the formulas)
on that platform. Each module is run through conditional compilation for each
platform (tests/vba_grammar.py) and parsed with the MS-VBAL grammar of the
``antlr4-vba`` package.

Parsing xlwings' 1,200-line module takes tens of seconds, so a success is
remembered in pytest's cache under the SHA-256 of the exact text parsed and the
grammar's version; any change to a module's text parses it again
(``KPI_XL_PARSE_CACHE=0`` turns the cache off).
"""

import hashlib
import os
from importlib import metadata
from pathlib import Path

import pytest

from kpi_xl.template.udf_wrapper import generate_udf_wrapper
from kpi_xl.template.vba_sources import registration_source, template_modules

from vba_grammar import PLATFORMS, evaluate, preprocess, syntax_errors

_GRAMMAR = metadata.version("antlr4-vba") + hashlib.sha256(
    (Path(__file__).parent / "vba_grammar.py").read_bytes()).hexdigest()[:12]


@pytest.fixture(scope="module")
def wrapper():
    return generate_udf_wrapper()


@pytest.fixture(scope="module")
def modules(wrapper):
    return template_modules(wrapper)


def _errors(source: str, is_class: bool, cache) -> list[str]:
    key = "kpi_xl/vba_parsed/" + hashlib.sha256(f"{_GRAMMAR}|{is_class}|{source}".encode()).hexdigest()
    use_cache = cache is not None and os.environ.get("KPI_XL_PARSE_CACHE", "1") != "0"
    if use_cache and cache.get(key, False):
        return []
    errors = syntax_errors(source, is_class=is_class)
    if use_cache and not errors:
        cache.set(key, True)
    return errors


@pytest.mark.parametrize("platform", list(PLATFORMS))
def test_every_module_parses_after_conditional_compilation(modules, platform, request):
    for module in modules:
        source = preprocess(module.source, platform)
        errors = _errors(source, module.kind != "procedural", getattr(request.config, "cache", None))
        assert not errors, f"{module.name} on {platform}: {errors[:3]}"


def test_the_parser_catches_a_syntax_error():
    # a missing "Then" and an unclosed call: both are compile errors in the VBE
    assert syntax_errors('Attribute VB_Name = "m"\nSub A()\n    If 1 = 1\n        MsgBox "x"\n    End If\nEnd Sub\n',
                         is_class=False)
    assert syntax_errors('Attribute VB_Name = "m"\nSub A()\n    MsgBox ("x"\nEnd Sub\n', is_class=False)
    assert not syntax_errors('Attribute VB_Name = "m"\nSub A()\n    If 1 = 1 Then MsgBox "x"\nEnd Sub\n',
                             is_class=False)


def test_a_syntax_error_only_one_platform_compiles_is_found_on_that_platform_only():
    source = 'Attribute VB_Name = "m"\nSub A()\n#If Mac Then\n    If 1 = 1\n#Else\n    Beep\n#End If\nEnd Sub\n'
    assert syntax_errors(preprocess(source, "Mac"), is_class=False)
    assert not syntax_errors(preprocess(source, "Win64"), is_class=False)


@pytest.mark.parametrize("platform, expected", [("Win64", "64"), ("Win32", "32"), ("Mac", "mac")])
def test_conditional_compilation_picks_each_platforms_branch(platform, expected):
    # the shape of xlwings.bas' Declare block: #If VBA7 / #If Win64 / #Else, and #If Mac elsewhere
    source = "\n".join(['#Const App = "Microsoft Excel" \' a comment', "#If Mac Then", "mac", "#ElseIf Win64 Then",
                        "64", "#Else", "32", "#End If", '#If App = "Microsoft Word" Then', "word", "#End If"])
    assert [line for line in preprocess(source, platform).split("\n") if line] == [expected]


def test_conditional_expressions_follow_vba():
    constants = {"MAC": -1, "WIN64": 0, "MAC_OFFICE_VERSION": 16}
    assert evaluate("Mac Or Not UseScriptingDictionaryIfAvailable Then", constants)  # undefined is Empty (0)
    assert not evaluate("Not Mac", constants)
    assert evaluate("MAC_OFFICE_VERSION >= 15 Then", constants)
    assert not evaluate('App = "Microsoft Excel"', constants)


def test_the_registration_compiles_on_the_mac_without_macro_options(wrapper):
    # issue 13 item 3: a Mac build without ArgumentDescriptions must not even see the call
    mac = preprocess(registration_source(wrapper), "Mac")
    assert "MacroOptions" not in mac and "Sub RegisterKpiFunctions()" in mac
    windows = preprocess(registration_source(wrapper), "Win64")
    assert windows.count("app.MacroOptions") == len(wrapper.functions)
    assert "Application.MacroOptions" not in windows  # late-bound through an Object, never early-bound


def _limit_problems(source: str) -> list[str]:
    """The VBE's limits no grammar states: 1,023 characters a line, 24 line continuations a statement."""
    problems, run = [], 0
    for number, line in enumerate(source.replace("\r\n", "\n").split("\n"), start=1):
        if len(line) > 1023:
            problems.append(f"line {number}: {len(line)} characters")
        run = run + 1 if line.rstrip().endswith(" _") else 0
        if run > 24:
            problems.append(f"line {number}: more than 24 line continuations")
    return problems


def test_every_module_stays_within_the_editors_limits(modules):
    for module in modules:
        assert _limit_problems(module.source) == [], module.name
    assert _limit_problems("x = 1 + _\n" * 25 + "1\n") == ["line 25: more than 24 line continuations"]
    assert _limit_problems("' " + "x" * 1022) == ["line 1: 1024 characters"]
