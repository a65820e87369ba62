"""Export the graph as RDF, streamed: rows out of Neo4j, triples out to the file.

Nodes are read label by label with one streaming query each (the driver
fetches ``fetch_size`` records at a time, so memory holds a page, whatever the
size of the graph). Triples are made as canonical N-Triples lines (the cheapest
form to make in Python, and what pyoxigraph writes itself; a test compares):

* N-Triples and N-Quads go straight to the file;
* every other format is the same stream parsed and re-serialised by pyoxigraph,
  which does both as it goes.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import io
import multiprocessing
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from citegraph.errors import CitegraphError
from citegraph.rdf import QUAD_FORMATS, ox_format
from graph import killpoints
from graph.model import NODE_TYPES, REL_TYPES
from graph.reader import QUIET
from graph.rdf import (AUTHOR_LIST, DATATYPES, DEFAULT_BASE_IRI, EXTRA_LABEL_CLASSES, NODE_MAPPINGS, PREFIXES,
                       RDF, RDF_TYPE, RDFS, REL_MAPPINGS, REL_PROP_PREDICATES, SOURCE_CLASS, SOURCE_PREDICATE,
                       STATEMENT_CLASS, STUB_CLASS, derived_links, iri, source_iri)

KEYS_OF = {n.label: n.key for n in NODE_TYPES}

# Characters XML 1.0 cannot carry at all (not even as references): RDF/XML replaces them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# Canonical N-Triples string escapes (RDF 1.1 N-Triples, section "canonical").
_NT_ESCAPES = {0x5C: "\\\\", 0x22: '\\"', 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x08: "\\b", 0x0C: "\\f"}
_NT_ESCAPES.update({c: f"\\u{c:04X}" for c in [*range(0x00, 0x08), 0x0B, *range(0x0E, 0x20), 0x7F]})
_NT_TABLE = str.maketrans(_NT_ESCAPES)
_NT_SPECIAL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_NT_ESCAPES)) + "]")


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


def _iri(value: str) -> str:
    return f"<{value}>"


SLICE_IDS = 10_000  # internal ids per slice of a shared export (id_slices): about 300 MB of lines for papers

_TYPED = {kind: f"^^<{dt}>" for kind, dt in DATATYPES.items() if kind != "string"}


def row_query(label: str, sliced: bool = False) -> str:
    """All nodes of a label (or those of one slice of internal ids, ``$lo`` to ``$hi``: a seek
    per id, so each slice reads only its own part of the store) with their outgoing
    relationships (and a paper's authors).

    Only the relationship types the model lets start at this label are expanded (an
    author's many AUTHORED relationships are read from the paper side). A type with one end
    label (``TYPED_RELS``: a paper's citations above all) comes as ``[key, properties]``
    pairs, one list per type: no map, type name or labels per relationship, which made a
    third of the server's work and of the driver's decoding (such a relationship to a node
    without that label, which the model does not allow, is not exported). The other types
    come as maps with the end node's labels."""
    generic = "|".join(f"`{r.type}`" for r in REL_TYPES
                       if label in r.start and r.type != "AUTHORED" and len(r.end) > 1)
    out = (f"[(n)-[r:{generic}]->(m) | {{type: type(r), props: properties(r), labels: labels(m), "
           f"key: coalesce(m.id, m.key, m.url, m.name)}}]" if generic else "[]")
    typed = ", ".join(f"[(n)-[r:`{kind}`]->(m:`{end}`) | [m.`{KEYS_OF[end]}`, properties(r)]]"
                      for kind, end, _ in TYPED_RELS[label])
    authors = "[(a:Author)-[r:AUTHORED]->(n) | [a.key, properties(r)]]" if label == "Paper" else "[]"
    where = " WHERE id(n) IN range($lo, $hi)" if sliced else ""
    return (f"MATCH (n:`{label}`){where} RETURN n {{.*}} AS props, labels(n) AS labels, {out} AS out, "
            f"[{typed}] AS typed, {authors} AS authors")


def line_tail(graph: str | None) -> str:
    """How a line ends: N-Triples, or N-Quads in ``graph``."""
    return f" <{graph}> .\n" if graph else " .\n"


def _primary(labels: list[str]) -> str | None:
    for node in NODE_TYPES:
        if node.label in labels:
            return node.label
    return None


class TripleMaker:
    """Turns rows of the graph into N-Triples statements (text: the fastest form to make,
    and what pyoxigraph parses fastest for the other formats).

    This is the export's hot loop (about 200 lines per paper at a million papers), so lines
    are appended to a list rather than yielded one by one, IRIs of nodes and sources are
    made once, and a relationship is checked for a statement without building one."""

    def __init__(self, base: str, tail: str = " .\n", xml_safe: bool = False):
        self.base = base
        self.tail = tail  # " .\n", or " <graph> .\n" for quads
        self.xml_safe = xml_safe
        self.replaced = 0  # characters RDF/XML could not carry
        self._met: dict[str, str] = {}  # source name -> the end of its lines (" <predicate> <source> .\n")
        self.nodes = 0  # made so far (by every call of iter_chunks with this maker)
        self._iris = functools.lru_cache(maxsize=500_000)(self._node_iri)
        self._source_iris: dict[str, str] = {}

    @property
    def sources_seen(self) -> set[str]:
        """The sources named in lines so far: described once, at the end (sources_described)."""
        return set(self._met)

    def _node_iri(self, label: str, key) -> str:
        return f"<{iri(self.base, label, key)}>"

    def _source_iri(self, name: str) -> str:
        node = self._source_iris.get(name)
        if node is None:
            node = self._source_iris[name] = _iri(source_iri(self.base, name))
        return node

    def lit(self, value, kind: str) -> str:
        if kind == "string":
            text = str(value)
            if self.xml_safe and _NOT_XML.search(text):
                text, n = _NOT_XML.subn("\ufffd", text)
                self.replaced += n
            if _NT_SPECIAL.search(text) is None:  # most strings need no escape
                return '"' + text + '"'
            return '"' + text.translate(_NT_TABLE) + '"'
        if kind == "integer":
            return f'"{int(value)}"{_TYPED[kind]}'
        if kind == "float":
            return f'"{float(value)!r}"{_TYPED[kind]}'
        if kind == "boolean":
            return f'"{"true" if value else "false"}"{_TYPED[kind]}'
        if kind == "year":
            return f'"{int(value):04d}"{_TYPED[kind]}'
        raise ValueError(kind)

    def source_lines(self, lines: list, subject: str, sources) -> None:
        met = self._met
        for name in sources or ():
            end = met.get(name)
            if end is None:
                end = met[name] = f" {P_SOURCE} {self._source_iri(name)}{self.tail}"
            lines.append(subject + end)

    def sources_described(self, names) -> str:
        """The lines that describe sources (a class and a label each), in name order."""
        lines = []
        for name in sorted(names):
            node = self._source_iri(name)
            lines += (f"{node} {P_TYPE} {P_SOURCE_CLASS}{self.tail}",
                      f"{node} {P_LABEL} {self.lit(name, 'string')}{self.tail}")
        return "".join(lines)

    def node_lines(self, lines: list, label: str, props: dict, labels: list, out: list, typed: list,
                   authors: list) -> None:
        """Append the lines of one node (and of its outgoing relationships) to ``lines`` (an item
        may hold several lines: count them by their newlines, which only end lines). The
        arguments are the columns of ``row_query``."""
        add = lines.append
        tail = self.tail
        s = self._iris(label, props[KEYS_OF[label]])
        for cls in CLASSES[label]:
            add(f"{s} {P_TYPE} {cls}{tail}")
        for extra in labels:
            if extra in EXTRA_CLASSES:
                add(f"{s} {P_TYPE} {EXTRA_CLASSES[extra]}{tail}")
        if props.get("stub"):
            add(f"{s} {P_TYPE} {STUB}{tail}")
        lit = self.lit
        for name, predicate, kind in PROPS[label]:
            value = props.get(name)
            if value is None:
                continue
            if isinstance(value, list):  # a list property: one triple per item
                for item in value:
                    add(f"{s} {predicate} {lit(item, kind)}{tail}")
            else:
                add(f"{s} {predicate} {lit(value, kind)}{tail}")
        for predicate, target in derived_links(label, props):
            add(f"{s} <{predicate}> <{target}>{tail}")
        node_sources = props.get("sources") or []
        self.source_lines(lines, s, node_sources)
        node_sources = sorted(node_sources)

        iris = self._iris
        statement = self.statement
        for rel in out:
            other = _primary(rel["labels"])
            kind = rel["type"]
            if other is None or kind not in REL_MAPPINGS:
                continue
            o = iris(other, rel["key"])
            predicate = REL_PREDICATES[kind]
            add(f"{s} {predicate} {o}{tail}")
            if not _plain(rel["props"], _NO_DEFAULTS, node_sources):
                statement(lines, s, predicate, o, rel["props"])
        for (kind, end, predicate), pairs in zip(TYPED_RELS[label], typed):
            defaults = {"type": props.get("type")} if kind == "PRESENTED_AT" else _NO_DEFAULTS
            for key, rel_props in pairs:
                o = iris(end, key)
                if len(rel_props) == 1 and not defaults and "sources" in rel_props:
                    # the common case (a citation from another file than its paper's): no
                    # function calls, the triple and its statement's first four lines in one string
                    sources = rel_props["sources"]
                    if sources == node_sources or (len(sources) > 1 and sorted(sources) == node_sources):
                        add(f"{s} {predicate} {o}{tail}")  # (a list of one is its own sorted list)
                        continue
                    st, head = self._statement_head(s, predicate, o)
                    add(f"{s} {predicate} {o}{tail}{head}")
                    self.source_lines(lines, st, sources)
                    continue
                add(f"{s} {predicate} {o}{tail}")
                if not _plain(rel_props, defaults, node_sources):
                    statement(lines, s, predicate, o, rel_props)

        if authors:
            creator = REL_PREDICATES["AUTHORED"]
            ordered = sorted(authors, key=lambda a: (a[1].get("position") is None, a[1].get("position") or 0, a[0]))
            heads = []
            for index, (key, rel_props) in enumerate(ordered, 1):
                o = iris("Author", key)
                heads.append(o)
                add(f"{s} {creator} {o}{tail}")
                if not _plain(rel_props, {"position": index}, node_sources):
                    statement(lines, s, creator, o, rel_props)
            # bibo:authorList, an rdf:List in author order (blank nodes named after the paper)
            stem = hashlib.sha1(s[1:-1].encode()).hexdigest()[:16]
            cells = [f"_:al{stem}x{i}" for i in range(len(heads))]
            add(f"{s} {P_AUTHOR_LIST} {cells[0]}{tail}")
            for i, (cell, head) in enumerate(zip(cells, heads)):
                add(f"{cell} {P_FIRST} {head}{tail}")
                add(f"{cell} {P_REST} {cells[i + 1] if i + 1 < len(cells) else NIL}{tail}")

    def _statement_head(self, s: str, predicate: str, o: str) -> tuple[str, str]:
        """The IRI of the statement of a relationship (named after its triple, so the same
        relationship gets the same IRI in every export) and its first four lines, at once."""
        digest = hashlib.sha1(f"{s[1:-1]} {predicate[1:-1]} {o[1:-1]}".encode()).hexdigest()[:24]
        st, tail = f"<{self.base}statement/{digest}>", self.tail
        return st, (f"{st} {P_TYPE} {P_STATEMENT_CLASS}{tail}{st} {P_SUBJECT} {s}{tail}"
                    f"{st} {P_PREDICATE} {predicate}{tail}{st} {P_OBJECT} {o}{tail}")

    def statement(self, lines: list, s: str, predicate: str, o: str, rel_props: dict) -> None:
        """An rdf:Statement for a relationship whose properties are not the defaults (``_plain``):
        it gives every property of the relationship (an absent one is absent, not the default)."""
        tail = self.tail
        st, head = self._statement_head(s, predicate, o)
        lines.append(head)
        for name, value in rel_props.items():
            if name in REL_PROP_TERMS and value is not None:
                pred, kind = REL_PROP_TERMS[name]
                for item in (value if isinstance(value, list) else [value]):  # a list: one triple per item
                    lines.append(f"{st} {pred} {self.lit(item, kind)}{tail}")
        self.source_lines(lines, st, rel_props.get("sources"))


_NO_DEFAULTS: dict = {}


def _plain(rel_props: dict, defaults: dict, node_sources: list) -> bool:
    """Whether a relationship says no more than its triple: every property is its default
    (an absent one counts as None) and its sources are those of the node it starts at
    (``node_sources``, sorted)."""
    for name, value in rel_props.items():
        if name != "sources" and value != defaults.get(name):
            return False
    for name, value in defaults.items():
        if value is not None and name not in rel_props:
            return False
    sources = rel_props.get("sources") or []
    return sources == node_sources or sorted(sources) == node_sources


# Terms of the mapping, formatted once.
P_TYPE, P_LABEL, P_SOURCE = _iri(RDF_TYPE), _iri(RDFS + "label"), _iri(SOURCE_PREDICATE)
P_FIRST, P_REST, NIL, P_AUTHOR_LIST = _iri(RDF + "first"), _iri(RDF + "rest"), _iri(RDF + "nil"), _iri(AUTHOR_LIST)
STUB = _iri(STUB_CLASS)
P_SUBJECT, P_PREDICATE, P_OBJECT = _iri(RDF + "subject"), _iri(RDF + "predicate"), _iri(RDF + "object")
P_STATEMENT_CLASS, P_SOURCE_CLASS = _iri(STATEMENT_CLASS), _iri(SOURCE_CLASS)
REL_PROP_TERMS = {name: (_iri(pred), kind) for name, (pred, kind) in REL_PROP_PREDICATES.items()}
CLASSES = {label: [_iri(c) for c in m.classes] for label, m in NODE_MAPPINGS.items()}
EXTRA_CLASSES = {label: _iri(c) for label, c in EXTRA_LABEL_CLASSES.items()}
PROPS = {label: [(name, _iri(pred), kind) for name, (pred, kind) in m.props.items()]
         for label, m in NODE_MAPPINGS.items()}
REL_PREDICATES = {rel: _iri(m.predicate) for rel, m in REL_MAPPINGS.items()}
# (type, end label, predicate) of the mapped relationship types with one end label, by start label
TYPED_RELS = {n.label: [(r.type, r.end[0], REL_PREDICATES[r.type]) for r in REL_TYPES
                        if n.label in r.start and r.type != "AUTHORED" and len(r.end) == 1 and r.type in REL_MAPPINGS]
              for n in NODE_TYPES}


def _rows(driver, database: str | None, page_size: int, stats: ExportStats | None,
          slices: list[tuple[str, int, int]] | None = None) -> Iterator:
    """(label, row) for every node (or for the nodes of the given ``(label, lo, hi)`` slices of
    internal ids); the driver pulls ``page_size`` records at a time, so memory holds one page.
    (A reader thread was tried: the GIL made it slower, not faster; a second process is not.)"""
    with driver.session(database=database, default_access_mode="READ", fetch_size=page_size,
                        notifications_disabled_classifications=QUIET) as session:
        for label, lo, hi in slices if slices is not None else [(n.label, None, None) for n in NODE_TYPES]:
            count = 0
            for record in session.run(row_query(label, lo is not None), lo=lo, hi=hi):
                count += 1
                yield label, record.values()
            if stats is not None:
                stats.nodes[label] = stats.nodes.get(label, 0) + count


def id_slices(driver, database: str | None, size: int = SLICE_IDS) -> list[tuple[str, int, int]]:
    """``(label, lo, hi)``: every label's span of internal ids, cut into slices of ``size`` ids,
    in the order an export writes them."""
    slices = []
    with driver.session(database=database, default_access_mode="READ",
                        notifications_disabled_classifications=QUIET) as session:
        for node in NODE_TYPES:
            span = session.run(f"MATCH (n:`{node.label}`) RETURN min(id(n)) AS lo, max(id(n)) AS hi").single()
            if span["lo"] is not None:
                slices += [(node.label, lo, min(lo + size - 1, span["hi"]))
                           for lo in range(span["lo"], span["hi"] + 1, size)]
    return slices


def iter_chunks(driver, database: str | None = None, base: str = DEFAULT_BASE_IRI, page_size: int = 5000,
                stats: ExportStats | None = None, graph: str | None = None, xml_safe: bool = False,
                maker: TripleMaker | None = None, slices: list | None = None) -> Iterator[str]:
    """Every triple of the graph (or of some slices of its nodes: ``id_slices``, without the
    description of their sources) as N-Triples (or N-Quads) lines, joined a few tens of
    thousands of lines at a time (whole nodes only)."""
    maker = maker or TripleMaker(base, line_tail(graph), xml_safe)
    count = 0
    lines: list[str] = []
    for label, columns in _rows(driver, database, page_size, stats, slices):
        maker.nodes += 1
        if maker.nodes == 100:  # part of the file written
            killpoints.point("export.write")
        maker.node_lines(lines, label, *columns)
        if len(lines) >= 10_000:
            chunk = "".join(lines)
            count += chunk.count("\n")  # literals escape their newlines: one per line
            yield chunk
            lines = []
    if slices is None:  # the whole graph: its sources are described at the end, as a shared export does
        lines.append(maker.sources_described(maker.sources_seen))
    chunk = "".join(lines)
    if chunk:
        count += chunk.count("\n")
        yield chunk
    if stats is not None:
        stats.triples += count
        stats.replaced_characters = maker.replaced


class _ChunkReader(io.RawIOBase):
    """The chunks as a readable byte stream, for pyoxigraph's streaming parser."""

    def __init__(self, chunks: Iterator[str]):
        self.chunks = chunks
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while len(self.pending) < len(buffer):
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.pending += chunk.encode("utf-8")
        n = min(len(buffer), len(self.pending))
        buffer[:n] = self.pending[:n]
        self.pending = self.pending[n:]
        return n


def _write_chunks(binary, chunks: Iterator[str]) -> None:
    for chunk in chunks:
        binary.write(chunk.encode("utf-8"))


def export(driver, out, fmt: str = "turtle", base: str = DEFAULT_BASE_IRI, database: str | None = None,
           page_size: int = 5000, connect=None, processes: int | None = None,
           slice_ids: int = SLICE_IDS) -> ExportStats:
    """Write the whole graph to ``out`` (a path, or ``-`` for standard output).

    N-Triples and N-Quads are written as they are made, shared with a second process when
    ``connect`` (a function that opens a new driver) is given, there are two cores and the
    output is a file; the other formats are the same lines parsed and re-serialised by
    pyoxigraph, both streaming."""
    if not base.endswith(("/", "#")):
        base += "/"
    stats = ExportStats()
    started = time.perf_counter()
    graph = base + "graph" if fmt in QUAD_FORMATS else None
    processes = processes or min(2, os.cpu_count() or 1)
    split = (fmt in ("ntriples", "nquads") and connect is not None and processes > 1 and out != "-"
             and "fork" in multiprocessing.get_all_start_methods())
    # a file is written under a temporary name beside it and renamed when complete: an
    # interrupted export never leaves a file that looks whole (nor harms an older one)
    partial = None if out == "-" else Path(out).with_name(f".{Path(out).name}.partial")
    binary = sys.stdout.buffer if partial is None else open(partial, "wb")
    done = False
    try:
        if split:
            export_split(driver, connect, binary, stats, base, database, page_size, graph, processes, partial,
                         slice_ids)
        elif fmt in ("ntriples", "nquads"):
            _write_chunks(binary, iter_chunks(driver, database, base, page_size, stats, graph))
        else:
            chunks = iter_chunks(driver, database, base, page_size, stats, graph, xml_safe=fmt == "rdfxml")
            source_format = ox.RdfFormat.N_QUADS if graph else ox.RdfFormat.N_TRIPLES
            parsed = ox.parse(io.BufferedReader(_ChunkReader(chunks), 1 << 20), source_format)
            ox.serialize(parsed, binary, ox_format(fmt), prefixes=dict(PREFIXES))
        binary.flush()
        done = True
    finally:
        if partial is not None:
            binary.close()
            if done:
                os.replace(partial, out)
            else:
                partial.unlink(missing_ok=True)
    stats.seconds = time.perf_counter() - started
    return stats


def _append(part, binary) -> None:
    """Append file ``part`` to ``binary``: inside the kernel where it can (``os.sendfile``; a
    slice is gigabytes at a million papers, and copying it through Python reads and writes every
    byte once more), else through a buffer (an output that is not a plain file)."""
    binary.flush()
    offset = 0
    try:
        out, size = binary.fileno(), os.fstat(part.fileno()).st_size
        while offset < size:
            sent = os.sendfile(out, part.fileno(), offset, min(size - offset, 1 << 30))
            if not sent:
                break
            offset += sent
    except (AttributeError, OSError, io.UnsupportedOperation):
        pass  # what was not sent goes the plain way
    part.seek(offset)
    shutil.copyfileobj(part, binary, 1 << 20)


def export_split(driver, connect, binary, stats: ExportStats, base: str, database: str | None, page_size: int,
                 graph: str | None, processes: int, stem: Path, slice_ids: int = SLICE_IDS) -> None:
    """The nodes cut into slices of internal ids (``id_slices``), dealt in turn to this process
    and ``processes - 1`` forked ones (making lines is Python work, one core each). Each slice
    is read by seeks into its own part of the store, so the processes read the store once
    between them. A finished slice is written to the output in slice order as soon as the
    slices before it are: directly when it is next, otherwise from a file beside the output
    (deleted once appended), so the output is the same for the same graph and the disk holds
    little more than the output. Sources are described once, at the end."""
    slices = id_slices(driver, database, slice_ids)
    for stale in stem.parent.glob(glob.escape(stem.name) + ".*"):  # left by an export that was killed
        stale.unlink(missing_ok=True)
    context = multiprocessing.get_context("fork")
    workers: list[_Worker] = []
    waiting: dict[int, Path] = {}  # finished slices not yet in the output
    written = 0  # slices in the output: those before this index
    sources: set[str] = set()

    def slice_file(k: int) -> Path:
        return stem.with_name(f"{stem.name}.{k}")

    def append_ready() -> None:
        nonlocal written
        while written in waiting:
            path = waiting.pop(written)
            with open(path, "rb") as part:
                _append(part, binary)
            path.unlink()
            written += 1

    def collect(worker: _Worker, block: bool) -> None:
        """Take a worker's reports of finished slices (waiting for one when ``block``)."""
        while worker.reporting and (block or worker.reports.poll()):
            try:
                report = worker.reports.recv()
            except EOFError:
                worker.process.join()
                raise CitegraphError(f"an export process failed (exit status {worker.process.exitcode}); "
                                     f"nothing was written under the output's name") from None
            if isinstance(report, list):  # its last: the sources it met
                sources.update(report)
                worker.reporting = False
                return
            if isinstance(report, str):  # it failed, and says why
                worker.process.join()
                raise CitegraphError(f"an export process failed ({report}); "
                                     f"nothing was written under the output's name")
            k, triples, nodes = report
            stats.triples += triples
            for label, count in nodes.items():
                stats.nodes[label] = stats.nodes.get(label, 0) + count
            waiting[k] = slice_file(k)
            block = False

    try:
        for index in range(1, processes):
            receive, send = context.Pipe(duplex=False)
            child = context.Process(target=_export_slices, daemon=True, args=(
                connect, database, base, page_size, graph, slices, list(range(index, len(slices), processes)),
                stem, send))
            child.start()
            send.close()
            workers.append(_Worker(child, receive))
        maker = TripleMaker(base, line_tail(graph))
        for k in range(0, len(slices), processes):
            for worker in workers:
                collect(worker, block=False)
            append_ready()
            direct = k == written  # next in the output: no file in between
            with contextlib.nullcontext(binary) if direct else open(slice_file(k), "wb") as target:
                _write_chunks(target, iter_chunks(driver, database, base, page_size, stats, graph, maker=maker,
                                                  slices=[slices[k]]))
            if direct:
                written += 1
            else:
                waiting[k] = slice_file(k)
        sources.update(maker.sources_seen)
        for worker in workers:
            while worker.reporting:
                collect(worker, block=True)
                append_ready()
            worker.process.join()
        append_ready()
        if written != len(slices):  # (cannot happen: every slice was reported)
            raise CitegraphError(f"an export process left slice {written} unwritten")
        described = maker.sources_described(sources)
        binary.write(described.encode("utf-8"))
        stats.triples += described.count("\n")
        stats.nodes = {n.label: stats.nodes.get(n.label, 0) for n in NODE_TYPES}
    finally:
        for worker in workers:
            if worker.process.is_alive():
                worker.process.terminate()
                worker.process.join()
        for path in stem.parent.glob(glob.escape(stem.name) + ".*"):
            path.unlink(missing_ok=True)


@dataclass
class _Worker:
    """A forked process of a shared export, and the pipe it reports finished slices on."""
    process: multiprocessing.Process
    reports: object  # multiprocessing.connection.Connection
    reporting: bool = True  # False once it sent its last report (the sources it met)


def _export_slices(connect, database, base, page_size, graph, slices, mine, stem, send) -> None:
    """A forked process's slices of an export (``export_split``): its own driver; each slice
    into its own file, reported when complete; then the sources it met, as a list. If it
    fails, it reports why, as a string, and ends with status 1 (the parent says so; no
    traceback from here)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole group: the parent ends it
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        driver = connect()
        try:
            maker = TripleMaker(base, line_tail(graph))
            for k in mine:
                stats = ExportStats()
                with open(stem.with_name(f"{stem.name}.{k}"), "wb") as f:
                    _write_chunks(f, iter_chunks(driver, database, base, page_size, stats, graph, maker=maker,
                                                 slices=[slices[k]]))
                send.send((k, stats.triples, stats.nodes))
            send.send(sorted(maker.sources_seen))
        finally:
            driver.close()
    except Exception as error:  # the server gone, the disk full, ...
        send.send(f"{type(error).__name__}: {error}")
        sys.exit(1)
