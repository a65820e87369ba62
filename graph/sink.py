"""Where records go: the one interface of the live writer (``graph.writer``) and the bulk
writer (``graph.bulk``), and what each returns when it is closed.

A loader's rows become records (``graph.records``); the API hands each row's records to a
sink with the row's origin (its source and line), and closes the sink when every file is
read. ``close`` returns :class:`Written`: what the database actually holds afterwards, from
Neo4j's own counters (live) or from the import and its report (bulk), and what it did not
keep, each with the source and line of the row that asked for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Protocol

Origin = tuple  # (source, line): where a record came from; line is None for a whole file


@dataclass
class Written:
    nodes_created: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    labels_added: int = 0
    self_citations: int = 0  # CITES between two identifiers that turned out to be one paper: not written
    import_seconds: float | None = None  # bulk only: neo4j-admin import itself
    phases: dict = field(default_factory=dict)  # bulk only: seconds of writing the CSV files, import, restart
    not_kept: list = field(default_factory=list)  # [{source, line, reason}]: asked for, not in the database

    def add(self, counters) -> None:
        """Add a Neo4j result summary's counters."""
        self.nodes_created += counters.nodes_created
        self.relationships_created += counters.relationships_created
        self.relationships_deleted += counters.relationships_deleted
        self.properties_set += counters.properties_set
        self.labels_added += counters.labels_added

    def counts(self) -> dict:
        """The numbers, as a load summary shows them."""
        out = {k: v for k, v in self.__dict__.items() if k not in ("not_kept", "import_seconds", "phases")}
        if self.import_seconds is not None:
            out["import_seconds"] = round(self.import_seconds, 3)
            out["import_skipped"] = len(self.not_kept)
        return out

    def self_citation_warning(self) -> str | None:
        if not self.self_citations:
            return None
        return (f"{self.self_citations} citation(s) between two identifiers of one paper not written "
                f"(a paper does not cite itself)")


class Sink(Protocol):
    """What the API writes through; ``GraphWriter`` and ``BulkWriter`` are the two."""

    source: str | None  # the source name recorded on what is written (a record may name its own)
    takes_batches: bool  # it takes graph.records.Citations: a row may stand for many lines
    withdraws: bool  # it runs graph.records.ReplaceEdges (a new database has nothing to withdraw)

    def add(self, records: Iterable, origin: Origin | None = None) -> None:
        """The records of one input row, and where the row came from."""

    def flush(self) -> None:
        """Hand on what was collected (before the source changes)."""

    def close(self) -> Written:
        """Write everything left; return what the database holds and what it did not keep."""
