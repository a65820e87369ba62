"""The 100-row sample, loaded into the real Neo4j, gives the graph its rows describe.

Expected numbers are computed here from the source rows with plain Python, and
checked against the figures known by hand for this sample.
"""

import pytest

from conftest import DATA, SAMPLES, read_jsonl, run

SAMPLE = SAMPLES / "neurips2023-workshops.jsonl"
ROWS = read_jsonl(SAMPLE)


def expected_counts(rows):
    authorships = [(r["proceedings"], name) for r in rows for name in r["authors"]]
    return {
        "papers": len({r["proceedings"] for r in rows}),
        "authors": len({name for r in rows for name in r["authors"]}),
        "authored": len(set(authorships)),
        "workshops": len({r["id"] for r in rows if r["id"].startswith("Workshop/")}),
        "presented_at": sum(1 for r in rows if r["id"]),
        "has_code": sum(1 for r in rows for url in r["GitHub"] if url.strip()),
        "with_arxiv": sum(1 for r in rows if r["arxiv_id"]),
        "orals": sum(1 for r in rows if r["type"] == "oral"),
    }


def graph_counts(cg):
    one = lambda q: run(cg, q)[0]["c"]
    return {
        "papers": one("MATCH (p:Paper) RETURN count(p) AS c"),
        "authors": one("MATCH (a:Author) RETURN count(a) AS c"),
        "authored": one("MATCH ()-[r:AUTHORED]->() RETURN count(r) AS c"),
        "workshops": one("MATCH (w:Venue:Workshop) RETURN count(w) AS c"),
        "presented_at": one("MATCH ()-[r:PRESENTED_AT]->() RETURN count(r) AS c"),
        "has_code": one("MATCH ()-[r:HAS_CODE]->() RETURN count(r) AS c"),
        "with_arxiv": one("MATCH (p:Paper) WHERE p.arxiv_id IS NOT NULL RETURN count(p) AS c"),
        "orals": one("MATCH (p:Paper {type: 'oral'}) RETURN count(p) AS c"),
    }


def test_expected_counts_are_the_known_ones():
    # the sample's README: 100 papers, 404 authors, 452 authorships, 3 workshops, ...
    assert expected_counts(ROWS) == {"papers": 100, "authors": 404, "authored": 452, "workshops": 3,
                                     "presented_at": 100, "has_code": 11, "with_arxiv": 38, "orals": 12}


def test_sample_loads_exactly(graph):
    summary = graph.load([SAMPLE], conference="NeurIPS 2023")
    assert (summary.read, summary.loaded, summary.rejected) == (100, 100, 0)
    assert graph_counts(graph) == expected_counts(ROWS)


def test_viewer_dump_gives_the_same_graph(graph):
    summary = graph.load([DATA / "neurips2023-workshops.viewer.txt"])
    assert summary.files[0]["format"] == "viewer"
    assert (summary.loaded, summary.rejected) == (100, 0)
    assert graph_counts(graph) == expected_counts(ROWS)


def test_authors_keep_their_order_and_accents(graph):
    graph.load([SAMPLE])
    for row in ROWS:
        paper_id = row["proceedings"].split("id=")[1]
        got = run(graph, "MATCH (a:Author)-[r:AUTHORED]->(:Paper {id: $id}) "
                         "RETURN a.name AS name ORDER BY r.position", id=paper_id)
        assert [g["name"] for g in got] == row["authors"]
    got = run(graph, "MATCH (a:Author)-[r:AUTHORED]->(p:Paper) "
                     "WHERE p.title STARTS WITH 'Linearly Structured World Representations' "
                     "RETURN a.name AS name, r.position AS position ORDER BY position")
    assert got[2] == {"name": "Tilman Räuker", "position": 3}


def test_paper_properties(graph):
    graph.load([SAMPLE], conference="NeurIPS 2023")
    p = run(graph, "MATCH (p:Paper {id: 'rD62RkufYo'}) RETURN p {.*} AS p")[0]["p"]
    row = next(r for r in ROWS if r["proceedings"].endswith("rD62RkufYo"))
    assert p["title"] == row["title"]
    assert p["abstract"] == row["abstract"]
    assert p["arxiv_id"] == "2312.06932"
    assert p["type"] == "poster"
    assert p["year"] == 2023
    assert p["openreview_url"] == row["proceedings"]
    assert p["bibtex_key"] == "wang2023predictive"
    assert p["bibtex"] == row["bibtext"]
    # -1 and empty strings mean "unknown": absent, not stored
    for absent in ("upvotes", "num_comments", "hf_paper_url", "doi", "stub"):
        assert absent not in p
    assert p["sources"] == ["neurips2023-workshops.jsonl"]


def test_latex_bibtex_keys_survive(graph):
    graph.load([SAMPLE])
    keys = {r["k"] for r in run(graph, "MATCH (p:Paper) RETURN p.bibtex_key AS k")}
    for key in ('l{\\"a}hner2023on', "alt{\\i}nta{\\c{s}}2023disentangling", "h{\\o}ier2023a"):
        assert key in keys
    assert None not in keys and len(keys) == 100


def test_structured_title_wins_over_bibtex(graph):
    graph.load([SAMPLE])
    # a paper renamed after its BibTeX was made keeps the title column, and its BibTeX
    for row in ROWS:
        bib_title = row["bibtext"].split("title={", 1)[1].split("}, author", 1)[0]
        if bib_title.replace("{", "").replace("}", "") != row["title"] and "\\" not in bib_title:
            got = run(graph, "MATCH (p:Paper {bibtex: $b}) RETURN p.title AS t", b=row["bibtext"])
            assert got == [{"t": row["title"]}]


