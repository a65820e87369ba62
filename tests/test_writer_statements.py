"""The live writer's statements, built from in-memory records without a server: which
statements a batch becomes, with which rows (the Neo4j tests check what they do)."""

import pytest

from graph.papers import PaperRef
from graph.records import Edge, Node, ReplaceEdges
from graph.writer import (BatchNotes, GraphWriter, citation_statement, create_node_statement, edge_statement, node_statement,
                          replace_statement)


def statements(records, ids=None, new_ids=frozenset()):
    writer = GraphWriter(driver=None, source="test", background=False)  # never writes: no driver needed
    notes = BatchNotes()
    out = writer._statements(records, ids or {}, set(new_ids), notes)
    return {query: rows for query, rows in out}, notes.self_citations


def test_a_node_named_twice_in_a_batch_is_one_row_later_values_win_create_values_first():
    out, _ = statements([Node("Author", "ada", {"name": "Ada"}, {"first_seen": 1}),
                         Node("Author", "ada", {"name": "Ada L."}, {"first_seen": 2}),
                         Node("Author", "bob", {"name": "Bob"})])
    (rows,) = out.values()
    assert [r["key"] for r in rows] == ["ada", "bob"]
    assert rows[0]["props"] == {"name": "Ada L."} and rows[0]["create"] == {"first_seen": 1}


def test_papers_are_keyed_by_their_resolved_id_and_store_their_identifiers():
    ref = PaperRef.make(arxiv="arXiv:2301.00001v2", doi="https://doi.org/10.1234/ABC")
    out, _ = statements([Node("Paper", ref, {"title": "T"})], ids={ref: "arxiv:2301.00001"})
    (query, rows), = out.items()
    assert query == node_statement("Paper", ())
    assert rows[0]["key"] == "arxiv:2301.00001"
    assert rows[0]["props"] == {"arxiv_id": "2301.00001", "doi": "10.1234/abc", "title": "T"}


def test_a_paper_new_in_the_batch_is_created_and_its_edges_too():
    a, b = PaperRef.make(doi="10.1234/a"), PaperRef.make(doi="10.1234/b")
    out, _ = statements([Node("Paper", a, {"title": "A"}), Node("Paper", b, {"title": "B"}),
                         Edge("CITES", "Paper", a, "Paper", b)],
                        ids={a: "doi:10.1234/a", b: "doi:10.1234/b"}, new_ids={"doi:10.1234/a"})
    assert create_node_statement("Paper", ()) in out and node_statement("Paper", ()) in out
    assert [r["key"] for r in out[create_node_statement("Paper", ())]] == ["doi:10.1234/a"]
    assert edge_statement("CITES", "Paper", "Paper", create=True) in out  # one end is new: nothing to MERGE on


def test_a_citation_between_two_identifiers_of_one_paper_is_not_written():
    a, b = PaperRef.make(doi="10.1234/a"), PaperRef.make(arxiv="2301.00001")
    out, skipped = statements([Edge("CITES", "Paper", a, "Paper", b)], ids={a: "p", b: "p"})
    assert out == {} and skipped == ["p"]


def test_withdrawals_come_before_the_writes_and_skip_new_papers():
    a, b = PaperRef.make(doi="10.1234/a"), PaperRef.make(doi="10.1234/b")
    records = [ReplaceEdges("AUTHORED", "Paper", a, "Author", ["ada"], outgoing=False),
               ReplaceEdges("AUTHORED", "Paper", b, "Author", ["bob"], outgoing=False),
               Node("Author", "ada", {"name": "Ada"}), Edge("AUTHORED", "Author", "ada", "Paper", a)]
    out, _ = statements(records, ids={a: "a", b: "b"}, new_ids={"b"})
    queries = list(out)
    assert queries[0] == replace_statement("AUTHORED", "Paper", "Author", False)
    assert out[queries[0]] == [{"anchor": "a", "keep": ["ada"]}]  # b is new: nothing to withdraw


def test_kept_counts_are_raised_by_the_statements_that_add_relationships_and_recounted_on_withdrawal():
    authored = edge_statement("AUTHORED", "Author", "Paper")
    assert "ON CREATE SET a.`paper_count` = coalesce(a.`paper_count`, 0) + 1" in authored
    assert "a.`paper_count` = coalesce(a.`paper_count`, 0) + 1" in edge_statement("AUTHORED", "Author", "Paper", create=True)
    cites = edge_statement("CITES", "Paper", "Paper")
    assert "citation_count" in cites and "paper_count" not in cites
    assert "citation_count" not in edge_statement("PRESENTED_AT", "Paper", "Venue")
    assert "COUNT {" in replace_statement("AUTHORED", "Paper", "Author", False)


def test_citations_between_known_papers_are_one_row_per_citing_paper():
    a, b, c, d = (PaperRef.make(doi=f"10.1234/{x}") for x in "abcd")
    ids = {a: "doi:a", b: "doi:b", c: "doi:c", d: "doi:d"}
    out, _ = statements([Edge("CITES", "Paper", a, "Paper", b), Edge("CITES", "Paper", c, "Paper", b),
                         Edge("CITES", "Paper", a, "Paper", d, {"context": "x"}),
                         Edge("CITES", "Paper", a, "Paper", b)], ids=ids)  # (the same citation twice: once)
    assert out == {citation_statement(): [
        {"start": "doi:a", "cites": [{"end": "doi:b", "props": {}, "src": None},
                                     {"end": "doi:d", "props": {"context": "x"}, "src": None}]},
        {"start": "doi:c", "cites": [{"end": "doi:b", "props": {}, "src": None}]}]}
    # a citation with a paper new in the batch is a CREATE on its own row, as before
    out, _ = statements([Edge("CITES", "Paper", a, "Paper", b)], ids=ids, new_ids={"doi:b"})
    assert list(out) == [edge_statement("CITES", "Paper", "Paper", create=True)]


def test_labels_and_types_come_only_from_the_model():
    with pytest.raises(ValueError, match="unknown label"):
        node_statement("Paper`) DETACH DELETE n //", ())
    with pytest.raises(ValueError):
        edge_statement("CITES]->() DELETE r //", "Paper", "Paper")
    with pytest.raises(TypeError, match="not a record"):
        statements(["a string"])


def test_values_travel_only_as_parameters():
    title = "'); MATCH (n) DETACH DELETE n; //"
    out, _ = statements([Node("Author", title, {"name": title})])
    assert all(title not in query for query in out)
