"""The coauthorship measures with igraph (compiled): the same definitions as the
networkx functions in ``coauthorship``, for graphs where networkx is too slow.

Components are identical; Louvain communities are the same algorithm with a
different random order, so they are comparable, not identical (Leiden, Louvain with a
refinement step that keeps communities connected, is offered for very large graphs,
where it is many times faster and finds higher modularity); PageRank is
solved exactly (networkx iterates to a tolerance); betweenness is exact or
sampled from ``k`` sources and scaled as networkx scales its estimate.
"""

from __future__ import annotations

import multiprocessing
import os
import random
from concurrent.futures import ProcessPoolExecutor

# the graph a forked worker reads (inherited, not pickled: it can hold millions of edges)
_shared_graph = None
CONCURRENT_FROM = 50_000  # authors from which the communities are found in a process of their own


def to_igraph(projection):
    """An igraph graph straight from a coauthorship ``Projection`` (no networkx graph)."""
    import igraph

    g = igraph.Graph(n=len(projection.keys), edges=[(a, b) for a, b, _ in projection.edges], directed=False)
    g.es["weight"] = [w for _, _, w in projection.edges]
    return g, projection.keys


def _ranked(groups: list[list], nodes: list) -> dict:
    """Number groups as coauthorship.components does: largest first, ties by smallest member."""
    parts = sorted((sorted(nodes[i] for i in group) for group in groups), key=lambda c: (-len(c), c[0]))
    return {node: i for i, part in enumerate(parts) for node in part}


def measures(projection, seed: int, betweenness_k: int | None, method: str = "louvain",
             concurrent: bool | None = None) -> tuple[dict, float]:
    """Every measure ({measure: {author key: value}}) and the communities' modularity.

    The communities (Leiden takes most of the time at a million papers: about 70 s of 100)
    are found in a forked process while this one computes the rest, when ``concurrent`` (by
    default: from ``CONCURRENT_FROM`` authors, with two cores and fork); the result is the
    same either way."""
    g, nodes = to_igraph(projection)
    n = len(nodes)
    if n == 0:
        return {m: {} for m in ("component", "community", "pagerank", "degree", "betweenness")}, 0.0
    cores = os.cpu_count() or 1
    if concurrent is None:
        concurrent = n >= CONCURRENT_FROM and cores >= 2
    concurrent = concurrent and "fork" in multiprocessing.get_all_start_methods()
    global _shared_graph
    _shared_graph = g
    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork")) if concurrent else None
    try:
        found = pool.submit(_membership, method, seed) if pool else None
        membership = None if pool else _membership(method, seed)
        components = _ranked(list(g.connected_components()), nodes)
        pagerank = dict(zip(nodes, g.pagerank(weights="weight", directed=False)))
        scale = 1.0 / (n - 1) if n > 1 else 0.0
        degree = {node: d * scale for node, d in zip(nodes, g.degree())}
        if n <= 2:
            between = {node: 0.0 for node in nodes}
        elif betweenness_k is None or betweenness_k >= n:
            raw = g.betweenness(directed=False)
            between = {node: 2.0 * b / ((n - 1) * (n - 2)) for node, b in zip(nodes, raw)}
        else:
            sources = random.Random(seed).sample(range(n), betweenness_k)
            # the cores left by the communities' process
            raw = sampled_betweenness(g, sources, workers=max(1, cores - 1) if pool else None)
            factor = 2.0 * n / (betweenness_k * (n - 1) * (n - 2))
            between = {node: b * factor for node, b in zip(nodes, raw)}
        if found is not None:
            membership = found.result()
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        _shared_graph = None
    import igraph
    clustering = igraph.VertexClustering(g, membership)
    modularity = g.modularity(membership, weights="weight") if g.ecount() else 0.0
    communities = _ranked(list(clustering), nodes)
    return {"component": components, "community": communities, "pagerank": pagerank, "degree": degree,
            "betweenness": between}, modularity


def _membership(method: str, seed: int) -> list[int]:
    """Each author's community in the shared graph (here, or in a forked process)."""
    import igraph
    igraph.set_random_number_generator(random.Random(seed))  # its own generator: the global one is left alone
    g = _shared_graph
    if method == "leiden":
        clustering = g.community_leiden(objective_function="modularity", weights="weight", n_iterations=2)
    else:
        clustering = g.community_multilevel(weights="weight")
    return clustering.membership


def sampled_betweenness(g, sources: list, workers: int | None = None) -> list:
    """Betweenness from ``sources``, the sources shared among worker processes (igraph holds the
    GIL, so threads would take turns; each traversal is independent, so the parts add up).
    The parts are summed in a fixed order: the same sources give the same numbers."""
    workers = min(workers or os.cpu_count() or 1, len(sources) // 8)
    if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return g.betweenness(directed=False, sources=sources)
    global _shared_graph
    before, _shared_graph = _shared_graph, g
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_betweenness_part, [sources[i::workers] for i in range(workers)]))
    finally:
        _shared_graph = before
    return [sum(values) for values in zip(*parts)]


def _betweenness_part(sources: list) -> list:
    return _shared_graph.betweenness(directed=False, sources=sources)
