"""Batched, idempotent writes of records into Neo4j.

Records are grouped per node label and per (relationship type, start label,
end label), and each group becomes one ``UNWIND $rows AS row MERGE ...``
statement (``CREATE`` where nothing can exist yet: papers new in the batch and
their relationships, the references of a paper that has none). A batch of rows is
written in one transaction function (``session.execute_write``), which the driver
retries on transient errors: a retry starts from a rolled-back transaction and the
graph as it is, and loading the same rows again MERGEs, so writing twice is harmless.
While one batch commits, the next is planned in a second thread from identifiers looked up
in the committing batch's transaction; a retry drops that plan and makes it again.
Values only ever travel as parameters; labels and types come from the model
(``graph.model``).
"""

from __future__ import annotations

import functools
import queue
import random
import threading
import time
from collections import OrderedDict, defaultdict
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from graph import killpoints, paper_identity
from graph.counts import PENDING, VENUE_FACTS, counted_at, mark, mark_owners_of, recount
from graph.identity import PREFERRED_NAME_CYPHER, fold_create_props
from graph.lazy import lazy
from graph.model import ARTIFACT_LABELS, NODES, UNTITLED, check_label, check_rel_type
from graph.papers import PaperRef
from graph.records import Edge, Node, ReplaceEdges, expanded
from graph.resolver import HeavyMerges, PaperResolver, heal_duplicates, move_relationships
from graph.retry import retried
from graph.sink import Written

neo4j = lazy("neo4j")  # the driver, imported when first used (graph.lazy)

# Add each of the row's sources (default: the source being loaded) to a ``sources`` list once.
_ADD_SOURCE = ("reduce(acc = coalesce({v}.sources, []), s IN coalesce(row.src, [$source]) | "
               "CASE WHEN s IN acc THEN acc ELSE acc + s END)")


def _key_of(label: str) -> str:
    return NODES[label].key if label in NODES else "id"


# Papers without a title carry the label Untitled (graph.model.UNTITLED), kept with every write.
_UNTITLED = (f" FOREACH (_ IN CASE WHEN n.title IS NULL THEN [1] ELSE [] END | SET n:`{UNTITLED}`)"
             f" FOREACH (_ IN CASE WHEN n.title IS NULL THEN [] ELSE [1] END | REMOVE n:`{UNTITLED}`)")

# Papers keep one fingerprint per source of the row that described them (a re-load skips
# rows whose fingerprint is already there; see loaders.paper_rows).
# A fingerprint is "<24 hex digits>:<source>".
_ROW_HASH = (" FOREACH (_ IN CASE WHEN row.hash IS NULL THEN [] ELSE [1] END | SET n.row_hashes = "
             "[h IN coalesce(n.row_hashes, []) WHERE substring(h, 25) <> $source] + (row.hash + ':' + $source))")


# A paper row that sets (or removes) what venue statistics count marks the paper; a stub of a
# cited paper, or a row that changes nothing counted, does not (citation loads write many).
_MARK_PAPER = (" FOREACH (_ IN CASE WHEN any(k IN keys(row.props) WHERE k IN $venue_facts) THEN [1] ELSE [] END | "
               + mark("n") + ")")
# A new venue is counted from scratch (it may have no papers; its statistics are still numbers).
_NEW_VENUE = " ON CREATE " + mark("n")


def node_statement(label: str, extra_labels: tuple[str, ...]) -> str:
    check_label(label)
    key = _key_of(label)
    extra = "".join(f" SET n:`{check_label(x)}`" for x in extra_labels)
    # an author met again: the preferred spelling of the name (graph.identity.preferred_name)
    on_match = (" ON MATCH SET n.name = " + PREFERRED_NAME_CYPHER.format(new="coalesce(row.create.name, n.name)")
                if label == "Author" else "")
    return (f"UNWIND $rows AS row MERGE (n:`{label}` {{`{key}`: row.key}}) "
            f"ON CREATE SET n += row.create{_NEW_VENUE if label == 'Venue' else ''}{on_match} "
            f"SET n += row.props, n.sources = {_ADD_SOURCE.format(v='n')}"
            f"{extra}{_ROW_HASH + _UNTITLED + _MARK_PAPER if label == 'Paper' else ''}")


