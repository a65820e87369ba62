"""Real exports (tests/data/real/, see its README) load with the papers, people and
authorships that another parser computes from the same files.

BibTeX expectations come from pybtex (its own BibTeX name splitting and name parts) and
latexcodec (its own LaTeX decoding); Semantic Scholar and OpenAlex expectations from the
JSON itself. Nothing is read back from citegraph's loaders.
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from pathlib import Path

import latexcodec  # noqa: F401  (registers the "ulatex" codec)
import pytest
from pybtex.database import parse_file

from conftest import DATA, run

REAL = DATA / "real"
BIB_FILES = sorted((REAL / "bibtex").glob("*.bib"))


def plain(text: str) -> str:
    """A name or title as a reader sees it: LaTeX decoded (latexcodec), braces gone, case and
    white space folded, Unicode composed."""
    decoded = codecs.decode(text, "ulatex")
    decoded = decoded.replace("{", "").replace("}", "").replace("\\", "")
    return unicodedata.normalize("NFC", " ".join(decoded.split())).casefold()


def pybtex_authors(entry) -> list[str]:
    """Names in order as pybtex splits them, First von Last Jr, without `others`."""
    out = []
    for person in entry.persons.get("author", []):
        parts = person.first_names + person.middle_names + person.prelast_names + person.last_names + person.lineage_names
        name = " ".join(parts)
        if name.strip().lower() == "others":
            continue
        out.append(plain(name))
    return out


@pytest.mark.parametrize("path", BIB_FILES, ids=[p.name for p in BIB_FILES])
def test_bibtex_export_loads_with_the_authors_pybtex_finds(graph, path):
    expected = {key: pybtex_authors(entry) for key, entry in parse_file(str(path)).entries.items()}
    summary = graph.load([path])
    assert summary.rejected == 0, summary.rejects
    assert summary.read == summary.loaded == len(expected)
    rows = run(graph, "MATCH (p:Paper) WHERE p.bibtex_key IS NOT NULL "
                      "OPTIONAL MATCH (a:Author)-[r:AUTHORED]->(p) WITH p, a, r ORDER BY r.position "
                      "RETURN p.bibtex_key AS key, collect(a.name) AS authors")
    got = {r["key"]: [plain(n) for n in r["authors"]] for r in rows}
    assert got == expected
    # one paper per entry (no entry of these files is another's duplicate)
    assert run(graph, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == len(expected)


def test_dblp_one_author_per_line_gives_five_people(graph):
    graph.load([REAL / "bibtex" / "dblp-person-ley.bib"])
    rows = run(graph, "MATCH (a:Author)-[r:AUTHORED]->(p:Paper {bibtex_key: 'DBLP:conf/jcdl/MichelsFLSS17'}) "
                      "RETURN a.name AS name ORDER BY r.position")
    assert [r["name"] for r in rows] == ["Christopher Michels", "Ruslan R. Fayzrakhmanov", "Michael Ley",
                                         "Emanuel Sallinger", "Ralf Schenkel"]
    # Michael Ley is one person across his nine records
    assert run(graph, "MATCH (a:Author {name: 'Michael Ley'}) RETURN a.paper_count AS n")[0]["n"] == 9
    assert run(graph, "MATCH (p:Paper {bibtex_key: 'DBLP:conf/jcdl/MichelsFLSS17'}) RETURN p.dblp_key AS k, "
                      "p.doi AS doi")[0] == {"k": "conf/jcdl/MichelsFLSS17", "doi": "10.1109/jcdl.2017.7991609"}


def test_acl_anthology_last_first_with_latex(graph):
    summary = graph.load([REAL / "bibtex" / "acl-anthology.bib"])
    names = {r["name"] for r in run(graph, "MATCH (a:Author) RETURN a.name AS name")}
    assert names == {"Jindřich Libovický", "Rudolf Rosa", "Alexander Fraser", "Katharina Hämmerl", "Jindřich Helcl"}
    # Libovický is one person on all three papers
    assert run(graph, "MATCH (a:Author {name: 'Jindřich Libovický'}) RETURN a.paper_count AS n")[0]["n"] == 3
    # `doi = "TODO"` is not a DOI: left out, and said so with its line
    lines = (REAL / "bibtex" / "acl-anthology.bib").read_text(encoding="utf-8").splitlines()
    entry_line = 1 + next(i for i, line in enumerate(lines) if "libovicky-helcl-2024-lexically" in line)
    assert any("TODO" in w["warning"] and w["line"] == entry_line for w in summary.warnings), summary.warnings


def test_springer_and_acm_keys_are_dois(graph):
    graph.load([REAL / "bibtex" / "springer.bib"])
    dois = {r["doi"] for r in run(graph, "MATCH (p:Paper) RETURN p.doi AS doi")}
    assert dois == {"10.1007/978-3-031-64171-8_11", "10.1007/978-3-031-73013-9_7", "10.1007/978-3-642-02256-2_16"}


def test_corporate_author_with_escaped_braces_is_one_name(graph):
    graph.load([REAL / "bibtex" / "zotero.bib"])
    rows = run(graph, "MATCH (a:Author)-[:AUTHORED]->(p:Paper {bibtex_key: 'canada_canadian_nodate'}) "
                      "RETURN a.name AS name")
    assert len(rows) == 1


def test_physics_reference_without_a_title_is_a_paper(graph, tmp_path):
    first = REAL / "bibtex" / "physics-references.bib"
    summary = graph.load([first])
    assert summary.rejected == 0
    rows = run(graph, "MATCH (p:Paper) RETURN p.id AS id, p.year AS year, p.cite_key AS cite")
    assert rows == [{"id": "cite:z-phys-sov/2/46/1932", "year": 1932, "cite": "z-phys-sov/2/46/1932"}]
    # the same reference in another library, with a page range and another key, is the same paper
    other = tmp_path / "other.bib"
    other.write_text('@article{landau1932, author = {L. D. Landau}, journal = {Z. Phys. Sov.}, volume = {2}, '
                     'pages = {46--51}, year = {1932}}\n', encoding="utf-8")
    graph.load([other])
    assert run(graph, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == 1
    assert run(graph, "MATCH (:Author)-[r:AUTHORED]->(:Paper) RETURN count(r) AS n")[0]["n"] == 1


# -- Semantic Scholar ------------------------------------------------------------------------

def test_semantic_scholar_nested_papers_are_data(graph):
    path = REAL / "s2" / "paper-with-citations.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    summary = graph.load([path])
    assert summary.rejected == 0
    nested = doc["references"] + doc["citations"]
    titles = {p["paperId"]: p["title"] for p in nested if p.get("paperId") and p.get("title")}
    got = {r["s2"]: r["title"] for r in run(graph, "MATCH (p:Paper) WHERE p.s2_id IS NOT NULL "
                                                    "RETURN p.s2_id AS s2, p.title AS title")}
    for s2, title in titles.items():
        assert got.get(s2) == title.strip(), s2
    assert run(graph, "MATCH (p:Paper) WHERE p.title IS NULL RETURN count(p) AS n")[0]["n"] == 0
    cites_in = run(graph, "MATCH (:Paper)-[r:CITES]->(p:Paper {s2_id: $s2}) RETURN count(r) AS n", s2=doc["paperId"])
    assert cites_in[0]["n"] == len({c["paperId"] for c in doc["citations"]})
    # references-of shows titles and years as the response gave them
    refs = graph.run_query("references-of", id="doi:" + doc["externalIds"]["DOI"].lower(), limit=100)
    want = {(r["title"], r["year"]) for r in doc["references"]}
    assert {(r["title"], r["year"]) for r in refs} == want
    # the nested authors are people of the graph, in order
    first = doc["citations"][0]
    rows = run(graph, "MATCH (a:Author)-[r:AUTHORED]->(p:Paper {s2_id: $s2}) RETURN a.name AS n ORDER BY r.position",
               s2=first["paperId"])
    assert [r["n"] for r in rows] == [a["name"] for a in first["authors"]]


def test_semantic_scholar_references_page_with_its_paper(graph):
    path = REAL / "s2" / "references-page.json"
    page = json.loads(path.read_text(encoding="utf-8"))
    summary = graph.load([path], of_paper="10.2139/ssrn.2250500")
    assert summary.rejected == 0
    rows = run(graph, "MATCH (:Paper {doi: '10.2139/ssrn.2250500'})-[:CITES]->(q:Paper) RETURN q.title AS title")
    assert sorted(r["title"] for r in rows) == sorted(i["citedPaper"]["title"] for i in page["data"])


def test_semantic_scholar_page_without_its_paper_says_so(graph):
    summary = graph.load([REAL / "s2" / "references-page.json"])
    page = json.loads((REAL / "s2" / "references-page.json").read_text(encoding="utf-8"))
    assert run(graph, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == len(page["data"])
    assert run(graph, "MATCH ()-[r:CITES]->() RETURN count(r) AS n")[0]["n"] == 0
    assert len([w for w in summary.warnings if "--of" in w["warning"]]) == len(page["data"])


def test_citation_contexts_stay_on_the_relationship(graph):
    item = json.loads((REAL / "s2" / "reference-item.json").read_text(encoding="utf-8"))
    graph.load([REAL / "s2" / "reference-item.json"], of_paper="arxiv:1406.2661")
    rows = run(graph, "MATCH (:Paper {arxiv_id: '1406.2661'})-[r:CITES]->(q:Paper) "
                      "RETURN r.contexts AS contexts, r.intents AS intents, r.is_influential AS inf, q.title AS title")
    assert rows == [{"contexts": sorted(set(item["contexts"])), "intents": sorted(set(item["intents"])),
                     "inf": item["isInfluential"], "title": item["citedPaper"]["title"]}]


# -- OpenAlex -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["work-2022-host-venue.json", "work-2023-primary-location.json"])
def test_openalex_both_formats_give_venue_and_institutions(graph, name):
    path = REAL / "openalex" / name
    work = json.loads(path.read_text(encoding="utf-8"))
    summary = graph.load([path])
    assert summary.rejected == 0
    venue = (work.get("primary_location") or {}).get("source", {}) or work.get("host_venue")
    assert run(graph, "MATCH (:Paper)-[:PRESENTED_AT]->(v:Venue) RETURN v.name AS name") == [
        {"name": venue["display_name"]}]
    # institutions: one node per ROR id (or OpenAlex id when there is no ROR), with country
    want: dict = {}
    for authorship in work["authorships"]:
        for inst in authorship["institutions"]:
            key = "ror:" + inst["ror"].rsplit("/", 1)[-1] if inst.get("ror") else "openalex:" + inst["id"].rsplit("/", 1)[-1]
            want.setdefault(key, {"name": inst["display_name"], "country": inst.get("country_code"), "authors": 0})
            want[key]["authors"] += 1
    got = {r["id"]: {"name": r["name"], "country": r["country"]}
           for r in run(graph, "MATCH (i:Institution) RETURN i.id AS id, i.name AS name, i.country_code AS country")}
    assert got == {k: {"name": v["name"], "country": v["country"]} for k, v in want.items()}
    # top-institutions answers: every institution on the one paper, with its authors there
    top = graph.run_query("top-institutions", limit=50)
    assert {(r["institution_id"], r["papers"], r["authors"]) for r in top} == \
        {(k, 1, v["authors"]) for k, v in want.items()}
    # which institutions did an author publish from, and when
    first = work["authorships"][0]
    rows = graph.run_query("author-institutions", name=first["author"]["display_name"])
    assert [(r["institution"], r["first_year"]) for r in rows] == \
        [(i["display_name"], work["publication_year"]) for i in first["institutions"]]
    # the abstract is rebuilt from the inverted index
    positions = sorted((i, w) for w, places in work["abstract_inverted_index"].items() for i in places)
    abstract = run(graph, "MATCH (p:Paper) RETURN p.abstract AS a")[0]["a"]
    assert abstract == " ".join(w for _, w in positions)


def test_institution_collaborations(graph):
    graph.load([REAL / "openalex" / "work-2023-primary-location.json"])
    work = json.loads((REAL / "openalex" / "work-2023-primary-location.json").read_text(encoding="utf-8"))
    names = {i["display_name"] for a in work["authorships"] for i in a["institutions"]}
    pairs = graph.run_query("institution-collaborations", limit=1000)
    assert len(pairs) == len(names) * (len(names) - 1) // 2
    assert all(p["joint_papers"] == 1 for p in pairs)


# -- the field maps ------------------------------------------------------------------------------

def test_every_field_of_every_test_file_is_mapped_or_dropped():
    import csv

    from loaders import bibtex, edge_list, openalex, paper_dataset, semantic_scholar
    from loaders.fields import paths, uncovered

    missing = {}
    for path in (REAL / "openalex").glob("*.json"):
        missing[path.name] = uncovered(openalex, paths(json.loads(path.read_text(encoding="utf-8"))))
    for path in (REAL / "s2").glob("*.json"):
        fields = {re.sub(r"^(references|citations)\[\]\.", "", p)
                  for p in paths(json.loads(path.read_text(encoding="utf-8")))}
        fields = {re.sub(r"^(data\[\]\.)?(citedPaper|citingPaper)\.", "", p) for p in fields}
        missing[path.name] = uncovered(semantic_scholar, fields)
    for path in BIB_FILES:
        fields = {f.lower() for e in parse_file(str(path)).entries.values() for f in e.fields}
        missing[path.name] = uncovered(bibtex, fields)
    sample = DATA.parent.parent / "samples" / "neurips2023-workshops.jsonl"
    rows = [json.loads(line) for line in sample.read_text(encoding="utf-8").splitlines() if line.strip()]
    missing[sample.name] = uncovered(paper_dataset, {k for r in rows for k in r})
    for path in (REAL / "edges").glob("opencitations-*"):  # (the CSV's header, the JSON answer's keys)
        with open(path, newline="", encoding="utf-8") as f:
            fields = set(json.load(f)[0]) if path.suffix == ".json" else set(next(csv.reader(f)))
        missing[path.name] = uncovered(edge_list, fields)
    assert not {k: v for k, v in missing.items() if v}


def test_docs_fields_md_is_up_to_date():
    from loaders.fields import render
    assert (DATA.parent.parent / "docs" / "fields.md").read_text(encoding="utf-8") == render(), \
        "run `python -m loaders.fields > docs/fields.md`"


@pytest.mark.parametrize("order", ["cited-first", "citing-first"])
def test_openalex_referenced_works_in_the_input_are_filled_in_any_order(graph, tmp_path, order):
    citing = {"id": "https://openalex.org/W10", "title": "Citing", "publication_year": 2024,
              "authorships": [{"author": {"display_name": "Ada Lovelace"}, "institutions": []}],
              "referenced_works": ["https://openalex.org/W11"]}
    cited = {"id": "https://openalex.org/W11", "title": "Cited", "publication_year": 2020,
             "host_venue": {"display_name": "Journal of Old Things", "type": "journal"},
             "authorships": [{"author": {"display_name": "Alan Turing"}, "institutions": []}]}
    works = [cited, citing] if order == "cited-first" else [citing, cited]
    path = tmp_path / "works.jsonl"
    path.write_text("\n".join(json.dumps(w) for w in works) + "\n", encoding="utf-8")
    graph.load([path])
    rows = run(graph, "MATCH (a:Paper)-[:CITES]->(b:Paper) RETURN a.title AS a, b.title AS b, b.stub AS stub, "
                      "b.year AS year, [(b)-[:PRESENTED_AT]->(v) | v.name] AS venues")
    assert rows == [{"a": "Citing", "b": "Cited", "stub": None, "year": 2020, "venues": ["Journal of Old Things"]}]


def test_semantic_scholar_affiliations_become_institutions(graph, tmp_path):
    paper = {"paperId": "a" * 40, "title": "Affiliated", "year": 2022,
             "authors": [{"authorId": "1", "name": "Ada Lovelace", "affiliations": ["University of London"]},
                         {"authorId": "2", "name": "Alan Turing", "affiliations": ["University of Manchester",
                                                                                  "University of London"]}]}
    path = tmp_path / "paper.json"
    path.write_text(json.dumps(paper), encoding="utf-8")
    graph.load([path])
    rows = run(graph, "MATCH (a:Author)-[r:AUTHORED]->(p:Paper) RETURN a.name AS a, r.institutions AS i ORDER BY a")
    assert rows == [{"a": "Ada Lovelace", "i": ["name:university-of-london"]},
                    {"a": "Alan Turing", "i": ["name:university-of-london", "name:university-of-manchester"]}]
    pairs = graph.run_query("institution-collaborations")
    assert pairs == [{"institution_a": "University of London", "institution_b": "University of Manchester",
                      "joint_papers": 1}]


def test_stats_shows_the_community_labels_as_one_line(graph, cli_env):
    import subprocess
    import sys
    from conftest import SAMPLES
    subprocess.run([sys.executable, "-m", "citegraph.cli", "load", str(SAMPLES / "neurips2023-workshops.jsonl")],
                   env=cli_env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "citegraph.cli", "analyze", "coauthorship", "--write"], env=cli_env,
                   check=True, capture_output=True)
    out = subprocess.run([sys.executable, "-m", "citegraph.cli", "stats"], env=cli_env, check=True,
                         capture_output=True, text=True).stdout
    assert not [line for line in out.splitlines() if line.strip().startswith("Community")]
    assert len([line for line in out.splitlines() if line.strip().startswith("communities")]) == 1


def test_citations_page_item_points_at_the_paper_it_belongs_to(graph):
    item = json.loads((REAL / "s2" / "citation-item.json").read_text(encoding="utf-8"))
    graph.load([REAL / "s2" / "citation-item.json"], of_paper="10.1234/the-cited-paper")
    rows = run(graph, "MATCH (q:Paper)-[r:CITES]->(:Paper {doi: '10.1234/the-cited-paper'}) "
                      "RETURN q.title AS title, r.intents AS intents, r.is_influential AS inf")
    assert rows == [{"title": item["citingPaper"]["title"], "intents": sorted(set(item["intents"])),
                     "inf": item["isInfluential"]}]


def test_paper_rows_without_an_author_list_take_the_bibtex_authors():
    """A unit test (no server): the dataset row's BibTeX column is split by the library rules."""
    from graph.records import Node
    from loaders.paper_dataset import PaperContext, row_records

    bibtex = "@inproceedings{k,\n  title={T},\n  author={R{\\\"o}sch, Philipp J.  and\n      Libovick{\\'y}, Jind{\\v{r}}ich and others},\n  year={2022}\n}"
    records, _ = row_records({"title": "T", "authors": [], "bibtext": bibtex,
                              "proceedings": "https://openreview.net/forum?id=abcdef1"}, PaperContext("rows"))
    names = [r.create_props["name"] for r in records if isinstance(r, Node) and r.label == "Author"]
    assert names == ["Philipp J. Rösch", "Jindřich Libovický"]
    assert records[0].props["et_al"] is True


