"""Export the graph as RDF, streamed: pages out of Neo4j, triples out to the file.

Nodes are read label by label in pages ordered by their key (``WHERE key >
$after ... LIMIT $page``: no SKIP, each page an index seek), each page is turned
into triples and handed to pyoxigraph's serializer, which writes as it goes.
Memory therefore holds one page, whatever the size of the graph.
"""

from __future__ import annotations

import hashlib
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pyoxigraph as ox

from citegraph.rdf import QUAD_FORMATS, ox_format
from graph.model import NODE_TYPES, NODES
from graph.rdf import (AUTHOR_LIST, DATATYPES, DEFAULT_BASE_IRI, EXTRA_LABEL_CLASSES, NODE_MAPPINGS, PREFIXES,
                       RDF, RDF_TYPE, RDFS, REL_MAPPINGS, REL_PROP_PREDICATES, SOURCE_CLASS, SOURCE_PREDICATE,
                       STATEMENT_CLASS, STUB_CLASS, derived_links, iri, source_iri)

KEYS_OF = {n.label: n.key for n in NODE_TYPES}
_TYPE = ox.NamedNode(RDF_TYPE)
_FIRST, _REST, _NIL = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")
_STMT = {k: ox.NamedNode(RDF + k) for k in ("subject", "predicate", "object")}
_LABEL = ox.NamedNode(RDFS + "label")
_DT = {k: ox.NamedNode(v) for k, v in DATATYPES.items()}


@dataclass
class ExportStats:
    triples: int = 0
    nodes: dict = field(default_factory=dict)
    seconds: float = 0.0
    replaced_characters: int = 0  # control characters RDF/XML cannot hold, written as U+FFFD

    def as_dict(self) -> dict:
        rate = self.triples / self.seconds if self.seconds else 0.0
        return {"triples": self.triples, "nodes": self.nodes, "seconds": round(self.seconds, 3),
                "triples_per_second": round(rate)}


# Characters XML 1.0 cannot carry at all (not even as references): RDF/XML replaces them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def literal(value, kind: str) -> ox.Literal:
    if kind == "string":
        return ox.Literal(str(value))
    if kind == "integer":
        return ox.Literal(str(int(value)), datatype=_DT["integer"])
    if kind == "float":
        return ox.Literal(repr(float(value)), datatype=_DT["float"])
    if kind == "boolean":
        return ox.Literal("true" if value else "false", datatype=_DT["boolean"])
    if kind == "year":
        return ox.Literal(f"{int(value):04d}", datatype=_DT["year"])
    raise ValueError(kind)


def page_query(label: str) -> str:
    key = KEYS_OF[label]
    authors = (", [(a:Author)-[r:AUTHORED]->(n) | {key: a.key, props: properties(r)}] AS authors"
               if label == "Paper" else ", [] AS authors")
    return (f"MATCH (n:`{label}`) WHERE $after IS NULL OR n.`{key}` > $after "
            f"WITH n ORDER BY n.`{key}` LIMIT $page "
            f"RETURN n {{.*}} AS props, labels(n) AS labels, "
            f"[(n)-[r]->(m) WHERE type(r) <> 'AUTHORED' | {{type: type(r), props: properties(r), labels: labels(m), "
            f"key: coalesce(m.id, m.key, m.url, m.name)}}] AS out{authors}")


def _primary(labels: list[str]) -> str | None:
    for node in NODE_TYPES:
        if node.label in labels:
            return node.label
    return None


