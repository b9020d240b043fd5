"""The kpi-xl command line, run as a user runs it."""

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from checkout import checkout_env, kpi_xl_command

from kpi_xl.cli import main
from kpi_xl.labels import DASHBOARD_KPIS, KPI_LABELS, format_value
from kpi_xl.report import monthly_kpis
from kpi_xl.sample import sample_shop


@pytest.fixture(scope="module")
def demo_table():
    shop = sample_shop()
    return monthly_kpis(shop.orders, shop.traffic, shop.marketing, shop.social,
                        history_start=shop.opened, as_of=shop.as_of)


def test_demo_runs_as_a_program_and_prints_every_tile(tmp_path):
    run = subprocess.run(kpi_xl_command("demo"), capture_output=True, text=True, check=False, cwd=tmp_path,
                         env=checkout_env())
    assert run.returncode == 0, run.stderr
    for key in DASHBOARD_KPIS:
        assert KPI_LABELS[key].fr in run.stdout
    assert "mois de référence : 2025-12" in run.stdout
    assert "Classeur : kpi_xl_demo.xlsm" in run.stdout and (tmp_path / "kpi_xl_demo.xlsm").exists()


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_demo_shows_the_core_numbers(capsys, demo_table, lang, tmp_path):
    assert main(["demo", str(tmp_path / "demo.xlsm"), "--lang", lang]) == 0
    out = capsys.readouterr().out
    december = demo_table.loc["2025-12"]
    for key in ("revenue", "customer_acquisition_cost", "churn_rate", "lifetime_value", "engagement_rate"):
        label = KPI_LABELS[key]
        line = next(line for line in out.splitlines() if line.startswith(label.name(lang)))
        assert format_value(december[key], label.kind, lang) in line


def test_demo_json_holds_every_kpi_of_every_month(capsys, demo_table, tmp_path):
    assert main(["demo", str(tmp_path / "demo.xlsm"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["currency"] == "EUR" and len(data["months"]) == len(demo_table) == 24
    first, last = data["months"][0], data["months"][-1]
    assert first["churn_rate"] is None  # not enough history: null, not 0
    assert last["month"] == "2025-12"
    for key in demo_table.columns:
        expected = demo_table.loc["2025-12", key]
        if isinstance(expected, float) and math.isnan(expected):
            assert last[key] is None
        else:
            assert last[key] == pytest.approx(expected) if not isinstance(expected, str) else last[key] == expected


def test_demo_reporting_month_option(capsys, tmp_path):
    assert main(["demo", str(tmp_path / "demo.xlsm"), "--month", "2025-01", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "reporting month: 2025-01" in out and "not enough history" in out  # Dec 2024 churn is not known


@pytest.mark.parametrize("month, words", [("2031-01", "outside the data (2024-01 to 2025-12)"),
                                          ("janvier", "'janvier', not a month (use YYYY-MM)")])
def test_bad_month_is_a_clear_error(capsys, month, words, tmp_path):
    assert main(["demo", str(tmp_path / "demo.xlsm"), "--month", month]) == 2
    assert words in capsys.readouterr().err


def test_version_and_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("kpi-xl 0.")


def test_version_and_help_start_without_pandas():
    # issue 18: `kpi-xl --version` under 0.3 s; pandas alone takes about 0.5 s to import, so it must not be (the
    # import command's own help lists the layouts, which the importers hold: that one may)
    code = ("import sys, contextlib, io\nfrom kpi_xl.cli import main\n"
            "for args in (['--version'], ['--help']):\n"
            "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
            "        main(args)\n"
            "print(sorted(name for name in ('pandas', 'numpy', 'scipy', 'pyarrow') if name in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_the_formulas_and_a_demo_refresh_never_import_scipy(tmp_path):
    # issue 18: importing scipy.special cost 0.2-0.5 s of CPU per refresh and all of scipy in xlwings Lite; the
    # CLV models' special functions are kpi_xl.special_functions. The demo fits both models and predicts (its
    # 12-month predictive value, 16,57 EUR, needs the hypergeometric function): scipy must still be absent.
    code = ("import sys\nimport kpi_xl.excel.refresh, kpi_xl.excel.udfs, kpi_xl.clv\n"
            "from kpi_xl.cli import main\n"
            f"main(['demo', {str(tmp_path / 'demo.xlsm')!r}])\n"
            "print('scipy' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=Path(__file__).resolve().parent.parent)
    lines = done.stdout.strip().splitlines()
    assert any("prédictive" in line and "16,57" in line for line in lines), done.stdout
    assert lines[-1] == "False", done.stdout + done.stderr


def test_template_never_replaces_a_workbook_holding_data(tmp_path, capsys):
    from kpi_xl.excel.books import FileBook, fill_inputs

    mine = tmp_path / "workbook_template_lite.xlsx"
    assert main(["template", str(mine), "--edition", "lite"]) == 0  # a new file
    assert main(["template", str(mine), "--edition", "lite"]) == 0  # an empty template: rebuilt
    book = FileBook(mine)
    fill_inputs(book, sample_shop().tables("fr"), "fr")  # the user's data
    book.save()
    before = mine.read_bytes()
    capsys.readouterr()
    assert main(["template", str(mine), "--edition", "lite"]) == 2
    assert "already exists and holds data" in capsys.readouterr().err and mine.read_bytes() == before
    assert main(["template", str(mine), "--edition", "lite", "--force"]) == 0 and mine.read_bytes() != before


@pytest.mark.parametrize("name, edition", [("book.xlsm", "lite"), ("book.xlsx", "desktop")])
def test_template_extension_matches_the_edition(tmp_path, capsys, name, edition):
    assert main(["template", str(tmp_path / name), "--edition", edition]) == 2
    assert "Excel refuses a file whose extension does not match its content" in capsys.readouterr().err
    assert not (tmp_path / name).exists()