def create_node_statement(label: str, extra_labels: tuple[str, ...]) -> str:
    """For nodes known not to exist yet (papers new in this batch): no MERGE lookup."""
    check_label(label)
    extra = "".join(f":`{check_label(x)}`" for x in extra_labels)
    return (f"UNWIND $rows AS row CREATE (n:`{label}`{extra} {{`{_key_of(label)}`: row.key}}) "
            f"SET n += row.create SET n += row.props, n.sources = coalesce(row.src, [$source])"
            f"{_ROW_HASH + _UNTITLED if label == 'Paper' else ''}")


# the relationships of a paper that its venues' statistics count
_VENUE_RELS = ("PRESENTED_AT", "HAS_CODE", "HAS_ARTIFACT")


def _raised(counted) -> str:
    """The kept counts a relationship created by this row raises by one (Cypher takes a node's
    write lock before reading a property that its own SET reads, so two loads adding to one
    paper's count at once cannot both read the old value)."""
    return ", ".join(f"{var}.`{count.prop}` = coalesce({var}.`{count.prop}`, 0) + 1" for count, var in counted)


def _counted(rel: str, start: str, end: str) -> list:
    return [(count, "a" if side == "start" else "b") for count, side in counted_at(rel, start, end)]


def _marks(rel: str, start: str) -> str:
    """What the statement marks for statistics, once per node (graph.counts)."""
    # a paper's venue statistics count its code, artifacts and venues
    counted_paper = rel in _VENUE_RELS and start == "Paper"
    tail = ""
    if rel == "HAS_ARTIFACT":  # a Hub account's statistics count the papers that link its artifacts
        tail = " WITH DISTINCT a, b " + mark_owners_of("b")
    elif rel == "OWNS":
        tail = " WITH DISTINCT a " + mark("a")
    elif counted_paper:
        tail = " WITH DISTINCT a"
    return tail + (" " + mark("a") if counted_paper else "")


def _merged(rel: str, raised: str) -> str:
    """MERGE of the row's relationship, its sources added to, the counts raised when created."""
    return (f"MERGE (a)-[r:`{rel}`]->(b) " + (f"ON CREATE SET {raised} " if raised else "")
            + f"SET r += row.props, r.sources = {_ADD_SOURCE.format(v='r')}")


def _created(rel: str, raised: str) -> str:
    """CREATE of the row's relationship (nothing can hold it yet), the counts raised."""
    return (f"CREATE (a)-[r:`{rel}`]->(b) SET r = row.props, r.sources = coalesce(row.src, [$source])"
            + (f", {raised}" if raised else ""))


@functools.cache
def edge_statement(rel: str, start: str, end: str, create: bool = False) -> str:
    """MERGE the relationship, or CREATE it when one end is a paper new in this batch; the kept
    counts at its ends are raised by one for each relationship created."""
    check_rel_type(rel)
    check_label(start)
    check_label(end)
    head = (f"UNWIND $rows AS row "
            f"MATCH (a:`{start}` {{`{_key_of(start)}`: row.start}}) "
            f"MATCH (b:`{end}` {{`{_key_of(end)}`: row.end}}) ")
    raised = _raised(_counted(rel, start, end))
    return head + (_created(rel, raised) if create else _merged(rel, raised)) + _marks(rel, start)


@functools.cache
def citation_statement() -> str:
    """CITES between papers the graph holds; a row is a citing paper and the papers it cites
    (``cites``). A paper with no references in the graph yet (every paper of a first citation
    load) gets its relationships by CREATE, which saves the look-up of a MERGE per edge (at a
    million papers the statement takes half the time). The citing paper is locked first (a
    write of its own ``stats_pending`` back to it, which Cypher does under its write lock; the
    key exists, it is indexed), so a load adding its references at the same time waits, then
    finds them and MERGEs."""
    raised = _raised(_counted("CITES", "Paper", "Paper"))
    return ("UNWIND $rows AS row MATCH (a:Paper {id: row.start}) "
            f"SET a.`{PENDING}` = a.`{PENDING}` "
            "WITH a, row.cites AS cites, EXISTS { (a)-[:CITES]->() } AS had "
            "UNWIND cites AS row MATCH (b:Paper {id: row.end}) "
            f"FOREACH (_ IN CASE WHEN had THEN [1] ELSE [] END | {_merged('CITES', raised)}) "
            f"FOREACH (_ IN CASE WHEN had THEN [] ELSE [1] END | {_created('CITES', raised)})")


