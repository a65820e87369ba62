"""citegraph load --bulk (neo4j-admin import) builds the same graph as a normal load."""

import json
import os
import re

import pytest

import sample_truth as truth
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
          REAL / "bibtex", REAL / "openalex", REAL / "s2" / "paper-with-citations.json",
          REAL / "edges"]  # (OpenCitations CSV: the citing and cited columns named by the header)


def searches(cg):
    """What two full-text queries find (not their scores, which depend on the index's history)."""
    return ({r["paper_id"] for r in cg.run_query("search", text="spiking", limit=1000)},
            {(r["author"], r["papers"]) for r in cg.run_query("find-author", text="liu", limit=1000)})


def test_bulk_import_gives_the_same_graph_as_a_normal_load(graph):
    graph.load(INPUTS)
    normal, normal_stats, normal_searches = snapshot(graph), graph.stats(), searches(graph)
    graph.reset()
    summary = graph.load(INPUTS, bulk=True)
    # the full-text indexes may still be filling when the load returns: a search right after it
    # waits for them and finds what it finds after a normal load (a superset of the sample's
    # papers with the word in their title or abstract, counted here)
    found = searches(graph)
    assert found == normal_searches
    spiking = {truth.paper_id(r) for r in truth.rows()
               if re.search(r"\bspiking\b", f"{r['title']} {r.get('abstract') or ''}", re.I)}
    assert spiking and spiking <= found[0]
    assert summary.rejected == 3 and summary.counts["import_seconds"] > 0
    assert summary.counts["import_skipped"] == 0  # the import kept every node and relationship written
    # each step timed on its own, and together they are the load (seconds measured apart)
    phases = summary.phases
    assert list(phases) == ["read", "csv", "import", "restart", "indexes", "counts"]
    assert round(phases["import"], 3) == summary.counts["import_seconds"] and all(v >= 0 for v in phases.values())
    assert sum(phases.values()) <= summary.seconds
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


def _generated_inputs(out, papers=200, seed=11):
    """Generated paper rows with citations that name papers by several identifiers: forum ids,
    arXiv ids of the rows, DOIs of papers no row describes (stubs), and a BibTeX library
    whose entries join some stub DOIs to the rows' arXiv ids (merges) or to new arXiv ids."""
    import random

    from benchmarks.generate import forum_id, generate

    generate(papers, out, seed=seed)
    rows = [json.loads(line) for line in (out / "papers.jsonl").read_text().splitlines()]
    arxiv = [r["arxiv_id"] for r in rows if r["arxiv_id"]]
    rng = random.Random(seed)
    lines = ["citing\tcited"]
    for i in range(papers):
        for _ in range(rng.randrange(4)):
            kind = rng.random()
            if kind < 0.4 and arxiv:
                cited = f"arxiv:{rng.choice(arxiv)}"
            elif kind < 0.8:
                cited = f"10.9999/stub.{rng.randrange(60)}"
            else:
                cited = forum_id(rng.randrange(papers))
            lines.append(f"{forum_id(i)}\t{cited}")
        if rng.random() < 0.2:  # a stub citing a stub
            lines.append(f"10.9999/stub.{rng.randrange(60)}\t10.9999/stub.{rng.randrange(60)}")
    (out / "more-citations.tsv").write_text("\n".join(lines) + "\n")
    entries = []
    for n in range(0, 60, 3):
        eprint = rng.choice(arxiv) if n % 2 else f"2401.{n:05d}"  # a row's paper, or a new arXiv id
        entries.append(f"@article{{stub{n},\n  title = {{Stub paper number {n}}},\n"
                       f"  author = {{Doe, Jane and Roe, Richard}},\n  doi = {{10.9999/stub.{n}}},\n"
                       f"  eprint = {{{eprint}}},\n  archivePrefix = {{arXiv}},\n  year = {{2024}}\n}}\n")
    (out / "stubs.bib").write_text("\n".join(entries))
    return [out / "papers.jsonl", out / "citations.tsv", out / "more-citations.tsv", out / "stubs.bib"]


def test_bulk_and_live_agree_on_generated_rows_with_stubs_merges_and_citations(graph, tmp_path):
    inputs = _generated_inputs(tmp_path)
    live = graph.load(inputs)
    assert live.rejected == 0
    normal, normal_stats = snapshot(graph), graph.stats()
    # the inputs did merge papers: some arXiv-cited papers and stubs became one node
    merged = run(graph, "MATCH (p:Paper) WHERE p.merged_from IS NOT NULL RETURN count(p) AS n")[0]["n"]
    assert merged > 0
    graph.reset()
    bulk = graph.load(inputs, bulk=True)
    assert bulk.rejected == 0 and bulk.counts["import_skipped"] == 0
    assert graph.stats() == normal_stats
    assert snapshot(graph) == normal


