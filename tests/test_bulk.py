"""citegraph load --bulk (neo4j-admin import) builds the same graph as a normal load."""

import pytest

from citegraph.errors import LoadError
from conftest import DATA, SAMPLES, run
from test_rdf import snapshot as full_snapshot


def snapshot(cg):
    """The graph without merge evidence: which merges a load needs depends on how its records
    were batched (a live load joins in one batch what --bulk may join later), not on the result."""
    nodes, rels = full_snapshot(cg)
    nodes = [(labels, tuple(p for p in props if p[0] != "merged_from")) for labels, props in nodes]
    return sorted(nodes), rels

REAL = DATA / "real"
INPUTS = [SAMPLES / "neurips2023-workshops.jsonl", SAMPLES / "hub-artifacts.jsonl", SAMPLES / "citations",
          # real exports: nested Semantic Scholar papers, institutions, title-only and physics entries
          REAL / "bibtex", REAL / "openalex", REAL / "s2" / "paper-with-citations.json"]


def test_bulk_import_gives_the_same_graph_as_a_normal_load(graph):
    graph.load(INPUTS)
    normal, normal_stats = snapshot(graph), graph.stats()
    graph.reset()
    summary = graph.load(INPUTS, bulk=True)
    assert summary.rejected == 3 and summary.counts["import_seconds"] > 0
    assert summary.counts["import_skipped"] == 0  # the import kept every node and relationship written
    assert graph.stats() == normal_stats
    assert snapshot(graph) == normal
    # the schema is back, and a normal load on top recognises every row
    constraints = run(graph, "SHOW CONSTRAINTS YIELD name RETURN count(*) AS n")[0]["n"]
    assert constraints >= 9
    again = graph.load([SAMPLES / "neurips2023-workshops.jsonl"])
    assert again.unchanged == 100


def test_bulk_refuses_a_database_that_is_not_empty(graph):
    graph.load([SAMPLES / "hub-artifacts.jsonl"])
    with pytest.raises(LoadError, match="only loads into an empty database"):
        graph.load([SAMPLES / "hub-artifacts.jsonl"], bulk=True)
