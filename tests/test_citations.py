"""Citation sources on the real server: OpenAlex, Semantic Scholar, edge lists, BibTeX, identity."""

import csv
import json
from collections import Counter

import pytest

import sample_truth as truth
from benchmarks.generate import generate
from citegraph.errors import LoadError
from conftest import SAMPLES, run

CIT = SAMPLES / "citations"


def count(cg, cypher, **params):
    return run(cg, cypher, **params)[0]["n"]


def papers(cg):
    return count(cg, "MATCH (p:Paper) RETURN count(p) AS n")


def openalex_work(i, authors, refs, **extra):
    return {"id": f"https://openalex.org/W{i}", "title": f"Work {i}", "publication_year": 2024,
            "authorships": [{"author": {"id": f"https://openalex.org/A{i}{k}", "display_name": name}}
                            for k, name in enumerate(authors)],
            "referenced_works": [f"https://openalex.org/W{r}" for r in refs], **extra}


def test_openalex_work_with_9_authors_and_45_references(graph, tmp_path):
    names = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Kurt Gödel", "Emmy Noether",
             "Srinivasa Ramanujan", "Sofia Kovalevskaya", "John von Neumann", "Hedy Lamarr"]
    refs = list(range(7000, 7045))
    path = tmp_path / "one-work.json"
    path.write_text(json.dumps(openalex_work(9000, names, refs)), encoding="utf-8")
    summary = graph.load([path])
    assert summary.files[0]["format"] == "openalex" and summary.rejected == 0
    got = run(graph, "MATCH (a:Author)-[r:AUTHORED]->(:Paper {id: 'openalex:W9000'}) "
                     "RETURN a.name AS name, r.position AS position ORDER BY position")
    assert [g["name"] for g in got] == names and [g["position"] for g in got] == list(range(1, 10))
    cited = run(graph, "MATCH (:Paper {id: 'openalex:W9000'})-[:CITES]->(q) RETURN q.openalex_id AS w, q.stub AS stub")
    assert sorted(c["w"] for c in cited) == sorted(f"W{r}" for r in refs)
    assert all(c["stub"] is True for c in cited)
    assert count(graph, "MATCH ()-[r:CITES]->() RETURN count(r) AS n") == 45


def test_openalex_list_response_and_bad_works(graph, tmp_path):
    body = {"meta": {"count": 3}, "results": [
        openalex_work(1, ["A One"], [2]), {"id": "not-an-id", "title": "x"}, openalex_work(2, ["B Two"], [])]}
    path = tmp_path / "api.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    summary = graph.load([path])
    assert (summary.loaded, summary.rejected) == (2, 1)
    assert "results[1]" in summary.rejects[0]["reason"]
    # the cited stub W2 was then described in full: one node, no longer a stub
    assert run(graph, "MATCH (p:Paper {openalex_id: 'W2'}) RETURN p.title AS t, p.stub AS s") == [{"t": "Work 2", "s": None}]


def test_paper_dataset_then_openalex_connects_without_duplicates(graph):
    graph.load([SAMPLES / "neurips2023-workshops.jsonl"], conference="NeurIPS 2023")
    graph.load([CIT / "openalex-works.jsonl"])
    assert papers(graph) == 104  # 100 + survey + follow-up + two cited stubs
    # the OpenAlex descriptions of three sample papers landed on the sample's nodes
    got = {r["id"]: r["w"] for r in run(graph, "MATCH (p:Paper) WHERE p.openalex_id IN "
                                              "['W4390000101', 'W4390000102', 'W4390000103'] "
                                              "RETURN p.id AS id, p.openalex_id AS w")}
    assert got == {"rD62RkufYo": "W4390000101", "md0mU6rN2u": "W4390000102", "hWzWk0TSZ3": "W4390000103"}
    cites = run(graph, "MATCH (:Paper {id: 'doi:10.5555/tmlr.2024.0001'})-[:CITES]->(q) RETURN q.id AS id ORDER BY id")
    assert [c["id"] for c in cites] == sorted(["rD62RkufYo", "md0mU6rN2u", "hWzWk0TSZ3",
                                               "openalex:W2100000001", "openalex:W2100000002"])
    # the sample paper keeps its own authors and gains the OpenAlex source
    row = next(r for r in truth.rows() if r["arxiv_id"] == "2312.06932")
    authors = run(graph, "MATCH (a)-[r:AUTHORED]->(:Paper {id: 'rD62RkufYo'}) RETURN a.name AS n ORDER BY r.position")
    assert [a["n"] for a in authors] == row["authors"]
    assert run(graph, "MATCH (p:Paper {id: 'rD62RkufYo'}) RETURN p.sources AS s")[0]["s"] == [
        "neurips2023-workshops.jsonl", "openalex-works.jsonl"]


