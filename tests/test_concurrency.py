"""Loads running at once: four loaders on overlapping data, and a load beside the analytics'
write-back, end with the graph one sequential run gives, every kept count exact, and no
retry noise on the user's terminal."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys

import pytest

from conftest import SAMPLES, chaos_seed, quick_or_long, run, stale_counts
from test_kill_points import snapshot

ANALYTICS = {"component", "community", "pagerank", "degree", "betweenness"}


def chunks(tmp_path) -> list:
    """Four files of paper rows that overlap (each row is in two or three of them), each
    beside the same Hub artifacts and citations."""
    rows = (SAMPLES / "neurips2023-workshops.jsonl").read_text(encoding="utf-8").splitlines()
    out = []
    for n, (start, end) in enumerate([(0, 60), (20, 80), (40, 100), (0, 100)]):
        path = tmp_path / f"part{n}.jsonl"
        part = rows[start:end] if n < 3 else rows[::-1]  # the last in the other order
        path.write_text("\n".join(part) + "\n", encoding="utf-8")
        out.append([str(path), str(SAMPLES / "hub-artifacts.jsonl"), str(SAMPLES / "citations")])
    return out


def start(args, home):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return subprocess.Popen([sys.executable, "-m", "citegraph.cli", *args, "--home", str(home)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc) -> str:
    out, err = proc.communicate(timeout=600)
    assert proc.returncode in (0, 3), err[-3000:]
    assert "Traceback" not in err and "retried" not in err and "Deadlock" not in err, err[-3000:]
    return err


_sequential: dict = {}


@pytest.mark.parametrize("round_", range(quick_or_long(1, 8)))
def test_four_loaders_at_once_give_the_graph_of_one_after_another(graph, neo4j_server, tmp_path, round_):
    parts = chunks(tmp_path)
    if not _sequential:
        graph.reset()
        for files in parts:
            finish(start(["load", *files, "--batch-size", "10"], neo4j_server.home))
        _sequential.update(graph=snapshot(graph), stats=graph.stats())
        graph.reset()
    # random batch sizes and start orders (seed 0 in the quick version; the seed is in a failure's message)
    seed = chaos_seed(0)
    rng = random.Random(seed)
    sizes = [rng.choice([3, 10, 25, 100]) for _ in parts]
    order = rng.sample(range(len(parts)), len(parts))
    running = [start(["load", *parts[i], "--batch-size", str(sizes[i])], neo4j_server.home) for i in order]
    for proc in running:
        finish(proc)
    assert stale_counts(graph) == [], f"seed {seed}"
    got = snapshot(graph)
    assert got == _sequential["graph"], f"seed {seed}: {differences(got, _sequential['graph'])}"
    assert graph.stats() == _sequential["stats"], f"seed {seed}"


def differences(got, expected, shown: int = 6) -> str:
    """What one graph snapshot has that the other has not, nodes and relationships, briefly."""
    out = []
    for what, mine, theirs in (("nodes", got[0], expected[0]), ("relationships", got[1], expected[1])):
        extra = [x for x in mine if x not in theirs][:shown]
        missing = [x for x in theirs if x not in mine][:shown]
        if extra or missing:
            out.append(f"{what} only here: {extra}; {what} only in the sequential load: {missing}")
    return " | ".join(out)


def without_analytics(snap):
    nodes, rels = snap
    return sorted((labels, tuple(p for p in props if p[0] not in ANALYTICS))
                  for labels, props in nodes if labels == tuple(sorted(labels))), rels


def test_a_load_beside_the_analytics_write_back(graph, neo4j_server, tmp_path):
    first, second = chunks(tmp_path)[0], chunks(tmp_path)[2]
    finish(start(["load", *first], neo4j_server.home))
    finish(start(["load", *second], neo4j_server.home))
    sequential = without_analytics(snapshot(graph))
    graph.reset()
    finish(start(["load", *first], neo4j_server.home))
    analyze = start(["analyze", "coauthorship", "--write"], neo4j_server.home)
    load = start(["load", *second, "--batch-size", "10"], neo4j_server.home)
    finish(load)
    finish(analyze)
    assert stale_counts(graph) == []
    # the loaded data is whole whatever the analytics saw; community labels aside (they
    # depend on when the projection was read), the graph is the sequential one
    nodes, rels = without_analytics(snapshot(graph))
    strip = lambda ns: sorted((tuple(l for l in labels if not l.startswith("Community")), props)
                              for labels, props in ns)
    assert strip(nodes) == strip(sequential[0]) and rels == sequential[1]


def test_a_paper_merge_folds_what_another_load_is_adding_to_the_paper_that_goes(graph):
    """Another load adds an author to a paper while a merge folds that paper away: the merge
    waits for it and folds the authorship too (read before, it would go with the paper, and
    the author's kept count would stay one too high)."""
    import threading

    from graph.resolver import merge

    run(graph, "CREATE (:Paper {id: 'keep', title: 'One paper'}), (:Paper {id: 'gone', title: 'One paper'}), "
               "(a:Author {key: 'ada', name: 'Ada'})-[:AUTHORED]->(:Paper {id: 'other', title: 'Other'}) "
               "SET a.paper_count = 1")
    with graph.driver.session(database=graph.database) as adding:
        tx = adding.begin_transaction()  # the other load's batch, not committed yet
        tx.run("MATCH (a:Author {key: 'ada'}), (p:Paper {id: 'gone'}) CREATE (a)-[:AUTHORED]->(p) "
               "SET a.paper_count = a.paper_count + 1").consume()

        def merging():
            with graph.driver.session(database=graph.database) as session:
                session.execute_write(lambda mtx: merge(mtx, "keep", "gone"))

        merger = threading.Thread(target=merging)
        merger.start()
        merger.join(timeout=1.5)  # the merge runs as far as it can before the other batch commits
        tx.commit()
    merger.join(timeout=60)
    assert not merger.is_alive()
    assert run(graph, "MATCH (:Author {key: 'ada'})-[:AUTHORED]->(p) RETURN p.id AS id ORDER BY id") == [
        {"id": "keep"}, {"id": "other"}]
    assert run(graph, "MATCH (a:Author {key: 'ada'}) RETURN a.paper_count AS n") == [{"n": 2}]


def test_the_server_restarting_mid_load(graph, neo4j_server, tmp_path):
    """Neo4j stopped and started again while a load runs: the loader retries what it can, or
    stops with a clear message; either way, running it again gives the whole graph."""
    import time

    from benchmarks.generate import generate
    from citegraph.server import ManagedServer
    from test_kill_points import reconnect

    generate(1500, tmp_path, citations=False)
    args = ["load", str(tmp_path / "papers.jsonl"), "--batch-size", "50"]
    finish(start(args, neo4j_server.home))
    expected = snapshot(graph)
    graph.reset()
    load = start(args, neo4j_server.home)
    while run(graph, "MATCH (p:Paper) RETURN count(p) AS n")[0]["n"] < 300:  # some batches are in
        assert load.poll() is None, "the load ended before the restart"
        time.sleep(0.1)
    server = ManagedServer(neo4j_server.home)
    server.stop()
    server.start(bolt_port=neo4j_server.bolt_port, http_port=neo4j_server.http_port, timeout=300)
    out, err = load.communicate(timeout=600)
    assert "Traceback" not in err
    if load.returncode != 0:  # the restart outlasted the driver's retries: said, and what is kept
        assert load.returncode == 1 and "the Neo4j server went away during the load" in err, err
        assert "run the same command again" in err
        finish(start(args, neo4j_server.home))
    reconnect(graph)
    assert snapshot(graph) == expected
    assert stale_counts(graph) == []


def test_a_paper_two_loads_create_at_once_under_different_ids_becomes_one(graph, tmp_path, monkeypatch):
    """The race itself, made certain: another load has just created a stub for arXiv 2401.01234
    (cited by a paper) that this load's lookup did not see yet; after this load's batch commits,
    it finds the two nodes and merges them."""
    from graph.resolver import PaperResolver
    from test_kill_points import run

    base = json.loads((SAMPLES / "hub-artifacts.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert base["arxiv_id"] == "2401.01234"
    edges = tmp_path / "edges.csv"
    edges.write_text("citing,cited\nhttps://openreview.net/forum?id=OtherPaper1,arxiv:2401.01234\n")
    graph.load([edges])
    assert run(graph, "MATCH (p:Paper {arxiv_id: '2401.01234'}) RETURN p.id AS id") == [{"id": "arxiv:2401.01234"}]

    paper = tmp_path / "paper.jsonl"
    paper.write_text(json.dumps(base) + "\n", encoding="utf-8")
    real_lookup = PaperResolver.lookup
    monkeypatch.setattr(PaperResolver, "lookup", lambda self, tx, pairs: {
        pair: id_ for pair, id_ in real_lookup(self, tx, pairs).items() if pair[0] != "arxiv"})
    graph.load([paper])

    papers = run(graph, "MATCH (p:Paper {arxiv_id: '2401.01234'}) "
                        "RETURN p.id AS id, p.title AS title, p.stub AS stub, p.merged_from AS why")
    assert len(papers) == 1, papers
    assert papers[0]["title"] == base["title"] and papers[0]["stub"] is None
    assert any("written by a load running at the same time" in note for note in papers[0]["why"])
    cited = run(graph, "MATCH (:Paper {id: 'OtherPaper1'})-[:CITES]->(p:Paper) RETURN p.arxiv_id AS a")
    assert cited == [{"a": "2401.01234"}]
    assert stale_counts(graph) == []


def test_two_loads_adding_a_papers_first_references_at_once_write_each_citation_once(graph, tmp_path):
    """A citing paper with no references yet gets them by CREATE (``graph.writer.citation_statement``):
    a second load writing some of the same references at that moment must wait for the first and
    then MERGE, not create the citation twice."""
    import threading

    from graph.writer import citation_statement
    from test_kill_points import run

    edges = tmp_path / "stubs.csv"  # four papers; 10.1234/a cites nothing yet
    edges.write_text("citing,cited\n10.1234/b1,10.1234/a\n10.1234/b2,10.1234/b3\n")
    graph.load([edges])

    def rows(*cited):
        return [{"start": "doi:10.1234/a", "cites": [{"end": f"doi:10.1234/{c}", "props": {}, "src": None} for c in cited]}]

    first_session = graph.driver.session(database=graph.database)
    first = first_session.begin_transaction()
    first.run(citation_statement(), rows=rows("b1", "b2"), source="one.csv").consume()
    second_done = []

    def second():
        with graph.driver.session(database=graph.database) as session:
            session.run(citation_statement(), rows=rows("b2", "b3"), source="two.csv").consume()
        second_done.append(True)

    other = threading.Thread(target=second)
    other.start()
    other.join(2)  # it reads whether the paper has references, after the first transaction's lock
    assert not second_done, "the second load did not wait for the first one's lock on the citing paper"
    first.commit()
    first_session.close()
    other.join(60)
    assert second_done
    got = run(graph, "MATCH (:Paper {id: 'doi:10.1234/a'})-[r:CITES]->(b) RETURN b.id AS b, r.sources AS sources "
                     "ORDER BY b, sources")
    assert got == [{"b": "doi:10.1234/b1", "sources": ["one.csv"]},
                   {"b": "doi:10.1234/b2", "sources": ["one.csv", "two.csv"]},
                   {"b": "doi:10.1234/b3", "sources": ["two.csv"]}]
    assert stale_counts(graph) == []