def test_what_the_import_leaves_out_is_a_reject_at_its_source_line(graph, tmp_path):
    """A relationship to a node no record describes is skipped by neo4j-admin import; its
    report line becomes a reject naming the source and line of the row that asked for it."""
    from citegraph.server import ManagedServer
    from citegraph.server.admin_import import run_import
    from graph.bulk import ARRAY, BulkWriter
    from graph.records import Edge, Node

    server = ManagedServer(graph._settings.home)
    work = server.home / "import" / "bulk-test"
    work.mkdir(parents=True, exist_ok=True)
    writer = BulkWriter(work, importer=lambda nodes, rels: run_import(server, nodes, rels, array_delimiter=ARRAY))
    writer.source = "hand.jsonl"
    writer.add([Node("Paper", "p1", {"title": "One"}), Node("Author", "Ada", {"name": "Ada"}),
                Edge("AUTHORED", "Author", "Ada", "Paper", "p1")], ("hand.jsonl", 1))
    writer.add([Node("Paper", "p2", {"title": "Two"}),
                Edge("AUTHORED", "Author", "Bob", "Paper", "p2")], ("hand.jsonl", 2))  # Bob: no node
    written = writer.close()
    assert written.not_kept == [{"source": "hand.jsonl", "line": 2, "reason": written.not_kept[0]["reason"]}]
    assert "missing node Bob" in written.not_kept[0]["reason"]
    assert written.relationships_created == 1 and written.nodes_created == 3
    graph.driver.close()  # the import made a new database: reconnect
    from citegraph.connection import open_driver
    graph.driver = open_driver(graph._settings)
    graph.ensure_schema()  # as load --bulk does after an import
    assert run(graph, "MATCH (:Author)-[r:AUTHORED]->(:Paper) RETURN count(r) AS n")[0]["n"] == 1