def test_edge_list_with_crlf_loads_every_edge(graph, tmp_path):
    lines = ["citing\tcited", "# a comment", "2312.06932\t10.1234/ABC.1", "arXiv:2312.06932v2\tW123",
             "https://doi.org/10.1234/abc.1\thttps://arxiv.org/abs/2310.15308", "rD62RkufYo\topenalex:W123",
             "   ", "10.1234/xyz\t2310.15308"]
    path = tmp_path / "edges.tsv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode())
    summary = graph.load([path])
    assert summary.files[0]["format"] == "edges" and (summary.loaded, summary.rejected) == (5, 0)
    # 2312.06932 and rD62RkufYo are different papers here (nothing says they are one)
    got = run(graph, "MATCH (a)-[:CITES]->(b) RETURN a.id AS a, b.id AS b ORDER BY a, b")
    assert got == [{"a": "arxiv:2312.06932", "b": "doi:10.1234/abc.1"},
                   {"a": "arxiv:2312.06932", "b": "openalex:W123"},
                   {"a": "doi:10.1234/abc.1", "b": "arxiv:2310.15308"},
                   {"a": "doi:10.1234/xyz", "b": "arxiv:2310.15308"},
                   {"a": "rD62RkufYo", "b": "openalex:W123"}]


def test_edge_list_schemes_and_whitespace(graph, tmp_path):
    path = tmp_path / "corpus.txt"
    path.write_text("# corpus ids, whitespace separated, no header\n101   202\n101 303 extra-column\n303\t202\n")
    summary = graph.load([path], id_scheme="s2")
    assert summary.loaded == 3
    assert count(graph, "MATCH (p:Paper) WHERE p.id STARTS WITH 'corpus:' RETURN count(p) AS n") == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("citing,cited\n10.1/x,not-a-doi\n")
    summary = graph.load([bad], id_scheme="doi")
    assert summary.rejected == 1 and summary.rejects[0]["line"] == 2 and "not a DOI" in summary.rejects[0]["reason"]


def test_bibtex_library(graph):
    summary = graph.load([CIT / "library.bib"])
    assert (summary.read, summary.loaded, summary.rejected) == (13, 11, 2)
    assert [(r["line"], r["reason"].split(":")[0]) for r in summary.rejects] == [
        (80, "entry 'nothing' has no DOI, no arXiv id, no title and no journal, volume, first page and year"), (84, "BibTeX entry not understood")]
    warned = {w["line"]: w["warning"] for w in summary.warnings}
    assert "cycle" in warned[62] and "cycle" in warned[68] and "not in the file" in warned[74]
    # two entries with one DOI are one paper, carrying both spellings of its authors as one person each
    twins = run(graph, "MATCH (p:Paper {doi: '10.5555/twin_one'}) RETURN p.id AS id")
    assert twins == [{"id": "doi:10.5555/twin_one"}]
    authors = run(graph, "MATCH (a)-[r:AUTHORED]->(:Paper {doi: '10.5555/twin_one'}) RETURN a.name AS n ORDER BY r.position")
    assert [a["n"] for a in authors] == ["Ondřej Dušek", "Zoë Smith"]
    # arXiv ids found in eprint, journal, volume abs/ and the @string + # venue
    arxiv = {r["a"] for r in run(graph, "MATCH (p:Paper) WHERE p.arxiv_id IS NOT NULL RETURN p.arxiv_id AS a")}
    assert arxiv == {"2310.15308", "2312.02791", "2310.05742"}
    venue = run(graph, "MATCH (:Paper {doi: '10.5555/tmlr.2024.0001'})-[:PRESENTED_AT]->(v) RETURN v.name AS n")
    assert venue == [{"n": "Transactions on Machine Learning Research (TMLR)"}]
    proceedings = run(graph, "MATCH (p:Paper)-[:PRESENTED_AT]->(v:Venue {id: 'proceedings:unireps2023'}) "
                             "RETURN p.title AS t, p.bibtex_key AS k, v.name AS v")
    assert proceedings == [{"t": "On the Direct Alignment of Latent Spaces", "k": 'l{\\"a}hner2023on',
                            "v": "UniReps: the First Workshop on Unifying Representations in Neural Models"}]
    titles = {r["t"] for r in run(graph, "MATCH (p:Paper) RETURN p.title AS t")}
    assert "Crossref Loop, Part A with a Line Break" in titles  # {A}, \\ and braces resolved


