"""Crash tests: the command is killed with SIGKILL at a named point (``graph.killpoints``), then
run again as a user would; the graph, or the exported file, is then exactly what one
uninterrupted run gives."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest

from citegraph.connection import open_driver
from graph.killpoints import POINTS
from conftest import SAMPLES, chaos_seed, free_port, quick_or_long, run, stale_counts
from test_rdf import snapshot as full_snapshot

INPUTS = [str(SAMPLES / "neurips2023-workshops.jsonl"), str(SAMPLES / "hub-artifacts.jsonl"), str(SAMPLES / "citations")]
LOAD = ["load", *INPUTS, "--batch-size", "20"]  # several batches, so there is a "between"
KILLED = -signal.SIGKILL

_reference: dict = {}


def snapshot(cg):
    """The graph without merge evidence (which merges a load needs depends on its batches), and
    with a paper's row fingerprints as the set they are (their order is the order of loads)."""
    nodes, rels = full_snapshot(cg)
    keep = lambda props: tuple((k, tuple(sorted(v)) if k == "row_hashes" else v)
                               for k, v in props if k != "merged_from")
    return sorted((l, keep(props)) for l, props in nodes), rels


def citegraph(args, home, kill_at=None, check=True):
    """Run the command line on the test server (by its home: --bulk needs the managed server),
    in a process group of its own, as a shell runs a command."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_") and k != "CITEGRAPH_KILL_AT"}
    if kill_at:
        env["CITEGRAPH_KILL_AT"] = kill_at
    home_args = ["--home", str(home)] if args[0] != "neo4j" else []
    # (SIGINT as a terminal delivers it: a suite started in the background of a script inherits
    # SIGINT ignored, and Python then never turns it into Ctrl-C)
    proc = subprocess.run([sys.executable, "-m", "citegraph.cli", *args, *home_args], env=env,
                          capture_output=True, text=True, start_new_session=True, timeout=600,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    if check and kill_at:
        assert proc.returncode == KILLED, f"not killed at {kill_at}: {proc.returncode}\n{proc.stderr[-2000:]}"
    if check and not kill_at:
        assert proc.returncode in (0, 3), proc.stderr[-2000:]
        assert "Traceback" not in proc.stderr
        assert "Received notification" not in proc.stderr, proc.stderr[-2000:]  # no driver notices either
    return proc


def launch(args, home):
    """Start the command line as citegraph() runs it, without waiting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_") and k != "CITEGRAPH_KILL_AT"}
    return subprocess.Popen([sys.executable, "-m", "citegraph.cli", *args, "--home", str(home)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def reconnect(graph):
    """After an import the database is new: the test's driver starts afresh, as the API's does."""
    graph.driver.close()
    graph.driver = open_driver(graph._settings)


def reference(graph, home, name, steps):
    """The graph (or file) of one uninterrupted run, computed once per session."""
    if name not in _reference:
        graph.reset()
        for step in steps:
            citegraph(step, home)
        _reference[name] = snapshot(graph)
        graph.reset()
    return _reference[name]


def test_every_kill_point_is_exercised_here():
    tested = {p.partition("@")[0] for p, *_ in LOAD_CASES + BULK_CASES} | {"analyze.write_back", "export.write",
                                                                            "server.start", "enrich.chunk",
                                                                            "merge.move"}  # (enrich.chunk: tests/test_enrich.py)
    assert tested == set(POINTS)


LOAD_CASES = [("read.row@90",), ("write.batch@2",), ("write.committed@3",), ("load.venue_stats",)]


@pytest.mark.parametrize("kill_at", [c[0] for c in LOAD_CASES])
def test_a_load_killed_then_rerun_gives_the_graph_of_one_load(graph, neo4j_server, kill_at):
    expected = reference(graph, neo4j_server.home, "load", [LOAD])
    citegraph(LOAD, neo4j_server.home, kill_at)
    citegraph(LOAD, neo4j_server.home)
    assert snapshot(graph) == expected
    assert stale_counts(graph) == []


@pytest.mark.parametrize("round_", range(quick_or_long(1, 12)))
def test_a_load_killed_at_a_random_moment_then_rerun(graph, neo4j_server, round_):
    """A laptop dies when it likes, not at a named point: SIGKILL after a random delay (the load
    takes about 5 s here), once or twice before the rerun."""
    expected = reference(graph, neo4j_server.home, "load", [LOAD])
    seed = chaos_seed(round_)
    rng = random.Random(seed)
    for _ in range(rng.choice([1, 2])):
        proc = launch(LOAD, neo4j_server.home)
        time.sleep(rng.uniform(1.0, 7.0))
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    citegraph(LOAD, neo4j_server.home)
    assert snapshot(graph) == expected, f"random kill, seed {seed}"
    assert stale_counts(graph) == []


BULK_CASES = [("bulk.csv",), ("bulk.import",), ("bulk.restart",), ("bulk.schema",)]


@pytest.mark.parametrize("kill_at", [c[0] for c in BULK_CASES])
def test_a_bulk_load_killed_then_rerun_gives_the_graph_of_one_load(graph, neo4j_server, kill_at):
    expected = reference(graph, neo4j_server.home, "load", [LOAD])
    bulk = ["load", "--bulk", *INPUTS]
    try:
        citegraph(bulk, neo4j_server.home, kill_at)
        citegraph(["neo4j", "start", "--home", str(neo4j_server.home)], neo4j_server.home)  # as a user would
        citegraph(bulk, neo4j_server.home)
        leftovers = [p.name for p in (neo4j_server.home / "import").glob("bulk-*")]
        assert leftovers == []  # the rerun cleared what the killed one left in the import folder
    finally:
        reconnect(graph)
    assert snapshot(graph) == expected
    assert stale_counts(graph) == []


def test_analytics_killed_during_write_back_then_rerun(graph, neo4j_server):
    analyze = ["analyze", "coauthorship", "--write"]
    expected = reference(graph, neo4j_server.home, "analyzed", [LOAD, analyze])
    citegraph(LOAD, neo4j_server.home)
    citegraph(analyze, neo4j_server.home, "analyze.write_back")
    citegraph(analyze, neo4j_server.home)
    assert snapshot(graph) == expected


def test_an_export_killed_leaves_no_file_that_looks_complete(graph, neo4j_server, tmp_path):
    citegraph(LOAD, neo4j_server.home)
    whole = tmp_path / "whole.nt"
    citegraph(["export-rdf", str(whole)], neo4j_server.home)
    out = tmp_path / "graph.nt"
    citegraph(["export-rdf", str(out)], neo4j_server.home, "export.write")
    assert not out.exists()
    citegraph(["export-rdf", str(out)], neo4j_server.home)
    assert sorted(out.read_text().splitlines()) == sorted(whole.read_text().splitlines())
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # the rerun replaced the partial files


def test_a_server_start_killed_then_rerun_leaves_one_running_server(tmp_path):
    home = tmp_path / "neo4j"
    start = ["neo4j", "start", "--home", str(home), "--bolt-port", str(free_port()), "--http-port", str(free_port()), "--heap", "512m", "--pagecache", "128m"]
    try:
        citegraph(start, home, "server.start")
        again = citegraph(start, home)
        assert "running" in again.stdout
        status = citegraph(["neo4j", "status", "--home", str(home)], home)
        assert status.returncode == 0 and "running (pid" in status.stdout
    finally:
        citegraph(["neo4j", "stop", "--home", str(home)], home, check=False)


def test_a_merge_of_a_paper_with_many_relationships_killed_between_chunks(graph, neo4j_server, tmp_path, monkeypatch):
    from test_citations import heavy_merge_files

    files, citing, _ = heavy_merge_files(tmp_path)
    monkeypatch.setenv("CITEGRAPH_MERGE_CHUNK", "7")
    expected = reference(graph, neo4j_server.home, "heavy-merge", [["load", str(p)] for p in files])
    citegraph(["load", str(files[0])], neo4j_server.home)
    citegraph(["load", str(files[1])], neo4j_server.home, "merge.move@4")
    # four chunks committed: relationships already on the paper they belong to, counts exact
    state = run(graph, "MATCH (p:Paper) WHERE p.id IN ['doi:10.5555/joint', 'openalex:W555'] "
                       "RETURN p.id AS id, COUNT { (p)<-[:CITES]-() } AS citing ORDER BY id")
    assert [s["id"] for s in state] == ["doi:10.5555/joint", "openalex:W555"]
    assert 40 < state[0]["citing"] < len(citing) and state[1]["citing"] < 40
    assert stale_counts(graph) == []
    citegraph(["load", str(files[1])], neo4j_server.home)
    assert snapshot(graph) == expected
    assert stale_counts(graph) == []
