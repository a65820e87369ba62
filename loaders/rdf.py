"""citegraph's own RDF export (any of its formats) back into the graph.

The reverse of ``citegraph.rdf.export`` through the same mapping
(``graph.rdf``): nodes are recognised by their first class and identified by
their key literal (not by parsing IRIs, so any base IRI works), properties come
from the mapped literals, relationships from the mapped predicates, author
positions from ``bibo:authorList``, and relationship properties that differ from
the defaults from ``rdf:Statement`` resources. Derived IRIs (``schema:sameAs``,
``foaf:page``, ...) are ignored: they follow from the literals.

The file is parsed into an embedded pyoxigraph store. A syntax error is
reported with its line; for N-Triples and N-Quads the lines after it still load.
"""

from __future__ import annotations

import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from graph.model import NODE_TYPES
from graph.rdf import (
    AUTHOR_LIST,
    EXTRA_LABEL_CLASSES,
    NODE_MAPPINGS,
    RDF,
    RDF_TYPE,
    RDFS,
    REL_LIST_PROPS,
    REL_MAPPINGS,
    REL_PROP_PREDICATES,
    SOURCE_PREDICATE,
    STATEMENT_CLASS,
    STUB_CLASS,
)
from graph.rdf_formats import format_for, ox_format
from graph.records import Edge, Node, Reject, Row
from loaders.registry import MARKED, Format

LINE_FORMATS = ("ntriples", "nquads")
KEYS_OF = {n.label: n.key for n in NODE_TYPES}
LIST_PROPS = {n.label: {p.name for p in n.props if p.type.startswith("list")} for n in NODE_TYPES}


def _value(term, kind: str):
    text = term.value
    if kind == "integer":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "boolean":
        return text in ("true", "1")
    if kind == "year":
        return int(text.lstrip("-")[:4]) * (-1 if text.startswith("-") else 1)
    return text


def _load_store(path: Path, fmt: str, source: str, rejects: list) -> ox.Store:
    size = path.stat().st_size
    store = ox.Store(tempfile.mkdtemp(prefix="citegraph-rdf-")) if size > 200_000_000 else ox.Store()
    rdf_format = ox_format(fmt)
    try:
        store.bulk_load(path=str(path), format=rdf_format, to_graph=ox.DefaultGraph()) \
            if fmt not in ("nquads", "trig") else store.bulk_load(path=str(path), format=rdf_format)
        return store
    except SyntaxError as exc:
        line = _line_of(exc)
        if fmt not in LINE_FORMATS:
            rejects.append(Reject(source, line, f"RDF syntax error: {exc}; the file was not loaded"))
            return ox.Store()
    # N-Triples/N-Quads: one statement per line, so everything but the bad lines can load
    store = ox.Store()
    with open(path, "rb") as f:
        for number, data in enumerate(f, 1):
            if not data.strip() or data.lstrip().startswith(b"#"):
                continue
            try:
                quads = list(ox.parse(data, rdf_format))
            except SyntaxError as exc:
                rejects.append(Reject(source, number, f"RDF syntax error: {exc}", data.decode("utf-8", "replace").rstrip()))
                continue
            for q in quads:
                store.add(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()))
    return store


def _line_of(exc: SyntaxError) -> int | None:
    match = re.search(r"line (\d+)", str(exc)) or re.search(r"(\d+):\d+", str(exc))
    return int(match.group(1)) if match else getattr(exc, "lineno", None)