def test_bibtex_finds_the_dataset_paper_by_title_when_it_has_no_identifier(graph):
    graph.load([SAMPLES / "neurips2023-workshops.jsonl"])
    graph.load([CIT / "library.bib"])
    lahner = run(graph, "MATCH (p:Paper) WHERE p.title = 'On the Direct Alignment of Latent Spaces' "
                        "RETURN p.id AS id, p.sources AS s")
    assert len(lahner) == 1 and lahner[0]["s"] == ["neurips2023-workshops.jsonl", "library.bib"]


def test_whole_sample_folder_gives_the_graph_counted_by_hand(graph):
    graph.load([SAMPLES / "neurips2023-workshops.jsonl"], conference="NeurIPS 2023")
    summary = graph.load([CIT])
    assert summary.rejected == 3
    stats = graph.stats()
    assert stats["nodes"]["Paper"] == 110 and stats["nodes"]["Author"] == 412 and stats["nodes"]["Venue"] == 8
    assert stats["relationships"]["CITES"] == 18
    top = graph.run_query("most-cited", limit=4)
    assert [(t["paper_id"], t["citations"]) for t in top] == [
        ("openalex:W2100000001", 3), ("openalex:W2100000002", 3), ("hWzWk0TSZ3", 2), ("md0mU6rN2u", 2)]
    # the survey: one node for four sources
    survey = run(graph, "MATCH (p:Paper {doi: '10.5555/tmlr.2024.0001'}) RETURN p.id AS id, p.openalex_id AS w, "
                        "p.s2_id AS s2, p.corpus_id AS c, p.bibtex_key AS k, p.sources AS src")
    assert survey == [{"id": "doi:10.5555/tmlr.2024.0001", "w": "W4390000001",
                       "s2": "5c0a7b1e2d3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b", "c": "260000001", "k": "khona2024survey",
                       "src": survey[0]["src"]}]
    # five inputs name it: OpenAlex, the S2 paper, the S2 bulk records (by corpus id), the edge list, BibTeX
    assert sorted(survey[0]["src"]) == ["citations.csv", "library.bib", "openalex-works.jsonl", "s2-citations.jsonl",
                                        "s2-papers.jsonl"]


@pytest.mark.parametrize("name", ["openalex-works.jsonl", "s2-papers.jsonl", "s2-citations.jsonl",
                                  "citations.csv", "library.bib"])
def test_reloading_a_source_changes_nothing(graph, name):
    graph.load([SAMPLES / "neurips2023-workshops.jsonl"])
    graph.load([CIT / name])
    before = run(graph, "MATCH (n) RETURN labels(n) AS l, properties(n) AS p ORDER BY elementId(n)")
    rels = run(graph, "MATCH ()-[r]->() RETURN type(r) AS t, properties(r) AS p ORDER BY elementId(r)")
    summary = graph.load([CIT / name])
    assert summary.counts["nodes_created"] == 0 and summary.counts["relationships_created"] == 0
    assert summary.counts["relationships_deleted"] == 0
    assert run(graph, "MATCH (n) RETURN labels(n) AS l, properties(n) AS p ORDER BY elementId(n)") == before
    assert run(graph, "MATCH ()-[r]->() RETURN type(r) AS t, properties(r) AS p ORDER BY elementId(r)") == rels


def test_two_stubs_become_one_paper_when_a_source_links_their_identifiers(graph, tmp_path):
    edges = tmp_path / "edges.csv"
    edges.write_text("citing,cited\n10.1234/aaaa,10.5555/joint\n2301.00001,W555\n")
    graph.load([edges])
    assert papers(graph) == 4
    work = tmp_path / "work.json"
    work.write_text(json.dumps({"id": "https://openalex.org/W555", "doi": "https://doi.org/10.5555/JOINT",
                                "title": "Joint", "authorships": [], "referenced_works": []}))
    graph.load([work])
    assert papers(graph) == 3  # the DOI stub and the W555 stub were one paper
    got = run(graph, "MATCH (p:Paper {doi: '10.5555/joint'}) OPTIONAL MATCH (q)-[:CITES]->(p) "
                     "WITH p, q ORDER BY q.id RETURN p.id AS id, p.openalex_id AS w, p.stub AS stub, collect(q.id) AS citing")
    assert got == [{"id": "doi:10.5555/joint", "w": "W555", "stub": None,
                    "citing": ["arxiv:2301.00001", "doi:10.1234/aaaa"]}]


