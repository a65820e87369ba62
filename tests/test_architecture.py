"""The layers of citegraph import one way (the contract in .importlinter, checked with
import-linter), and the contract does catch an import that goes back up."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import REPO

PACKAGES = ("citegraph", "graph", "loaders", "queries")
LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def lint(root: Path) -> subprocess.CompletedProcess:
    """lint-imports on the packages under ``root``: without site processing (-S), so that the
    editable install of this checkout cannot stand in for a copy; the libraries come by PYTHONPATH."""
    path = f"{root}:{sysconfig.get_paths()['purelib']}"
    return subprocess.run([sys.executable, "-S", "-c", LINT, str(root / ".importlinter"), "--no-cache"], cwd=root,
                          capture_output=True, text=True, env={"PYTHONPATH": path, "PATH": "/usr/bin:/bin"})


def test_the_layers_import_one_way():
    done = lint(REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def copy_tree(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_an_import_back_up_breaks_the_contract(tmp_path):
    root = copy_tree(tmp_path)
    model = root / "graph" / "model.py"
    model.write_text(model.read_text(encoding="utf-8") + "\n\ndef _back():\n    import citegraph.api  # noqa\n",
                     encoding="utf-8")
    done = lint(root)
    assert done.returncode != 0
    assert "graph.model is not allowed to import citegraph.api" in done.stdout


def test_the_command_line_reaching_past_the_api_breaks_the_contract(tmp_path):
    root = copy_tree(tmp_path)
    cli = root / "citegraph" / "cli.py"
    cli.write_text(cli.read_text(encoding="utf-8") + "\n\nfrom graph.writer import GraphWriter  # noqa\n",
                   encoding="utf-8")
    done = lint(root)
    assert done.returncode != 0
    assert "citegraph.cli is not allowed to import graph" in done.stdout


@pytest.mark.parametrize("args, loaded", [(["--help"], "[]"), (["queries"], "['citegraph.api']")])
def test_the_command_line_loads_the_driver_only_for_a_command_that_needs_it(args, loaded):
    # (a module loaded on first use sits in sys.modules as a lazy module until then)
    code = ("import sys; from click.testing import CliRunner; from citegraph.cli import main; "
            f"r = CliRunner().invoke(main, {args!r}); assert r.exit_code == 0, r.output; "
            "print(sorted(m for m in ('neo4j', 'citegraph.api') if m in sys.modules and "
            "type(sys.modules[m]).__name__ == 'module'), 'pandas' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == f"{loaded} False", done.stderr


def test_loaders_do_not_import_the_driver_or_the_api():
    code = ("import sys, loaders, loaders.jsonl, queries, graph.papers; "
            "print(sorted(m for m in ('neo4j', 'citegraph.api', 'citegraph.server') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "[]", done.stderr


def test_commands_import_the_driver_without_pandas_and_pandas_stays_importable():
    # the command line's driver skips pandas and pyarrow (half a second); a later import of
    # either (a loader reading Parquet) still works
    code = ("import sys; from citegraph import api; api.without_dataframes(); "
            "from graph.reader import neo4j; neo4j.GraphDatabase; "
            "before = [m in sys.modules for m in ('pandas', 'pyarrow')]; "
            "import pyarrow.parquet, pandas; print(before, pandas.DataFrame({'a': [1]}).shape)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "[False, False] (1, 1)", done.stderr
