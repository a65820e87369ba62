"""Coauthorship analytics: projected from the real Neo4j, checked against networkx on the sample rows."""

import json
import subprocess
import sys

import networkx as nx
import pytest

import sample_truth as truth
from citegraph.analysis import coauthorship, export
from conftest import SAMPLES, run

ROWS = truth.rows()


@pytest.fixture(scope="module")
def analysed(_session_graph):
    _session_graph.reset()
    _session_graph.load([SAMPLES / "neurips2023-workshops.jsonl"], conference="NeurIPS 2023")
    return _session_graph, _session_graph.analyze_coauthorship(write=True, seed=42)


def by_name(analysis, measure):
    G = analysis.graph
    return {G.nodes[n]["name"]: v for n, v in analysis.values[measure].items()}


def test_projection_is_the_coauthor_graph_of_the_rows(analysed):
    _, analysis = analysed
    G = analysis.graph
    T = truth.coauthor_graph(ROWS)
    names = {n: G.nodes[n]["name"] for n in G}
    assert sorted(names.values()) == sorted(T.nodes)
    assert sorted((min(names[a], names[b]), max(names[a], names[b]), d["weight"]) for a, b, d in G.edges(data=True)) \
        == sorted((min(a, b), max(a, b), d["weight"]) for a, b, d in T.edges(data=True))


def test_components(analysed):
    _, analysis = analysed
    summary = analysis.summary()
    T = truth.coauthor_graph(ROWS)
    sizes = sorted((len(c) for c in nx.connected_components(T)), reverse=True)
    assert summary["components"] == len(sizes) == 75
    assert summary["largest_component"] == sizes[0] == 16
    assert summary["component_sizes"] == sizes
    comp = by_name(analysis, "component")
    for c in nx.connected_components(T):
        assert len({comp[n] for n in c}) == 1


def test_centralities_match_networkx(analysed):
    _, analysis = analysed
    T = truth.coauthor_graph(ROWS)
    expected_pr = nx.pagerank(T, weight="weight", tol=1e-14, max_iter=100_000)
    for name, value in by_name(analysis, "pagerank").items():
        assert value == pytest.approx(expected_pr[name], abs=1e-9)
    assert by_name(analysis, "degree") == pytest.approx(nx.degree_centrality(T))
    assert by_name(analysis, "betweenness") == pytest.approx(nx.betweenness_centrality(T))


def test_communities_are_seeded_and_sensible(analysed):
    cg, analysis = analysed
    again = cg.analyze_coauthorship(seed=42)
    assert again.values["community"] == analysis.values["community"]
    comp, comm = analysis.values["component"], analysis.values["community"]
    # a community never spans two components
    for c in set(comm.values()):
        assert len({comp[n] for n in comm if comm[n] == c}) == 1
    assert analysis.summary()["modularity"] > 0.8


def test_write_back_stores_every_measure(analysed):
    cg, analysis = analysed
    stored = {r["key"]: r for r in run(cg, "MATCH (a:Author) RETURN a.key AS key, a.component AS component, "
                                           "a.community AS community, a.pagerank AS pagerank, a.degree AS degree, "
                                           "a.betweenness AS betweenness, labels(a) AS labels")}
    assert len(stored) == 404
    for key, row in stored.items():
        for measure in coauthorship.MEASURES:
            assert row[measure] == pytest.approx(analysis.values[measure][key]), (key, measure)
        community_labels = [l for l in row["labels"] if l.startswith("Community")]
        expected = [f"Community{row['community']}"] if row["community"] < 20 else []
        assert community_labels == expected


def test_top_pagerank_query_reads_the_written_values(analysed):
    cg, analysis = analysed
    top = cg.run_query("top-pagerank", limit=3)
    T = truth.coauthor_graph(ROWS)
    pr = nx.pagerank(T, weight="weight", tol=1e-14, max_iter=100_000)
    assert [r["author"] for r in top] == sorted(pr, key=lambda n: (-pr[n], n))[:3]


