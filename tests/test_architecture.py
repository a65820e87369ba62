"""The layers of citegraph import one way (the contract in .importlinter, checked with
import-linter), and the contract does catch an import that goes back up."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

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
    assert "1 kept, 0 broken" in done.stdout


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


def test_loaders_do_not_import_the_driver_or_the_api():
    code = ("import sys, loaders, loaders.jsonl, queries, graph.papers; "
            "print(sorted(m for m in ('neo4j', 'citegraph.api', 'citegraph.server') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                          env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"})
    assert done.stdout.strip() == "[]", done.stderr
