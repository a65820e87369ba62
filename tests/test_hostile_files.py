"""Loads that never crash and never lie: folders with notes beside the data, files that
cannot be read, hostile structures, and whatever is not written is said.

For every load here: read = loaded + rejected, and the good data around a bad file loads.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import DATA, SAMPLES, run

REAL_BIB = DATA / "real" / "bibtex"
SAMPLE_ROWS = (SAMPLES / "neurips2023-workshops.jsonl").read_text(encoding="utf-8").splitlines()[:3]


def good_rows(folder) -> None:
    (folder / "papers.jsonl").write_text("\n".join(SAMPLE_ROWS) + "\n", encoding="utf-8")


def balanced(summary) -> None:
    assert summary.read == summary.loaded + summary.rejected
    for f in summary.files:
        assert f["read"] == f["loaded"] + f["rejected"], f


def test_folder_with_readme_licence_and_notes_loads_its_data(graph, tmp_path):
    good_rows(tmp_path)
    (tmp_path / "README.md").write_text("# My papers\n\nRows from the NeurIPS dataset.\n", encoding="utf-8")
    (tmp_path / "LICENSE").write_text("MIT License\n\nCopyright (c) 2024 Someone\n\nPermission is hereby granted, "
                                      "free of charge, to any person\n", encoding="utf-8")
    (tmp_path / "SOURCE.txt").write_text("Downloaded from the Hub on 2024-01-02 by a script.\nSee README.\n",
                                         encoding="utf-8")
    summary = graph.load([tmp_path])
    balanced(summary)
    assert summary.loaded == 3 and summary.rejected == 0
    assert sorted(os.path.basename(s["path"]) for s in summary.skipped) == ["LICENSE", "README.md", "SOURCE.txt"]
    assert sum("skipped" in w["warning"] for w in summary.warnings) == 3
    assert run(graph, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == 3


def test_deeply_nested_json_is_a_reject_not_a_traceback(graph, tmp_path):
    good_rows(tmp_path)
    (tmp_path / "deep.json").write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8")
    (tmp_path / "deep-lines.jsonl").write_text(json.dumps({"title": "x"}) + "\n" + "[" * 200_000 + "\n",
                                               encoding="utf-8")
    summary = graph.load([tmp_path])
    balanced(summary)
    reasons = {r["source"]: r["reason"] for r in summary.rejects}
    assert "deep.json" in reasons and "deep-lines.jsonl" in reasons
    assert "nested too deeply" in reasons["deep-lines.jsonl"]
    assert run(graph, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == 3


def test_corrupt_parquet_and_invalid_utf8_are_one_reject_each(graph, tmp_path):
    good_rows(tmp_path)
    (tmp_path / "broken.parquet").write_bytes(b"PAR1" + os.urandom(200) + b"PAR1")
    (tmp_path / "latin.json").write_bytes(b'{"title": "Caf\xe9", "proceedings": "https://openreview.net/forum?id=abcdef1"}')
    summary = graph.load([tmp_path])
    balanced(summary)
    reasons = {r["source"]: (r["line"], r["reason"]) for r in summary.rejects}
    assert set(reasons) == {"broken.parquet", "latin.json"}
    assert "UTF-8" in reasons["latin.json"][1] and reasons["latin.json"][0] == 1
    assert "Parquet" in reasons["broken.parquet"][1] or "parquet" in reasons["broken.parquet"][1].lower()
    assert summary.loaded == 3


def test_wrong_types_deep_inside_a_work_are_a_reject_with_the_line(graph, tmp_path):
    good = {"id": "https://openalex.org/W1", "title": "Good", "authorships": [
        {"author": {"display_name": "Ada Lovelace"}, "institutions": [{"id": "https://openalex.org/I1",
                                                                       "display_name": "Somewhere"}]}]}
    bad = {"id": "https://openalex.org/W2", "title": "Bad", "authorships": [
        {"author": {"display_name": "Alan Turing"}, "institutions": "Manchester"}]}
    worse = {"id": "https://openalex.org/W3", "title": "Worse", "primary_location": ["not", "an", "object"]}
    path = tmp_path / "works.jsonl"
    path.write_text("\n".join(json.dumps(w) for w in (good, bad, worse)) + "\n", encoding="utf-8")
    summary = graph.load([path], fmt="openalex")
    balanced(summary)
    assert [(r["line"], r["reason"]) for r in summary.rejects] == [
        (2, "authorship 1 institutions should be a list"), (3, "primary_location should be an object")]
    assert run(graph, "MATCH (p:Paper) RETURN p.title AS t") == [{"t": "Good"}]


def test_edge_list_self_citations_and_repeats_are_warnings(graph, tmp_path):
    path = tmp_path / "cites.tsv"
    path.write_text("citing\tcited\n2301.00001\t2301.00002\n2301.00003\t2301.00003\n"
                    "2301.00001\t2301.00002\n2301.00002\tarXiv:2301.00002v2\n", encoding="utf-8")
    summary = graph.load([path])
    balanced(summary)
    assert summary.read == 4 and summary.rejected == 0
    lines = sorted((w["line"], w["warning"]) for w in summary.warnings)
    assert [line for line, _ in lines] == [3, 4, 5]
    assert "cites itself" in lines[0][1] and "line 2" in lines[1][1] and "cites itself" in lines[2][1]
    assert run(graph, "MATCH ()-[r:CITES]->() RETURN count(r) AS n")[0]["n"] == 1


def test_two_identifiers_of_one_paper_citing_each_other_are_said(graph, tmp_path):
    # the DOI and the arXiv id turn out to be one paper only once the BibTeX says so
    bib = tmp_path / "a.bib"
    bib.write_text("@article{x, title = {One Paper}, doi = {10.1234/one}, eprint = {2301.00009}, "
                   "archivePrefix = {arXiv}}\n", encoding="utf-8")
    edges = tmp_path / "cites.csv"
    edges.write_text("10.1234/one,2301.00009\n", encoding="utf-8")
    graph.load([bib])
    summary = graph.load([edges])
    assert any("not written" in w["warning"] for w in summary.warnings), summary.warnings
    assert run(graph, "MATCH ()-[r:CITES]->() RETURN count(r) AS n")[0]["n"] == 0


# -- identity within a library ---------------------------------------------------------------------

ENTRY = ("@inproceedings{{smith2020deep,\n  title = {{Deep Learning for Cats}},\n"
         "  author = {{Smith, Jane and\n    Doe, John}},\n  booktitle = {{Proc. of Cats}},\n  year = {{2020}}{doi}\n}}\n")


@pytest.mark.parametrize("order", ["title-first", "doi-first"])
def test_same_entry_with_and_without_doi_is_one_paper(graph, tmp_path, order):
    plain = tmp_path / "a.bib"
    plain.write_text(ENTRY.format(doi=""), encoding="utf-8")
    with_doi = tmp_path / "b.bib"
    with_doi.write_text(ENTRY.format(doi=",\n  doi = {10.5555/cats.2020}"), encoding="utf-8")
    files = [plain, with_doi] if order == "title-first" else [with_doi, plain]
    for f in files:
        graph.load([f])
    rows = run(graph, "MATCH (p:Paper) RETURN p.id AS id, p.doi AS doi, p.sources AS sources")
    assert len(rows) == 1
    assert rows[0]["id"] == "doi:10.5555/cats.2020" and sorted(rows[0]["sources"]) == ["a.bib", "b.bib"]
    assert run(graph, "MATCH (a:Author)-[:AUTHORED]->() RETURN count(*) AS n")[0]["n"] == 2


def test_same_entry_in_one_file_with_and_without_doi_is_one_paper(graph, tmp_path):
    both = tmp_path / "both.bib"
    both.write_text(ENTRY.format(doi="") + "\n" + ENTRY.format(doi=",\n  doi = {10.5555/cats.2020}")
                    .replace("smith2020deep", "smith2020deep", 1), encoding="utf-8")
    summary = graph.load([both])
    # bibtexparser reports the repeated key; the entry with the DOI is one paper with the first
    assert run(graph, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == 1
    balanced(summary)


def test_same_title_with_another_key_stays_apart(graph, tmp_path):
    plain = tmp_path / "a.bib"
    plain.write_text(ENTRY.format(doi=""), encoding="utf-8")
    other = tmp_path / "b.bib"
    other.write_text(ENTRY.format(doi=",\n  doi = {10.5555/other}").replace("smith2020deep", "jones2021"),
                     encoding="utf-8")
    graph.load([plain])
    graph.load([other])
    assert run(graph, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == 2


def test_and_others_is_recorded_on_the_paper_not_as_a_person(graph, tmp_path):
    path = tmp_path / "etal.bib"
    path.write_text("@article{big, title = {A Big Collaboration}, author = {Alpha, Ann AND\n\tBeta, Bob\n"
                    "   and   others}, year = 2021}\n", encoding="utf-8")
    graph.load([path])
    assert run(graph, "MATCH (p:Paper) RETURN p.et_al AS et_al")[0]["et_al"] is True
    assert sorted(r["n"] for r in run(graph, "MATCH (a:Author) RETURN a.name AS n")) == ["Ann Alpha", "Bob Beta"]


# -- what users see ------------------------------------------------------------------------------------

def test_untitled_papers_show_their_identifier(graph, tmp_path):
    path = tmp_path / "cites.csv"
    path.write_text("10.1234/a,10.1234/b\n10.1234/c,10.1234/b\n", encoding="utf-8")
    graph.load([path])
    top = graph.run_query("most-cited", limit=1)
    assert top == [{"paper_id": "doi:10.1234/b", "title": "doi:10.1234/b", "citations": 2}]
    refs = graph.run_query("references-of", id="10.1234/a")
    assert [r["title"] for r in refs] == ["doi:10.1234/b"]


def test_cli_load_of_a_folder_says_what_it_skipped(cli_env, tmp_path):
    good_rows(tmp_path)
    (tmp_path / "NOTES.md").write_text("notes\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "citegraph.cli", "load", str(tmp_path)], env=cli_env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "NOTES.md: skipped" in done.stderr


def test_explain_shows_what_joined_two_papers(graph, tmp_path, cli_env):
    # two stubs, one by DOI and one by arXiv id; then an entry that names both
    (tmp_path / "cites.csv").write_text("10.5555/one,2301.00009\n10.5555/two,10.5555/cats\n", encoding="utf-8")
    (tmp_path / "a.bib").write_text("@article{c, title = {Cats}, doi = {10.5555/cats}, eprint = {2301.00009}, "
                                    "archivePrefix = {arXiv}}\n", encoding="utf-8")
    graph.load([tmp_path / "cites.csv"])
    graph.load([tmp_path / "a.bib"])
    rows = graph.explain("10.5555/cats")
    got = {(r["what"], r["value"]) for r in rows}
    assert ("paper", "arxiv:2301.00009") in got and ("doi", "10.5555/cats") in got
    assert ("merged from", "arxiv:2301.00009 (same arxiv 2301.00009)") in got
    assert ("merged from", "doi:10.5555/cats (renamed: arxiv:2301.00009 is a better id)") in got
    assert {v for w, v in got if w == "source"} == {"cites.csv", "a.bib"}
    # a person, by any spelling
    graph.load([REAL_BIB / "acl-anthology.bib"])
    person = graph.explain("Libovický, Jindřich")
    assert ("author", "Jindřich Libovický") in {(r["what"], r["value"]) for r in person}
    # and from the command line
    done = subprocess.run([sys.executable, "-m", "citegraph.cli", "explain", "2301.00009"], env=cli_env,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "same arxiv 2301.00009" in done.stdout, done.stderr
    nothing = subprocess.run([sys.executable, "-m", "citegraph.cli", "explain", "no-such-paper"], env=cli_env,
                             capture_output=True, text=True)
    assert nothing.returncode == 1 and "no paper or person" in nothing.stderr
