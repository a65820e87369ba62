"""The live writer plans a batch while the one before it commits (``GraphWriter._prepare_ahead``):
the batch's identifiers are looked up in the committing batch's transaction. On the real server,
batches that name papers the batch before them created, or merged, end as one batch after
another would."""

from collections import Counter

import pytest

from conftest import run
from graph.papers import PaperRef
from graph.records import Citation, Node, expanded
from graph.writer import GraphWriter

pytestmark = pytest.mark.neo4j


def cites(a: str, b: str) -> Citation:
    return Citation(PaperRef.make(openalex=a), PaperRef.make(openalex=b))


def write(graph, batches: list) -> GraphWriter:
    """Each batch written with the next one planned during its commit, as the writer's thread does."""
    writer = GraphWriter(graph.driver, graph.database, source="pipeline", background=False)
    made = [writer.batch(expanded(records)) for records in batches]
    for batch, following in zip(made, [*made[1:], None]):
        writer._write(batch, following)
    writer.close()
    return writer


def test_a_batch_planned_during_the_commit_before_it_finds_the_papers_that_batch_created(graph):
    # W2 and W3 are new in the first batch; the second is planned before the first commits and
    # must find them (a plan that took them for new would CREATE them twice, or fail)
    first = [cites("W1", "W2"), cites("W1", "W3")]
    second = [cites("W4", "W2"), cites("W2", "W3"), cites("W4", "W1")]
    third = [cites("W5", "W4"), cites("W3", "W2")]
    writer = write(graph, [first, second, third])
    assert writer.prepared_ahead == 2  # the second and third batches were planned ahead
    pairs = [(c.citing.openalex, c.cited.openalex) for c in first + second + third]
    assert run(graph, "MATCH (a:Paper)-[:CITES]->(b:Paper) RETURN a.openalex_id AS a, b.openalex_id AS b "
                      "ORDER BY a, b") == [{"a": a, "b": b} for a, b in sorted(pairs)]
    assert run(graph, "MATCH (p:Paper) RETURN p.openalex_id AS w, count(*) AS n ORDER BY w") == [
        {"w": f"W{i}", "n": 1} for i in range(1, 6)]
    cited = Counter(b for _, b in pairs)
    assert {r["w"]: r["n"] for r in run(graph, "MATCH (p:Paper) RETURN p.openalex_id AS w, "
                                               "coalesce(p.citation_count, 0) AS n")} == {
        f"W{i}": cited[f"W{i}"] for i in range(1, 6)}


def test_after_a_batch_that_merges_papers_the_next_is_planned_once_it_committed(graph):
    # the second batch learns that the DOI stub and W2 are one paper (a merge, which W2's id
    # does not survive); the third cites W2 by its OpenAlex id: planned before the merge
    # committed, it would take W2 for the node that is gone, and the citation would be lost
    doi = "10.1234/joint"
    first = [cites("W1", "W2"), Citation(PaperRef.make(openalex="W1"), PaperRef.make(doi=doi))]
    second = [Node("Paper", PaperRef.make(openalex="W2", doi=doi), {"title": "Joint"})]
    third = [cites("W3", "W2")]
    writer = write(graph, [first, second, third])
    assert writer.prepared_ahead == 1  # the second batch only
    assert run(graph, "MATCH (a:Paper)-[:CITES]->(b:Paper) RETURN a.openalex_id AS a, b.id AS b ORDER BY a") == [
        {"a": "W1", "b": f"doi:{doi}"}, {"a": "W3", "b": f"doi:{doi}"}]
    assert run(graph, "MATCH (p:Paper {doi: $doi}) RETURN p.openalex_id AS w, p.title AS t, p.citation_count AS n",
               doi=doi) == [{"w": "W2", "t": "Joint", "n": 2}]
    assert run(graph, "MATCH (p:Paper) RETURN count(p) AS n") == [{"n": 3}]


def write_planned_before(graph, records: list, meanwhile: list) -> None:
    """One load writes ``records`` as planned before another load wrote ``meanwhile`` (looked
    up, then the other load commits, then this batch is written from that look-up)."""
    from concurrent.futures import Future

    writer = GraphWriter(graph.driver, graph.database, source="planned", background=False)
    batch = writer.batch(expanded(records))
    with graph.driver.session(database=graph.database) as session:
        found = session.execute_read(lambda tx: writer.resolver.find(tx, batch.refs))
    write(graph, [meanwhile])
    batch.prepared = Future()
    batch.prepared.set_result(writer._prepare(batch, *found))
    writer._write(batch)
    writer.close()


def test_a_paper_given_an_identifier_another_load_just_created_a_paper_for_becomes_one(graph):
    # one load finds the paper the graph knows by its DOI and gives it OpenAlex id W9; another,
    # between that load's look-up and its commit, creates a paper for W9 (citing it) and finds
    # no duplicate (the DOI paper has no W9 yet). The first must find the duplicate once it
    # committed, though it created no paper
    doi = "10.1234/gained"
    write(graph, [[Node("Paper", PaperRef.make(doi=doi), {"title": "Gained"})]])
    write_planned_before(graph, [Node("Paper", PaperRef.make(doi=doi, openalex="W9"), {})], [cites("W8", "W9")])
    assert run(graph, "MATCH (p:Paper) WHERE p.openalex_id = 'W9' OR p.doi = $doi "
                      "RETURN p.id AS id, p.openalex_id AS w, p.title AS t, p.citation_count AS n", doi=doi) == [
        {"id": f"doi:{doi}", "w": "W9", "t": "Gained", "n": 1}]
    assert run(graph, "MATCH (a:Paper)-[:CITES]->(b:Paper) RETURN a.openalex_id AS a, b.id AS b") == [
        {"a": "W8", "b": f"doi:{doi}"}]


def titled(title: str, key: str, **ids) -> Node:
    return Node("Paper", PaperRef.make(title=title, bibkey=key, **ids), {"title": title, "bibtex_key": key})


def test_a_title_only_entry_and_the_paper_it_names_written_at_the_same_time_become_one(graph):
    # a load writes a paper with an OpenReview id; between its look-up and its write another
    # load writes a BibTeX entry with no identifier and the same title and key (it finds no
    # paper with that title yet). A load after the other would have made them one paper
    title, key = "On the Direct Alignment of Latent Spaces", "lahner2023on"
    write_planned_before(graph, [titled(title, key, openreview="nro8tEfIfw")], [titled(title, key)])
    assert run(graph, "MATCH (p:Paper) RETURN p.id AS id, p.title AS t") == [{"id": "nro8tEfIfw", "t": title}]


def test_a_title_only_entry_with_another_key_stays_apart_when_written_at_the_same_time(graph):
    title = "Deep Learning for Cats"
    write_planned_before(graph, [titled(title, "smith2020", openreview="catsCATS01")], [titled(title, "jones2021")])
    assert run(graph, "MATCH (p:Paper) RETURN p.id AS id ORDER BY id") == [
        {"id": "catsCATS01"}, {"id": "title:deep-learning-for-cats"}]
