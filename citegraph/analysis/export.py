"""The analysed coauthorship graph for other tools: GraphML, GEXF (Gephi), PNG pictures."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx

from citegraph.analysis.coauthorship import MEASURES, Analysis
from citegraph.errors import CitegraphError
from graph.identity import name_key


def annotated(analysis: Analysis) -> nx.Graph:
    """A copy whose nodes carry name and every measure (plain scalars, as GraphML wants)."""
    G = analysis.graph.copy()
    for measure in MEASURES:
        for node, value in analysis.values[measure].items():
            G.nodes[node][measure] = int(value) if measure in ("component", "community") else float(value)
    for node in G.nodes:
        G.nodes[node].setdefault("name", node)
        G.nodes[node]["label"] = G.nodes[node]["name"]  # Gephi shows `label`
    return G


def write_graphml(analysis: Analysis, path: str | Path) -> None:
    nx.write_graphml(annotated(analysis), str(path), encoding="utf-8")


def write_gexf(analysis: Analysis, path: str | Path) -> None:
    nx.write_gexf(annotated(analysis), str(path), encoding="utf-8")


def subgraph_for_picture(analysis: Analysis, ego: str | None = None, radius: int = 1) -> nx.Graph:
    """The ego network of an author (by any spelling of the name), or the largest component."""
    G = analysis.graph
    if ego:

        key = name_key(ego)
        if key not in G:
            raise CitegraphError(f"no author named {ego!r} in the coauthorship graph")
        return nx.ego_graph(G, key, radius=radius)
    comp = analysis.values["component"]
    return G.subgraph([n for n, c in comp.items() if c == 0]).copy()


def draw_png(analysis: Analysis, path: str | Path, ego: str | None = None, radius: int = 1,
             max_labels: int = 60, title: str | None = None) -> nx.Graph:
    """Draw the ego network or the largest component: colours by community, size by PageRank,
    edge width by joint papers, readable labels (the most central ones when there are many)."""
    import matplotlib  # loaded when a picture is drawn
    from matplotlib.figure import Figure  # no pyplot: no backend to choose, no global state

    H = subgraph_for_picture(analysis, ego, radius)
    n = H.number_of_nodes()
    side = max(8.0, min(30.0, 2.2 * math.sqrt(n)))
    fig = Figure(figsize=(side, side * 0.75), dpi=110)
    ax = fig.subplots()
    pos = nx.spring_layout(H, seed=analysis.seed, k=2.2 / math.sqrt(max(n, 1)), iterations=200, weight="weight")
    community = analysis.values["community"]
    pr = analysis.values["pagerank"]
    palette = matplotlib.colormaps["tab20"]
    colors = [palette(community.get(v, 0) % 20) for v in H.nodes]
    top_pr = max((pr.get(v, 0) for v in H.nodes), default=1) or 1
    sizes = [250 + 1600 * pr.get(v, 0) / top_pr for v in H.nodes]
    widths = [0.8 + 1.2 * (d.get("weight", 1) - 1) for _, _, d in H.edges(data=True)]
    nx.draw_networkx_edges(H, pos, ax=ax, width=widths, alpha=0.45, edge_color="#555555")
    nx.draw_networkx_nodes(H, pos, ax=ax, node_color=colors, node_size=sizes, linewidths=0.8, edgecolors="#222222")
    labelled = sorted(H.nodes, key=lambda v: -pr.get(v, 0))[:max_labels]
    if ego:
        labelled = list({name_key(ego), *labelled})
    labels = {v: H.nodes[v].get("name", v) for v in labelled}
    nx.draw_networkx_labels(H, pos, labels=labels, ax=ax, font_size=9,
                            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.75, "pad": 1.0})
    what = f"ego network of {ego} (radius {radius})" if ego else "largest coauthorship component"
    ax.set_title(title or f"{what}: {n} authors, {H.number_of_edges()} collaborations; colour = community",
                 fontsize=12)
    ax.axis("off")
    ax.margins(0.08)
    fig.tight_layout()
    fig.savefig(str(path))
    return H
