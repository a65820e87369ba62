"""First loads through ``neo4j-admin database import full``: the speed limit of a Neo4j load.

``citegraph load --bulk`` turns the records of every input into CSV files (one
per label and per relationship type and end labels), stops the managed server,
has the admin tool build the database from them, starts the server again and
creates the schema. Only into an empty database: the import replaces it.

It gives the graph a normal load gives: papers are resolved across all inputs
by their identifiers (papers found to be one are joined under their best id),
a paper's properties come from its first full description (identifiers from all
of them), nodes and relationships named by several inputs are written once with
every source. Memory grows with the number of distinct papers and other nodes,
not with relationships: those are written to disk as they come, then sorted
(GNU ``sort``, on disk) so that duplicates meet and are merged, and read back on columns
(``graph.bulk_columns``, pyarrow, in bounded batches). The relationships
are written first, so the counts kept on nodes (``graph.model.COUNTS``) and the venue
and Hub account statistics (``graph.counts.StatsTally``) are tallied on the way and
imported with the nodes instead of computed in the database after.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Callable

from graph.counts import COUNTED, StatsTally
from graph.identity import fold_create_props
from graph.errors import LoadError
from graph.lazy import lazy
from graph.model import COUNTS, NODES, RELS, UNTITLED
from graph import killpoints, paper_identity
from graph.papers import PROPERTY, PaperRef
from graph.records import Citation, Citations, Edge, Node, ReplaceEdges
from graph.sink import Written

bulk_columns = lazy("graph.bulk_columns")  # (pyarrow, imported when import files are first written)

ARRAY = "\u001e"  # array delimiter of the CSV files (never in names or ids)
TYPE_SUFFIX = {"string": "", "integer": ":long", "float": ":double", "boolean": ":boolean",
               "list<string>": ":string[]"}
ID_PROPS = set(PROPERTY.values())
SETTLED_SIZE = 1 << 18  # references remembered as settled (emptied when full: memory stays bounded)
_enc = json.encoder.encode_basestring  # a string as JSON (never holds a raw tab or newline)


# What neo4j-admin import writes in its report, one line per thing it left out.
_MISSING_NODE = re.compile(r"^(?P<start>.*) \((?P<start_label>[^()]*)\)-\[(?P<type>[^\]]*)\]->"
                           r"(?P<end>.*) \((?P<end_label>[^()]*)\) referring to missing node (?P<missing>.*)$")
_DUPLICATE_ID = re.compile(r"^Id '(?P<id>.*)' is defined more than once in group '(?P<label>[^']*)'$")

Importer = Callable[[list, list], tuple]  # (--nodes args, --relationships args) -> (seconds, report lines)


class BulkWriter:
    """Collects records into files for the admin import, then runs it (a ``graph.sink.Sink``).

    ``importer`` runs neo4j-admin import on the files (``citegraph.server.admin_import``) and
    returns its seconds and the lines of its report; ``close`` turns each line into a reject
    naming the source and line of the row that asked for what was left out.
    """

    takes_batches = True  # edge lists give it Citations: rows of many lines
    withdraws = False  # (a new database has nothing to withdraw: it skips ReplaceEdges)

    def __init__(self, workdir: Path, importer: Importer):
        self.dir = workdir
        self.importer = importer
        self.source: str | None = None
        self.paper_ids: dict = {}  # (kind, value) -> paper id
        self.parent: dict[str, str] = {}  # paper id -> the id it was found to be (union-find)
        self.paper_sources: dict[str, frozenset] = {}  # paper id -> its sources (a set shared by many)
        self._sets: dict[frozenset, frozenset] = {}  # one object per combination of sources or labels
        self.title_keys: dict[str, str] = {}  # paper known only by its title -> its BibTeX key
        self._settled: dict = {}  # PaperRef whose identifiers all name one paper -> that paper's id
        self._rest: dict = {}  # (props, sources, origin source, source) -> an edge line's last fields but the line
        self._stubs = None  # a Citations' paper number -> its paper's key as JSON (bulk_columns.Keys)
        self._stubs_source = None  # (the source and numbering they were added for)
        self.evidence: list = []  # (id, notes): why papers became one (Paper.merged_from)
        self.paper_file = open(workdir / "papers.jsonl", "w", encoding="utf-8")
        self.nodes: dict = {}  # (label, key) -> [props, create_props, extra_labels, sources]
        self.edge_files: dict = {}  # (type, start label, end label) -> file of JSON lines
        self.written = Written()
        # each node's relationship counts (graph.model.COUNTS): the import writes them with the nodes
        self.counts: dict = {c: defaultdict(int) for c in COUNTS}
        self.stats = StatsTally()  # the venue and Hub account statistics, likewise

    # -- paper identity -----------------------------------------------------------
    def _find(self, paper_id: str) -> str:
        root = paper_id
        while self.parent.get(root, root) != root:
            root = self.parent[root]
        while self.parent.get(paper_id, paper_id) != root:  # path compression
            self.parent[paper_id], paper_id = root, self.parent[paper_id]
        return root

    def _union(self, a: str, b: str) -> str:
        a, b = self._find(a), self._find(b)
        if a == b:
            return a
        keep = paper_identity.best_id((a, b))
        gone = b if keep == a else a
        self.parent[gone] = keep
        return keep

    def paper_id(self, ref) -> str:
        return self._resolve(ref)[0]

    def _resolve(self, ref) -> tuple[str, bool]:
        """The paper's id, and whether the reference taught anything new (an identifier)."""
        if not isinstance(ref, PaperRef):
            return self._find(ref), ref not in self.paper_sources
        settled = self._settled.get(ref)
        if settled is not None:
            return self._find(settled), False
        pairs = ref.pairs()
        found = [self._find(self.paper_ids[p]) for p in pairs if p in self.paper_ids]
        if len(found) == len(pairs) and len(set(found)) == 1:
            # the common case: a paper named again by what we know. Ids are only ever joined,
            # so these identifiers stay one paper: the next time the answer is one lookup.
            if len(self._settled) >= SETTLED_SIZE:
                self._settled.clear()
            self._settled[ref] = found[0]
            return found[0], False
        # otherwise the identity engine decides, as it does for a live load
        existing = {p: self._find(self.paper_ids[p]) for p in pairs if p in self.paper_ids}
        title_only = {}
        weak = ref.weak_title()
        if weak and weak in self.paper_ids:
            other = self._find(self.paper_ids[weak])
            if other.startswith("title:"):
                title_only[weak[1]] = (other, self.title_keys.get(other))
        if not existing and not title_only and pairs:  # a paper no one named before
            root = self._find(paper_identity.new_paper_id(ref))
        else:
            plan = paper_identity.resolve([ref], existing, title_only)
            for keep, gone in plan.merges:
                self._union(keep, gone)
            for old, new in plan.renames:
                self._union(old, new)
            self.evidence.extend(plan.evidence.items())
            root = self._find(plan.ids[ref])
        for pair in pairs:
            self.paper_ids.setdefault(pair, root)
        if ref.title:  # a later entry with nothing but a title finds the paper by it, as in the graph
            self.paper_ids.setdefault(("title", ref.title), root)
        if pairs and pairs[0][0] == "title" and ref.bibkey:
            self.title_keys.setdefault(root, ref.bibkey)
        return root, True

    def _shared(self, names) -> frozenset:
        """The frozenset of ``names``, one object for every node that has the same (a million
        papers and authors mostly share a handful of source lists and labels)."""
        names = frozenset(names)
        return self._sets.setdefault(names, names)

    def _add_sources(self, key: str, names) -> None:
        old = self.paper_sources.get(key)
        if old is None or not old.issuperset(names):
            self.paper_sources[key] = self._shared(names if old is None else old.union(names))

    # -- records --------------------------------------------------------------------
    def add(self, records, origin=None) -> None:
        """The records of one input row; ``origin`` is the row's (source, line)."""
        origin = list(origin) if origin else None
        for rec in records:
            if isinstance(rec, ReplaceEdges):
                continue  # nothing to withdraw in a new database
            if type(rec) is Citations:
                self._citations(rec, origin[0] if origin else self.source)
            elif isinstance(rec, Citation):  # the stubs and the edge of rec.records(), without making them
                citing = self._paper(rec.citing, {}, {"stub": True}, None, rec.sources, origin)
                cited = self._paper(rec.cited, {}, {"stub": True}, None, rec.sources, origin)
                self._edge(("CITES", "Paper", "Paper"), citing, cited, {}, rec.sources, origin)
            elif isinstance(rec, Node) and rec.label == "Paper":
                self._paper(rec.key, rec.props, rec.create_props, rec.row_hash, rec.sources, origin)
            elif isinstance(rec, Node):
                entry = self.nodes.get((rec.label, rec.key))
                if entry is None:
                    self.nodes[(rec.label, rec.key)] = [dict(rec.props), dict(rec.create_props),
                                                        self._shared(rec.extra_labels),
                                                        self._shared(rec.sources or [self.source]), origin]
                else:
                    entry[0].update(rec.props)
                    fold_create_props(rec.label, entry[1], rec.create_props)
                    if not entry[2].issuperset(rec.extra_labels):
                        entry[2] = self._shared(entry[2].union(rec.extra_labels))
                    if not entry[3].issuperset(rec.sources or [self.source]):
                        entry[3] = self._shared(entry[3].union(rec.sources or [self.source]))
            elif isinstance(rec, Edge):
                start = self.paper_id(rec.start_key) if rec.start_label == "Paper" else rec.start_key
                end = self.paper_id(rec.end_key) if rec.end_label == "Paper" else rec.end_key
                self._edge((rec.type, rec.start_label, rec.end_label), start, end, rec.props, rec.sources, origin)

    def _paper(self, ref, props: dict, create_props: dict, row_hash, sources, origin) -> str:
        """A paper's description (or its stub): written once to the paper file unless it says
        nothing new. Returns the paper's id."""
        key, new = self._resolve(ref)
        seen = key in self.paper_sources
        self._add_sources(key, sources or [self.source])
        if seen and not new and not props and not row_hash:
            return key  # a stub of a paper named before, by the same identifiers: only its source is news
        props = {**(ref.id_props() if isinstance(ref, PaperRef) else {}), **props}
        if row_hash:
            props["row_hashes"] = [f"{row_hash}:{self.source}"]
        self.paper_file.write(json.dumps([key, props, create_props, origin], ensure_ascii=False) + "\n")
        return key

    def _citations(self, rec: Citations, source: str) -> None:
        """The stubs and edges of many citations: a paper is written once, when its reference
        first comes (``Citations.refs``); each line then costs two look-ups by paper number."""
        if self._stubs_source != (self.source, rec.sources, rec.numbering):
            self._stubs = bulk_columns.Keys()  # per paper number of this reading: its key as JSON
            self._stubs_source = (self.source, rec.sources, rec.numbering)
        keys = self._stubs
        for number, (ref, line) in rec.refs.items():
            keys[number] = _key(self._paper(ref, {}, {"stub": True}, None, rec.sources, [source, line]))
        head = self._line_head({}, rec.sources, source)
        bulk_columns.write_citations(keys, rec.numbers, rec.lines, head, self._edge_file(("CITES", "Paper", "Paper")))

    def _edge_file(self, group: tuple):
        f = self.edge_files.get(group)
        if f is None:
            f = self.edge_files[group] = open(self.dir / f"edges_{'_'.join(group)}.jsonl", "w", encoding="utf-8")
        return f

    def _line_head(self, props: dict, sources, origin_source: str) -> str:
        """An edge line's fields after its keys, up to its origin's line number."""
        return json.dumps([props, sources or [self.source]], ensure_ascii=False) + "\t[" + _enc(origin_source) + ", "

    def _edge(self, group: tuple, start, end, props: dict, sources, origin) -> None:
        """One relationship line of its group's file: ``start\\tend\\t[props, sources]\\torigin``."""
        f = self._edge_file(group)
        head = None
        # most lines (no properties, or an author's position) take their start from a cache
        if origin and isinstance(origin[1], int) and all(type(v) in (int, str) for v in props.values()):
            cached = (tuple(props.items()), tuple(sources) if sources else None, origin[0], self.source)
            head = self._rest.get(cached)
            if head is None:
                head = self._line_head(props, sources, origin[0])
                if len(self._rest) < 10_000:
                    self._rest[cached] = head
        if head is None:
            rest = (json.dumps([props, sources or [self.source]], ensure_ascii=False) + "\t"
                    + json.dumps(origin, ensure_ascii=False))
        else:
            rest = f"{head}{origin[1]}]"
        f.write(f"{_key(start)}\t{_key(end)}\t{rest}\n")

    def flush(self) -> None:
        pass

    def close(self) -> Written:
        """Write the CSV files, import them; return what the import kept and what it left out."""
        started = time.perf_counter()
        node_args, rel_args = self.finish()
        written = time.perf_counter()
        seconds, report = self.importer(node_args, rel_args)
        self.written.import_seconds = seconds
        # the server's stop and start around the import
        restart = time.perf_counter() - written - seconds
        self.written.phases = {"csv": written - started, "import": seconds, "restart": restart}
        self.written.not_kept = self.not_kept(report)
        self.written.nodes_created -= sum(1 for line in report if _DUPLICATE_ID.match(line))
        self.written.relationships_created -= sum(1 for line in report if _MISSING_NODE.match(line))
        return self.written

    # -- files for the import ----------------------------------------------------------
    def finish(self) -> tuple[list[str], list[str]]:
        """Write the CSV files; return the --nodes and --relationships arguments."""
        self.paper_file.close()
        for f in self.edge_files.values():
            f.close()
        # ends of papers found to be another paper are rewritten to that paper (JSON key -> JSON key)
        moved = {_enc(k): _enc(self._find(k)) for k in self.parent}
        # the relationships first: they count. The largest file (citations) is sorted beside
        # this process while the others are written
        groups = sorted(self.edge_files, key=lambda g: -self._edge_path(g).stat().st_size)
        largest = self._sort_lines(groups[0], moved, wait=False) if groups else None
        try:
            rel_args = {group: self._write_edges(group, self._sort_lines(group, moved)) for group in groups[1:]}
            if groups:
                rel_args[groups[0]] = self._write_edges(groups[0], largest)
        except BaseException:  # (a failure or Ctrl-C: the sort beside this process ends too)
            if largest is not None and not largest.done:
                largest.stop()
            raise
        rel_args = [rel_args[group] for group in self.edge_files]
        node_args = [self._write_papers()]
        killpoints.point("bulk.csv")
        by_label: dict = defaultdict(list)
        for (label, key), entry in self.nodes.items():
            by_label[label].append((key, entry))
        for label, entries in by_label.items():
            header, at = _node_columns(label)
            path = self.dir / f"nodes_{label}.csv"
            with open(path, "wb") as f:
                w = bulk_columns.RowWriter(f, header)
                counted = [(c.prop, self.counts[c]) for c in COUNTS if c.label == label]
                for key, (p_props, create, extra, sources, _) in entries:
                    merged = {**create, **p_props, "sources": sorted(sources)}
                    for prop, tally in counted:
                        merged[prop] = tally.get(key)
                    merged.update(self.stats.node(label, key))
                    w.add([_text(key), *_cells(merged, at), ARRAY.join([label, *sorted(extra)])])
                    self.written.nodes_created += 1
                w.flush()
            node_args.append(str(path))
        return node_args, rel_args

    def _write_papers(self) -> str:
        """One row per paper, with the properties a normal load would give it: the first
        description creates it, each later one sets what it says, in input order."""
        header, at = _node_columns("Paper")
        lines: dict = defaultdict(int)
        key_of = json.JSONDecoder().raw_decode  # (a line is ``[key, props, …]``: only the key is read)
        with open(self.dir / "papers.jsonl", encoding="utf-8") as f:
            for line in f:
                lines[self._find(key_of(line, 1)[0])] += 1
        joined: dict = defaultdict(set)  # sources of papers found to be another, for that one
        for key, names in self.paper_sources.items():
            root = self._find(key)
            if root != key:
                joined[root] |= names
        merged_from: dict = defaultdict(list)
        for paper_id, notes in self.evidence:
            merged_from[self._find(paper_id)] += notes
        pending: dict = {}  # papers described more than once: merged here (few, in practice)
        counted = [(c.prop, self.counts[c]) for c in COUNTS if c.label == "Paper"]
        hashes: dict = defaultdict(list)
        path = self.dir / "nodes_Paper.csv"
        with open(self.dir / "papers.jsonl", encoding="utf-8") as f, \
                open(path, "wb") as out:
            w = bulk_columns.RowWriter(out, header)

            def write(root, values, row_hashes):
                values = {k: v for k, v in values.items() if v is not None}
                values["sources"] = sorted(self.paper_sources.get(root, frozenset()) | joined.get(root, set()))
                if merged_from.get(root):
                    values["merged_from"] = merged_from[root]
                if row_hashes:
                    values["row_hashes"] = row_hashes
                for prop, tally in counted:
                    values[prop] = tally.get(root)
                values[COUNTED] = self.stats.paper(root, values)
                labels = "Paper" if values.get("title") else f"Paper{ARRAY}{UNTITLED}"
                w.add([root, *_cells(values, at), labels])
                self.written.nodes_created += 1

            for line in f:
                key, p, create, _ = json.loads(line)
                root = self._find(key)
                row_hashes = p.pop("row_hashes", [])
                if lines[root] == 1:  # most papers: written at once, nothing kept
                    write(root, {**create, **p}, row_hashes)
                    continue
                hashes[root] += row_hashes
                merged = pending.get(root)
                if merged is None:
                    merged = pending[root] = [dict(create), lines[root]]
                merged[0].update(p)  # None removes, as SET n += {k: null} does
                merged[1] -= 1
                if merged[1] == 0:
                    write(root, pending.pop(root)[0], hashes.pop(root))
            w.flush()
        return str(path)

    def _edge_path(self, group: tuple) -> Path:
        return self.dir / f"edges_{'_'.join(group)}.jsonl"

    def _sort_lines(self, group: tuple, moved: dict, wait: bool = True):
        """Sort a group's relationship lines on disk so duplicates meet, the ends of papers found
        to be another paper rewritten (``moved``). Returns the sort (``_Sort``), done unless
        ``wait`` is false."""
        start_label, end_label = group[1:]
        lines = self._edge_path(group)
        ordered = self.dir / f"edges_{'_'.join(group)}.sorted"
        # when no paper moved, sort reads the file itself
        moved_start, moved_end = (moved if start_label == "Paper" else {}), (moved if end_label == "Paper" else {})
        feed = (lambda stdin: bulk_columns.rewrite_ends(lines, moved_start, moved_end, stdin)) \
            if moved_start or moved_end else None
        job = _Sort(group[0], ordered, source=None if feed else lines, feed=feed, workdir=self.dir)
        if wait:
            job.wait()
        return job

    def _write_edges(self, group: tuple, job: "_Sort") -> str:
        """Merge a group's sorted relationship lines (sources united) into its CSV file."""
        rel, start_label, end_label = group
        name = "_".join(group)
        job.wait()
        ordered = job.ordered
        self._edge_path(group).unlink()  # from here on only the sorted lines are read
        props_of = [p for p in RELS[rel].props]
        # the counts kept on nodes (graph.model.COUNTS), tallied as the relationships are written
        tallies = [(self.counts[c], 0 if c.outgoing else 1) for c in COUNTS if c.rel == rel
                   and c.label == (start_label if c.outgoing else end_label)]
        observed = rel in StatsTally.RELS

        def cells(props: dict, sources) -> list:
            values = {**props, "sources": sorted(sources)}
            return [_cell(values.get(p.name)) for p in props_of]

        def tail(rest: str) -> str:  # a line's cells after its ends (",…\r\n" without its first comma)
            props, sources = json.loads(rest)
            return _csv_line(cells(props, sources))

        # (the plain lines' ends counted on columns, a million at a time)
        counters = [(bulk_columns.Counter(tally), side) for tally, side in tallies]
        path = self.dir / f"rel_{name}.csv"
        with open(path, "wb") as out:
            out.write(_csv_line([f":START_ID({start_label})", f":END_ID({end_label})",
                                 *[f"{p.name}{TYPE_SUFFIX[p.type]}" for p in props_of]]).encode())
            for table in bulk_columns.whole_relationships(ordered):
                if rel == "CITES":
                    table, loops = bulk_columns.drop_loops(table)
                    self.written.self_citations += loops
                plain, others = bulk_columns.split_plain(table)
                starts, ends = bulk_columns.write_plain(plain, tail, out)
                for counter, side in counters:
                    counter.add(starts if side == 0 else ends)
                if observed:
                    for start, end in zip(starts.to_pylist(), ends.to_pylist()):
                        self.stats.relationship(rel, end_label, start, end)
                self.written.relationships_created += plain.num_rows
                for merged in _merged(others):  # the rest, line by line: later values win, sources unite
                    start, end, props, sources = merged
                    out.write(_csv_line([start, end, *cells(props, sources)]).encode())
                    for tally, side in tallies:
                        tally[merged[side]] += 1
                    if observed:
                        self.stats.relationship(rel, end_label, start, end)
                    self.written.relationships_created += 1
        for counter, _ in counters:
            counter.flush()
        return f"{rel}={path}"

    # -- what the import left out -------------------------------------------------------
    def not_kept(self, report: list[str]) -> list[dict]:
        """Each line of the import's report as a reject, at the row that asked for the thing."""
        wanted: dict = defaultdict(dict)  # file of a group's sorted relationships -> {ends: report line}
        dup_ids: dict = {}  # (label, id) -> report line
        rejects = []
        for line in report:
            missing, dup = _MISSING_NODE.match(line), _DUPLICATE_ID.match(line)
            if missing:
                name = "_".join((missing["type"], missing["start_label"], missing["end_label"]))
                ends = f"{_key(missing['start'])}\t{_key(missing['end'])}"
                wanted[self.dir / f"edges_{name}.sorted"][ends] = line
            elif dup:
                dup_ids[(dup["label"], dup["id"])] = line
            else:
                rejects.append(_not_imported(line, None))
        for path, lines in wanted.items():  # one pass over each group's sorted file, only when asked
            found: dict = {}
            if path.exists():
                with open(path, encoding="utf-8") as f:
                    for row in f:
                        start, end, _, origin = row.split("\t", 3)
                        ends = f"{start}\t{end}"
                        if ends in lines and ends not in found:
                            found[ends] = json.loads(origin)
            rejects += [_not_imported(line, found.get(ends)) for ends, line in lines.items()]
        for (label, key), line in dup_ids.items():
            entry = self.nodes.get((label, key))
            rejects.append(_not_imported(line, entry[4] if entry else self._paper_origin(key)))
        return rejects

    def _paper_origin(self, key: str):
        with open(self.dir / "papers.jsonl", encoding="utf-8") as f:
            for line in f:
                paper = json.loads(line)
                if self._find(paper[0]) == key:
                    return paper[3]
        return None