def test_a_citation_load_in_many_batches_names_its_source_on_every_paper_once(graph, tmp_path):
    # cited papers recur batch after batch; each paper and edge carries the file's source once
    edges = tmp_path / "many.tsv"
    pairs = [(f"W{100 + i}", f"W{200 + (i * 7) % 13}") for i in range(60)]
    edges.write_text("citing\tcited\n" + "".join(f"{a}\t{b}\n" for a, b in pairs))
    graph.load([edges], batch_size=9)
    expected = {p for pair in pairs for p in pair}
    got = run(graph, "MATCH (p:Paper) RETURN p.openalex_id AS w, p.sources AS s")
    assert {g["w"] for g in got} == expected
    assert all(g["s"] == ["many.tsv"] for g in got)
    assert count(graph, "MATCH ()-[r:CITES {sources: ['many.tsv']}]->() RETURN count(r) AS n") == len(set(pairs))
    cited = Counter(b for _, b in set(pairs))
    assert {r["w"]: r["n"] for r in run(graph, "MATCH (p:Paper) WHERE p.citation_count > 0 "
                                                "RETURN p.openalex_id AS w, p.citation_count AS n")} == cited


def test_a_paper_withdrawn_and_cited_again_in_one_load_is_there(graph, tmp_path):
    # W1 cites W9; a later row of W1 cites W8 instead, so the stub W9 (only this file named it)
    # goes; then W2 cites W9: the stub is back, with its citation
    path = tmp_path / "works.jsonl"
    path.write_text("".join(json.dumps(w) + "\n" for w in [
        openalex_work(1, ["A One"], [9]), openalex_work(1, ["A One"], [8]), openalex_work(2, ["B Two"], [9])]))
    summary = graph.load([path], batch_size=1)
    assert summary.rejected == 0
    assert run(graph, "MATCH (a)-[:CITES]->(b) RETURN a.id AS a, b.id AS b ORDER BY a") == [
        {"a": "openalex:W1", "b": "openalex:W8"}, {"a": "openalex:W2", "b": "openalex:W9"}]


def test_a_work_of_the_file_that_loses_its_last_citation_stays(graph, tmp_path):
    # W11 is a work of the file (a row of its own, before W2's) and W2 stops citing it: only a
    # stub goes with its last citation, never a paper the file describes
    path = tmp_path / "works.jsonl"
    write = lambda rows: path.write_text("".join(json.dumps(w) + "\n" for w in rows))
    write([openalex_work(1, ["A One"], [10]), openalex_work(11, ["K Eleven"], []), openalex_work(2, ["B Two"], [11])])
    graph.load([path], batch_size=1)
    write([openalex_work(1, ["A One"], [10]), openalex_work(11, ["K Eleven"], []), openalex_work(2, ["B Two"], [])])
    graph.load([path], batch_size=1)
    assert run(graph, "MATCH (p:Paper) RETURN p.id AS id, p.stub AS stub, p.citation_count AS n ORDER BY id") == [
        {"id": "openalex:W1", "stub": None, "n": None}, {"id": "openalex:W10", "stub": True, "n": 1},
        {"id": "openalex:W11", "stub": None, "n": None}, {"id": "openalex:W2", "stub": None, "n": None}]
    assert run(graph, "MATCH (a:Author)-[:AUTHORED]->(p) RETURN a.name AS a, p.id AS p ORDER BY a") == [
        {"a": "A One", "p": "openalex:W1"}, {"a": "B Two", "p": "openalex:W2"}, {"a": "K Eleven", "p": "openalex:W11"}]


def test_s2_bulk_records_and_paper_objects(graph):
    summary = graph.load([CIT / "s2-citations.jsonl"])
    assert summary.files[0]["format"] == "s2" and summary.loaded == 2
    assert run(graph, "MATCH (a)-[:CITES]->(b) RETURN a.id AS a, b.id AS b ORDER BY b") == [
        {"a": "corpus:260000099", "b": "corpus:260000001"}, {"a": "corpus:260000099", "b": "corpus:260000777"}]
    graph.load([CIT / "s2-papers.jsonl"])
    # the corpus stub 260000001 is the survey; its DOI re-keys it
    assert run(graph, "MATCH (p:Paper {corpus_id: '260000001'}) RETURN p.id AS id, p.title AS t") == [
        {"id": "doi:10.5555/tmlr.2024.0001", "t": "Representation Alignment Across Models and Brains: A Survey"}]


