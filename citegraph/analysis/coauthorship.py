"""The coauthorship graph: projection out of Neo4j, measures, write-back.

The measures are pure functions of a networkx graph whose nodes are author
keys and whose edges carry ``weight`` = number of joint papers. They return
``{node: value}`` like networkx does, and are deterministic (seeded).

Examples
--------
>>> import networkx as nx
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import networkx as nx
import numpy as np

from citegraph.errors import CitegraphError
from graph import killpoints
from graph.collector import collection_paused
from graph.model import COMMUNITY_LABELS
from graph.reader import QUIET

DEFAULT_SEED = 42


# -- projection -------------------------------------------------------------------

@dataclass
class Projection:
    """The coauthorship graph as arrays: author ``keys`` and ``names`` (node i), ``pairs``
    ``(i, j)`` with i < j (an m x 2 integer array) and their ``weights`` (joint papers).
    Compiled backends are built straight from the arrays; a networkx graph only when one is
    asked for (exports, pictures, small graphs)."""

    keys: list
    names: list
    pairs: np.ndarray
    weights: np.ndarray
    node_ids: list | None = None  # Neo4j's internal ids of the authors, when read from Neo4j

    @property
    def edges(self) -> list:
        """``(i, j, joint papers)`` tuples."""
        return list(zip(self.pairs[:, 0].tolist(), self.pairs[:, 1].tolist(), self.weights.tolist()))

    def to_networkx(self) -> nx.Graph:
        G = nx.Graph()
        keys = self.keys
        G.add_nodes_from((k, {"name": n}) for k, n in zip(keys, self.names))
        G.add_weighted_edges_from((keys[a], keys[b], w) for a, b, w in self.edges)
        return G

    @classmethod
    def from_networkx(cls, G: nx.Graph) -> Projection:
        keys = list(G.nodes)
        index = {k: i for i, k in enumerate(keys)}
        edges = [(index[a], index[b], d.get("weight", 1)) for a, b, d in G.edges(data=True)]
        pairs = np.array([(a, b) for a, b, _ in edges], dtype=np.int64).reshape(-1, 2)
        return cls(keys, [G.nodes[k].get("name", k) for k in keys], pairs,
                   np.array([w for _, _, w in edges], dtype=np.int64))


# Read in ranges of internal node ids: an id seek per range, and one record per range, because
# the driver's cost is per record (one record per paper spent 80 % of the projection in it)
ID_RANGE = 100_000
AUTHORS = "RETURN collect(id(a)) AS ids, collect(a.key) AS keys, collect(a.name) AS names"
# a pattern comprehension per paper, not MATCH and collect: no grouping on the server (half the time)
AUTHOR_LISTS = "WITH [(a)-[:AUTHORED]->(p) | id(a)] AS authors WHERE size(authors) > 1 RETURN collect(authors) AS lists"


def project_lists(driver, database: str | None = None, id_range: int = ID_RANGE, workers: int = 2) -> Projection:
    """Author keys, names, and the counted pairs of coauthors, straight out of Neo4j.

    Authors and the author lists of papers come in ranges of internal ids, one record per
    range, read by ``workers`` sessions at once (the server's work is most of it, and it
    runs on as many cores); the pairs are counted with numpy on integer ids
    (``count_pairs``). Neo4j reads see committed writes, not a snapshot, so an author
    written after its range was read is left out of the lists that name it.
    """
    # id() is the fast way in (deprecated in favour of elementId, which has no ranges): no warning
    with driver.session(database=database, default_access_mode="READ",
                        notifications_disabled_classifications=QUIET) as session:
        tops = session.execute_read(lambda tx: tx.run(
            "CALL () { MATCH (a:Author) RETURN max(id(a)) AS authors } "
            "CALL () { MATCH (p:Paper) RETURN max(id(p)) AS papers } RETURN authors, papers").single())
    ranges = [("Author", lo) for lo in range(0, (tops["authors"] if tops["authors"] is not None else -1) + 1, id_range)]
    ranges += [("Paper", lo) for lo in range(0, (tops["papers"] if tops["papers"] is not None else -1) + 1, id_range)]

    def read(share: list) -> list:
        with driver.session(database=database, default_access_mode="READ",
                            notifications_disabled_classifications=QUIET) as session:
            return [(label, lo, session.execute_read(_read_range, label, lo, id_range)) for label, lo in share]

    workers = max(1, workers)
    with collection_paused(), ThreadPoolExecutor(workers) as pool:
        parts = [part for share in pool.map(read, [ranges[i::workers] for i in range(workers)])
                 for part in share]
        parts.sort(key=lambda part: part[:2])
        ids: list = []
        keys: list = []
        names: list = []
        lists: list = []
        for label, _, record in parts:
            if label == "Author":
                ids += record["ids"]
                keys += record["keys"]
                names += record["names"]
            else:
                lists += record["lists"]
        return _counted(ids, keys, names, lists)


def _read_range(tx, label: str, lo: int, id_range: int):
    """The authors, or the author lists of the papers, whose internal ids are in ``lo`` + range."""
    var, tail = ("a", AUTHORS) if label == "Author" else ("p", AUTHOR_LISTS)
    return tx.run(f"MATCH ({var}:{label}) WHERE id({var}) IN range($lo, $hi) {tail}", lo=lo, hi=lo + id_range - 1).single()


def _counted(ids: list, keys: list, names: list, lists: list) -> Projection:
    """The projection of authors (internal ``ids``, ``keys``, ``names``) and papers' author
    lists (of internal ids): authors numbered in key order, so that the measures (some depend
    on the order of nodes and edges) are a function of the graph, not of the internal ids a
    database happened to give. An author not among the authors read is left out of the list."""
    by_key = sorted(range(len(keys)), key=keys.__getitem__)
    index_of = np.empty(len(keys), dtype=np.int64)
    index_of[by_key] = np.arange(len(keys))
    ids = np.asarray(ids, dtype=np.int64)
    flat = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64)
    sizes = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    at = _positions(ids, flat)
    known = at >= 0
    if not known.all():
        group = np.repeat(np.arange(len(lists), dtype=np.int64), sizes)
        sizes = np.bincount(group[known], minlength=len(lists))
        at = at[known]
    a, b, w = count_pairs(index_of[at], sizes, len(keys))
    return Projection([keys[i] for i in by_key], [names[i] for i in by_key],
                      np.column_stack([a, b]), w, ids[by_key].tolist())


def _positions(ids: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Where each of ``wanted`` is in ``ids`` (-1 where it is not), by a table indexed by id:
    Neo4j's internal ids are record numbers, dense below the number of nodes (four bytes each)."""
    top = max(int(ids.max()) if len(ids) else -1, int(wanted.max()) if len(wanted) else -1)
    table = np.full(top + 1, -1, dtype=np.int32 if len(ids) < 2**31 else np.int64)
    table[ids] = np.arange(len(ids))
    return table[wanted]


