"""Batched, idempotent writes of records into Neo4j.

Records are grouped per node label and per (relationship type, start label,
end label), and each group becomes one ``UNWIND $rows AS row MERGE ...``
statement. A batch of rows is written in one transaction function
(``session.execute_write``), which the driver retries on transient errors: every
statement is a MERGE, so running it twice is harmless. Values only ever travel
as parameters; labels and types come from the model (``graph.model``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import neo4j

from graph.model import NODES, check_label, check_rel_type
from graph.records import Edge, Node, ReplaceEdges

# Add each of the row's sources (default: the source being loaded) to a ``sources`` list once.
_ADD_SOURCE = ("reduce(acc = coalesce({v}.sources, []), s IN coalesce(row.src, [$source]) | "
               "CASE WHEN s IN acc THEN acc ELSE acc + s END)")


def _key_of(label: str) -> str:
    return NODES[label].key if label in NODES else "id"


def node_statement(label: str, extra_labels: tuple[str, ...]) -> str:
    check_label(label)
    key = _key_of(label)
    extra = "".join(f" SET n:`{check_label(x)}`" for x in extra_labels)
    return (f"UNWIND $rows AS row MERGE (n:`{label}` {{`{key}`: row.key}}) "
            f"ON CREATE SET n += row.create SET n += row.props, n.sources = {_ADD_SOURCE.format(v='n')}"
            f"{extra}")


def edge_statement(rel: str, start: str, end: str) -> str:
    check_rel_type(rel)
    check_label(start)
    check_label(end)
    return (f"UNWIND $rows AS row "
            f"MATCH (a:`{start}` {{`{_key_of(start)}`: row.start}}) "
            f"MATCH (b:`{end}` {{`{_key_of(end)}`: row.end}}) "
            f"MERGE (a)-[r:`{rel}`]->(b) SET r += row.props, r.sources = {_ADD_SOURCE.format(v='r')}")


def replace_statement(rel: str, anchor: str, other: str | None, outgoing: bool) -> str:
    check_rel_type(rel)
    check_label(anchor)
    other_pattern = f"o:`{check_label(other)}`" if other else "o"
    other_key = _key_of(other) if other else "id"
    arrow = f"-[r:`{rel}`]->({other_pattern})" if outgoing else f"<-[r:`{rel}`]-({other_pattern})"
    return (f"UNWIND $rows AS row MATCH (x:`{anchor}` {{`{_key_of(anchor)}`: row.anchor}}){arrow} "
            f"WHERE NOT o.`{other_key}` IN row.keep AND $source IN coalesce(r.sources, []) "
            f"SET r.sources = [s IN r.sources WHERE s <> $source] "
            f"WITH r, o WHERE size(r.sources) = 0 DELETE r "
            # a node only this source asserted, and that no longer has any such link, goes too
            f"WITH DISTINCT o WHERE o.sources = [$source] AND NOT (o)-[:`{rel}`]-() DETACH DELETE o")


@dataclass
class WriteCounts:
    nodes_created: int = 0
    relationships_created: int = 0
    relationships_deleted: int = 0
    properties_set: int = 0
    labels_added: int = 0

    def add(self, counters) -> None:
        self.nodes_created += counters.nodes_created
        self.relationships_created += counters.relationships_created
        self.relationships_deleted += counters.relationships_deleted
        self.properties_set += counters.properties_set
        self.labels_added += counters.labels_added

    def as_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class _Batch:
    nodes: dict = field(default_factory=lambda: defaultdict(dict))
    edges: dict = field(default_factory=lambda: defaultdict(dict))
    replaces: dict = field(default_factory=lambda: defaultdict(list))
    size: int = 0


class GraphWriter:
    """Collects records and writes them in batches; use as a context manager.

    ``source`` is recorded in the ``sources`` list of everything written.
    """

    def __init__(self, driver: neo4j.Driver, database: str | None = None, *, source: str,
                 batch_size: int = 10_000):
        self.driver = driver
        self.database = database
        self.source = source
        self.batch_size = batch_size
        self.counts = WriteCounts()
        self._batch = _Batch()

    def __enter__(self) -> GraphWriter:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.flush()

    def add(self, records) -> None:
        batch = self._batch
        for rec in records:
            if isinstance(rec, Node):
                bucket = batch.nodes[(rec.label, rec.extra_labels)]
                seen = bucket.get(rec.key)
                if seen is None:
                    bucket[rec.key] = {"key": rec.key, "props": dict(rec.props), "create": dict(rec.create_props),
                                       "src": rec.sources}
                else:  # the same node twice in one batch: one row, later values win
                    seen["props"].update(rec.props)
                    for k, v in rec.create_props.items():
                        seen["create"].setdefault(k, v)
            elif isinstance(rec, Edge):
                bucket = batch.edges[(rec.type, rec.start_label, rec.end_label)]
                bucket[(rec.start_key, rec.end_key)] = {"start": rec.start_key, "end": rec.end_key,
                                                        "props": rec.props, "src": rec.sources}
            elif isinstance(rec, ReplaceEdges):
                batch.replaces[(rec.type, rec.anchor_label, rec.other_label, rec.outgoing)].append(
                    {"anchor": rec.anchor_key, "keep": rec.keep})
            else:
                raise TypeError(f"not a record: {rec!r}")
            batch.size += 1
        if batch.size >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        batch, self._batch = self._batch, _Batch()
        if not batch.size:
            return
        statements = []
        # replacements first: they only withdraw what this source no longer says
        for (rel, anchor, other, outgoing), rows in batch.replaces.items():
            statements.append((replace_statement(rel, anchor, other, outgoing), rows))
        for (label, extra), rows in batch.nodes.items():
            statements.append((node_statement(label, extra), list(rows.values())))
        for (rel, start, end), rows in batch.edges.items():
            statements.append((edge_statement(rel, start, end), list(rows.values())))

        def work(tx):
            summaries = []
            for query, rows in statements:
                summaries.append(tx.run(query, rows=rows, source=self.source).consume())
            return summaries

        with self.driver.session(database=self.database) as session:
            for summary in session.execute_write(work):
                self.counts.add(summary.counters)