def read(path, source: str, options) -> Iterator[Row]:
    path = Path(path)
    fmt = format_for(str(path))  # the serialisation from the file name
    rejects: list = []
    store = _load_store(path, fmt, source, rejects)
    for r in rejects:
        yield Row(source, r.line, reject=r)
    q = lambda text: store.query(text, use_default_graph_as_union=True)

    # which resource is which node
    nodes: dict[str, tuple[str, object]] = {}
    for label, mapping in NODE_MAPPINGS.items():
        key_pred, key_kind = mapping.props[KEYS_OF[label]]
        for sol in q(f"SELECT ?s ?k WHERE {{ ?s <{RDF_TYPE}> <{mapping.classes[0]}> ; <{key_pred}> ?k }}"):
            nodes[sol["s"].value] = (label, _value(sol["k"], key_kind))
    if not nodes:
        yield Row(source, None, reject=Reject(source, None, "no citegraph resources in this RDF (is it a citegraph export?)"))
        return

    source_names = {sol["e"].value: sol["l"].value for sol in q(
        f"SELECT ?e ?l WHERE {{ ?e <{RDFS}label> ?l }}")}
    sources_of: dict[str, list] = defaultdict(list)
    for sol in q(f"SELECT ?s ?e WHERE {{ ?s <{SOURCE_PREDICATE}> ?e }}"):
        sources_of[sol["s"].value].append(source_names.get(sol["e"].value, sol["e"].value))

    # nodes and their properties
    by_predicate = {label: {pred: (name, kind) for name, (pred, kind) in m.props.items()}
                    for label, m in NODE_MAPPINGS.items()}
    extra_classes = {cls: label for label, cls in EXTRA_LABEL_CLASSES.items()}
    props: dict[str, dict] = defaultdict(dict)
    extra: dict[str, list] = defaultdict(list)
    for sol in q("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"):
        s = sol["s"].value
        if s not in nodes:
            continue
        label = nodes[s][0]
        p = sol["p"].value
        if p == RDF_TYPE:
            o = sol["o"].value
            if o in extra_classes:
                extra[s].append(extra_classes[o])
            elif o == STUB_CLASS:
                props[s]["stub"] = True
            continue
        mapped = by_predicate[label].get(p)
        if mapped and isinstance(sol["o"], ox.Literal):
            if mapped[0] in LIST_PROPS[label]:
                props[s].setdefault(mapped[0], []).append(_value(sol["o"], mapped[1]))
            else:
                props[s][mapped[0]] = _value(sol["o"], mapped[1])
    for s, (label, key) in nodes.items():
        node_props = {k: v for k, v in props[s].items() if k != KEYS_OF[label]}
        yield Row(source, None, records=[Node(label, key, node_props, extra_labels=tuple(sorted(extra[s])),
                                              sources=sorted(sources_of.get(s, [])) or None)])

    # relationship properties given by rdf:Statement resources
    statements: dict[tuple, dict] = {}
    for sol in q(f"SELECT ?st ?s ?p ?o WHERE {{ ?st <{RDF_TYPE}> <{STATEMENT_CLASS}> ; <{RDF}subject> ?s ; "
                 f"<{RDF}predicate> ?p ; <{RDF}object> ?o }}"):
        statements[(sol["s"].value, sol["p"].value, sol["o"].value)] = {"_st": sol["st"].value}
    rel_props = {pred: name for name, (pred, _) in REL_PROP_PREDICATES.items()}
    kinds = {name: kind for name, (_, kind) in REL_PROP_PREDICATES.items()}
    if statements:
        by_st = {v["_st"]: k for k, v in statements.items()}
        for sol in q(f"SELECT ?st ?p ?o WHERE {{ ?st <{RDF_TYPE}> <{STATEMENT_CLASS}> ; ?p ?o }}"):
            triple = by_st[sol["st"].value]
            name = rel_props.get(sol["p"].value)
            if name in REL_LIST_PROPS:
                statements[triple].setdefault(name, []).append(_value(sol["o"], kinds[name]))
            elif name:
                statements[triple][name] = _value(sol["o"], kinds[name])

    # author positions from bibo:authorList
    positions: dict[tuple, int] = {}
    cells = {}
    for sol in q(f"SELECT ?c ?f ?r WHERE {{ ?c <{RDF}first> ?f ; <{RDF}rest> ?r }}"):
        cells[str(sol["c"])] = (sol["f"].value, str(sol["r"]))
    for sol in q(f"SELECT ?p ?l WHERE {{ ?p <{AUTHOR_LIST}> ?l }}"):
        cell, index, seen = str(sol["l"]), 1, set()
        while cell in cells and cell not in seen:
            seen.add(cell)
            first, rest = cells[cell]
            positions[(sol["p"].value, first)] = index
            index, cell = index + 1, rest

    for rel, mapping in REL_MAPPINGS.items():
        records = []
        for sol in q(f"SELECT ?s ?o WHERE {{ ?s <{mapping.predicate}> ?o }}"):
            s, o = sol["s"].value, sol["o"].value
            if s not in nodes or o not in nodes:
                continue
            start, end = (o, s) if mapping.inverse else (s, o)
            given = statements.get((s, mapping.predicate, o))
            if given is not None:  # a statement gives the properties exactly
                edge_props = {k: sorted(v) if isinstance(v, list) else v for k, v in given.items() if k != "_st"}
            elif rel == "AUTHORED" and (s, o) in positions:
                edge_props = {"position": positions[(s, o)]}
            elif rel == "PRESENTED_AT" and props[s].get("type") is not None:
                edge_props = {"type": props[s]["type"]}
            else:
                edge_props = {}
            given = given or {}
            # a relationship has the sources of its triple's subject unless a statement says otherwise
            st = given.get("_st")
            sources = sorted(sources_of[st] if st and sources_of.get(st) else sources_of.get(s, []))
            records.append(Edge(rel, nodes[start][0], nodes[start][1], nodes[end][0], nodes[end][1], edge_props,
                                sources=sources or None))
        for record in records:
            yield Row(source, None, records=[record])


# -- the format --------------------------------------------------------------------------------

_EXTENSIONS = (".ttl", ".nt", ".nq", ".jsonld", ".rdf", ".owl", ".trig")


def _sniff(path: Path, head: str) -> int:
    return MARKED + 20 if path.suffix.lower() in _EXTENSIONS or '"@context"' in head[:2000] else 0


FORMATS = [Format("rdf", "citegraph's own RDF export, in any of its formats (round trip)", read, _EXTENSIONS,
                  _sniff)]
