"""The layers of docs/architecture.md, checked on the source: a forbidden import fails here.

Every import of every module of kpi_xl is read with Python's parser (module-level and inside
functions alike) and resolved to a kpi_xl module or a top-level package name.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kpi_xl"

#: Modules that are not the core: the command line, the doctor, the renderer and the entry point.
_EDGE = {"kpi_xl.cli", "kpi_xl.doctor", "kpi_xl.render", "kpi_xl.__main__", "kpi_xl"}
#: Third-party or standard modules the core must never need: it runs unchanged under Pyodide.
_CORE_FORBIDDEN = {"xlwings", "openpyxl", "lxml", "python_calamine", "subprocess", "fastexcel", "pyarrow"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path, name: str | None = None) -> set[str]:
    """Every module ``path`` (module ``name``) imports: kpi_xl modules by full name, others by top-level name."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name if alias.name.startswith("kpi_xl") else alias.name.split(".")[0]
                      for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module
            if not target.startswith("kpi_xl"):
                found.add(target.split(".")[0])
                continue
            for alias in node.names:  # "from . import kpis" imports a module; "from .x import f" the module x
                candidate = f"{target}.{alias.name}"
                found.add(candidate if candidate in MODULES else target)
    return found


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
GRAPH = {name: imports(path) for name, path in MODULES.items()}
CORE = {name for name, path in MODULES.items()
        if name.count(".") == 1 and path.name != "__init__.py" and name not in _EDGE}


def kpi_xl_imports(name: str) -> set[str]:
    return {target for target in GRAPH[name] if target.startswith("kpi_xl") and target != "kpi_xl"}


def test_the_core_is_found():
    assert {"kpi_xl.kpis", "kpi_xl.orders", "kpi_xl.report", "kpi_xl.schema", "kpi_xl.layout"} <= CORE


@pytest.mark.parametrize("name", sorted(CORE))
def test_the_core_imports_no_excel_file_or_build_code(name):
    outside = {t for t in kpi_xl_imports(name) if t not in CORE}
    assert outside == set(), f"{name} is core and imports {outside}"
    assert GRAPH[name] & _CORE_FORBIDDEN == set(), f"{name} is core and imports {GRAPH[name] & _CORE_FORBIDDEN}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if not n.startswith("kpi_xl.template")))
def test_run_time_code_never_imports_the_builder(name):
    builder = {t for t in kpi_xl_imports(name) if t.startswith("kpi_xl.template")}
    if name == "kpi_xl.cli":  # `kpi-xl template` and `kpi-xl demo` build a workbook: lazily, inside them
        tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        assert not any("template" in (getattr(n, "module", "") or "") for n in top)
        return
    assert builder == set(), f"{name} imports the build-time code {builder}"


def test_the_refresh_and_the_imports_stand_on_the_adapters_not_on_each_other():
    refresh_side = {"kpi_xl.excel.refresh", "kpi_xl.excel.fill", "kpi_xl.excel.books", "kpi_xl.excel.inputs"}
    importers = {n for n in MODULES if n.startswith("kpi_xl.importers")}
    for name in importers:
        assert kpi_xl_imports(name) & (refresh_side - {"kpi_xl.excel.books"}) == set(), name
    for name in refresh_side:
        assert kpi_xl_imports(name) & importers == set(), name


def test_no_import_cycle():
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = "open"
        for target in sorted(kpi_xl_imports(name)):
            if target not in MODULES or target == name.rpartition(".")[0]:
                continue  # a package's own __init__ is imported by Python first, not a cycle
            if state.get(target) == "open":
                raise AssertionError("import cycle: " + " -> ".join(path[path.index(target):] + [target]))
            if target not in state:
                visit(target, path + [target])
        state[name] = "done"

    for name in sorted(MODULES):
        if name not in state:
            visit(name, [name])


def test_no_module_imports_scipy():
    # issue 18: scipy.special cost 0.2-0.5 s of CPU per refresh and all of scipy in xlwings Lite; the CLV models'
    # special functions are kpi_xl.special_functions (scipy is only in the test extra, as their reference)
    assert sorted(name for name, found in GRAPH.items() if "scipy" in found) == []


def test_a_forbidden_import_is_caught(tmp_path):
    """The checker itself, on a planted module: a core module importing the file adapter and lxml."""
    planted = tmp_path / "planted.py"
    planted.write_text("import numpy\n\ndef f():\n    from .excel.package import Package\n    import lxml.etree\n"
                       "    from scipy import special\n")
    found = imports(planted, "kpi_xl.planted")
    assert "scipy" in found
    assert {t for t in found if t.startswith("kpi_xl") and t not in CORE} == {"kpi_xl.excel.package"}
    assert found & _CORE_FORBIDDEN == {"lxml"}


def test_every_count_by_index_uses_numpys_index_type():
    """np.bincount under WebAssembly (xlwings Lite) refuses int64 indices such as period ordinals: every call
    in the package counts by ``as_index(...)`` (kpi_xl._numbers), which is free on 64-bit machines."""
    bare = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "np.bincount":
                first = node.args[0]
                if not (isinstance(first, ast.Call) and ast.unparse(first.func) == "as_index"):
                    bare.append(f"{name}:{node.lineno}")
    assert bare == []


def _module_level_imports(name: str, folder: Path) -> set[str]:
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    top = ast.Module(body=[n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))], type_ignores=[])
    path = folder / (MODULES[name].name)  # imports() reads a file: here the module's top-level imports only
    path.write_text(ast.unparse(top), encoding="utf-8")
    return imports(path, name)


def test_the_lite_module_set_reaches_no_file_or_build_code_when_it_loads(tmp_path):
    """What loading kpi_xl/lite/main.py imports, followed through module-level imports only."""
    seen, todo = set(), ["kpi_xl.lite.main"]
    while todo:
        name = todo.pop()
        if name in seen or name not in MODULES:
            continue
        seen.add(name)
        todo += [t for t in _module_level_imports(name, tmp_path) if t.startswith("kpi_xl")]
    file_code = {"kpi_xl.excel.package", "kpi_xl.excel.typed_columns", "kpi_xl.excel.styles"}
    assert "kpi_xl.excel.udfs" in seen and "kpi_xl.lite.scripts" in seen
    assert seen & file_code == set() and not {n for n in seen if n.startswith("kpi_xl.template")}
