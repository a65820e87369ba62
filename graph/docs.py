"""Render the graph model as Markdown (``python -m graph.docs > docs/model.md``).

The committed ``docs/model.md`` is checked against this output by the tests,
so the documentation cannot drift from the model.
"""

from __future__ import annotations

import sys

from graph.model import DERIVED_PROPS, NODE_TYPES, REL_TYPES


def render() -> str:
    out = [
        "# The citegraph graph model",
        "",
        "Generated from `graph/model.py` by `python -m graph.docs`; do not edit by hand.",
        "This is a public contract: canned queries, the RDF mapping and your own Cypher rely on it.",
        "Every node and relationship also has `sources`: the inputs that asserted it.",
        "",
        "## Nodes",
        "",
    ]
    for node in NODE_TYPES:
        extra = node.extra_labels
        if len(extra) > 2:
            labels = f"`:{node.label}` (some also one of `:{extra[0]}` … `:{extra[-1]}`)"
        else:
            labels = f"`:{node.label}`" + "".join(f" (some also `:{x}`)" for x in extra)
        out += [f"### {labels}", "", node.description, "",
                f"Key: `{node.key}` (unique).", "", "| property | type | meaning |", "| --- | --- | --- |"]
        out += [f"| `{p.name}` | {p.type} | {p.description} |" for p in node.props if p.name != "sources"]
        out.append("")
    out += ["## Relationships", ""]
    for rel in REL_TYPES:
        start = "|".join(rel.start)
        end = "|".join(rel.end)
        out += [f"### `(:{start})-[:{rel.type}]->(:{end})`", "", rel.description + ".", ""]
        props = [p for p in rel.props if p.name != "sources"]
        if props:
            out += ["| property | type | meaning |", "| --- | --- | --- |"]
            out += [f"| `{p.name}` | {p.type} | {p.description} |" for p in props]
            out.append("")
        if rel.example:
            out += ["```cypher", rel.example, "```", ""]
    return "\n".join(out)


def render_rdf() -> str:
    """The RDF mapping table (docs/rdf.md)."""
    from graph.rdf import (
        AUTHOR_LIST,
        DATATYPES,
        DEFAULT_BASE_IRI,
        EXTRA_LABEL_CLASSES,
        NODE_MAPPINGS,
        PREFIXES,
        REL_MAPPINGS,
        REL_PROP_PREDICATES,
        SOURCE_CLASS,
        SOURCE_PREDICATE,
        STUB_CLASS,
    )

    def c(iri: str) -> str:
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns):
                return f"`{prefix}:{iri[len(ns):]}`"
        return f"<{iri}>"

    out = [
        "# The graph in RDF",
        "",
        "Generated from `graph/rdf.py` by `python -m graph.docs --rdf`; do not edit by hand.",
        "",
        "`citegraph export-rdf OUT [--format turtle|ntriples|nquads|jsonld|rdfxml|trig] [--base-iri IRI]` streams",
        "the graph in these vocabularies; `citegraph load` reads such a file back into the same graph (round trip).",
        "Shapes: `citegraph/rdf/shapes.ttl` (`citegraph validate-rdf FILE`); citegraph's own terms:",
        "`citegraph/rdf/ontology.ttl`. Prefixes:",
        "",
        "| prefix | namespace |", "| --- | --- |",
        *[f"| `{p}` | <{ns}> |" for p, ns in PREFIXES.items()],
        "",
        f"## Resources and IRIs",
        "",
        f"Every node is `BASE + segment + '/' + percent-encoded key` (default base `{DEFAULT_BASE_IRI}`,",
        "`--base-iri` to change it): any string, however hostile, gives a valid IRI. Quad formats put",
        "the triples in the named graph `BASE + 'graph'`.",
        "",
        "| label | IRI | classes |", "| --- | --- | --- |",
    ]
    for label, m in NODE_MAPPINGS.items():
        out.append(f"| `:{label}` | `BASE{m.segment}/{{key}}` | {', '.join(c(x) for x in m.classes)} |")
    extra = ", ".join(f"`:{label}` → {c(cls)}" for label, cls in list(EXTRA_LABEL_CLASSES.items())[:2])
    out += ["", f"Extra labels become extra classes: {extra}, ... `:Community19` → `cg:Community19`.",
            f"A paper with `stub: true` (known only by an identifier) is also a {c(STUB_CLASS)}.", "",
            "## Properties", "", "All properties are typed literals (exact round trip).", "",
            "| label.property | predicate | datatype |", "| --- | --- | --- |"]
    for label, m in NODE_MAPPINGS.items():
        for name, (pred, kind) in m.props.items():
            out.append(f"| `{label}.{name}` | {c(pred)} | {c(DATATYPES[kind])} |")
    out += [f"| `*.sources` | {c(SOURCE_PREDICATE)} → a {c(SOURCE_CLASS)} with `rdfs:label` = the source name | |", "",
            "Identifiers and URLs are also given as resolvable IRIs (derived, so not read back): papers",
            "`schema:sameAs` <https://doi.org/…>, <https://arxiv.org/abs/…>, <https://openalex.org/…>,",
            "<https://www.semanticscholar.org/paper/…>, `foaf:page` the OpenReview and Hub paper pages;",
            "authors `schema:sameAs` <https://orcid.org/…>; Hub artifacts and accounts `schema:url`",
            "<https://huggingface.co/…>; repositories `schema:codeRepository`.", "",
            "The counts and statistics kept on nodes (" +
            ", ".join(f"`{label}.{prop}`" for label, prop in sorted(DERIVED_PROPS)) +
            ") are not exported: they follow from the rest of the graph and are recomputed on load.", "",
            "## Relationships", "",
            "| relationship | triple |", "| --- | --- |"]
    for rel, m in REL_MAPPINGS.items():
        triple = f"end {c(m.predicate)} start" if m.inverse else f"start {c(m.predicate)} end"
        out.append(f"| `{rel}` | {triple} |")
    out += ["", f"The authors of a paper are also an ordered `rdf:List`: paper {c(AUTHOR_LIST)} ( author1 author2 … ).",
            "A relationship whose properties are not the defaults (its `sources` differ from those of the",
            "triple's subject, a `PRESENTED_AT` type differs from the paper's, an author position differs from",
            "the list) is also described by an `rdf:Statement` (`rdf:subject`, `rdf:predicate`, `rdf:object`)",
            "carrying " + ", ".join(f"`{n}` as {c(p)}" for n, (p, _) in REL_PROP_PREDICATES.items()) +
            " and its sources.", ""]
    return "\n".join(out)


if __name__ == "__main__":

    print(render_rdf() if "--rdf" in sys.argv else render(), end="")