def test_import_files_built_elsewhere_give_the_graph_of_a_normal_load(graph, neo4j_server, tmp_path):
    """`load --import-files` writes the CSV files and import.sh; a user runs the script with
    neo4j-admin on a stopped server, starts it and runs `stats --recount` once (for the schema:
    the files already hold the counts and statistics)."""
    import os
    import subprocess
    import sys

    from citegraph.server import ADMIN_CLASS, ManagedServer, find_java, provision
    from test_kill_points import reconnect

    graph.load(INPUTS)
    normal, normal_stats = snapshot(graph), graph.stats()
    graph.reset()
    out = tmp_path / "seed"
    cli = lambda *args: subprocess.run([sys.executable, "-m", "citegraph.cli", *args, "--home", str(neo4j_server.home)],
                                       capture_output=True, text=True, timeout=600)
    written = cli("load", "--import-files", str(out), *map(str, INPUTS))
    assert written.returncode == 3 and "3 rejected" in written.stdout, written.stderr  # the samples' bad rows
    assert "Traceback" not in written.stderr
    names = {p.name for p in out.iterdir()}  # the writer's working files are gone
    assert "import.sh" in names and all(n.endswith(".csv") for n in names - {"import.sh"})
    admin = tmp_path / "neo4j-admin"  # the managed server runs neo4j-admin from its jars
    admin.write_text(f'#!/bin/sh\nexec "{find_java()}" -Xmx1g -cp "{provision()}/*" {ADMIN_CLASS} "$@"\n')
    admin.chmod(0o755)
    server = ManagedServer(neo4j_server.home)
    status = server.status()
    server.stop()
    try:
        env = dict(os.environ, NEO4J_HOME=str(neo4j_server.home), NEO4J_CONF=str(neo4j_server.home / "conf"),
                   NEO4J_ADMIN=str(admin))
        done = subprocess.run(["sh", str(out / "import.sh"), "neo4j", "--overwrite-destination=true"], env=env,
                              capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    finally:
        server.start(bolt_port=status.bolt_port, http_port=status.http_port)
        reconnect(graph)
    # the files carry the counts and statistics the normal load kept with Cypher
    assert snapshot(graph) == normal
    recount = cli("stats", "--recount")
    assert recount.returncode == 0, recount.stderr
    assert graph.stats() == normal_stats
    assert snapshot(graph) == normal
    assert run(graph, "SHOW CONSTRAINTS YIELD name RETURN count(*) AS n")[0]["n"] >= 9


def test_relationship_files_keep_hostile_keys_and_unite_repeated_relationships(tmp_path):
    """Keys with tabs, quotes, backslashes, newlines, commas and non-ASCII letters reach the CSV files as
    they are; a relationship named twice is one row with both sources; a paper found to be another
    after its relationships were written has them moved to that paper (read back with csv)."""
    import csv

    from graph.bulk import ARRAY, BulkWriter
    from graph.papers import PaperRef
    from graph.records import Edge, Node

    writer = BulkWriter(tmp_path, importer=None)
    odd = ['Tab\there', 'Quote "q" and \\ slash', 'Line\nbreak', 'Zoë Ünal', 'plain', 'Smith, Jr.']
    writer.source = "a.jsonl"
    for i, name in enumerate(odd):
        writer.add([Node("Paper", PaperRef(openreview=f"p{i}"), {"title": f"T{i}"}),
                    Node("Author", name, {"name": name}),
                    Edge("AUTHORED", "Author", name, "Paper", PaperRef(openreview=f"p{i}"))], ("a.jsonl", i + 1))
    writer.add([Edge("CITES", "Paper", PaperRef(openreview="p0"), "Paper", PaperRef(arxiv="2401.00001"))],
               ("a.jsonl", 6))
    writer.source = "b.jsonl"
    writer.add([Edge("AUTHORED", "Author", odd[1], "Paper", PaperRef(openreview="p1"))], ("b.jsonl", 1))
    # p4 turns out to be the arXiv paper p0 cites: the citation now ends at the joined paper,
    # which keeps the OpenReview id (preferred to an arXiv id)
    writer.add([Node("Paper", PaperRef(openreview="p4", arxiv="2401.00001"), {"title": "T4"})], ("b.jsonl", 2))
    _, rel_args = writer.finish()
    files = dict(arg.split("=", 1) for arg in rel_args)

    def rows(name):
        with open(files[name], encoding="utf-8", newline="") as f:
            header, *body = list(csv.reader(f))
        at = header.index("sources:string[]")
        return {(r[0], r[1], tuple(r[at].split(ARRAY))) for r in body}

    assert rows("AUTHORED") == {
        ('Tab\there', "p0", ("a.jsonl",)), ('Quote "q" and \\ slash', "p1", ("a.jsonl", "b.jsonl")),
        ('Line\nbreak', "p2", ("a.jsonl",)), ('Zoë Ünal', "p3", ("a.jsonl",)), ("plain", "p4", ("a.jsonl",)),
        ("Smith, Jr.", "p5", ("a.jsonl",))}
    assert rows("CITES") == {("p0", "p4", ("a.jsonl",))}


def test_a_sort_that_fails_is_a_load_error_with_its_message(tmp_path, monkeypatch):
    """The relationship lines are piped into GNU sort; if it stops (a full disk, say), the load
    ends with sort's own words, not a broken pipe."""
    from graph.bulk import BulkWriter
    from graph.errors import LoadError
    from graph.papers import PaperRef
    from graph.records import Citation

    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "sort").write_text("#!/bin/sh\necho 'sort: write failed: No space left on device' >&2\nexit 2\n")
    (fake / "sort").chmod(0o755)
    work = tmp_path / "work"
    work.mkdir()
    writer = BulkWriter(work, importer=None)
    writer.source = "cites.tsv"
    for i in range(20_000):  # more than a pipe holds: the writer meets the closed pipe
        writer.add([Citation(PaperRef(openreview=f"a{i}"), PaperRef(openreview=f"b{i}"))], ("cites.tsv", i + 1))
    monkeypatch.setenv("PATH", f"{fake}:{os.environ['PATH']}")
    with pytest.raises(LoadError, match="sorting the CITES relationships failed: sort: write failed: No space left"):
        writer.finish()


def _hostile_edge_list(path):
    """Lines whose fate is known by hand: a header, a comment, repeats under other spellings of
    one DOI, a self-citation by two spellings of one arXiv id, a bad DOI, bytes that are not
    UTF-8, an identifier too long to index, a line with one cell; CRLF line ends."""
    lines = [b"citing\tcited", b"# a comment",
             b"10.1000/a\t10.1000/b",                       # 3
             b"10.1000/a\t10.1000/c",                       # 4
             b"10.1000/A\thttps://doi.org/10.1000/b",       # 5: line 3 again
             b"2312.06932\tarXiv:2312.06932v2",             # 6: cites itself
             b"10.1000/b\tdoi:xyz",                         # 7: not a DOI
             b"10.1000/b\t10.1000/\xff",                    # 8: not UTF-8
             b"10.1000/c\t" + b"1" * 5000,                  # 9: too long to index
             b"10.1000/c\t10.1000/a",                       # 10
             b"10.1000/a\t10.1000/b",                       # 11: line 3 again
             b"onlyone"]                                    # 12
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")