def test_most_cited_matches_an_independent_count(graph, tmp_path):
    data = tmp_path / "gen"
    generate(400, data, seed=11)
    graph.load([data / "papers.jsonl"])
    summary = graph.load([data / "citations.tsv"], id_scheme="raw")
    assert summary.rejected == 0
    with open(data / "citations.tsv", encoding="utf-8") as f:
        edges = {(r["citing"], r["cited"]) for r in csv.DictReader(f, delimiter="\t")}
    cited = Counter(b for _, b in edges)
    expected = sorted(cited.items(), key=lambda kv: (-kv[1], kv[0]))[:25]
    got = graph.run_query("most-cited", limit=25)
    assert [(g["paper_id"], g["citations"]) for g in got] == expected
    assert papers(graph) == 400  # every cited paper was one of the rows
    # the most cited paper's citing papers, page by page, against the edge list
    top, n = expected[0]
    citing = sorted(a for a, b in edges if b == top)
    pages = [graph.run_query("citations-of", id=top, limit=7, skip=skip) for skip in range(0, n + 7, 7)]
    assert [r["paper_id"] for page in pages for r in page] == citing and pages[-1] == []
    assert {r["total"] for page in pages for r in page} == {n}
    assert len(graph.run_query("citations-of", id=top)) == min(n, 100)  # the default page
    refs = sorted(b for a, b in edges if a == top)
    got = graph.run_query("references-of", id=top, limit=1000)
    assert [r["paper_id"] for r in got] == refs and {r["total"] for r in got} <= {len(refs)}


def heavy_merge_files(tmp_path):
    """A DOI stub and an OpenAlex stub, each cited by many papers (some by both) and each citing
    a few (some the same); then a work that says the two are one paper."""
    doi_citers = [f"10.4444/c{i}" for i in range(40)]
    w_citers = [f"2301.{i:05d}" for i in range(30)] + doi_citers[:10]  # ten cite both
    doi_refs, w_refs = [f"10.9999/r{i}" for i in range(6)], [f"10.9999/r{i}" for i in range(3, 15)]
    edges = tmp_path / "edges.csv"
    edges.write_text("citing,cited\n" + "".join(f"{c},10.5555/joint\n" for c in doi_citers)
                     + "".join(f"{c},W555\n" for c in w_citers)
                     + "".join(f"10.5555/joint,{r}\n" for r in doi_refs) + "".join(f"W555,{r}\n" for r in w_refs))
    work = tmp_path / "work.json"
    work.write_text(json.dumps({"id": "https://openalex.org/W555", "doi": "https://doi.org/10.5555/JOINT",
                                "title": "Joint", "authorships": [], "referenced_works": []}))
    as_id = lambda x: f"doi:{x}" if x.startswith("10.") else f"arxiv:{x}"
    citing = sorted({as_id(c) for c in doi_citers + w_citers})
    refs = sorted({as_id(r) for r in doi_refs + w_refs})
    return [edges, work], citing, refs


def test_a_paper_with_many_relationships_merges_in_chunks_to_the_same_graph(graph, tmp_path, monkeypatch):
    from test_rdf import snapshot

    files, citing, refs = heavy_merge_files(tmp_path)
    for path in files:
        graph.load([path])
    whole = snapshot(graph)  # merged in the batch's transaction
    graph.reset()
    monkeypatch.setenv("CITEGRAPH_MERGE_CHUNK", "7")  # 58 relationships: moved in chunks first
    for path in files:
        graph.load([path])
    assert snapshot(graph) == whole
    got = run(graph, "MATCH (p:Paper {doi: '10.5555/joint'}) RETURN p.id AS id, p.openalex_id AS w, "
                     "p.citation_count AS cited, [(q)-[:CITES]->(p) | q.id] AS citing, [(p)-[:CITES]->(r) | r.id] AS refs")
    assert len(got) == 1 and (got[0]["id"], got[0]["w"]) == ("doi:10.5555/joint", "W555")
    assert sorted(got[0]["citing"]) == citing and got[0]["cited"] == len(citing) == 70
    assert sorted(got[0]["refs"]) == refs
    assert [r["n"] for r in run(graph, "MATCH (r:Paper) WHERE r.id IN $refs RETURN r.citation_count AS n",
                                refs=refs)] == [1] * len(refs)  # the three cited by both count once
    assert count(graph, "MATCH (p:Paper) WHERE p.openalex_id = 'W555' OR p.id = 'openalex:W555' RETURN count(p) AS n") == 1


def test_a_batch_size_below_one_is_refused_and_nothing_is_written(graph, tmp_path):
    edges = tmp_path / "cites.tsv"
    edges.write_text("10.1000/a\t10.1000/b\n")
    with pytest.raises(LoadError, match="at least 1"):
        graph.load([edges], batch_size=0)
    assert graph.stats()["total_nodes"] == 0
