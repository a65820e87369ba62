"""citegraph: a citation-graph knowledge base on Neo4j.

The Python API mirrors the command line::

    from citegraph import CiteGraph
    with CiteGraph.connect() as cg:
        cg.load(["papers.jsonl"])
        cg.run_query("top-authors", limit=5)

Importing a part of citegraph (``citegraph.rdf``, ``citegraph.server``, ...) does not load
the API and the Neo4j driver; ``citegraph.CiteGraph`` does, when first used.
"""

from __future__ import annotations

__all__ = ["CiteGraph", "LoadSummary", "CitegraphError", "run_query", "run_sparql"]
__version__ = "0.1.0"


def __getattr__(name: str):
    if name in ("CiteGraph", "LoadSummary", "run_query", "run_sparql"):
        from citegraph import api
        return getattr(api, name)
    if name == "CitegraphError":
        from graph.errors import CitegraphError
        return CitegraphError
    raise AttributeError(f"module 'citegraph' has no attribute {name!r}")