def test_exports(analysed, tmp_path):
    _, analysis = analysed
    T = truth.coauthor_graph(ROWS)
    export.write_graphml(analysis, tmp_path / "g.graphml")
    export.write_gexf(analysis, tmp_path / "g.gexf")
    for G in (nx.read_graphml(tmp_path / "g.graphml"), nx.read_gexf(tmp_path / "g.gexf")):
        assert G.number_of_nodes() == T.number_of_nodes() and G.number_of_edges() == T.number_of_edges()
        some = next(iter(G.nodes(data=True)))[1]
        assert {"name", "component", "community", "pagerank", "degree", "betweenness"} <= set(some)
    ego = export.draw_png(analysis, tmp_path / "ego.png", ego="Liu, Shih-Chii")
    assert sorted(ego.nodes[n]["name"] for n in ego) == sorted(nx.ego_graph(T, "Shih-Chii Liu").nodes)
    big = export.draw_png(analysis, tmp_path / "largest.png")
    assert big.number_of_nodes() == 16
    for name in ("ego.png", "largest.png"):
        data = (tmp_path / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_cli_summary(analysed, cli_env, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "citegraph.cli", "analyze", "coauthorship", "--json",
                           "--png", str(tmp_path / "p.png")], capture_output=True, text=True, env=cli_env)
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    assert summary["components"] == 75 and summary["largest_component"] == 16
    assert summary["communities"] == len(set(analysed[1].values["community"].values()))
    assert set(summary["top"]) == {"pagerank", "degree", "betweenness"}
    assert (tmp_path / "p.png").exists()


def test_igraph_backend_agrees_with_networkx(analysed):
    """Same components, comparable communities, the same centralities (for large graphs)."""
    import igraph  # noqa: F401  (installed with citegraph)
    _, nx_analysis = analysed
    G = nx_analysis.graph
    ig = coauthorship.analyze(G, seed=42, backend="igraph")
    assert ig.values["component"] == nx_analysis.values["component"]
    assert ig.values["degree"] == pytest.approx(nx_analysis.values["degree"])
    assert ig.values["betweenness"] == pytest.approx(nx_analysis.values["betweenness"])
    for node, value in nx_analysis.values["pagerank"].items():
        assert ig.values["pagerank"][node] == pytest.approx(value, rel=1e-6)
    top = lambda pr: sorted(pr, key=lambda n: (-round(pr[n], 5), n))[:10]
    assert top(ig.values["pagerank"]) == top(nx_analysis.values["pagerank"])
    # communities: each stays inside a component, and the partitions are nearly the same
    ig_sum, nx_sum = ig.summary(), nx_analysis.summary()
    assert abs(ig_sum["modularity"] - nx_sum["modularity"]) < 0.02
    from sklearn_free_nmi import nmi
    assert nmi(ig.values["community"], nx_analysis.values["community"]) > 0.9


def test_sampled_betweenness_matches_its_definition():
    G = nx.karate_club_graph()
    ig = coauthorship.analyze(G, seed=3, betweenness_k=10, backend="igraph").values["betweenness"]
    # the sampled estimate is unbiased: averaged over many seeds it nears the exact value
    import statistics
    runs = [coauthorship.analyze(G, seed=s, betweenness_k=10, backend="igraph").values["betweenness"]
            for s in range(60)]
    exact = nx.betweenness_centrality(G)
    mean0 = statistics.mean(r[0] for r in runs)
    assert mean0 == pytest.approx(exact[0], rel=0.2)
    assert set(ig) == set(G.nodes)


def test_betweenness_shared_among_processes_is_networkx_betweenness_from_those_sources():
    import random

    import igraph

    from citegraph.analysis.igraph_backend import sampled_betweenness
    G = nx.gnm_random_graph(300, 900, seed=2)
    sources = random.Random(1).sample(range(300), 32)
    shared = sampled_betweenness(igraph.Graph(n=300, edges=list(G.edges())), sources, workers=2)
    # networkx halves undirected path counts, as igraph does from a set of sources
    expected = nx.betweenness_centrality_subset(G, sources, list(G), normalized=False)
    assert shared == pytest.approx([expected[i] for i in range(300)], abs=1e-9)
    assert max(shared) > 0


def test_communities_found_in_their_own_process_are_those_found_here():
    """On large graphs the communities are found in a forked process beside the other
    measures: the same seed gives the same answer either way, for Louvain and Leiden (with
    sampled betweenness on the cores left over); the modularity is networkx's modularity of
    the partition found."""
    from citegraph.analysis import igraph_backend
    G = nx.relabel_nodes(nx.planted_partition_graph(8, 40, 0.3, 0.01, seed=4), lambda i: f"a{i:03d}")
    for u, v in G.edges():
        G[u][v]["weight"] = 1 + (hash((u, v)) % 3)
    projection = coauthorship.Projection.from_networkx(G)
    for method in ("louvain", "leiden"):
        here = igraph_backend.measures(projection, 7, 40, method, concurrent=False)
        apart = igraph_backend.measures(projection, 7, 40, method, concurrent=True)
        values, modularity = apart
        assert modularity == here[1]
        for measure in ("component", "community", "pagerank", "degree"):
            assert values[measure] == here[0][measure], measure
        # betweenness: the same sources, summed over another number of processes
        assert values["betweenness"] == pytest.approx(here[0]["betweenness"], rel=1e-12, abs=1e-15)
        groups: dict = {}
        for key, community in values["community"].items():
            groups.setdefault(community, set()).add(key)
        assert len(groups) >= 6  # the planted communities, found
        assert modularity == pytest.approx(nx.community.modularity(G, list(groups.values()), weight="weight"))