def replace_statement(rel: str, anchor: str, other: str | None, outgoing: bool) -> str:
    check_rel_type(rel)
    check_label(anchor)
    other_pattern = f"o:`{check_label(other)}`" if other else "o"
    other_key = _key_of(other) if other else "id"
    arrow = f"-[r:`{rel}`]->({other_pattern})" if outgoing else f"<-[r:`{rel}`]-({other_pattern})"
    start, end = (anchor, other) if outgoing else (other, anchor)
    var_of = {"start": "x", "end": "o"} if outgoing else {"start": "o", "end": "x"}
    recounts = "".join(" " + recount(count, var_of[side], check_label=True)  # withdrawn: recount both ends
                       for count, side in counted_at(rel, start, end))
    # a paper that loses a venue, its code or an artifact: its venues' statistics change (these
    # relationships start at papers)
    paper = var_of["start"] if rel in _VENUE_RELS else None
    marks = " " + mark(paper) if paper else ""
    if rel == "HAS_ARTIFACT":  # the artifact's owners lose a linking paper
        marks += " " + mark_owners_of(var_of["end"])
    orphan_venues = (f" FOREACH (v IN [(o)-[:PRESENTED_AT]->(v:Venue) | v] | {mark('v')})"
                     if other in (None, "Paper") else "")
    if rel != "HAS_ARTIFACT" and (other is None or other in ARTIFACT_LABELS):  # an artifact that goes
        orphan_venues += " " + mark_owners_of("o")
    return (f"UNWIND $rows AS row MATCH (x:`{anchor}` {{`{_key_of(anchor)}`: row.anchor}}){arrow} "
            f"WHERE NOT o.`{other_key}` IN row.keep AND $source IN coalesce(r.sources, []) "
            f"SET r.sources = [s IN r.sources WHERE s <> $source] "
            f"WITH x, r, o WHERE size(r.sources) = 0 DELETE r "
            f"WITH DISTINCT x, o{recounts}{marks} "
            # a node only this source asserted, and that no longer has any such link, goes too
            # (not a paper the source described: it was there for itself, not for the link)
            f"WITH DISTINCT o WHERE o.sources = [$source] AND NOT (o)-[:`{rel}`]-() AND (o.stub OR NOT o:Paper)"
            f"{orphan_venues} DETACH DELETE o")


# What a load running beside another can meet, and a fresh attempt of the batch resolves (the
# driver itself retries a deadlock for its max_transaction_retry_time; under heavy contention a
# batch may need longer)
RACES = {"Neo.ClientError.Schema.ConstraintValidationFailed", "Neo.ClientError.Statement.EntityNotFound",
         "Neo.TransientError.Transaction.DeadlockDetected"}
RACE_RETRIES = 5


@dataclass
class BatchNotes:
    """What turning a batch into statements found (per attempt: a retried transaction starts over)."""

    self_citations: list = field(default_factory=list)  # papers "citing" themselves (two of their identifiers)
    bare: list = field(default_factory=list)  # bare paper references written (later batches need not)
    withdraws: bool = False  # it withdraws relationships, which may remove papers only this source named


@dataclass
class Batch:
    """Records to write in one transaction, with the rows they came from."""

    records: list
    source: str | None
    rows: int = 0  # rows whose records these are
    last: object = None  # origin of the last of them
    refs: set = field(default_factory=set)  # the PaperRefs to resolve
    # its plan, statements and notes, made while the batch before it committed (``_prepare_ahead``)
    prepared: Future | None = None