def test_edge_list_read_in_rows_of_many_lines_says_what_rows_of_one_say(tmp_path):
    """The bulk writer takes an edge list's clean lines in rows of many (Citations); the
    rejects, warnings and line counts of the load are those of a line-by-line read."""
    from citegraph.api import write_import_files

    path = tmp_path / "cites.tsv"
    _hostile_edge_list(path)
    summary = write_import_files([path], tmp_path / "out")
    assert [(r["line"], r["reason"]) for r in summary.rejects] == [
        (7, "'doi:xyz' is not a DOI"), (8, "not valid UTF-8 (byte 19)"),
        (9, "a Paper's corpus is longer than 4000 bytes (not a real one; Neo4j cannot index it)"),
        (12, "needs two identifiers: citing and cited")]
    warnings = sorted((w["line"], w["warning"]) for w in summary.warnings)
    assert warnings == [(5, "the same citation as line 3; written once"),
                        (6, "2312.06932 cites itself; not written"),
                        (11, "the same citation as line 3; written once")]
    assert summary.files[0]["read"] == 10 and summary.files[0]["loaded"] == 6
    import csv

    with open(tmp_path / "out" / "rel_CITES_Paper_Paper.csv", encoding="utf-8", newline="") as f:
        header, *body = list(csv.reader(f))
    assert {(r[0], r[1], r[header.index("sources:string[]")]) for r in body} == {
        ("doi:10.1000/a", "doi:10.1000/b", "cites.tsv"), ("doi:10.1000/a", "doi:10.1000/c", "cites.tsv"),
        ("doi:10.1000/c", "doi:10.1000/a", "cites.tsv")}
    with open(tmp_path / "out" / "nodes_Paper.csv", encoding="utf-8", newline="") as f:
        papers = {r[0] for r in list(csv.reader(f))[1:]}
    assert papers == {"doi:10.1000/a", "doi:10.1000/b", "doi:10.1000/c", "arxiv:2312.06932"}

    # the line-by-line read (what a normal load takes) says the same, row by row
    from loaders import LoadOptions, read

    def said(batched):
        rows = list(read(str(path), "edges", LoadOptions(batched=batched)))
        return (sorted((r.line, r.reject.reason) for r in rows if r.reject),
                sorted((r.line, w) for r in rows for w in r.warnings), sum(r.lines for r in rows))

    assert said(True) == said(False)


def test_two_edge_lists_under_one_source_name_keep_their_own_papers(tmp_path):
    """Each reading numbers its papers from 0 (the bulk writer remembers a paper by its number):
    the second file's first papers are not the first file's, though they share the source."""
    from citegraph.api import write_import_files

    (tmp_path / "a.tsv").write_text("10.1000/a\t10.1000/b\n10.1000/a\t10.1000/c\n")
    (tmp_path / "b.tsv").write_text("10.1000/x\t10.1000/y\n10.1000/y\t10.1000/a\n")
    write_import_files([tmp_path / "a.tsv", tmp_path / "b.tsv"], tmp_path / "out", source="shared")
    import csv

    with open(tmp_path / "out" / "rel_CITES_Paper_Paper.csv", encoding="utf-8", newline="") as f:
        body = list(csv.reader(f))[1:]
    assert sorted((r[0], r[1]) for r in body) == [  # the lines as written, by hand
        ("doi:10.1000/a", "doi:10.1000/b"), ("doi:10.1000/a", "doi:10.1000/c"),
        ("doi:10.1000/x", "doi:10.1000/y"), ("doi:10.1000/y", "doi:10.1000/a")]