def count_pairs(members: np.ndarray, sizes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair of members within each group, counted: ``(a, b, count)`` arrays with a < b.

    ``members`` holds the groups one after another (integer ids below ``n``), ``sizes`` their
    lengths; a member named twice in a group counts once. Groups of one size are handled at
    once as a matrix, so no Python loop runs per group or per pair.

    >>> a, b, w = count_pairs(np.array([0, 1, 2, 1, 0, 3, 3, 4, 5, 4]), np.array([3, 2, 2, 3]), 6)
    >>> list(zip(a.tolist(), b.tolist(), w.tolist()))
    [(0, 1, 2), (0, 2, 1), (1, 2, 1), (4, 5, 1)]
    """
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.int64)
    codes = []
    for k in np.unique(sizes):
        if k < 2:
            continue
        rows = starts[sizes == k][:, None] + np.arange(k)
        groups = np.sort(members[rows], axis=1)
        again = np.zeros(groups.shape, dtype=bool)  # the second and later of a member named twice
        again[:, 1:] = groups[:, 1:] == groups[:, :-1]
        i, j = np.triu_indices(int(k), 1)
        keep = ~(again[:, i] | again[:, j]).ravel()
        codes.append(groups[:, i].ravel()[keep] * n + groups[:, j].ravel()[keep])
    if not codes:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    # sorted, then counted by runs (np.unique on int64 took a third longer here)
    pairs = np.sort(np.concatenate(codes))
    starts = np.flatnonzero(np.concatenate(([True], pairs[1:] != pairs[:-1])))
    counts = np.diff(np.append(starts, len(pairs)))
    pairs = pairs[starts]
    return pairs // n, pairs % n, counts


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
    projection: Projection
    values: dict = field(default_factory=dict)  # measure -> {author key: value}
    seed: int = DEFAULT_SEED
    backend: str = "networkx"
    method: str = "louvain"  # of the communities
    modularity: float | None = None  # computed by the backend, or from the networkx graph on demand
    _graph: nx.Graph | None = None
    phases: dict = field(default_factory=dict)  # seconds per phase (project, measures, write_back)

    @property
    def graph(self) -> nx.Graph:
        """The networkx graph (built from the projection the first time it is needed)."""
        if self._graph is None:
            self._graph = self.projection.to_networkx()
        return self._graph

    def summary(self, top: int = 10) -> dict:
        p = self.projection
        comp_sizes = sorted(Counter(self.values["component"].values()).values(), reverse=True)
        comm_sizes = sorted(Counter(self.values["community"].values()).values(), reverse=True)
        names = dict(zip(p.keys, p.names))
        name = lambda n: names.get(n) or n
        tops = {}
        for measure in ("pagerank", "degree", "betweenness"):
            ranked = sorted(self.values[measure].items(), key=lambda kv: (-kv[1], name(kv[0])))[:top]
            tops[measure] = [{"author": name(n), "value": round(v, 6)} for n, v in ranked]
        modularity = self.modularity
        if modularity is None:
            try:
                modularity = nx.community.modularity(
                    self.graph, _groups(self.values["community"]), weight="weight") if len(p.weights) else 0.0
            except ZeroDivisionError:
                modularity = 0.0
        return {
            "authors": len(p.keys),
            "collaborations": len(p.weights),
            "components": len(comp_sizes),
            "component_sizes": comp_sizes,
            "largest_component": comp_sizes[0] if comp_sizes else 0,
            "isolated_authors": sum(1 for s in comp_sizes if s == 1),
            "communities": len(comm_sizes),
            "community_sizes": comm_sizes,
            "modularity": round(modularity, 6),
            "community_method": self.method,
            "community_library": "networkit" if self.method == "leiden" else self.backend,
            "seed": self.seed,
            "backend": self.backend,
            "top": tops,
        }


def _groups(assignment: dict) -> list[set]:
    groups: dict = {}
    for node, group in assignment.items():
        groups.setdefault(group, set()).add(node)
    return list(groups.values())


LARGE = 500_000  # authors: from here on, the defaults favour time (Leiden, fewer betweenness sources)


def default_betweenness_sources(authors: int, collaborations: int) -> int | None:
    """Exact up to 5,000 authors; then 200 sources, fewer on very large graphs so that the
    sampled traversals cost about as much as 200 on a 200,000-author graph (at least 32)."""
    if authors <= 5000:
        return None
    return max(32, min(200, int(200 * 2_000_000 / max(authors + collaborations, 1))))


def analyze(G: nx.Graph | Projection, seed: int = DEFAULT_SEED, betweenness_k: int | None = None,
            backend: str = "auto", communities_method: str = "auto") -> Analysis:
    """Every measure of the coauthorship graph (a networkx graph or a ``Projection``).

    Betweenness is exact up to 5,000 authors, else sampled from ``betweenness_k`` sources
    (default: ``default_betweenness_sources``). ``backend``: ``networkx``, ``igraph``
    (compiled; the same measures, much faster on large graphs, built straight from a
    projection's lists), or ``auto`` (igraph from 50,000 authors when it is installed).
    ``communities_method``: ``louvain``, ``leiden`` (networkit, beside the igraph backend only), or ``auto`` (Leiden from
    500,000 authors with igraph, where Louvain alone takes minutes; Louvain otherwise).
    """
    if isinstance(G, nx.Graph):
        projection, graph = Projection.from_networkx(G), G
    else:
        projection, graph = G, None
    n = len(projection.keys)
    if betweenness_k is None:
        betweenness_k = default_betweenness_sources(n, len(projection.weights))
    if backend == "auto":
        wanted = n >= 50_000 or communities_method == "leiden"  # Leiden runs beside the compiled measures only
        backend = "igraph" if wanted and _has_igraph() else "networkx"
    if communities_method == "auto":
        communities_method = "leiden" if backend == "igraph" and n >= LARGE else "louvain"
    if communities_method == "leiden" and backend != "igraph":
        raise CitegraphError("Leiden communities need the igraph backend (--backend igraph)")
    if backend == "igraph":
        from citegraph.analysis import igraph_backend
        values, modularity = igraph_backend.measures(projection, seed, betweenness_k, communities_method)
        return Analysis(projection, values, seed, backend="igraph", method=communities_method,
                        modularity=modularity, _graph=graph)
    G = graph if graph is not None else projection.to_networkx()
    return Analysis(projection, {
        "component": components(G),
        "community": communities(G, seed),
        "pagerank": pagerank(G),
        "degree": degree(G),
        "betweenness": betweenness(G, betweenness_k, seed),
    }, seed, backend="networkx", _graph=G)


def _has_igraph() -> bool:
    try:
        import igraph  # noqa: F401
    except ImportError:
        return False
    return True


# -- write-back ------------------------------------------------------------------------

def write_back(driver, analysis: Analysis, database: str | None = None, batch_size: int = 10_000,
               workers: int = 2) -> int:
    """Store every measure on its Author, in batched idempotent writes; returns authors written.

    Batches touch disjoint authors, so ``workers`` of them commit at once (twice as fast
    on two cores at a million authors); each is its own retried transaction.
    """
    v = analysis.values
    keys = analysis.projection.keys
    node_ids = analysis.projection.node_ids or [None] * len(keys)
    labels = [[label] for label in COMMUNITY_LABELS]

    def rows(start: int) -> list:
        end = start + batch_size
        return [{"id": node_id, "key": n, "component": v["component"][n], "community": community,
                 "pagerank": float(v["pagerank"].get(n, 0.0)), "degree": float(v["degree"].get(n, 0.0)),
                 "betweenness": float(v["betweenness"].get(n, 0.0)),
                 "label": labels[community] if community < len(labels) else []}
                for node_id, n in zip(node_ids[start:end], keys[start:end]) for community in [v["community"][n]]]

    # by internal id when the projection has them (a seek, no index lookup), the key checked in
    # case the author was merged away and its id reused meanwhile
    author = ("MATCH (a) WHERE id(a) = row.id AND a:Author AND a.key = row.key " if analysis.projection.node_ids
              else "MATCH (a:Author {key: row.key}) ")
    # the community label (for Browser colours) in the same write: the old one dropped, the new
    # one given by a dynamic label (two passes over every author took a third longer)
    query = ("UNWIND $rows AS row " + author + "REMOVE a:" + ":".join(f"`{label}`" for label in COMMUNITY_LABELS) +
             " SET a.component = row.component, a.community = row.community, a.pagerank = row.pagerank, "
             "a.degree = row.degree, a.betweenness = row.betweenness, a:$(row.label)")

    def write(start: int) -> None:
        with driver.session(database=database, notifications_disabled_classifications=QUIET) as session:
            session.execute_write(lambda tx: tx.run(query, rows=rows(start)).consume())
        killpoints.point("analyze.write_back")

    with ThreadPoolExecutor(max(1, workers)) as pool:
        for future in [pool.submit(write, start) for start in range(0, len(keys), batch_size)]:
            future.result()  # the first failure is raised here
    return len(keys)
