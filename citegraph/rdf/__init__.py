"""RDF: streamed export in standard scholarly vocabularies, SHACL shapes, SPARQL.

The mapping itself is data in ``graph.rdf``.
"""

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
    """The RDF format named, else the one the file extension says (default Turtle)."""
    from pathlib import Path

    if given and given != "auto":
        return given
    return EXTENSIONS.get(Path(path).suffix.lower(), "turtle")


def ox_format(name: str):
    import pyoxigraph

    return getattr(pyoxigraph.RdfFormat, FORMATS[name][0])