def test_the_collector_paused_for_a_bulk_load_runs_again_after_it_even_when_the_load_fails():
    import gc

    from graph.collector import collection_paused

    assert gc.isenabled()
    with pytest.raises(LoadError):
        with collection_paused():
            assert not gc.isenabled()
            raise LoadError("a file that cannot be read")
    assert gc.isenabled()
    gc.disable()  # a program that runs without it keeps it off
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_a_relaxed_collector_still_collects_cycles_and_its_thresholds_come_back(monkeypatch):
    """A live load collects less eagerly (graph.collector.collection_relaxed): cycles made inside
    are still found by the collector, and the thresholds a program set are its own again after,
    even when the load fails."""
    import gc
    import weakref

    from graph.collector import RELAXED_THRESHOLD, collection_relaxed

    class Cell:
        pass

    before = gc.get_threshold()
    with pytest.raises(LoadError):
        with collection_relaxed():
            assert gc.isenabled() and gc.get_threshold() == (max(before[0], RELAXED_THRESHOLD), *before[1:])
            cell = Cell()
            cell.me = cell  # a cycle: only the collector frees it
            gone = weakref.ref(cell)
            del cell
            held = [[None] for _ in range(RELAXED_THRESHOLD * 3)]  # (objects kept: collections run)
            assert gone() is None and held
            raise LoadError("a file that cannot be read")
    assert gc.get_threshold() == before


def test_an_edge_list_that_cannot_be_read_on_keeps_the_lines_before(tmp_path, monkeypatch):
    """A file that fails midway (here an identifier the normaliser chokes on) costs only the rest
    of that file: the citations read before it are written, as they are when read line by line."""
    import csv

    from citegraph.api import write_import_files
    from loaders import edge_list

    path = tmp_path / "cites.tsv"
    path.write_text("".join(f"10.1000/a{i}\t10.1000/b{i}\n" for i in range(5)) + "10.1000/a9\tBOOM\n"
                    + "10.1000/a7\t10.1000/b7\n", encoding="utf-8")
    real = edge_list.ref_for

    def choking(text, scheme="auto"):
        if text == "BOOM":
            raise ValueError("the normaliser choked")
        return real(text, scheme)

    monkeypatch.setattr(edge_list, "ref_for", choking)
    summary = write_import_files([path], tmp_path / "out")
    assert [(r["line"], r["reason"]) for r in summary.rejects] == [(6, "cannot be read: the normaliser choked")]
    with open(tmp_path / "out" / "rel_CITES_Paper_Paper.csv", encoding="utf-8", newline="") as f:
        cites = {(r[0], r[1]) for r in list(csv.reader(f))[1:]}
    assert cites == {(f"doi:10.1000/a{i}", f"doi:10.1000/b{i}") for i in range(5)}


def test_the_benchmarks_graph_comparison_sees_each_kind_of_difference(graph):
    """`benchmarks.run --steps same` compares the graphs of --bulk and the Cypher loads with
    benchmarks.same_graph: equal graphs are equal (sources as a set), and a changed property, a
    node or relationship only in one, and a parallel relationship are each reported."""
    from benchmarks import same_graph as same

    graph.load([SAMPLES / "hub-artifacts.jsonl"])
    first = same.digest(graph.driver, graph.database)
    stats = graph.stats()
    assert same.sizes(first) == (sum(stats["nodes"].values()), sum(stats["relationships"].values()))
    one = "MATCH (p:Paper) WHERE p.sources IS NOT NULL WITH p ORDER BY p.id LIMIT 1 "
    run(graph, one + "SET p.sources = p.sources + ['other']")
    added = same.digest(graph.driver, graph.database)
    assert same.differences(first, added).keys() == {"node Paper"}  # a source more: that paper differs
    run(graph, one + "SET p.sources = ['other'] + [s IN p.sources WHERE s <> 'other']")
    assert same.differences(added, same.digest(graph.driver, graph.database)) == {}  # (a set: order aside)
    run(graph, "MATCH (p:Paper) WHERE 'other' IN p.sources SET p.sources = [s IN p.sources WHERE s <> 'other']")
    assert same.differences(first, same.digest(graph.driver, graph.database)) == {}
    run(graph, "MATCH (p:Paper) WITH p ORDER BY p.id LIMIT 1 SET p.title = 'changed'")
    run(graph, "CREATE (:Author {key: 'new person', name: 'New Person'})")
    run(graph, "MATCH (p:Paper)-[r:HAS_ARTIFACT]->(m) WITH p, m ORDER BY p.id, m.id LIMIT 1 "
               "CREATE (p)-[:HAS_ARTIFACT {sources: ['again']}]->(m)")
    found = same.differences(first, same.digest(graph.driver, graph.database))
    assert found["node Paper"]["different"] == 1 and found["node Author"]["only_second"] == 1
    assert found["rel HAS_ARTIFACT"]["different"] == 1  # two relationships under one pair of ends
    run(graph, "MATCH ()-[r:HAS_ARTIFACT {sources: ['again']}]->() DELETE r")
    run(graph, "MATCH (a:Author {key: 'new person'}) DELETE a")