def test_a_failed_analysis_stops_the_communities_process_instead_of_waiting_for_it(tmp_path, monkeypatch):
    """The measures here fail (or are interrupted) while the communities are still being found
    in their own process: that process is ended and the failure raised at once. A failure in
    that process is raised here, with its reason."""
    import os
    import threading
    import time
    from citegraph.analysis import igraph_backend
    G = nx.relabel_nodes(nx.path_graph(6), lambda i: f"a{i}")
    projection = coauthorship.Projection.from_networkx(G)
    started = tmp_path / "pid"

    def slow_communities(method, seed, g=None):
        started.write_text(str(os.getpid()))
        time.sleep(3600)

    def failing_graph(projection):
        while not started.exists():
            time.sleep(0.01)
        raise ValueError("the graph could not be built")

    monkeypatch.setattr(igraph_backend, "_membership", slow_communities)
    monkeypatch.setattr(igraph_backend, "to_igraph", failing_graph)
    raised: list = []

    def analysis():
        try:
            igraph_backend.measures(projection, 7, None, "louvain", concurrent=True)
        except BaseException as exc:  # (what the analysis raised, for the test to look at)
            raised.append(exc)

    running = threading.Thread(target=analysis, daemon=True)  # (a regression fails here, not hangs)
    running.start()
    running.join(120)
    assert not running.is_alive(), "the failed analysis waited for the communities' process"
    assert len(raised) == 1 and isinstance(raised[0], ValueError) and "could not be built" in str(raised[0])
    with pytest.raises(ProcessLookupError):  # ended and reaped, not left sleeping
        os.kill(int(started.read_text()), 0)

    def failing_communities(method, seed, g=None):
        raise MemoryError("no room for the communities")

    monkeypatch.undo()
    monkeypatch.setattr(igraph_backend, "_membership", failing_communities)
    with pytest.raises(RuntimeError, match="MemoryError: no room for the communities"):
        igraph_backend.measures(projection, 7, None, "louvain", concurrent=True)


def test_pairs_are_counted_as_combinations_of_each_author_list():
    import itertools
    import random
    from collections import Counter

    import numpy as np
    rng = random.Random(5)
    lists = [rng.sample(range(40), rng.choice([1, 2, 3, 5, 8, 20])) for _ in range(300)]
    expected = Counter(pair for ls in lists for pair in itertools.combinations(sorted(ls), 2))
    a, b, w = coauthorship.count_pairs(np.array([i for ls in lists for i in ls]),
                                       np.array([len(ls) for ls in lists]), 40)
    assert dict(zip(zip(a.tolist(), b.tolist()), w.tolist())) == expected


def test_projection_read_in_small_ranges_by_several_sessions_is_the_coauthor_graph(analysed):
    """Ranges of a few ids, dealt to three sessions, give the graph of the rows (every range
    boundary falls inside the data many times)."""
    cg, _ = analysed
    projection = coauthorship.project_lists(cg.driver, cg.database, id_range=7, workers=3)
    T = truth.coauthor_graph(ROWS)
    names = projection.names
    assert sorted(names) == sorted(T.nodes)
    assert sorted((min(names[a], names[b]), max(names[a], names[b]), w) for a, b, w in projection.edges) \
        == sorted((min(a, b), max(a, b), d["weight"]) for a, b, d in T.edges(data=True))
    assert projection.keys == sorted(projection.keys)  # numbered in key order


def test_author_lists_naming_an_author_twice_or_one_not_read_are_counted_as_sets_of_known_authors():
    """Neo4j reads see committed writes, not a snapshot: an author list may name an author
    created after the authors were read; a list may name one twice."""
    import itertools
    import random
    from collections import Counter
    rng = random.Random(3)
    ids = rng.sample(range(10, 500), 60)  # internal ids, in no order
    keys = [f"k{rng.randrange(10**6):06d}" for _ in ids]
    unknown = [7, 600, 501]
    lists = [[rng.choice(ids + unknown) for _ in range(rng.choice([1, 2, 3, 4, 9]))] for _ in range(200)]
    projection = coauthorship._counted(ids, keys, [k.upper() for k in keys], lists)
    key_of = dict(zip(ids, keys))
    expected = Counter(pair for ls in lists
                       for pair in itertools.combinations(sorted({key_of[i] for i in ls if i in key_of}), 2))
    k = projection.keys
    assert Counter({(k[a], k[b]): w for a, b, w in projection.edges}) == expected
    assert k == sorted(keys) and projection.names == [x.upper() for x in k]
    assert [key_of[i] for i in projection.node_ids] == k


