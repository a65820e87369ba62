"""The coauthorship measures with igraph (compiled): the same definitions as the
networkx functions in ``coauthorship``, for graphs where networkx is too slow.

Components are identical; Louvain communities are the same algorithm with a
different random order, so they are comparable, not identical; PageRank is
solved exactly (networkx iterates to a tolerance); betweenness is exact or
sampled from ``k`` sources and scaled as networkx scales its estimate.
"""

from __future__ import annotations

import random

import networkx as nx


def to_igraph(G: nx.Graph):
    import igraph

    nodes = list(G.nodes)
    index = {n: i for i, n in enumerate(nodes)}
    g = igraph.Graph(n=len(nodes), edges=[(index[a], index[b]) for a, b in G.edges()], directed=False)
    g.es["weight"] = [d.get("weight", 1) for _, _, d in G.edges(data=True)]
    return g, nodes


def _ranked(groups: list[list], nodes: list) -> dict:
    """Number groups as coauthorship.components does: largest first, ties by smallest member."""
    parts = sorted((sorted(nodes[i] for i in group) for group in groups), key=lambda c: (-len(c), c[0]))
    return {node: i for i, part in enumerate(parts) for node in part}


def measures(G: nx.Graph, seed: int, betweenness_k: int | None) -> dict:
    g, nodes = to_igraph(G)
    n = len(nodes)
    if n == 0:
        return {m: {} for m in ("component", "community", "pagerank", "degree", "betweenness")}
    random.seed(seed)  # python-igraph draws from Python's random module
    import igraph
    igraph.set_random_number_generator(random)
    components = _ranked(list(g.connected_components()), nodes)
    communities = _ranked(list(g.community_multilevel(weights="weight")), nodes)
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
        raw = g.betweenness(directed=False, sources=sources)
        factor = 2.0 * n / (betweenness_k * (n - 1) * (n - 2))
        between = {node: b * factor for node, b in zip(nodes, raw)}
    return {"component": components, "community": communities, "pagerank": pagerank, "degree": degree,
            "betweenness": between}