class GraphWriter:
    """Collects records and writes them in batches (a ``graph.sink.Sink``); use as a context manager.

    ``source`` is recorded in the ``sources`` list of everything written (unless
    a record names its own sources). Papers may be given as ``PaperRef``s: they are
    resolved to node ids (``graph.papers``) in the same transaction as the batch.

    Batches are written by a background thread while the caller prepares the
    next one (at most one batch waits), so parsing and Neo4j work overlap; the
    batches still commit one after another, in order. An error in a batch is
    raised to the caller at its next ``add``/``flush``. While a batch commits, the
    next one is already planned (``_prepare_ahead``): its identifiers were looked up in
    the committing batch's transaction, which sees what that batch wrote.
    """

    takes_batches = False  # (it writes a row's records in one batch; a row of 20,000 would outgrow it)
    withdraws = True  # (a row withdraws what its source said before and no longer says)

    def __init__(self, driver: neo4j.Driver, database: str | None = None, *, source: str | None,
                 batch_size: int = 10_000, background: bool = True):
        self.driver = driver
        self.database = database
        self.source = source
        self.batch_size = batch_size
        self.written = Written()  # from Neo4j's counters, batch by batch
        self.resolver = PaperResolver()
        # papers this writer has committed as bare references (identifiers and nothing else, as
        # an edge list gives them): writing one again changes nothing, so it is not sent again
        # (a cited paper recurs in batch after batch of a citation load)
        self._asserted: OrderedDict = OrderedDict()
        self._records: list = []
        self._rows = 0  # rows whose records are collected, not yet handed on
        self._last = None  # origin of the last of them
        self.committed_rows = 0  # rows whose records are committed
        self.committed_through = None  # origin (source, line) of the last committed row
        self._queue: queue.Queue | None = queue.Queue(maxsize=1) if background else None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._ahead: ThreadPoolExecutor | None = None  # plans the next batch while one commits
        self.prepared_ahead = 0  # batches planned while the one before them committed

    def __enter__(self) -> GraphWriter:
        return self

    def __exit__(self, *exc) -> None:
        if exc[0] is None:
            self.close()
        else:
            self._stop()

    def close(self) -> Written:
        """Write what is left, wait for every batch to commit; return what was written."""
        self.flush()
        self._stop()
        self._raise()
        return self.written

    def _stop(self) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
        if self._ahead is not None:
            self._ahead.shutdown(wait=True)
            self._ahead = None

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error

    def _worker(self) -> None:
        item = self._queue.get()
        while item is not None:
            try:  # the batch after it, if the caller has handed it on already: planned while this one commits
                following = self._queue.get_nowait()
            except queue.Empty:
                following = False
            if self._error is None:  # after a failure, later batches are dropped
                try:
                    self._write(item, following or None)
                except BaseException as exc:  # handed to the caller's thread
                    self._error = exc
            item = self._queue.get() if following is False else following

    def add(self, records, origin=None) -> None:
        self._records.extend(expanded(records))
        self._rows += 1
        self._last = origin
        if len(self._records) >= self.batch_size:
            self.flush()

    @staticmethod
    def _refs(records) -> set:
        refs = set()
        for rec in records:
            if isinstance(rec, Node):
                if isinstance(rec.key, PaperRef):
                    refs.add(rec.key)
            elif isinstance(rec, Edge):
                if isinstance(rec.start_key, PaperRef):
                    refs.add(rec.start_key)
                if isinstance(rec.end_key, PaperRef):
                    refs.add(rec.end_key)
            elif isinstance(rec, ReplaceEdges):
                refs.update(k for k in (rec.anchor_key, *rec.keep) if isinstance(k, PaperRef))
        return refs

    def _statements(self, records, ids: dict, new_ids: set, notes: BatchNotes) -> list:
        """The batch as (Cypher, rows) pairs; what it found goes to ``notes``."""
        nodes: dict = defaultdict(dict)
        edges: dict = defaultdict(dict)
        replaces: dict = defaultdict(list)
        key = lambda k: ids[k] if isinstance(k, PaperRef) else k
        for rec in records:
            if isinstance(rec, Node):
                k = key(rec.key)
                props = rec.props
                if isinstance(rec.key, PaperRef):  # identifiers are stored, so later sources find the paper
                    props = {**rec.key.id_props(), **props}
                    if not (rec.props or rec.row_hash or rec.sources or rec.extra_labels):
                        written = (k, tuple(sorted(props.items())))
                        if written in self._asserted:
                            self._asserted.move_to_end(written)
                            continue
                        notes.bare.append(written)
                fresh = rec.label == "Paper" and k in new_ids
                bucket = nodes[(rec.label, rec.extra_labels, fresh)]
                seen = bucket.get(k)
                if seen is None:
                    bucket[k] = {"key": k, "props": dict(props), "create": dict(rec.create_props), "src": rec.sources,
                                 "hash": rec.row_hash}
                else:  # the same node twice in one batch: one row, later values win
                    seen["props"].update(props)
                    seen["hash"] = rec.row_hash or seen["hash"]
                    fold_create_props(rec.label, seen["create"], rec.create_props)
            elif isinstance(rec, Edge):
                start, end = key(rec.start_key), key(rec.end_key)
                if rec.type == "CITES" and start == end:
                    notes.self_citations.append(start)
                    continue  # two identifiers of one paper: not a citation
                fresh = (rec.start_label == "Paper" and start in new_ids) or (rec.end_label == "Paper" and end in new_ids)
                edges[(rec.type, rec.start_label, rec.end_label, fresh)][(start, end)] = {
                    "start": start, "end": end, "props": rec.props, "src": rec.sources}
            elif isinstance(rec, ReplaceEdges):
                anchor = key(rec.anchor_key)
                if rec.anchor_label == "Paper" and anchor in new_ids:
                    continue  # a new paper has nothing to withdraw
                replaces[(rec.type, rec.anchor_label, rec.other_label, rec.outgoing)].append(
                    {"anchor": anchor, "keep": [key(k) for k in rec.keep]})
            else:
                raise TypeError(f"not a record: {rec!r}")
        notes.withdraws = bool(replaces)
        statements = []
        # replacements first: they only withdraw what this source no longer says
        for (rel, anchor, other, outgoing), rows in replaces.items():
            statements.append((replace_statement(rel, anchor, other, outgoing), rows))
        # rows in key order: concurrent loads then take their locks in the same order, which
        # keeps deadlocks between them rare
        for (label, extra, fresh), rows in nodes.items():
            make = create_node_statement if fresh else node_statement
            statements.append((make(label, extra), [rows[k] for k in sorted(rows, key=str)]))
        for (rel, start, end, fresh), rows in edges.items():
            ordered = [rows[k] for k in sorted(rows, key=str)]
            if (rel, start, end, fresh) == ("CITES", "Paper", "Paper", False):  # one row per citing paper
                citing: dict = defaultdict(list)
                for row in ordered:
                    citing[row.pop("start")].append(row)
                statements.append((citation_statement(), [{"start": k, "cites": v} for k, v in citing.items()]))
            else:
                statements.append((edge_statement(rel, start, end, create=fresh), ordered))
        return statements

    def flush(self) -> None:
        """Hand the collected records to be written (``close`` waits for them)."""
        self._raise()
        records, self._records = self._records, []
        rows, self._rows = self._rows, 0
        if not records:
            self.committed_rows += rows  # rows without records (nothing to write) are done
            return
        batch = self.batch(records, rows, self._last)
        if self._queue is None:
            self._write(batch)
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._worker, name="citegraph-writer", daemon=True)
            self._thread.start()
        self._queue.put(batch)

    def batch(self, records: list, rows: int = 0, last=None) -> Batch:
        """Records to write in one transaction (``_write``)."""
        return Batch(records, self.source, rows, last, self._refs(records))

    def _prepare(self, batch: Batch, existing: dict, title_only: dict) -> tuple:
        """The batch's plan (``graph.paper_identity``), statements and notes, from what the graph
        knows of its references."""
        plan = paper_identity.resolve(batch.refs, existing, title_only) if batch.refs else paper_identity.Plan()
        notes = BatchNotes()
        return plan, self._statements(batch.records, plan.ids, plan.new, notes), notes

    def _prepare_ahead(self, tx, following: Batch, plan, notes: BatchNotes) -> None:
        """Look the following batch's identifiers up in this batch's transaction (it sees what this
        batch wrote), and plan that batch in a second thread while this one commits.

        Not after a batch that merged or renamed papers, or withdrew relationships: the cache of
        identifiers and of bare papers written, which the plan reads, is up to date only once
        such a batch has committed."""
        if plan.merges or plan.renames or notes.withdraws:
            return
        found = self.resolver.find(tx, following.refs) if following.refs else ({}, {})
        if self._ahead is None:
            self._ahead = ThreadPoolExecutor(max_workers=1, thread_name_prefix="citegraph-plan")
        following.prepared = self._ahead.submit(self._prepare, following, *found)

    @staticmethod
    def _settle(following: Batch | None, keep: bool = True) -> None:
        """Wait until the following batch's plan is made (it reads what this thread then
        changes); without ``keep``, drop it (this batch's transaction starts over)."""
        if following is not None and following.prepared is not None:
            wait([following.prepared])
            if not keep:
                following.prepared = None

    def _write(self, batch: Batch, following: Batch | None = None) -> None:
        def work(tx):
            self._settle(following, keep=False)  # an earlier attempt's plan of it may be out of date
            prepared, batch.prepared = batch.prepared, None  # (a retried transaction plans afresh)
            if prepared is not None:
                plan, statements, notes = prepared.result()
            else:
                found = self.resolver.find(tx, batch.refs) if batch.refs else ({}, {})
                plan, statements, notes = self._prepare(batch, *found)
            learned = self.resolver.apply(tx, plan)
            summaries = [tx.run(query, rows=rows, source=batch.source, venue_facts=VENUE_FACTS).consume()
                         for query, rows in statements]
            killpoints.point("write.batch")
            if following is not None:
                self._prepare_ahead(tx, following, plan, notes)
            return summaries, plan, learned, notes, prepared is not None

        attempt = 0
        while True:
            try:
                with self.driver.session(database=self.database) as session:
                    summaries, plan, learned, notes, ahead = session.execute_write(work)
                break
            except HeavyMerges as heavy:
                # the batch rolled back before writing; move the big papers' relationships a
                # chunk per transaction, then write the batch again (graph.resolver)
                for keep, gone in heavy.pairs:
                    move_relationships(self.driver, self.database, keep, gone)
                    self.resolver.moved.add((keep, gone))
            except (neo4j.exceptions.ClientError, neo4j.exceptions.TransientError) as exc:
                # another load at the same time created a paper this batch found missing (papers
                # new to a batch are CREATEd, not MERGEd), or merged away a node this batch had
                # read: the batch rolled back; run it again, and the resolver sees the graph as it is
                attempt += 1
                if exc.code not in RACES or attempt == RACE_RETRIES:
                    self._settle(following, keep=False)
                    raise
                time.sleep(random.uniform(0.1, 0.5) * attempt)  # let the other load get ahead
        self._settle(following)  # its plan read the bare papers written, which _remember changes
        self.prepared_ahead += ahead
        self.written.self_citations += len(notes.self_citations)
        self.resolver.commit(learned)
        self._remember(notes)
        created = plan.new | plan.gained | {new for _, new in plan.renames}
        if created and self._heal(created):
            self._settle(following, keep=False)  # it may name a paper the healing merged away
        for summary in summaries:
            self.written.add(summary.counters)
        self.committed_rows += batch.rows
        self.committed_through = batch.last or self.committed_through
        killpoints.point("write.committed")

    def _remember(self, notes: BatchNotes) -> None:
        """Keep a committed batch's bare paper references (at most as many as the resolver keeps
        identifiers). A batch that withdrew relationships may have removed papers only this
        source named: then none is taken as written any more."""
        if notes.withdraws:
            self._asserted.clear()
            return
        for written in notes.bare:
            self._asserted[written] = None
            self._asserted.move_to_end(written)
        while len(self._asserted) > self.resolver.cache_size:
            self._asserted.popitem(last=False)

    def _heal(self, ids: set) -> bool:
        """Merge papers another load wrote at the same time under other ids (``heal_duplicates``);
        whether it merged any."""
        def work():
            with self.driver.session(database=self.database) as session:
                return session.execute_write(lambda tx: heal_duplicates(tx, ids))

        stale = retried(work, RACES, RACE_RETRIES, pause=(0.1, 0.5))
        if stale:  # (each merge's evidence is on the paper: citegraph explain shows it)
            self.resolver.commit({None: stale})
        return bool(stale)
