"""The RDF serialisations citegraph reads and writes, and how a file's name says which."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph

FORMATS = {
    "turtle": ("TURTLE", ".ttl"),
    "ntriples": ("N_TRIPLES", ".nt"),
    "nquads": ("N_QUADS", ".nq"),
    "jsonld": ("JSON_LD", ".jsonld"),
    "rdfxml": ("RDF_XML", ".rdf"),
    "trig": ("TRIG", ".trig"),
}
QUAD_FORMATS = ("nquads", "trig")
EXTENSIONS = {ext: name for name, (_, ext) in FORMATS.items()} | {
    ".owl": "rdfxml", ".xml": "rdfxml", ".json-ld": "jsonld", ".n3": "turtle"}


def format_for(path: str, given: str | None = None) -> str:
    """The RDF format named, else the one the file extension says (default Turtle).

    >>> format_for("graph.nt"), format_for("graph.data", "jsonld"), format_for("graph")
    ('ntriples', 'jsonld', 'turtle')
    """
    if given and given != "auto":
        return given
    return EXTENSIONS.get(Path(path).suffix.lower(), "turtle")


def ox_format(name: str):
    """pyoxigraph's name for a format."""
    return getattr(pyoxigraph.RdfFormat, FORMATS[name][0])
