"""RDF: streamed export in standard scholarly vocabularies, SHACL shapes, SPARQL.

The mapping itself is data in ``graph.rdf``; the serialisations in ``graph.rdf_formats``.
"""

from graph.rdf_formats import EXTENSIONS, FORMATS, QUAD_FORMATS, format_for, ox_format

__all__ = ["EXTENSIONS", "FORMATS", "QUAD_FORMATS", "format_for", "ox_format"]
