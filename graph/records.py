"""Plain, typed records: what loaders yield and the writer writes.

A loader turns one input row into a handful of these; nothing here knows about
files or Neo4j.
"""

from __future__ import annotations

import operator

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.model import NODES
from graph.pickling import by_fields


@by_fields
@dataclass(slots=True)
class Node:
    label: str
    key: Any
    props: dict = field(default_factory=dict)  # set on every write
    create_props: dict = field(default_factory=dict)  # set only when the node is created
    extra_labels: tuple[str, ...] = ()
    sources: list | None = None  # who asserted it; None: the source being loaded
    row_hash: str | None = None  # papers: fingerprint of the row that described it (see paper_rows)


@by_fields
@dataclass(slots=True)
class Edge:
    type: str
    start_label: str
    start_key: Any
    end_label: str
    end_key: Any
    props: dict = field(default_factory=dict)
    sources: list | None = None  # who asserted it; None: the source being loaded


@by_fields
@dataclass(slots=True)
class Citation:
    """``citing`` cites ``cited``, two papers known by their identifiers (``PaperRef``): each is
    a stub until a source describes it. The same as ``records()`` (a stub Node for each paper and
    a CITES Edge) in one object, for inputs that hold millions of them (edge lists)."""

    citing: Any
    cited: Any
    sources: list | None = None  # who asserted it; None: the source being loaded

    def records(self) -> list:
        return [Node("Paper", self.citing, create_props={"stub": True}, sources=self.sources),
                Node("Paper", self.cited, create_props={"stub": True}, sources=self.sources),
                Edge("CITES", "Paper", self.citing, "Paper", self.cited, sources=self.sources)]


@by_fields
@dataclass(slots=True)
class Citations:
    """Many citations of one input in one object, for a sink that takes them whole
    (``LoadOptions.batched``: the bulk writer), so that 20 million lines are not 20 million rows.
    Line ``lines[i]`` is the citation ``numbers[i]``: its two papers' numbers in one integer
    (``citing << 32 | cited``). The reader numbers each paper once per input (``numbering``
    names that input's numbering) and gives its reference once, in ``refs`` (number ->
    (PaperRef, the line that first named it)) of the first batch that names it: the sink takes an
    input's batches in order, so it knows every other number already. (References cross from
    the reading process once per paper, not once per line.) A repeated citation may be among
    them (the sink writes a relationship once); self-citations are not."""

    lines: list
    numbers: Sequence[int]
    refs: dict
    numbering: str
    sources: list | None = None  # who asserted them; None: the source being loaded


_BATCHED = (Citation,)  # (Citations reach only sinks that take them whole)


def expanded(records) -> list:
    """The records with each Citation as its Nodes and Edge (for writers that take those only)."""
    if not any(type(rec) in _BATCHED for rec in records):
        return records
    return [r for rec in records for r in (rec.records() if type(rec) in _BATCHED else (rec,))]


@by_fields
@dataclass(slots=True)
class ReplaceEdges:
    """After writing a row: edges of ``type`` at ``anchor`` that this source asserted
    before but the row no longer names are withdrawn (the row is the truth for its source)."""

    type: str
    anchor_label: str
    anchor_key: Any
    other_label: str | None  # None: any label
    keep: list  # keys of the other end that stay
    outgoing: bool  # True: (anchor)-[type]->(other); False: (other)-[type]->(anchor)


@by_fields
@dataclass(slots=True)
class Reject:
    source: str
    line: int | None
    reason: str
    raw: str | None = None

    def as_dict(self) -> dict:
        d = {"source": self.source, "line": self.line, "reason": self.reason}
        if self.raw is not None:
            d["raw"] = self.raw
        return d


@by_fields
@dataclass(slots=True)
class Row:
    """One input row turned into records, or rejected."""

    source: str
    line: int | None
    records: list = field(default_factory=list)
    reject: Reject | None = None
    warnings: list = field(default_factory=list)
    unchanged: bool = False  # the same row was loaded before from this source: nothing to write
    lines: int = 1  # input lines it stands for: many for Citations, none for a warning found late


# Neo4j cannot index a string of more than about 8 KB (``Property value is too large to
# index``); a key or identifier that long is never a real one, and one such value would fail
# its whole batch. Rows that carry one are rejected before they are written.
MAX_KEY_BYTES = 4000


_LONG = MAX_KEY_BYTES // 4  # a string of at most this many characters fits (UTF-8: 4 bytes a character at most)
_FIELDS: dict = {}  # key class -> (its field names, a getter of their values)


def _too_long(value) -> bool:
    return isinstance(value, str) and len(value) > _LONG and len(value.encode("utf-8")) > MAX_KEY_BYTES


def _ref_too_long(key) -> str | None:
    """The field of a key (a string, or a PaperRef's identifiers) that is too long, if any.
    (Run on every record of every row: the common case is a few short strings.)"""
    if isinstance(key, str):
        return "key" if len(key) > _LONG and _too_long(key) else None
    fields = _FIELDS.get(type(key))
    if fields is None:
        names = tuple(getattr(key, "__slots__", None) or getattr(key, "__dataclass_fields__", {}))
        fields = _FIELDS[type(key)] = (names, operator.attrgetter(*names) if len(names) > 1 else
                                       (lambda k, n=names: tuple(getattr(k, x) for x in n)))
    names, values_of = fields
    values = values_of(key)
    if sum(map(len, filter(None, values))) <= _LONG:  # all of them together are short
        return None
    return next((name for name, value in zip(names, values) if _too_long(value)), None)


def key_too_long(label: str, key) -> str | None:
    """Why a node key cannot be written (a value too long for Neo4j's index), or None."""
    where = _ref_too_long(key)
    return _too_long_to_index(label, where) if where else None


def _too_long_to_index(label: str, where: str) -> str:
    return f"a {label}'s {where} is longer than {MAX_KEY_BYTES} bytes (not a real one; Neo4j cannot index it)"


def oversized(records) -> str | None:
    """Why the records cannot be written (a key or indexed value too long), or None."""
    checked = set()  # ids of keys seen in this row (an edge's ends are usually its nodes' keys)
    for rec in records:
        if isinstance(rec, Node):
            checked.add(id(rec.key))
            where = _ref_too_long(rec.key)
            node = NODES.get(rec.label)
            if where is None and node is not None and rec.props:
                where = next((p for p in node.indexes if _too_long(rec.props.get(p))), None)
            if where:
                return _too_long_to_index(rec.label, where)
        elif type(rec) is Citations:
            continue  # its reader checks each identifier once (key_too_long), rejecting only its lines
        elif isinstance(rec, (Edge, Citation)):
            ends = (("Paper", rec.citing), ("Paper", rec.cited)) if isinstance(rec, Citation) else \
                ((rec.start_label, rec.start_key), (rec.end_label, rec.end_key))
            for label, key in ends:
                where = None if id(key) in checked else _ref_too_long(key)
                if where:
                    return _too_long_to_index(label, where)
    return None
