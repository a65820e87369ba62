"""Test fixtures: one real Neo4j per test session, an empty database per test.

The server is the project's own managed Neo4j (``citegraph.server``), started
in a home under ``.cache/`` on free ports and stopped at the end; nothing is
mocked. ``CITEGRAPH_TEST_NEO4J_HOME`` moves the home.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path

import pytest

from citegraph.api import CiteGraph
from citegraph.server import ManagedServer, free_port

REPO = Path(__file__).resolve().parents[1]
# `make chaos` runs the long versions of the reliability tests: many more hypothesis examples,
# more rounds of random kills and of races, with fresh random seeds on every run (the seed of
# a failure is in its message). `make test` runs the quick, repeatable version of each.
CHAOS = os.environ.get("CITEGRAPH_CHAOS") == "1"


def quick_or_long(quick: int, long: int) -> int:
    return long if CHAOS else quick


def chaos_seed(quick: int) -> int:
    """The seed of one randomised round: fixed in the quick version; fresh in the long one unless
    CITEGRAPH_CHAOS_SEED repeats the seed a failure printed."""
    if os.environ.get("CITEGRAPH_CHAOS_SEED"):
        return int(os.environ["CITEGRAPH_CHAOS_SEED"])
    return random.randrange(2**32) if CHAOS else quick
SAMPLES = REPO / "samples"
DATA = Path(__file__).resolve().parent / "data"


def pytest_collection_modifyitems(items):
    # tests that take the `graph` or `neo4j_server` fixture are integration tests
    for item in items:
        if {"graph", "neo4j_server", "loaded_sample", "cli_env"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.neo4j)


@pytest.fixture(scope="session")
def neo4j_server():
    home = Path(os.environ.get("CITEGRAPH_TEST_NEO4J_HOME") or REPO / ".cache" / "test-neo4j")
    server = ManagedServer(home)
    status = server.status()
    started_here = not status.running
    if started_here:
        status = server.start(bolt_port=free_port(), http_port=free_port(), heap="1g", pagecache="512m",
                              timeout=300)
    yield status
    if started_here:
        server.stop()


@pytest.fixture(scope="session")
def _session_graph(neo4j_server):
    cg = CiteGraph.connect(home=neo4j_server.home)
    cg.ensure_schema()
    yield cg
    cg.close()


@pytest.fixture
def graph(_session_graph):
    """A CiteGraph on an empty database.

    Afterwards, whatever the test wrote, every relationship count kept on a node must equal
    the number of its relationships (so every write path is checked for it).
    """
    _session_graph.reset()
    yield _session_graph
    wrong = stale_counts(_session_graph)
    assert not wrong, f"the graph fails the consistency checks (kept counts, one person per Author): {wrong[:5]}"


# Authors that are organisations whose name holds "and": a real Zotero export braces it, so BibTeX's
# rules (and pybtex's) keep it one name (tests/data/real/bibtex/zotero.bib)
ORGANISATIONS = ["Environment and Climate Change Canada"]


def stale_counts(cg: CiteGraph) -> list[dict]:
    out = []
    for label, prop, pattern in (("Author", "paper_count", "(n)-[:AUTHORED]->()"),
                                 ("Paper", "citation_count", "(n)<-[:CITES]-()"),
                                 *((kind, "paper_count", "(n)<-[:HAS_ARTIFACT]-()")
                                   for kind in ("Model", "Dataset", "Space"))):
        out += run(cg, f"MATCH (n:{label}) WITH n, COUNT {{ {pattern} }} AS actual "
                       f"WHERE coalesce(n.{prop}, 0) <> actual "
                       f"RETURN labels(n)[0] AS label, n.{prop} AS stored, actual LIMIT 5")
    # venue statistics, counted here from the papers themselves
    out += run(cg, "MATCH (v:Venue) OPTIONAL MATCH (v)<-[:PRESENTED_AT]-(p:Paper) "
                   "WITH v, collect(p) AS ps "
                   "WITH v, [size(ps), size([p IN ps WHERE p.arxiv_id IS NOT NULL]), "
                   "size([p IN ps WHERE p.hf_paper_url IS NOT NULL]), "
                   "size([p IN ps WHERE EXISTS { (p)-[:HAS_CODE]->() }]), "
                   "size([p IN ps WHERE EXISTS { (p)-[:HAS_ARTIFACT]->() }])] AS actual "
                   "WITH v, actual, [v.paper_count, v.with_arxiv, v.with_paper_page, v.with_code, v.with_artifacts] "
                   "AS stored WHERE stored <> actual OR any(x IN stored WHERE x IS NULL) "
                   "RETURN 'Venue ' + v.id AS label, stored, actual LIMIT 5")
    # Hub account statistics, counted here from the artifacts' links
    out += run(cg, "MATCH (h:HubAccount) "
                   "WITH h, COUNT { MATCH (h)-[:OWNS]->(x) WHERE EXISTS { (x)<-[:HAS_ARTIFACT]-(:Paper) } } AS artifacts, "
                   "COUNT { MATCH (h)-[:OWNS]->()<-[:HAS_ARTIFACT]-(p:Paper) RETURN DISTINCT p } AS papers "
                   "WHERE [h.linked_artifacts, h.paper_count] <> [artifacts, papers] "
                   "RETURN 'HubAccount ' + h.name AS label, [h.linked_artifacts, h.paper_count] AS stored, "
                   "[artifacts, papers] AS actual LIMIT 5")
    # a finished load leaves no venue or account waiting for its statistics
    # each paper's entry per venue (what the venue counts of it, the base of later differences)
    # is what the paper is now
    out += run(cg, "MATCH (p:Paper) WITH p, COLLECT { MATCH (p)-[:PRESENTED_AT]->(v:Venue) "
                   "RETURN (CASE WHEN p.arxiv_id IS NULL THEN '0' ELSE '1' END) + "
                   "(CASE WHEN p.hf_paper_url IS NULL THEN '0' ELSE '1' END) + "
                   "(CASE WHEN EXISTS { (p)-[:HAS_CODE]->() } THEN '1' ELSE '0' END) + "
                   "(CASE WHEN EXISTS { (p)-[:HAS_ARTIFACT]->() } THEN '1' ELSE '0' END) + v.id AS e ORDER BY e } "
                   "AS actual WHERE coalesce(p.venue_counted, []) <> actual "
                   "RETURN 'Paper ' + p.id AS label, p.venue_counted AS stored, actual LIMIT 5")
    out += run(cg, "MATCH (v) WHERE (v:Venue OR v:HubAccount OR v:Paper) AND v.stats_pending IS NOT NULL "
                   "RETURN labels(v)[0] + ' ' + coalesce(v.id, v.name) AS label, 'stats_pending' AS stored, "
                   "'recomputed' AS actual LIMIT 5")
    # a paper without a title is labelled Untitled (the Browser captions it by its id), and only then
    out += run(cg, "MATCH (p:Paper) WHERE (p.title IS NULL) <> p:Untitled "
                   "RETURN 'Paper ' + p.id AS label, labels(p) AS stored, p.title AS actual LIMIT 5")
    # no person is a whole author list: real exporters' lists are split (one name per node)
    out += run(cg, "MATCH (a:Author) WHERE (a.name CONTAINS ' and ' AND NOT a.name IN $organisations) "
                   "OR a.name CONTAINS '\\n' OR toLower(a.name) IN ['others', 'et al.', 'et al'] "
                   "RETURN 'Author ' + a.key AS label, a.name AS stored, 'one person' AS actual LIMIT 5",
               organisations=ORGANISATIONS)
    return out


@pytest.fixture
def cli_env(neo4j_server, monkeypatch):
    """Environment under which the `citegraph` CLI finds the test server."""
    env = dict(os.environ)
    env.update(NEO4J_URI=neo4j_server.uri, NEO4J_USER="neo4j", NEO4J_PASSWORD=neo4j_server.password)
    return env


def listening_addresses(ports: set[int]) -> list[tuple[str, int]]:
    """(address as /proc/net writes it, port) of every TCP socket listening on one of the ports."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in open(table).read().splitlines()[1:]:
            fields = line.split()
            (addr, port), state = fields[1].split(":"), fields[3]
            if state == "0A" and int(port, 16) in ports:  # 0A: LISTEN
                found.append((addr, int(port, 16)))
    return found


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def run(cg: CiteGraph, cypher: str, **params) -> list[dict]:
    """Ask the database directly (tests check the graph, not the code that wrote it)."""
    records, _, _ = cg.driver.execute_query(cypher, params, database_=cg.database)
    return [r.data() for r in records]