class TripleMaker:
    """Turns pages of Neo4j rows into pyoxigraph triples (or quads)."""

    def __init__(self, base: str, graph: ox.NamedNode | None = None, xml_safe: bool = False):
        self.base = base
        self.graph = graph
        self.xml_safe = xml_safe
        self.replaced = 0  # characters RDF/XML could not carry
        self.sources_seen: set[str] = set()
        self._pred: dict[str, ox.NamedNode] = {}
        self.count = 0

    def p(self, value: str) -> ox.NamedNode:
        node = self._pred.get(value)
        if node is None:
            node = self._pred[value] = ox.NamedNode(value)
        return node

    def t(self, s, p, o):
        self.count += 1
        if self.xml_safe and isinstance(o, ox.Literal) and _NOT_XML.search(o.value):
            text, n = _NOT_XML.subn("\ufffd", o.value)
            self.replaced += n
            o = ox.Literal(text, datatype=o.datatype)
        return ox.Quad(s, p, o, self.graph) if self.graph is not None else ox.Triple(s, p, o)

    def source_triples(self, subject, sources) -> Iterator:
        for name in sources or ():
            node = ox.NamedNode(source_iri(self.base, name))
            yield self.t(subject, self.p(SOURCE_PREDICATE), node)
            if name not in self.sources_seen:
                self.sources_seen.add(name)
                yield self.t(node, _TYPE, self.p(SOURCE_CLASS))
                yield self.t(node, _LABEL, ox.Literal(name))

    def node_triples(self, label: str, props: dict, labels: list, out: list, authors: list) -> Iterator:
        mapping = NODE_MAPPINGS[label]
        s = ox.NamedNode(iri(self.base, label, props[KEYS_OF[label]]))
        for cls in mapping.classes:
            yield self.t(s, _TYPE, self.p(cls))
        for extra in labels:
            if extra in EXTRA_LABEL_CLASSES:
                yield self.t(s, _TYPE, self.p(EXTRA_LABEL_CLASSES[extra]))
        if props.get("stub"):
            yield self.t(s, _TYPE, self.p(STUB_CLASS))
        for name, (predicate, kind) in mapping.props.items():
            value = props.get(name)
            if isinstance(value, list):  # a list property: one triple per item
                for item in value:
                    yield self.t(s, self.p(predicate), literal(item, kind))
            elif value is not None:
                yield self.t(s, self.p(predicate), literal(value, kind))
        for predicate, target in derived_links(label, props):
            yield self.t(s, self.p(predicate), ox.NamedNode(target))
        node_sources = props.get("sources") or []
        yield from self.source_triples(s, node_sources)

        for rel in out:
            other = _primary(rel["labels"])
            if other is None or rel["type"] not in REL_MAPPINGS:
                continue
            o = ox.NamedNode(iri(self.base, other, rel["key"]))
            predicate = self.p(REL_MAPPINGS[rel["type"]].predicate)
            yield self.t(s, predicate, o)
            defaults = {"type": props.get("type")} if rel["type"] == "PRESENTED_AT" else {}
            yield from self.statement(s, predicate, o, rel["props"], defaults, node_sources)

        if authors:
            creator = self.p(REL_MAPPINGS["AUTHORED"].predicate)
            ordered = sorted(authors, key=lambda a: (a["props"].get("position") is None,
                                                     a["props"].get("position") or 0, a["key"]))
            heads = []
            for index, a in enumerate(ordered, 1):
                o = ox.NamedNode(iri(self.base, "Author", a["key"]))
                heads.append(o)
                yield self.t(s, creator, o)
                yield from self.statement(s, creator, o, a["props"], {"position": index}, node_sources)
            # bibo:authorList, an rdf:List in author order (blank nodes named after the paper)
            stem = hashlib.sha1(s.value.encode()).hexdigest()[:16]
            cells = [ox.BlankNode(f"al{stem}x{i}") for i in range(len(heads))]
            yield self.t(s, self.p(AUTHOR_LIST), cells[0])
            for i, (cell, head) in enumerate(zip(cells, heads)):
                yield self.t(cell, _FIRST, head)
                yield self.t(cell, _REST, cells[i + 1] if i + 1 < len(cells) else _NIL)

    def statement(self, s, predicate, o, rel_props: dict, defaults: dict, node_sources) -> Iterator:
        """An rdf:Statement for a relationship whose properties are not the defaults."""
        sources = rel_props.get("sources") or []
        names = (set(rel_props) | set(defaults)) - {"sources"}
        if all(rel_props.get(k) == defaults.get(k) for k in names) and sorted(sources) == sorted(node_sources):
            return
        # a statement gives every property of the relationship (an absent one is absent, not the default)
        digest = hashlib.sha1(f"{s.value} {predicate.value} {o.value}".encode()).hexdigest()[:24]
        st = ox.NamedNode(f"{self.base}statement/{digest}")
        yield self.t(st, _TYPE, self.p(STATEMENT_CLASS))
        yield self.t(st, _STMT["subject"], s)
        yield self.t(st, _STMT["predicate"], predicate)
        yield self.t(st, _STMT["object"], o)
        for name, value in rel_props.items():
            if name in REL_PROP_PREDICATES and value is not None:
                pred, kind = REL_PROP_PREDICATES[name]
                yield self.t(st, self.p(pred), literal(value, kind))
        yield from self.source_triples(st, sources)


def iter_triples(driver, database: str | None = None, base: str = DEFAULT_BASE_IRI, page_size: int = 5000,
                 graph: ox.NamedNode | None = None, stats: ExportStats | None = None,
                 xml_safe: bool = False) -> Iterator:
    """Every triple of the graph, page by page."""
    maker = TripleMaker(base, graph, xml_safe)
    for node in NODE_TYPES:
        label, after, count = node.label, None, 0
        query = page_query(label)
        while True:
            with driver.session(database=database, default_access_mode="READ") as session:
                rows = session.execute_read(lambda tx: [r.values() for r in tx.run(query, after=after, page=page_size)])
            if not rows:
                break
            for props, labels, out, authors in rows:
                yield from maker.node_triples(label, props, labels, out, authors)
            count += len(rows)
            after = rows[-1][0][KEYS_OF[label]]
            if len(rows) < page_size:
                break
        if stats is not None:
            stats.nodes[label] = count
    if stats is not None:
        stats.triples = maker.count
        stats.replaced_characters = maker.replaced


def export(driver, out, fmt: str = "turtle", base: str = DEFAULT_BASE_IRI, database: str | None = None,
           page_size: int = 5000) -> ExportStats:
    """Write the whole graph to ``out`` (a path, or ``-`` for standard output)."""
    if not base.endswith(("/", "#")):
        base += "/"
    stats = ExportStats()
    started = time.perf_counter()
    graph = ox.NamedNode(base + "graph") if fmt in QUAD_FORMATS else None
    triples = iter_triples(driver, database, base, page_size, graph, stats, xml_safe=fmt == "rdfxml")
    prefixes = dict(PREFIXES)
    if out == "-":
        ox.serialize(triples, sys.stdout.buffer, ox_format(fmt), prefixes=prefixes)
        sys.stdout.buffer.flush()
    else:
        with open(out, "wb") as f:
            ox.serialize(triples, f, ox_format(fmt), prefixes=prefixes)
    stats.seconds = time.perf_counter() - started
    return stats
