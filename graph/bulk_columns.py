"""The bulk writer's relationship lines, read and written on columns (pyarrow).

A relationship line of ``graph.bulk`` is ``start\\tend\\t[props, sources]\\torigin\\n``, its
ends JSON strings (so no tab or newline inside a field). Millions of them pass twice through
the writer: before the sort (ends of papers found to be another paper rewritten) and after it
(duplicates merged, CSV written, counts tallied). Line by line in Python that was about 7 µs a
relationship, half of writing the CSV files; on columns, the common line costs a few
vectorised string operations, and only the rare ones (a relationship named twice, a key that
needs CSV quoting) go back to Python.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

FIELDS = ("start", "end", "rest", "origin")
BLOCK = 1 << 20  # bytes of lines per batch (pyarrow reads a few dozen ahead: memory stays bounded)


def batches(path: Path) -> Iterator[pa.Table]:
    """The lines of a relationship file, a table of ``FIELDS`` at a time."""
    reader = pacsv.open_csv(
        pa.OSFile(str(path)),  # (given a path, pyarrow reads the whole file ahead)
        read_options=pacsv.ReadOptions(column_names=list(FIELDS), block_size=BLOCK, use_threads=False),
        parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False, escape_char=False),
        convert_options=pacsv.ConvertOptions(column_types={f: pa.string() for f in FIELDS}))
    for batch in reader:
        if batch.num_rows:
            yield pa.Table.from_batches([batch]).combine_chunks()


def whole_relationships(path: Path) -> Iterator[pa.Table]:
    """The lines of a sorted relationship file in tables that never part the lines of one
    relationship (the last relationship of a batch waits for the next batch)."""
    held = None
    for table in batches(path):
        if held is not None:
            table = pa.concat_tables([held, table]).combine_chunks()
        n = table.num_rows
        last = pc.and_(pc.equal(table["start"], table["start"][n - 1]), pc.equal(table["end"], table["end"][n - 1]))
        tail = pc.sum(last).as_py()  # (sorted: the last relationship's lines are the table's last)
        held = table.slice(n - tail)
        if n > tail:
            yield table.slice(0, n - tail)
    if held is not None and held.num_rows:
        yield held


def drop_loops(table: pa.Table) -> tuple[pa.Table, int]:
    """The lines whose start is not their end, and how many were."""
    loops = pc.equal(table["start"], table["end"])
    n = pc.sum(loops).as_py() or 0
    return (table.filter(pc.invert(loops)) if n else table), n


def split_plain(table: pa.Table) -> tuple[pa.Table, pa.Table]:
    """(relationships named by one line whose keys are plain CSV cells, all other lines). A key is
    plain when its JSON has no escape and its text no comma: the cell is the text as it is."""
    start, end = _column(table, "start"), _column(table, "end")
    n = table.num_rows
    if n > 1:  # a line whose ends equal the line before or after it is one of several lines
        same = pc.and_(pc.equal(start.slice(1), start.slice(0, n - 1)), pc.equal(end.slice(1), end.slice(0, n - 1)))
        same = same.to_numpy(zero_copy_only=False)
        repeated = np.zeros(n, dtype=bool)
        repeated[1:] |= same
        repeated[:-1] |= same
    else:
        repeated = np.zeros(n, dtype=bool)
    plain = pc.and_(_plain(start), _plain(end))
    plain = pc.and_(plain, pa.array(~repeated))
    return table.filter(plain), table.filter(pc.invert(plain))


def _plain(keys: pa.Array) -> pa.Array:
    return pc.and_(pc.starts_with(keys, '"'),
                   pc.invert(pc.or_(pc.match_substring(keys, "\\"), pc.match_substring(keys, ","))))


def write_plain(table: pa.Table, tail_of: Callable[[str], str], out) -> tuple[pa.Array, pa.Array]:
    """Write the plain relationships of ``split_plain`` as CSV lines to the binary file ``out``:
    the keys' text, then ``tail_of(rest)`` (the cells after the ends, with the line's end; asked
    once per distinct rest). Returns the start and end keys."""
    start = pc.utf8_slice_codeunits(_column(table, "start"), 1, -1)
    end = pc.utf8_slice_codeunits(_column(table, "end"), 1, -1)
    rests = pc.dictionary_encode(_column(table, "rest"))
    tails = pa.array([tail_of(r) for r in rests.dictionary.to_pylist()], pa.string())
    lines = pc.binary_join_element_wise(start, end, pc.take(tails, rests.indices), ",")
    out.write(_text(lines))
    return start, end


class Counter:
    """Adds to ``tally`` (key -> count) how many times each key occurs in arrays of keys given
    one at a time (a relationship file's ends, batch after batch). Twenty million citations
    name a million papers, most of them once a batch: counted a batch at a time, the tally was
    raised 39 million times; a million keys at a time, each paper is met a few times."""

    FOLD = 1 << 20  # keys held before they are counted into the tally (about 35 MB)

    def __init__(self, tally: dict):
        self.tally = tally
        self.parts: list = []
        self.held = 0

    def add(self, keys: pa.Array) -> None:
        self.parts.append(keys)
        self.held += len(keys)
        if self.held >= self.FOLD:
            self.flush()

    def flush(self) -> None:
        if self.parts:
            counts = pc.value_counts(pa.concat_arrays(self.parts))
            tally = self.tally
            for key, n in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist()):
                tally[key] += n
        self.parts, self.held = [], 0


def rewrite_ends(path: Path, moved_start: dict, moved_end: dict, out) -> None:
    """Copy the lines of ``path`` to the binary file ``out``, the ends named in ``moved_start`` or
    ``moved_end`` (JSON key -> its new JSON key) replaced."""
    # (the keys to look for, as arrays once: there may be many joined papers and many batches)
    known = {id(m): pa.array(list(m), pa.string()) for m in (moved_start, moved_end) if m}
    for table in batches(path):
        start = _replaced(_column(table, "start"), moved_start, known.get(id(moved_start)))
        end = _replaced(_column(table, "end"), moved_end, known.get(id(moved_end)))
        lines = pc.binary_join_element_wise(
            pc.binary_join_element_wise(start, end, _column(table, "rest"), _column(table, "origin"), "\t"), "", "\n")
        out.write(_text(lines))


class Keys:
    """Paper number -> its key as JSON (``Citations``' numbering), kept so that a batch's ends are
    looked up all at once."""

    def __init__(self):
        self.keys = np.empty(1 << 16, dtype=object)

    def __setitem__(self, number: int, key: str) -> None:
        if number >= len(self.keys):
            grown = np.empty(max(number + 1, 2 * len(self.keys)), dtype=object)
            grown[:len(self.keys)] = self.keys
            self.keys = grown
        self.keys[number] = key


LOW = (1 << 32) - 1  # a Citations pair's cited paper number: its low 32 bits


def write_citations(keys: Keys, numbers, lines: list, head: str, out) -> None:
    """Write the relationship lines of many citations (``graph.records.Citations``) to the text
    file ``out`` (UTF-8): ``start\tend\t{head}{line}]\n``, the ends the keys of each pair's two paper
    numbers. Twenty million lines, one f-string each, were a fifth of reading the citations."""
    # (an array("q") as the reader sends them: its buffer, not copied)
    pairs = np.frombuffer(numbers, dtype=np.int64) if getattr(numbers, "typecode", None) == "q" \
        else np.asarray(numbers, dtype=np.int64)
    start = pa.array(keys.keys[pairs >> 32], pa.string())
    end = pa.array(keys.keys[pairs & LOW], pa.string())
    where = pc.cast(pa.array(lines, pa.int64()), pa.string())
    text = pc.binary_join_element_wise(start, end, pc.binary_join_element_wise(head, where, "]\n", ""), "\t")
    out.flush()  # (the text file's own buffer first: the lines go straight to its bytes)
    out.buffer.write(_text(text))


def _column(table: pa.Table, name: str) -> pa.Array:
    return table.column(name).combine_chunks()


def _replaced(keys: pa.Array, moved: dict, moved_keys) -> pa.Array:
    if not moved:
        return keys
    hit = pc.is_in(keys, value_set=moved_keys)
    if not pc.any(hit).as_py():
        return keys
    return pc.replace_with_mask(keys, hit, pa.array([moved[k] for k in keys.filter(hit).to_pylist()], pa.string()))


def _text(strings: pa.Array) -> memoryview:
    """The strings one after the other, as bytes (the array's data buffer, not copied)."""
    if isinstance(strings, pa.ChunkedArray):
        strings = strings.combine_chunks()
    offsets_type = np.int64 if pa.types.is_large_string(strings.type) else np.int32
    offsets = np.frombuffer(strings.buffers()[1], dtype=offsets_type)[strings.offset:strings.offset + len(strings) + 1]
    data = strings.buffers()[2]
    if data is None or len(strings) == 0:
        return memoryview(b"")
    return memoryview(data)[int(offsets[0]):int(offsets[-1])]


class RowWriter:
    """Rows of text cells (None: no value) written as CSV by pyarrow, 5,000 at a time: a paper's
    row holds its abstract and BibTeX, and the csv module's writer, scanning them cell by cell
    for characters to quote, was a third of writing the paper file. Every value is quoted, as
    RFC 4180 allows; an empty cell is left out of the import like an absent one."""

    ROWS = 5_000  # (a paper row is about 2 KB: a few MB at a time)

    def __init__(self, out, header: list[str]):
        self.out = out  # a binary file
        self.width = len(header)
        self.rows: list = []
        out.write((",".join(_quoted(h) for h in header) + "\n").encode("utf-8"))

    def add(self, cells: list) -> None:
        self.rows.append(cells)
        if len(self.rows) >= self.ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = [pa.array(column, pa.string()) for column in zip(*self.rows)]
        self.rows = []
        table = pa.table(columns, names=[str(i) for i in range(self.width)])
        pacsv.write_csv(table, self.out, pacsv.WriteOptions(include_header=False, quoting_style="needed"))


def _quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'