@pytest.mark.parametrize("name", ["opencitations-coci.csv", "opencitations-quoted.csv"])
def test_opencitations_csv_cites_by_the_columns_its_header_names(graph, name):
    """OpenCitations' CSV puts the citation's own id (OCI) first: the papers are the columns the
    header names `citing` and `cited`, read here with the csv module."""
    import csv

    with open(REAL / "edges" / name, newline="", encoding="utf-8") as f:
        want = {(row["citing"].lower(), row["cited"].lower()) for row in csv.DictReader(f)}
    summary = graph.load([REAL / "edges" / name])
    assert summary.rejected == 0 and not summary.warnings
    got = run(graph, "MATCH (a:Paper)-[:CITES]->(b:Paper) RETURN a.doi AS a, b.doi AS b")
    assert {(r["a"], r["b"]) for r in got} == want and len(got) == len(want)
    papers = run(graph, "MATCH (p:Paper) RETURN p.doi AS doi")
    assert sorted(r["doi"] for r in papers) == sorted({doi for pair in want for doi in pair})  # no OCI a paper


@pytest.mark.parametrize("name", ["opencitations-v2-api.json", "opencitations-v2-api.csv"])
def test_opencitations_v2_cells_list_each_papers_identifiers(graph, name):
    """The OpenCitations Index API (v2) names each paper by all its identifiers in one cell
    (``omid:br/061… doi:10.… pmid:…``, one of them listing a second, preprint DOI), as JSON by
    default or as CSV: each paper is one node known by its first DOI, read here with the json and
    csv modules and a regular expression."""
    import csv
    import json
    import re

    path = REAL / "edges" / name
    with open(path, newline="", encoding="utf-8") as f:
        rows = json.load(f) if name.endswith(".json") else list(csv.DictReader(f))
    first_doi = lambda cell: re.search(r"(?:^| )doi:(\S+)", cell).group(1).lower()
    want = {(first_doi(r["citing"]), first_doi(r["cited"])) for r in rows}
    summary = graph.load([path])
    assert summary.rejected == 0 and not summary.warnings
    got = run(graph, "MATCH (a:Paper)-[:CITES]->(b:Paper) RETURN a.doi AS a, b.doi AS b, a.id AS id")
    assert {(r["a"], r["b"]) for r in got} == want and len(got) == len(want) == 6
    papers = run(graph, "MATCH (p:Paper) RETURN p.doi AS doi, p.id AS id")
    assert sorted(r["doi"] for r in papers) == sorted({doi for pair in want for doi in pair})
    assert all(r["id"] == "doi:" + r["doi"] for r in papers)  # no paper named by a whole cell


