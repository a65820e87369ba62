"""citegraph's own RDF terms (``cg:``), described for people and tools.

Only what no standard vocabulary offers is ours; each term says what it is and,
where one exists, which standard term it refines. ``python -m
citegraph.rdf.vocabulary`` prints the ontology (shipped as
``citegraph/rdf/ontology.ttl``; a test keeps the two in step).
"""

from __future__ import annotations

from graph.model import NODES, RELS
from graph.rdf import CG, CG_TERMS, EXTRA_LABEL_CLASSES, NODE_MAPPINGS, PREFIXES, REL_MAPPINGS, REL_PROP_PREDICATES


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def ontology_turtle() -> str:
    terms: dict[str, tuple[str, str, str, str | None]] = {}
    for label, mapping in NODE_MAPPINGS.items():
        for name, (predicate, _) in mapping.props.items():
            if predicate.startswith(CG):
                local = predicate[len(CG):]
                terms.setdefault(local, ("property", local, NODES[label].prop(name).description, None))
    for name, (predicate, _) in REL_PROP_PREDICATES.items():
        local = predicate[len(CG):]
        terms.setdefault(local, ("property", local, f"relationship property `{name}`", None))
    for rel, mapping in REL_MAPPINGS.items():
        if mapping.predicate.startswith(CG):
            local = mapping.predicate[len(CG):]
            terms.setdefault(local, ("property", local, RELS[rel].description, None))
    for label, cls in EXTRA_LABEL_CLASSES.items():
        if cls.startswith(CG):
            terms.setdefault(label, ("class", label, f"authors of coauthorship community {label[9:]}", None))
    terms.update(CG_TERMS)
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())]
    lines += ["", f"<{CG}> a owl:Ontology ;", '    rdfs:label "citegraph ontology" ;',
              '    rdfs:comment "Terms of the citegraph knowledge graph that standard vocabularies do not offer." .', ""]
    for local in sorted(terms):
        kind, label, comment, parent = terms[local]
        rdf_kind = "owl:Class" if kind == "class" else "rdf:Property"
        lines.append(f"cg:{local} a {rdf_kind} ;")
        lines.append(f'    rdfs:label "{_escape(label)}" ;')
        if parent:
            lines.append(f"    {'rdfs:subClassOf' if kind == 'class' else 'rdfs:subPropertyOf'} <{parent}> ;")
        lines.append(f'    rdfs:comment "{_escape(comment)}" .')
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(ontology_turtle(), end="")
