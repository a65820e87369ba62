"""The coauthorship graph: projection out of Neo4j, measures, write-back.

The measures are pure functions of a networkx graph whose nodes are author
keys and whose edges carry ``weight`` = number of joint papers. They return
``{node: value}`` like networkx does, and are deterministic (seeded).

Examples
--------
>>> import networkx as nx

from graph.model import COMMUNITY_LABELS
>>> G = nx.Graph()
>>> G.add_edge("ada", "bob", weight=2); G.add_edge("bob", "cy", weight=1); G.add_node("dee")
>>> components(G)
{'ada': 0, 'bob': 0, 'cy': 0, 'dee': 1}
>>> sorted(set(communities(G).values()))
[0, 1]
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field

import networkx as nx

from graph.model import COMMUNITY_LABELS

DEFAULT_SEED = 42


# -- projection -------------------------------------------------------------------

def project(driver, database: str | None = None) -> nx.Graph:
    """Authors as nodes (with ``name``), coauthorship as weighted edges, as a networkx graph."""
    keys, names, edges = project_lists(driver, database)
    G = nx.Graph()
    G.add_nodes_from((k, {"name": n}) for k, n in zip(keys, names))
    G.add_weighted_edges_from((keys[a], keys[b], w) for a, b, w in edges)
    return G


def project_lists(driver, database: str | None = None) -> tuple[list, list, list]:
    """Author keys, names, and (index, index, joint papers) edges, straight out of Neo4j.

    Author lists are streamed per paper and pairs counted here on integer ids, which
    keeps the work in Neo4j to one pass over ``AUTHORED`` and memory to the pairs.
    """
    keys: list = []
    names: list = []
    index: dict = {}
    weights: Counter = Counter()
    with driver.session(database=database, default_access_mode="READ") as session:
        for record in session.run("MATCH (a:Author) RETURN a.key AS key, a.name AS name"):
            index[record["key"]] = len(keys)
            keys.append(record["key"])
            names.append(record["name"])
        n = len(keys)
        for record in session.run(
                "MATCH (p:Paper)<-[:AUTHORED]-(a:Author) WITH p, collect(DISTINCT a.key) AS keys "
                "WHERE size(keys) > 1 RETURN keys"):
            ids = sorted(index[k] for k in record["keys"])
            for a, b in itertools.combinations(ids, 2):
                weights[a * n + b] += 1
    edges = [(pair // n, pair % n, w) for pair, w in weights.items()]
    return keys, names, edges


# -- measures (pure) -------------------------------------------------------------------

def components(G: nx.Graph) -> dict:
    """Connected component of each node; 0 is the largest (ties: smallest member first)."""
    parts = sorted((sorted(c) for c in nx.connected_components(G)), key=lambda c: (-len(c), c[0]))
    return {node: i for i, part in enumerate(parts) for node in part}


def communities(G: nx.Graph, seed: int = DEFAULT_SEED) -> dict:
    """Louvain communities on joint-paper weights; 0 is the largest. Seeded, so runs repeat."""
    found = nx.community.louvain_communities(G, weight="weight", seed=seed)
    parts = sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))
    return {node: i for i, part in enumerate(parts) for node in part}


def pagerank(G: nx.Graph) -> dict:
    """PageRank, with joint papers as edge weights, solved to 1e-14 (networkx's default
    tolerance leaves errors near 1 % on single authors)."""
    if G.number_of_nodes() == 0:
        return {}
    return nx.pagerank(G, weight="weight", tol=1e-14, max_iter=100_000)


def degree(G: nx.Graph) -> dict:
    """Degree centrality: the share of other authors one has written with."""
    return nx.degree_centrality(G)


def betweenness(G: nx.Graph, k: int | None = None, seed: int = DEFAULT_SEED) -> dict:
    """Betweenness centrality over coauthor hops (normalised).

    ``k`` samples that many source nodes (for large graphs); None is exact.
    """
    if k is not None and k >= G.number_of_nodes():
        k = None
    return nx.betweenness_centrality(G, k=k, seed=seed if k else None, normalized=True)


MEASURES = ("component", "community", "pagerank", "degree", "betweenness")


@dataclass
class Analysis:
    graph: nx.Graph
    values: dict = field(default_factory=dict)  # measure -> {node: value}
    seed: int = DEFAULT_SEED
    backend: str = "networkx"

    def summary(self, top: int = 10) -> dict:
        G = self.graph
        comp_sizes = sorted(Counter(self.values["component"].values()).values(), reverse=True)
        comm_sizes = sorted(Counter(self.values["community"].values()).values(), reverse=True)
        name = lambda n: G.nodes[n].get("name", n)
        tops = {}
        for measure in ("pagerank", "degree", "betweenness"):
            ranked = sorted(self.values[measure].items(), key=lambda kv: (-kv[1], name(kv[0])))[:top]
            tops[measure] = [{"author": name(n), "value": round(v, 6)} for n, v in ranked]
        try:
            modularity = nx.community.modularity(
                G, _groups(self.values["community"]), weight="weight") if G.number_of_edges() else 0.0
        except ZeroDivisionError:
            modularity = 0.0
        return {
            "authors": G.number_of_nodes(),
            "collaborations": G.number_of_edges(),
            "components": len(comp_sizes),
            "component_sizes": comp_sizes,
            "largest_component": comp_sizes[0] if comp_sizes else 0,
            "isolated_authors": sum(1 for s in comp_sizes if s == 1),
            "communities": len(comm_sizes),
            "community_sizes": comm_sizes,
            "modularity": round(modularity, 6),
            "seed": self.seed,
            "backend": self.backend,
            "top": tops,
        }


def _groups(assignment: dict) -> list[set]:
    groups: dict = {}
    for node, group in assignment.items():
        groups.setdefault(group, set()).add(node)
    return list(groups.values())


def analyze(G: nx.Graph, seed: int = DEFAULT_SEED, betweenness_k: int | None = None,
            backend: str = "auto") -> Analysis:
    """Every measure of the coauthorship graph.

    Exact betweenness up to 5,000 authors; above that, sampled from
    ``betweenness_k`` (default 200) sources. ``backend``: ``networkx``, ``igraph``
    (compiled; the same measures, much faster on large graphs), or ``auto``
    (igraph from 50,000 authors when it is installed).
    """
    if betweenness_k is None and G.number_of_nodes() > 5000:
        betweenness_k = 200
    if backend == "auto":
        backend = "igraph" if G.number_of_nodes() >= 50_000 and _has_igraph() else "networkx"
    if backend == "igraph":
        from citegraph.analysis import igraph_backend
        return Analysis(G, igraph_backend.measures(G, seed, betweenness_k), seed, backend="igraph")
    return Analysis(G, {
        "component": components(G),
        "community": communities(G, seed),
        "pagerank": pagerank(G),
        "degree": degree(G),
        "betweenness": betweenness(G, betweenness_k, seed),
    }, seed, backend="networkx")


def _has_igraph() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


# -- write-back ------------------------------------------------------------------------

def write_back(driver, analysis: Analysis, database: str | None = None, batch_size: int = 10_000) -> int:
    """Store every measure on its Author, in batched idempotent writes; returns authors written."""
    v = analysis.values
    rows = [{"key": n, "component": v["component"][n], "community": v["community"][n],
             "pagerank": float(v["pagerank"].get(n, 0.0)), "degree": float(v["degree"].get(n, 0.0)),
             "betweenness": float(v["betweenness"].get(n, 0.0))} for n in analysis.graph.nodes]
    query = ("UNWIND $rows AS row MATCH (a:Author {key: row.key}) "
             "SET a.component = row.component, a.community = row.community, a.pagerank = row.pagerank, "
             "a.degree = row.degree, a.betweenness = row.betweenness")
    members: dict = {}
    for node, community in v["community"].items():
        if community < len(COMMUNITY_LABELS):
            members.setdefault(community, []).append(node)
    with driver.session(database=database) as session:
        for start in range(0, len(rows), batch_size):
            chunk = rows[start:start + batch_size]
            session.execute_write(lambda tx: tx.run(query, rows=chunk).consume())
        # community labels (for Browser colours): drop the old ones, give the new ones
        for label in COMMUNITY_LABELS:
            session.execute_write(lambda tx: tx.run(
                f"MATCH (a:Author:`{label}`) REMOVE a:`{label}`").consume())
        for community, keys in members.items():
            label = COMMUNITY_LABELS[community]
            for start in range(0, len(keys), batch_size):
                chunk = keys[start:start + batch_size]
                session.execute_write(lambda tx: tx.run(
                    f"UNWIND $keys AS key MATCH (a:Author {{key: key}}) SET a:`{label}`", keys=chunk).consume())
    return len(rows)