def test_igraph_straight_from_neo4j_gives_the_components_of_the_rows(analysed):
    """Large graphs go from Neo4j's lists into igraph without a networkx graph in between."""
    cg, _ = analysed
    ig = cg.analyze_coauthorship(seed=42, backend="igraph")
    assert ig.backend == "igraph"
    names = dict(zip(ig.projection.keys, ig.projection.names))
    comp = {names[k]: c for k, c in ig.values["component"].items()}
    T = truth.coauthor_graph(ROWS)
    assert sorted(comp) == sorted(T.nodes)
    parts = sorted((sorted(c) for c in nx.connected_components(T)), key=lambda c: (-len(c), c[0]))
    assert comp == {name: i for i, part in enumerate(parts) for name in part}
    # the modularity igraph reports is networkx's modularity of the same partition on the rows' graph
    groups: dict = {}
    for key, community in ig.values["community"].items():
        groups.setdefault(community, set()).add(names[key])
    expected = nx.community.modularity(T, list(groups.values()), weight="weight")
    assert ig.summary()["modularity"] == pytest.approx(expected, abs=1e-6)


def test_leiden_finds_communities_comparable_to_louvain(analysed):
    """Leiden (the default from 500,000 authors) against networkx's Louvain on the sample."""
    _, nx_analysis = analysed
    assert nx_analysis.summary()["community_method"] == "louvain"
    leiden = coauthorship.analyze(nx_analysis.graph, seed=42, backend="igraph", communities_method="leiden")
    assert leiden.summary()["community_method"] == "leiden"
    assert leiden.summary()["community_library"] == "networkit"  # igraph for the other measures
    from sklearn_free_nmi import nmi
    assert nmi(leiden.values["community"], nx_analysis.values["community"]) > 0.9
    # every community lies inside one component (the rows' own components)
    T = truth.coauthor_graph(ROWS)
    names = {k: d["name"] for k, d in nx_analysis.graph.nodes(data=True)}
    component_of = {name: i for i, c in enumerate(nx.connected_components(T)) for name in c}
    groups: dict = {}
    for key, community in leiden.values["community"].items():
        groups.setdefault(community, set()).add(component_of[names[key]])
    assert all(len(found) == 1 for found in groups.values())
    expected = nx.community.modularity(T, [{names[k] for k, c in leiden.values["community"].items() if c == g}
                                           for g in groups], weight="weight")
    assert leiden.summary()["modularity"] == pytest.approx(expected, abs=1e-6)
    assert abs(expected - nx_analysis.summary()["modularity"]) < 0.02


def test_leiden_needs_igraph_and_betweenness_sources_shrink_on_huge_graphs(analysed):
    from citegraph.errors import CitegraphError
    _, nx_analysis = analysed
    with pytest.raises(CitegraphError, match="igraph"):
        coauthorship.analyze(nx_analysis.graph, backend="networkx", communities_method="leiden")
    # asking for Leiden alone picks igraph, however small the graph
    assert coauthorship.analyze(nx_analysis.graph, communities_method="leiden").backend == "igraph"
    assert coauthorship.default_betweenness_sources(404, 1004) is None  # exact
    assert coauthorship.default_betweenness_sources(163_000, 1_100_000) == 200
    # 1.1M authors, 11.6M collaborations: traversals 10 times longer, so 32 rather than 200
    assert coauthorship.default_betweenness_sources(1_106_798, 11_595_483) == 32


def test_parallel_write_back_in_small_batches_replaces_values_and_labels(analysed):
    cg, analysis = analysed
    n = len(set(analysis.values["community"].values()))
    shifted = dict(analysis.values, community={k: (c + 1) % n for k, c in analysis.values["community"].items()},
                   pagerank={k: i / 1000 for i, k in enumerate(analysis.projection.keys)})
    moved = coauthorship.Analysis(analysis.projection, shifted)
    try:
        assert coauthorship.write_back(cg.driver, moved, cg.database, batch_size=37, workers=2) == 404
        stored = run(cg, "MATCH (a:Author) RETURN a.key AS key, a.community AS community, a.pagerank AS pagerank, "
                         "[l IN labels(a) WHERE l STARTS WITH 'Community'] AS labels")
        assert len(stored) == 404
        for row in stored:
            assert row["community"] == shifted["community"][row["key"]]
            assert row["pagerank"] == pytest.approx(shifted["pagerank"][row["key"]])
            assert row["labels"] == ([f"Community{row['community']}"] if row["community"] < 20 else [])
    finally:
        coauthorship.write_back(cg.driver, analysis, cg.database)


def test_the_analysis_times_its_phases(analysed):
    _, analysis = analysed
    assert set(analysis.phases) == {"project", "measures", "write_back"}
    assert all(seconds >= 0 for seconds in analysis.phases.values())
