"""The managed Neo4j: loopback only, auth on, a 0600 password, idempotent start."""

import os
import stat
import subprocess
import sys

import pytest

from citegraph.server import ManagedServer
from conftest import listening_addresses


def citegraph(*args, env=None):
    return subprocess.run([sys.executable, "-m", "citegraph.cli", *args], capture_output=True, text=True,
                          env=env or dict(os.environ))


def test_password_file_is_private(neo4j_server):
    mode = stat.S_IMODE(os.stat(neo4j_server.home / "password").st_mode)
    assert mode == 0o600
    assert len(neo4j_server.password) >= 16


def test_listens_on_loopback_only(neo4j_server):
    conf = (neo4j_server.home / "conf" / "neo4j.conf").read_text()
    assert f"server.bolt.listen_address=127.0.0.1:{neo4j_server.bolt_port}" in conf
    assert "dbms.security.auth_enabled=true" in conf
    # every TCP socket listening on the server's ports is bound to 127.0.0.1 (IPv4, or IPv4-mapped IPv6)
    loopback = {"0100007F", "0000000000000000FFFF00000100007F"}
    ours = listening_addresses({neo4j_server.bolt_port, neo4j_server.http_port})
    assert {p for _, p in ours} == {neo4j_server.bolt_port, neo4j_server.http_port}
    assert all(addr in loopback for addr, _ in ours), ours


def test_auth_is_on(neo4j_server):
    import neo4j
    import pytest
    with neo4j.GraphDatabase.driver(neo4j_server.uri, auth=("neo4j", "wrong-password")) as driver:
        with pytest.raises(neo4j.exceptions.AuthError):
            driver.verify_connectivity()


def test_start_again_leaves_the_running_server_alone(neo4j_server):
    before = ManagedServer(neo4j_server.home).status()
    again = ManagedServer(neo4j_server.home).start()
    assert again.pid == before.pid and again.bolt_port == neo4j_server.bolt_port


def test_status_and_env_commands(neo4j_server):
    proc = citegraph("neo4j", "status", "--home", str(neo4j_server.home))
    assert proc.returncode == 0
    assert f"http://127.0.0.1:{neo4j_server.http_port}/browser/" in proc.stdout
    assert neo4j_server.password in proc.stdout
    env = citegraph("neo4j", "env", "--home", str(neo4j_server.home))
    assert env.stdout.splitlines() == [f"export NEO4J_URI={neo4j_server.uri}", "export NEO4J_USER=neo4j",
                                       f"export NEO4J_PASSWORD={neo4j_server.password}"]


def test_commands_find_the_managed_server_of_their_home(neo4j_server, graph):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env["CITEGRAPH_NEO4J_HOME"] = str(neo4j_server.home)
    proc = citegraph("stats", "--json", env=env)
    assert proc.returncode == 0, proc.stderr


def test_a_stopped_home_gives_a_clear_error(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    proc = citegraph("stats", "--home", str(tmp_path / "nowhere"), env=env)
    assert proc.returncode == 1
    assert "citegraph neo4j start" in proc.stderr and "Traceback" not in proc.stderr
    status = citegraph("neo4j", "status", "--home", str(tmp_path / "nowhere"))
    assert status.returncode == 1 and "not running" in status.stdout


def test_wrong_password_is_a_clear_error(neo4j_server):
    proc = citegraph("stats", "--uri", neo4j_server.uri, "--password", "nope")
    assert proc.returncode == 1
    assert "refused the credentials" in proc.stderr and "Traceback" not in proc.stderr


def test_a_new_password_never_looks_like_an_option(tmp_path, monkeypatch):
    """neo4j-admin reads an argument starting with '-' as an option: such a password (one in 64
    of token_urlsafe's) would make the first start fail. One left by such a failure is replaced."""
    import subprocess

    from citegraph import server as srv

    tokens = iter(["-starts-with-a-dash", "fine-password-123"])
    monkeypatch.setattr(srv.secrets, "token_urlsafe", lambda n: next(tokens))
    calls = []
    monkeypatch.setattr(srv.subprocess, "run", lambda cmd, **kw: calls.append(cmd) or
                        subprocess.CompletedProcess(cmd, 0, "", ""))
    home = tmp_path / "neo4j"
    password = srv.ManagedServer(home)._ensure_password("java", tmp_path)
    assert password == "fine-password-123"
    assert calls[0][-1] == f"@{home / 'password'}"  # read from the file, never on the command line
    assert (home / "password").read_text().strip() == password


def test_routing_and_direct_uris_load_and_query_alike(neo4j_server, graph):
    """``neo4j://`` (the managed server's address) makes the driver ask the server for its
    routing table, as it does with a cluster or Aura: writes go to a writer, reads to readers.
    ``bolt://`` talks to one server directly. Both load and answer the same."""
    import json

    import neo4j

    import sample_truth as truth
    from citegraph.api import CiteGraph
    from conftest import SAMPLES

    routing = neo4j_server.uri
    direct = routing.replace("neo4j://", "bolt://", 1)
    assert routing.startswith("neo4j://")
    with CiteGraph.connect(uri=routing, password=neo4j_server.password) as cg:
        assert isinstance(cg.driver, neo4j.Neo4jDriver)  # the routing driver
        table = cg.driver.execute_query("CALL dbms.routing.getRoutingTable({}, 'neo4j')").records[0]
        roles = {server["role"] for server in table["servers"]}
        assert roles == {"WRITE", "READ", "ROUTE"}
    counts = truth.papers_per_author(truth.rows())
    expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    for uri in (direct, routing):
        graph.reset()
        env = {**os.environ, "NEO4J_URI": uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": neo4j_server.password}
        loaded = citegraph("load", str(SAMPLES / "neurips2023-workshops.jsonl"), env=env)
        assert loaded.returncode == 0, loaded.stderr
        top = citegraph("query", "top-authors", "-p", "limit=5", "--format", "json", env=env)
        assert top.returncode == 0, top.stderr
        assert [(r["author"], r["papers"]) for r in json.loads(top.stdout)] == expected, uri


@pytest.mark.neo4j  # starts servers of its own
def test_later_starts_map_the_class_archive_the_first_clean_stop_kept(tmp_path):
    from citegraph.server import free_port
    server = ManagedServer(tmp_path / "neo4j")
    ports = dict(bolt_port=free_port(), http_port=free_port(), heap="512m", pagecache="128m", timeout=300)

    def jvm_flags():
        pid = server.status().pid
        return open(f"/proc/{pid}/cmdline", "rb").read().decode().split("\0")

    def answers():
        import neo4j
        with neo4j.GraphDatabase.driver(server.status().uri, auth=("neo4j", server.password())) as driver:
            return driver.execute_query("RETURN 41 + 1 AS n").records[0]["n"]

    try:
        server.start(**ports)
        assert any(f.startswith("-XX:ArchiveClassesAtExit=") for f in jvm_flags())
        assert not list((server.home / "jvm").glob("*.jsa"))  # written when the JVM exits
        server.stop()
        kept = list((server.home / "jvm").iterdir())
        assert len(kept) == 1 and kept[0].suffix == ".jsa"  # adopted: no .partial left

        server.start(**ports)
        assert f"-XX:SharedArchiveFile={kept[0]}" in jvm_flags()
        assert answers() == 42
        server.stop()

        # a damaged archive makes the JVM stop at once: the start drops it and starts without it
        kept[0].write_bytes(kept[0].read_bytes()[:100_000])
        server.start(**ports)
        assert answers() == 42
        assert not kept[0].exists() and any(f.startswith("-XX:ArchiveClassesAtExit=") for f in jvm_flags())
    finally:
        server.stop()
