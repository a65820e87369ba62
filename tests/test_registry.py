"""A format is one module: it declares itself, and the registry finds it (unit tests, no server)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import loaders
from conftest import DATA, REPO, SAMPLES
from loaders.registry import discover

EXPECTED = {  # file -> the format a person would say it is
    SAMPLES / "neurips2023-workshops.jsonl": "jsonl",
    SAMPLES / "citations" / "citations.csv": "edges",
    SAMPLES / "citations" / "library.bib": "bibtex",
    SAMPLES / "citations" / "openalex-works.jsonl": "openalex",
    SAMPLES / "citations" / "s2-papers.jsonl": "s2",
    DATA / "neurips2023-workshops.viewer.txt": "viewer",
    DATA / "real" / "openalex" / "work-2022-host-venue.json": "openalex",
    DATA / "real" / "s2" / "references-page.json": "s2",
    DATA / "real" / "bibtex" / "zotero.bib": "bibtex",
}


def test_every_format_is_declared_by_one_module():
    for name, fmt in loaders.FORMATS.items():
        module = fmt.read.__module__
        assert module.startswith("loaders.") and module != "loaders", (name, module)
    assert discover("loaders").keys() == loaders.FORMATS.keys()


def test_nothing_central_names_a_format():
    central = (REPO / "loaders" / "__init__.py").read_text(encoding="utf-8") + \
        (REPO / "loaders" / "registry.py").read_text(encoding="utf-8")
    named = [n for n in loaders.FORMATS if n != "hf" and re.search(rf"[\"']{n}[\"']", central)]
    # hf: `hf:ORG/NAME` inputs are not files, so the dispatcher recognises them by their prefix
    assert named == []


@pytest.mark.parametrize("path, name", EXPECTED.items(), ids=[p.name for p in EXPECTED])
def test_the_best_sniff_wins(path: Path, name: str):
    assert loaders.detect_format(path) == name


def test_a_new_module_is_a_new_format(tmp_path, monkeypatch):
    package = tmp_path / "extra_loaders"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "marc.py").write_text(
        "from loaders.registry import MARKED, Format\n"
        "def read(path, source, options):\n    return iter(())\n"
        "FORMATS = [Format('marc', 'MARC records', read, ('.mrc',), lambda p, h: MARKED if h.startswith('00') else 0)]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = discover("extra_loaders")
    assert list(found) == ["marc"] and found["marc"].extensions == (".mrc",)


def test_json_lines_with_a_broken_first_line_are_still_json_lines(tmp_path):
    """One bad line (here a NUL byte in the first) must not make the whole file one JSON
    document that fails as a whole: the other rows load."""
    rows = (SAMPLES / "neurips2023-workshops.jsonl").read_bytes().splitlines(keepends=True)[:4]
    path = tmp_path / "papers.jsonl"
    path.write_bytes(rows[0][:40] + b"\x00" + rows[0][40:] + b"".join(rows[1:]))
    assert loaders.detect_format(path) == "jsonl"
    read = list(loaders.read(str(path)))
    assert [r.reject is None for r in read] == [False, True, True, True]
