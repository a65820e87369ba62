"""Answers computed straight from the sample rows, with plain Python and networkx.

Nothing here imports citegraph: these are the independent expectations the
integration tests compare the database's answers with.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from pathlib import Path

import networkx as nx

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


# Spellings of one person in the samples, as samples/README.md states by hand.
ALIASES = {"Souza, Ana": "Ana Souza"}


def rows(name: str = "neurips2023-workshops.jsonl") -> list[dict]:
    out = [json.loads(line) for line in (SAMPLES / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    for r in out:
        r["authors"] = [ALIASES.get(a, a) for a in r["authors"]]
    return out


def paper_id(row: dict) -> str:
    proceedings = row.get("proceedings") or ""
    return proceedings.split("id=")[1] if "id=" in proceedings else f"arxiv:{row['arxiv_id']}"


def papers_per_author(data) -> Counter:
    return Counter(name for r in data for name in set(r["authors"]))


def joint_papers(data) -> Counter:
    pairs = Counter()
    for r in data:
        for a, b in itertools.combinations(sorted(set(r["authors"])), 2):
            pairs[(a, b)] += 1
    return pairs


def coauthor_graph(data) -> nx.Graph:
    G = nx.Graph()
    for r in data:
        G.add_nodes_from(r["authors"])
    for (a, b), w in joint_papers(data).items():
        G.add_edge(a, b, weight=w)
    return G


def workshops_of_authors(data) -> dict:
    out: dict = {}
    for r in data:
        if r["id"].startswith("Workshop/"):
            for name in r["authors"]:
                out.setdefault(name, set()).add(r["id"])
    return out


def workshop_linkage(data) -> dict:
    """workshop short name -> [papers, with arXiv id, with paper page, with code, with artifacts]."""
    out: dict = {}
    for r in data:
        w = out.setdefault(r["id"].split("/")[-1], [0, 0, 0, 0, 0])
        w[0] += 1
        w[1] += bool(r["arxiv_id"])
        w[2] += bool(r["paper_page"])
        w[3] += any(u.strip() for u in r["GitHub"])
        w[4] += bool(r["Models"] or r["Datasets"] or r["Spaces"])
    return out