def _key(value) -> str:
    """A node key as JSON: one field of an edge line (JSON escapes tabs and newlines)."""
    return _enc(value) if isinstance(value, str) else json.dumps(value)


def _unkey(text: str):
    """The key ``_key`` wrote (most are plain strings: nothing to unescape)."""
    return text[1:-1] if text[:1] == '"' and "\\" not in text else json.loads(text)


def _csv_line(cells) -> str:
    """The cells as one line of the csv module's default dialect (as ``csv.writer`` writes them)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow(cells)
    return buffer.getvalue()


def _not_imported(entry: str, origin) -> dict:
    source, line = origin if origin else ("neo4j-admin import", None)
    return {"source": source, "line": line, "reason": f"not imported: {entry}"}


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ARRAY.join(str(v) for v in value)
    return value


def _text(value) -> str | None:
    """A node file's cell (``bulk_columns.RowWriter``): None when the node has no such value."""
    if type(value) is str:  # (most cells: asked first, 20 million times at a million papers)
        return value or None
    if value is None or value == []:
        return None
    return str(_cell(value))


def _node_columns(label: str) -> tuple[list[str], dict]:
    """A node file's header (the key, each property with its type, the labels) and the place of
    each property among the cells after the key (``_cells``)."""
    node = NODES[label]
    props = [p for p in node.props if p.name != node.key]
    header = [f"{node.key}:ID({label})", *[f"{p.name}{TYPE_SUFFIX[p.type]}" for p in props], ":LABEL"]
    return header, {p.name: i for i, p in enumerate(props)}


