"""Security boundaries: query names stay inside the query folders, the SPARQL endpoint is read-only
on loopback, the managed server's password stays out of command lines, logs and error messages,
and hostile text in a query file is shown literally by the Browser guide.

(Hostile text in the data is in tests/test_hostile_text.py; auth, loopback and the 0600 password
file of the managed Neo4j in tests/test_server.py.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from citegraph.errors import QueryError
from conftest import free_port, listening_addresses
from queries import find

LOOPBACK = {"0100007F", "0000000000000000FFFF00000100007F"}  # 127.0.0.1, as IPv4 and IPv4-mapped IPv6


def citegraph(*args, env=None, cwd=None):
    return subprocess.run([sys.executable, "-m", "citegraph.cli", *args], capture_output=True, text=True,
                          env=env or dict(os.environ), cwd=cwd)


# -- query names -----------------------------------------------------------------------------

TRAVERSALS = ["../secret", "../../secret", "mine/../../secret", "..\\secret", "%2e%2e/secret", "./../secret",
              "secret\x00", "~/secret"]


@pytest.mark.parametrize("language, suffix", [("cypher", ".cypher"), ("sparql", ".rq")])
def test_a_query_name_cannot_reach_files_outside_the_query_folders(tmp_path, monkeypatch, language, suffix):
    inside = tmp_path / "queries" / "mine"
    inside.mkdir(parents=True)
    (inside / f"ok{suffix}").write_text("RETURN 1 AS n\n" if language == "cypher" else "SELECT * { ?s ?p ?o }\n")
    (tmp_path / "queries" / f"secret{suffix}").write_text("// outside every query folder\nRETURN 2 AS n\n")
    monkeypatch.chdir(inside)  # so that "../secret" would name the outside file, were names paths
    monkeypatch.setenv("HOME", str(tmp_path / "queries"))
    assert find("ok", [inside], language).path == inside / f"ok{suffix}"
    for name in TRAVERSALS + [str(tmp_path / "queries" / "secret")]:
        with pytest.raises(QueryError, match="no .* query named"):
            find(name, [inside], language)


def test_the_command_line_refuses_a_traversing_query_name_clearly(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (tmp_path / "secret.rq").write_text("SELECT * { ?s ?p ?o }\n")
    data = tmp_path / "g.ttl"
    data.write_text('<http://example.org/a> <http://example.org/p> "x" .\n')
    proc = citegraph("sparql", "../secret", "--data", str(data), "--queries-dir", str(folder), cwd=folder)
    assert proc.returncode != 0
    assert "no sparql query named '../secret'" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


# -- the SPARQL endpoint ---------------------------------------------------------------------

def _http(method, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_the_sparql_endpoint_is_read_only_and_on_loopback_only(tmp_path):
    data = tmp_path / "g.ttl"
    data.write_text('<http://example.org/a> <http://example.org/p> "x" .\n')
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "citegraph.cli", "sparql-serve", "--data", str(data),
                               "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    count = base + "/query?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"})
    json_results = {"Accept": "application/sparql-results+json"}

    def triples():
        return int(json.loads(_http("GET", count, headers=json_results)[1])["results"]["bindings"][0]["n"]["value"])

    try:
        for _ in range(150):
            try:
                assert triples() == 1
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the SPARQL endpoint did not answer")
        insert = 'INSERT DATA { <http://example.org/b> <http://example.org/p> "y" }'
        attempts = [
            ("POST", "/update", urllib.parse.urlencode({"update": insert}).encode(),
             {"Content-Type": "application/x-www-form-urlencoded"}),
            ("POST", "/update", insert.encode(), {"Content-Type": "application/sparql-update"}),
            ("POST", "/update", b"DROP ALL", {"Content-Type": "application/sparql-update"}),
            ("POST", "/query", insert.encode(), {"Content-Type": "application/sparql-query"}),
            ("POST", "/store?default", b'<http://example.org/c> <http://example.org/p> "z" .',
             {"Content-Type": "text/turtle"}),
            ("PUT", "/store?default", b'<http://example.org/c> <http://example.org/p> "z" .',
             {"Content-Type": "text/turtle"}),
            ("DELETE", "/store?default", None, {}),
        ]
        for method, path, body, headers in attempts:
            status, _ = _http(method, base + path, body, headers)
            assert 400 <= status < 500, (method, path, status)
        assert triples() == 1  # nothing was added, dropped or replaced
        ours = listening_addresses({port})
        assert ours and all(addr in LOOPBACK for addr, _ in ours), ours
    finally:
        server.terminate()
        server.wait(timeout=20)


# -- the managed server's password -----------------------------------------------------------

def test_the_password_never_appears_in_logs_or_error_messages(neo4j_server, tmp_path):
    password = neo4j_server.password
    # the server's own files, after a whole test session of loads, queries and failures
    home = Path(neo4j_server.home)
    for path in [p for p in home.rglob("*") if p.is_file() and "data" not in p.relative_to(home).parts[:1]]:
        if path.name == "password" or path.suffix == ".jar":
            continue
        assert password.encode() not in path.read_bytes(), path
    # error messages of commands that were given the right password but failed for another reason
    env = {**os.environ, "NEO4J_URI": neo4j_server.uri, "NEO4J_PASSWORD": password, "NEO4J_USER": "neo4j"}
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n")
    failures = [
        citegraph("stats", "--database", "no-such-database", env=env),
        citegraph("stats", "--uri", f"bolt://127.0.0.1:{free_port()}", env=env),
        citegraph("query", "no-such-query", env=env),
        citegraph("query", "coauthors", "-p", "name=x", "-p", "limit=-1", env=env),
        citegraph("load", str(bad), env=env),  # a rejected row: exit status 3
        citegraph("stats", "--password", password + "-typo", env=env),
    ]
    for proc in failures:
        assert proc.returncode != 0
        assert password not in proc.stdout + proc.stderr, proc.args
        assert "Traceback" not in proc.stderr, proc.args
    # a printed or logged settings object does not show it either
    from citegraph.connection import resolve
    from citegraph.server import ManagedServer
    assert password not in repr(resolve(home=home)) + repr(ManagedServer(home).status())


def test_a_new_server_never_puts_its_password_on_a_command_line(tmp_path, monkeypatch):
    """Every user of a machine can read the process list: the password reaches neo4j-admin in a
    file, and the server started with it accepts it."""
    from citegraph import server as srv

    seen = []
    real_run, real_popen = subprocess.run, subprocess.Popen

    def run(cmd, *a, **kw):
        seen.append(list(map(str, cmd)))
        return real_run(cmd, *a, **kw)

    class Popen(real_popen):
        def __init__(self, cmd, *a, **kw):
            seen.append(list(map(str, cmd)))
            super().__init__(cmd, *a, **kw)

    monkeypatch.setattr(srv.subprocess, "run", run)
    monkeypatch.setattr(srv.subprocess, "Popen", Popen)
    server = srv.ManagedServer(tmp_path / "neo4j")
    try:
        status = server.start(bolt_port=free_port(), http_port=free_port(), heap="512m", pagecache="128m")
        import neo4j
        with neo4j.GraphDatabase.driver(status.uri, auth=("neo4j", status.password)) as driver:
            assert driver.execute_query("RETURN 1 AS n").records[0]["n"] == 1
    finally:
        server.stop()
    assert any("set-initial-password" in cmd for cmd in seen)
    assert not [cmd for cmd in seen if any(status.password in arg for arg in cmd)]
    logs = b"".join(p.read_bytes() for p in (tmp_path / "neo4j" / "logs").rglob("*") if p.is_file())
    assert logs and status.password.encode() not in logs


# -- the Browser guide -----------------------------------------------------------------------

class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.text, self.attrs = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [name for name, _ in attrs]

    def handle_data(self, data):
        self.text.append(data)


def test_the_guide_shows_hostile_query_text_literally(tmp_path):
    from citegraph.browser import guide_html
    from queries import catalogue
    payload = '</pre><script>alert("x")</script><img src=x onerror=alert(1)>'
    (tmp_path / "hostile.cypher").write_text(
        f"// {payload} and more\n"
        f"// @param name string {payload}\n"
        f"// @example citegraph query hostile -p 'name={payload}'\n"
        "MATCH (a:Author {name: $name}) RETURN a.name AS name\n")
    page = _Tags()
    page.feed(guide_html(catalogue([tmp_path]), http_port=7474))
    assert "script" not in page.tags and "img" not in page.tags
    assert not [a for a in page.attrs if a.startswith("on")]
    text = "".join(page.text)
    assert f"{payload} and more" in text  # the description, as written
    # the runnable example binds the payload as a Cypher string literal (it has no quote of its own)
    assert f"MATCH (a:Author {{name: '{payload}'}}) RETURN a.name AS name" in text
