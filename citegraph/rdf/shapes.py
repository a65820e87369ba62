"""SHACL shapes for citegraph's RDF, derived from the mapping, and validation with pySHACL.

One node shape per label: its key literal exactly once, every mapped literal at
most once and of its datatype, the classes of the resources its relationships
point to. Articles need a title or authors unless they are marked ``cg:Stub``
(a cited work known only by an identifier); stubs need an identifier.
``python -m citegraph.rdf.shapes`` prints the shapes (shipped as
``citegraph/rdf/shapes.ttl``; a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from citegraph.errors import CitegraphError
from citegraph.rdf import format_for
from graph.model import NODE_TYPES, RELS
from graph.rdf import (
    CG,
    DATATYPES,
    DCTERMS,
    NODE_MAPPINGS,
    PREFIXES,
    REL_MAPPINGS,
    SH,
    SOURCE_CLASS,
    SOURCE_PREDICATE,
    STUB_CLASS,
)

KEYS_OF = {n.label: n.key for n in NODE_TYPES}
SHAPES_NS = "https://w3id.org/citegraph/shapes#"


def _curie(iri: str) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and iri[len(ns):].replace("_", "a").replace("-", "a").isalnum():
            return f"{prefix}:{iri[len(ns):]}"
    return f"<{iri}>"


def shapes_turtle() -> str:
    lines = [f"@prefix {p}: <{ns}> ." for p, ns in sorted(PREFIXES.items())]
    lines += [f"@prefix sh: <{SH}> .", f"@prefix cgsh: <{SHAPES_NS}> .", ""]
    for node in NODE_TYPES:
        mapping = NODE_MAPPINGS[node.label]
        cls = _curie(mapping.classes[0])
        lines.append(f"cgsh:{node.label}Shape a sh:NodeShape ;")
        lines.append(f"    sh:targetClass {cls} ;")
        key = KEYS_OF[node.label]
        props = []
        for name, (predicate, kind) in mapping.props.items():
            min_count = 1 if name == key else 0
            many = node.prop(name).type.startswith("list")
            message = (f"{node.label}.{name} must be {kind} literals" if many else
                       f"{node.label}.{name} must be one {kind} literal" + (" (it is the key)" if min_count else ""))
            props.append(f"[ sh:path {_curie(predicate)} ; sh:datatype {_curie(DATATYPES[kind])} ; "
                         f"sh:minCount {min_count} ;{'' if many else ' sh:maxCount 1 ;'} sh:message \"{message}\" ]")
        for rel in RELS.values():
            mapped = REL_MAPPINGS[rel.type]
            subject_labels = rel.end if mapped.inverse else rel.start
            object_labels = rel.start if mapped.inverse else rel.end
            if node.label not in subject_labels:
                continue
            classes = [NODE_MAPPINGS[label].classes[0] for label in object_labels]
            if len(classes) == 1:
                target = f"sh:class {_curie(classes[0])}"
            else:
                target = "sh:or ( " + " ".join(f"[ sh:class {_curie(c)} ]" for c in classes) + " )"
            props.append(f"[ sh:path {_curie(mapped.predicate)} ; {target} ; "
                         f"sh:message \"{rel.type} must point to: {' or '.join(object_labels)}\" ]")
        props.append(f"[ sh:path {_curie(SOURCE_PREDICATE)} ; sh:class {_curie(SOURCE_CLASS)} ]")
        lines.append("    sh:property " + " ,\n        ".join(props) + " ;")
        if node.label == "Paper":
            lines.append(
                f"    sh:or ( [ sh:path rdf:type ; sh:hasValue {_curie(STUB_CLASS)} ] "
                f"[ sh:path {_curie(DCTERMS + 'title')} ; sh:minCount 1 ] "
                f"[ sh:path {_curie(DCTERMS + 'creator')} ; sh:minCount 1 ] ) ;")
            lines.append('    sh:message "an article needs a title or authors (a work known only by an '
                         'identifier must be marked cg:Stub)" ;')
        lines[-1] = lines[-1][:-2] + " ."
        lines.append("")
    lines += [
        "cgsh:StubShape a sh:NodeShape ;",
        f"    sh:targetClass {_curie(STUB_CLASS)} ;",
        f"    sh:property [ sh:path {_curie(DCTERMS + 'identifier')} ; sh:minCount 1 ;",
        '        sh:message "a stub is known by its identifier: it needs one" ] .',
        "",
    ]
    return "\n".join(lines)


def shipped_shapes() -> str:
    return resources.files("citegraph.rdf").joinpath("shapes.ttl").read_text(encoding="utf-8")


@dataclass
class Violation:
    focus: str
    path: str | None
    message: str
    severity: str

    def __str__(self) -> str:
        where = f" {self.path}" if self.path else ""
        return f"{self.severity}: <{self.focus}>{where}: {self.message}"


def validate(path: str, fmt: str | None = None) -> list[Violation]:
    """Every violation of the shapes in an RDF file (empty when it conforms)."""
    import pyshacl
    import rdflib


    rdflib_formats = {"turtle": "turtle", "ntriples": "nt", "nquads": "nquads", "jsonld": "json-ld",
                      "rdfxml": "xml", "trig": "trig"}
    name = format_for(path, fmt)
    data = rdflib.Dataset() if name in ("nquads", "trig") else rdflib.Graph()
    try:
        data.parse(path, format=rdflib_formats[name])
    except Exception as exc:  # rdflib raises parser-specific errors
        raise CitegraphError(f"{path}: not valid {name} ({exc})") from None
    if isinstance(data, rdflib.Dataset):  # validate the union of its graphs
        union = rdflib.Graph()
        for triple in data.quads((None, None, None, None)):
            union.add(triple[:3])
        data = union
    shapes = rdflib.Graph().parse(data=shipped_shapes(), format="turtle")
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    SHN = rdflib.Namespace(SH)
    out = []
    for result in report.subjects(rdflib.RDF.type, SHN.ValidationResult):
        focus = report.value(result, SHN.focusNode)
        path_ = report.value(result, SHN.resultPath)
        message = report.value(result, SHN.resultMessage)
        severity = report.value(result, SHN.resultSeverity)
        out.append(Violation(str(focus), str(path_) if path_ is not None else None, str(message),
                             str(severity).rsplit("#", 1)[-1]))
    return sorted(out, key=lambda v: (v.focus, v.path or "", v.message))


if __name__ == "__main__":
    print(shapes_turtle(), end="")
