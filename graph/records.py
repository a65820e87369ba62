"""Plain, typed records: what loaders yield and the writer writes.

A loader turns one input row into a handful of these; nothing here knows about
files or Neo4j.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Node:
    label: str
    key: Any
    props: dict = field(default_factory=dict)  # set on every write
    create_props: dict = field(default_factory=dict)  # set only when the node is created
    extra_labels: tuple[str, ...] = ()
    sources: list | None = None  # who asserted it; None: the source being loaded
    row_hash: str | None = None  # papers: fingerprint of the row that described it (see paper_rows)


@dataclass(slots=True)
class Edge:
    type: str
    start_label: str
    start_key: Any
    end_label: str
    end_key: Any
    props: dict = field(default_factory=dict)
    sources: list | None = None  # who asserted it; None: the source being loaded


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


@dataclass(slots=True)
class Row:
    """One input row turned into records, or rejected."""

    source: str
    line: int | None
    records: list = field(default_factory=list)
    reject: Reject | None = None
    warnings: list = field(default_factory=list)
    unchanged: bool = False  # the same row was loaded before from this source: nothing to write
