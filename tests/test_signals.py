"""Ctrl-C (SIGINT) and SIGTERM on every long-running command, delivered at a chosen point
(``CITEGRAPH_KILL_AT=NAME:INT``): the command stops cleanly with exit status 130 and a message
saying what was kept, no child outlives it, no temporary file stays, and running it again
completes the work."""

from __future__ import annotations

import pytest

from conftest import free_port, stale_counts
from test_kill_points import INPUTS, LOAD, citegraph, reconnect, reference, snapshot


def interrupted(args, home, at):
    proc = citegraph(args, home, at, check=False)
    assert proc.returncode == 130, (proc.returncode, proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr and "interrupted" in proc.stderr
    return proc


@pytest.mark.parametrize("signal", ["INT", "TERM"])
def test_a_load_stopped_says_what_is_committed_and_a_rerun_completes_it(graph, neo4j_server, signal):
    expected = reference(graph, neo4j_server.home, "load", [LOAD])
    proc = interrupted(LOAD, neo4j_server.home, f"write.committed@2:{signal}")
    assert "row(s) committed" in proc.stderr and "run the same command again" in proc.stderr
    citegraph(LOAD, neo4j_server.home)
    assert snapshot(graph) == expected
    assert stale_counts(graph) == []


@pytest.mark.parametrize("at", ["bulk.csv:TERM", "bulk.import:INT"])
def test_a_bulk_load_stopped_leaves_the_server_running_and_no_files(graph, neo4j_server, at):
    expected = reference(graph, neo4j_server.home, "load", [LOAD])
    bulk = ["load", "--bulk", *INPUTS]
    try:
        interrupted(bulk, neo4j_server.home, at)
        assert list((neo4j_server.home / "import").glob("bulk-*")) == []  # the CSV files went
        status = citegraph(["neo4j", "status", "--home", str(neo4j_server.home)], neo4j_server.home)
        assert "running (pid" in status.stdout  # started again even when stopped mid-import
        assert "AdminTool" not in subprocess_list()  # the admin tool ended with the command
        citegraph(bulk, neo4j_server.home)
    finally:
        reconnect(graph)
    assert snapshot(graph) == expected


def subprocess_list() -> str:
    import subprocess

    return subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout


def test_analytics_stopped_during_the_write_back(graph, neo4j_server):
    analyze = ["analyze", "coauthorship", "--write"]
    expected = reference(graph, neo4j_server.home, "analyzed", [LOAD, analyze])
    citegraph(LOAD, neo4j_server.home)
    interrupted(analyze, neo4j_server.home, "analyze.write_back:TERM")
    citegraph(analyze, neo4j_server.home)
    assert snapshot(graph) == expected


def test_an_export_stopped_leaves_no_file(graph, neo4j_server, tmp_path):
    citegraph(LOAD, neo4j_server.home)
    out = tmp_path / "graph.ttl"
    interrupted(["export-rdf", str(out)], neo4j_server.home, "export.write:INT")
    assert list(tmp_path.iterdir()) == []


def test_a_server_start_stopped_leaves_no_server(tmp_path):
    home = tmp_path / "neo4j"
    start = ["neo4j", "start", "--home", str(home), "--bolt-port", str(free_port()), "--http-port",
             str(free_port()), "--heap", "512m", "--pagecache", "128m"]
    try:
        interrupted(start, home, "server.start:INT")
        status = citegraph(["neo4j", "status", "--home", str(home)], home, check=False)
        assert status.returncode == 1 and "not running" in status.stdout
    finally:
        citegraph(["neo4j", "stop", "--home", str(home)], home, check=False)