def test_workshops_and_conference(graph):
    graph.load([SAMPLE], conference="NeurIPS 2023")
    got = run(graph, "MATCH (w:Workshop)-[:PART_OF]->(c:Conference) "
                     "RETURN w.short_name AS s, w.name AS n, c.name AS c, c.year AS y ORDER BY s")
    assert got == [
        {"s": "MLNCP", "n": "Machine Learning with New Compute Paradigms", "c": "NeurIPS 2023", "y": 2023},
        {"s": "UniReps", "n": "UniReps: the First Workshop on Unifying Representations in Neural Models",
         "c": "NeurIPS 2023", "y": 2023},
        {"s": "WANT", "n": "Workshop on Advancing Neural Network Training: Computational Efficiency, "
                           "Scalability, and Resource Optimization (WANT@NeurIPS 2023)", "c": "NeurIPS 2023", "y": 2023},
    ]
    types = run(graph, "MATCH (:Paper)-[r:PRESENTED_AT]->() RETURN r.type AS t, count(*) AS n ORDER BY t")
    assert types == [{"t": "oral", "n": 12}, {"t": "poster", "n": 88}]


def test_conference_inferred_where_the_data_names_it(graph):
    # WANT's booktitle says "WANT@NeurIPS 2023"; the other two name no conference
    graph.load([SAMPLE])
    got = run(graph, "MATCH (w:Workshop)-[:PART_OF]->(c:Conference) RETURN w.short_name AS s, c.id AS c")
    assert got == [{"s": "WANT", "c": "neurips-2023"}]


def test_second_load_changes_nothing(graph):
    graph.load([SAMPLE], conference="NeurIPS 2023")
    before = graph.stats()
    props_before = run(graph, "MATCH (n) RETURN n {.*} AS p, labels(n) AS l ORDER BY elementId(n)")
    summary = graph.load([SAMPLE], conference="NeurIPS 2023")
    assert summary.unchanged == 100  # every row recognised by its fingerprint: nothing rewritten
    assert summary.counts.get("nodes_created", 0) == 0 and summary.counts.get("relationships_created", 0) == 0
    assert summary.counts.get("relationships_deleted", 0) == 0
    assert graph.stats() == before
    assert run(graph, "MATCH (n) RETURN n {.*} AS p, labels(n) AS l ORDER BY elementId(n)") == props_before


def test_changed_options_rewrite_unchanged_rows(graph):
    graph.load([SAMPLE])
    summary = graph.load([SAMPLE], conference="NeurIPS 2023")  # same rows, new meaning
    assert summary.unchanged == 0
    assert run(graph, "MATCH (w:Workshop)-[:PART_OF]->(c:Conference) RETURN count(w) AS n") == [{"n": 3}]


def test_rows_parsed_in_a_second_process_write_the_graph_parsed_here(graph):
    """A live load from ``CiteGraph.connect`` parses in a second process (``citegraph.read_ahead``),
    which asks the graph through its own connection which rows it holds already; a CiteGraph
    on a driver handed in parses in its own process. Both write the same graph, and both
    recognise a re-load of the same rows."""
    from citegraph.api import CiteGraph

    real = [SAMPLE, DATA / "real" / "bibtex" / "acl-anthology.bib", DATA / "real" / "openalex" / "work-2022-host-venue.json"]
    snapshot = ("MATCH (n) OPTIONAL MATCH (n)-[r]->(m) "
                "RETURN labels(n) AS l, properties(n) AS p, type(r) AS t, properties(r) AS rp, properties(m) AS m")

    def graph_now() -> list[str]:
        # every property, the inputs each node and relationship came from included (in any order)
        rows = run(graph, snapshot)
        for row in rows:
            for part in ("p", "rp", "m"):
                if row[part]:
                    row[part] = dict(sorted(row[part].items()))
                    if "sources" in row[part]:
                        row[part]["sources"] = sorted(row[part]["sources"])
        return sorted(map(repr, rows))

    ahead = graph.load(real, conference="NeurIPS 2023")
    assert all(f.get("reader_mb") for f in ahead.files)  # each file was read by a second process
    got_ahead = graph_now()
    assert any("acl-anthology.bib" in line for line in got_ahead)  # the sources are compared too
    assert graph.load(real, conference="NeurIPS 2023").unchanged == 100  # the sample's rows, by its connection

    graph.reset()
    here = CiteGraph(graph.driver, graph.database)  # (no settings to connect again with)
    summary = here.load(real, conference="NeurIPS 2023")
    assert not any(f.get("reader_mb") for f in summary.files)
    assert (summary.read, summary.loaded, summary.rejected, summary.warnings) == \
        (ahead.read, ahead.loaded, ahead.rejected, ahead.warnings)
    assert graph_now() == got_ahead
    assert here.load(real, conference="NeurIPS 2023").unchanged == 100


def test_a_long_first_load_into_an_empty_graph_points_to_the_bulk_import(graph, monkeypatch):
    """A load into an empty graph that took long says that `--bulk` (neo4j-admin import) builds a
    first graph faster; a load into a graph that holds something, or a quick one, says nothing."""
    from citegraph import api

    monkeypatch.setattr(api, "BULK_TIP_SECONDS", 3600.0)
    assert graph.load([SAMPLE], conference="NeurIPS 2023").tip is None  # quick
    graph.reset()
    monkeypatch.setattr(api, "BULK_TIP_SECONDS", 0.0)
    first = graph.load([SAMPLE], conference="NeurIPS 2023")
    assert first.tip and "--bulk" in first.tip and first.as_dict()["tip"] == first.tip
    assert graph.load([SAMPLE], conference="NeurIPS 2023").tip is None  # the graph held the papers
