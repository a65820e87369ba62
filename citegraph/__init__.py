"""citegraph: a citation-graph knowledge base on Neo4j.

The Python API mirrors the command line::

    from citegraph import CiteGraph
    with CiteGraph.connect() as cg:
        cg.load(["papers.jsonl"])
        cg.run_query("top-authors", limit=5)
"""

from citegraph.api import CiteGraph, LoadSummary, run_query
from citegraph.errors import CitegraphError

__all__ = ["CiteGraph", "LoadSummary", "CitegraphError", "run_query"]
__version__ = "0.1.0"
