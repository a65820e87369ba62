"""The coauthorship measures with igraph (compiled): the same definitions as the
networkx functions in ``coauthorship``, for graphs where networkx is too slow.

Components are identical; Louvain communities are the same algorithm with a
different random order, so they are comparable, not identical (Leiden, Louvain with a
refinement step that keeps communities connected, is offered for very large graphs,
where it is many times faster and finds higher modularity: networkit's, faster still
than igraph's); PageRank is
solved exactly (networkx iterates to a tolerance); betweenness is exact or
sampled from ``k`` sources and scaled as networkx scales its estimate.
"""

from __future__ import annotations

import multiprocessing
import os
import random
from concurrent.futures import ProcessPoolExecutor

from graph.collector import collection_paused

# the graph (or projection) a forked worker reads (inherited, not pickled: millions of edges)
_shared_graph = None
_shared_projection = None
CONCURRENT_FROM = 50_000  # authors from which the communities are found in a process of their own


def to_igraph(projection):
    """An igraph graph straight from a coauthorship ``Projection`` (no networkx graph)."""
    import igraph

    with collection_paused():  # igraph takes pairs as Python lists; the collector would walk each one made
        g = igraph.Graph(n=len(projection.keys), directed=False)
        g.add_edges(projection.pairs.tolist())  # faster than the array itself (read item by item)
        g.es["weight"] = projection.weights.tolist()
    return g, projection.keys


def _ranked(groups: list[list], nodes: list) -> dict:
    """Number groups as coauthorship.components does: largest first, ties by smallest member."""
    parts = sorted((sorted(nodes[i] for i in group) for group in groups), key=lambda c: (-len(c), c[0]))
    return {node: i for i, part in enumerate(parts) for node in part}


def measures(projection, seed: int, betweenness_k: int | None, method: str = "louvain",
             concurrent: bool | None = None) -> tuple[dict, float]:
    """Every measure ({measure: {author key: value}}) and the communities' modularity.

    The communities (the longest single computation) are found in a forked process while
    this one builds its igraph graph and computes the rest, when ``concurrent`` (by default:
    from ``CONCURRENT_FROM`` authors, with two cores and fork); the result is the same either
    way."""
    n = len(projection.keys)
    if n == 0:
        return {m: {} for m in ("component", "community", "pagerank", "degree", "betweenness")}, 0.0
    cores = os.cpu_count() or 1
    if concurrent is None:
        concurrent = n >= CONCURRENT_FROM and cores >= 2
    concurrent = concurrent and "fork" in multiprocessing.get_all_start_methods()
    global _shared_projection
    _shared_projection = projection
    # forked before the igraph graph is built: the process builds the graph its method needs
    found = _Beside(_membership, method, seed) if concurrent else None
    try:
        g, nodes = to_igraph(projection)
        membership = None if found else _membership(method, seed, g)
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
            # on every core, beside the communities' process: the traversals take longer than
            # the communities, and the machine's time is shared by all three
            raw = sampled_betweenness(g, sources)
            factor = 2.0 * n / (betweenness_k * (n - 1) * (n - 2))
            between = {node: b * factor for node, b in zip(nodes, raw)}
        if found is not None:
            membership = found.result()
    finally:
        if found is not None:  # stopped at once when the measures here failed, not awaited
            found.stop()
        _shared_projection = None
    import igraph
    clustering = igraph.VertexClustering(g, membership)
    modularity = g.modularity(membership, weights="weight") if g.ecount() else 0.0
    communities = _ranked(list(clustering), nodes)
    return {"component": components, "community": communities, "pagerank": pagerank, "degree": degree,
            "betweenness": between}, modularity


class _Beside:
    """``fn(*args)`` in a forked process; ``result()`` waits for its answer, ``stop()`` ends it.

    (A process pool's shutdown waits for a running task: an analysis that failed here, or was
    interrupted, would sit until the communities were found.)"""

    def __init__(self, fn, *args):
        context = multiprocessing.get_context("fork")
        self._answer, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_answer_with, args=(send, fn, args), daemon=True)
        self._process.start()
        send.close()  # (this end belongs to the child: its exit then ends recv with EOFError)

    def result(self):
        try:
            ok, value = self._answer.recv()
        except EOFError:
            raise RuntimeError(f"the communities' process ended without an answer "
                               f"(exit code {self._process.exitcode})") from None
        if not ok:
            raise RuntimeError(f"finding the communities failed: {value}")
        return value

    def stop(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._answer.close()


def _answer_with(send, fn, args) -> None:
    try:
        answer = (True, fn(*args))
    except BaseException as e:  # (said to the parent, which raises it)
        answer = (False, f"{type(e).__name__}: {e}")
    send.send(answer)
    send.close()


def _membership(method: str, seed: int, g=None) -> list[int]:
    """Each author's community in the shared projection (here, or in a forked process).

    Leiden is networkit's ``ParallelLeiden`` on one thread (seeded, so runs repeat; on more
    threads its answer would depend on their timing): at 1.1M authors and 11.6M pairs it
    took 32 s against 70-88 s for igraph's Leiden, with a higher modularity (0.423 against
    0.415). Louvain is igraph's multilevel method."""
    projection = _shared_projection
    if method == "leiden":
        import networkit as nk
        import numpy as np

        nk.setNumberOfThreads(1)
        nk.engineering.setSeed(seed, False)
        G = nk.Graph(len(projection.keys), weighted=True, directed=False)
        pairs = projection.pairs.astype(np.uint64)
        G.addEdges((projection.weights.astype(np.float64), (pairs[:, 0], pairs[:, 1])), checkMultiEdge=False)
        leiden = nk.community.ParallelLeiden(G, iterations=3, randomize=True, gamma=1.0)
        leiden.run()
        # numbered 0, 1, ... (networkit's subset ids have gaps)
        return np.unique(np.asarray(leiden.getPartition().getVector()), return_inverse=True)[1].tolist()
    import igraph
    igraph.set_random_number_generator(random.Random(seed))  # its own generator: the global one is left alone
    if g is None:
        g, _ = to_igraph(projection)
    return g.community_multilevel(weights="weight").membership


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