def _cells(values: dict, at: dict) -> list:
    """A node's property cells, in the order ``at`` gives each property (most are absent)."""
    cells = [None] * len(at)
    for name, value in values.items():
        i = at.get(name)
        if i is not None:
            cells[i] = _text(value)
    return cells


def _merged(table):
    """(start, end, props, sources) of each relationship of sorted lines, its lines merged: later
    values win (as in a normal load), sources unite."""
    current, merged, sources = None, {}, set()
    for start, end, rest in zip(table["start"].to_pylist(), table["end"].to_pylist(), table["rest"].to_pylist()):
        props, srcs = json.loads(rest)
        if (start, end) != current:
            if current is not None:
                yield _unkey(current[0]), _unkey(current[1]), merged, sources
            current, merged, sources = (start, end), dict(props), set(srcs)
        else:
            merged.update(props)
            sources.update(srcs)
    if current is not None:
        yield _unkey(current[0]), _unkey(current[1]), merged, sources


class _Sort:
    """Relationship lines sorted by their ends (GNU sort, on disk, beside this process): the
    lines of ``source``, or what ``feed`` writes to sort's input (written before this returns;
    sort's merge goes on until ``wait``)."""

    def __init__(self, rel: str, ordered: Path, *, source: Path | None, feed, workdir: Path):
        self.rel, self.ordered = rel, ordered
        self.errors = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(["sort", "-s", "-t", "\t", "-k1,2", "-S", "512M", "-T", str(workdir),
                                      "-o", str(ordered), *([str(source)] if source else [])],
                                     stdin=subprocess.PIPE if feed else subprocess.DEVNULL, stderr=self.errors,
                                     env=dict(os.environ, LC_ALL="C"))
        self.done = False
        if feed:
            try:
                feed(self.proc.stdin)
                self.proc.stdin.close()
            except BrokenPipeError:  # sort ended early: what it says is the error in wait()
                try:
                    self.proc.stdin.close()  # (the unwritten rest cannot be flushed; the pipe is closed)
                except BrokenPipeError:
                    pass
            except BaseException:  # interrupted: sort does not outlive the load
                self.stop()
                raise

    def wait(self) -> None:
        if self.done:
            return
        try:
            code = self.proc.wait()
        except BaseException:
            self.stop()
            raise
        self.done = True
        with self.errors:
            if code != 0:
                self.errors.seek(0)
                message = self.errors.read().decode("utf-8", "replace").strip()
                raise LoadError(f"sorting the {self.rel} relationships failed: {message}")

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait()
        self.errors.close()
        self.done = True