def test_snap_cit_hepph_numbers_are_arxiv_ids_of_its_archive(graph):
    """SNAP's cit-HepPh (the first 94 citations of the real file) numbers papers by their old-style
    arXiv ids without the leading zeros (2171 is hep-ph/0002171): its header comment says which
    network it is, and the load says how it read the numbers. Read here by splitting the lines.
    (`load --bulk` reads it the same: tests/test_bulk.py loads every real edge list both ways.)"""
    path = REAL / "edges" / "snap-cit-HepPh-head.txt"
    lines = [l.split("\t") for l in path.read_text().splitlines() if not l.startswith("#")]
    want = {(f"hep-ph/{int(a):07d}", f"hep-ph/{int(b):07d}") for a, b in lines}
    summary = graph.load([path])
    assert summary.rejected == 0 and len(want) == len(lines) == 94
    assert [w["warning"] for w in summary.warnings] == [
        "a SNAP arXiv citation network (its header says so): its numbers are read as arXiv hep-ph ids "
        "(hep-ph/0001001 for 1001); --id-scheme reads them otherwise"]
    got = run(graph, "MATCH (a:Paper)-[:CITES]->(b:Paper) RETURN a.arxiv_id AS a, b.arxiv_id AS b")
    assert {(r["a"], r["b"]) for r in got} == want and len(got) == len(want)
    assert run(graph, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] == len({x for pair in want for x in pair})
