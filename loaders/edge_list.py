"""Citation edge lists: ``citing cited`` per line.

Comma-, tab- or whitespace-separated (decided per file from the first data
line), with or without a header, ``#`` comments, CRLF or LF line ends. The
citing and cited papers are the first two columns, or the columns a header
names so (``citing`` and ``cited``, ``source`` and ``target``, ...: an
OpenCitations CSV starts with ``oci,citing,cited,creation,...``). Other
columns are ignored. A cell may list one paper's identifiers, each with its
prefix, apart by spaces, as the OpenCitations Index writes them since its second
version (``omid:br/061… doi:10.7717/peerj-cs.421 pmid:33817056``): the paper is
known by the DOI, arXiv and OpenAlex ids among them (the first of each kind),
or, when it lists none, by its first identifier (``omid:br/061…``). The
OpenCitations API's JSON answer (an array of ``{"oci", "citing", "cited", ...}``)
is read the same way, each object's line named in what is said about it.
SNAP's arXiv citation networks (cit-HepTh, cit-HepPh) are found by their header
comment: their numbers are old-style arXiv ids with the leading zeros left out
(``1001`` is ``hep-th/0001001``), read so unless ``--id-scheme`` says otherwise.
``--id-scheme`` says what the identifiers are:

* ``auto`` (default): recognised per value: a DOI (``10.…`` or a doi.org URL),
  an arXiv id (``2312.06932``, ``arXiv:…``, an arxiv.org URL), an OpenAlex work
  (``W…`` or its URL), an OpenReview URL, a Semantic Scholar paper id (40 hex
  digits), a corpus id (digits); anything else is a citegraph paper id
  (``rD62RkufYo``, ``arxiv:2312.06932``, ``doi:10.1/x``);
* ``arxiv``, ``doi``, ``openreview``, ``openalex``, ``s2`` (paper ids or corpus
  ids when all digits): every value is of that kind;
* ``raw``: every value is a citegraph paper id.
"""

from __future__ import annotations

import csv
import io
import re
import sys
import uuid
from array import array
from collections.abc import Iterator
from pathlib import Path

from graph.identity import normalize_arxiv, normalize_doi, normalize_openalex, openreview_id
from graph.papers import PaperRef
from graph.records import Citation, Citations, Reject, Row, key_too_long
from loaders import json_document
from loaders.registry import MARKED, SHAPED, Format
from loaders.works import stub_records

SCHEMES = ("auto", "arxiv", "doi", "openreview", "openalex", "s2", "raw")
_HEADER_WORDS = {"citing", "cited", "source", "target", "from", "to", "src", "dst", "paper", "reference",
                 "citing_id", "cited_id", "citingcorpusid", "citedcorpusid", "id", "ref"}
# header names of the citing and of the cited column, in pairs
_NAMED_PAIRS = (("citing", "cited"), ("citing_id", "cited_id"), ("citingcorpusid", "citedcorpusid"),
                ("source", "target"), ("src", "dst"), ("from", "to"), ("paper", "reference"))
_ARXIV_ONLY = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$", re.IGNORECASE)
_S2 = re.compile(r"^[0-9a-f]{40}$")


class IdError(ValueError):
    pass


# SNAP's arXiv citation networks, by the header comment each starts with: the archive their numbers are of
_SNAP_ARCHIVES = (("Paper citation network of Arxiv High Energy Physics Theory category", "hep-th"),
                  ("Paper citation network of Arxiv High Energy Physics category", "hep-ph"))
_SNAP = "snap:"  # the scheme of such a file: "snap:hep-th"


def _snap_archive(head: bytes) -> str | None:
    """The arXiv archive a SNAP citation network's numbers are of (``hep-th``), from the comments
    its first bytes start with; None for any other file."""
    lines = head.decode("utf-8", "replace").splitlines()[:10]
    comments = "\n".join(line for line in lines if line.startswith("#"))
    return next((archive for marker, archive in _SNAP_ARCHIVES if marker in comments), None)


def ref_for(value: str, scheme: str = "auto") -> PaperRef:
    text = value.strip()
    if not text:
        raise IdError("empty identifier")
    if scheme.startswith(_SNAP):  # SNAP's numbers: old-style arXiv ids, leading zeros left out
        if not text.isdigit() or len(text) > 7:
            raise IdError(f"{text!r} is not a paper of SNAP's arXiv network (a number of up to 7 digits)")
        return PaperRef(arxiv=f"{scheme[len(_SNAP):]}/{text.zfill(7)}")
    if scheme == "raw":
        return _named(PaperRef.from_id(text), text)
    if scheme == "auto" and " " in text:
        return _listed(text)
    if scheme == "doi" or (scheme == "auto" and (text.lower().startswith(("10.", "doi:")) or "doi.org/" in text)):
        doi = normalize_doi(text)
        if not doi:
            raise IdError(f"{text!r} is not a DOI")
        return PaperRef(doi=doi)
    if scheme == "arxiv" or (scheme == "auto" and (_ARXIV_ONLY.match(text) or "arxiv.org/" in text.lower())):
        arxiv = normalize_arxiv(text)
        if not arxiv:
            raise IdError(f"{text!r} is not an arXiv id")
        return PaperRef(arxiv=arxiv)
    if scheme == "openalex" or (scheme == "auto" and (re.fullmatch(r"[Ww]\d{3,}", text) or "openalex.org/" in text)):
        w = normalize_openalex(text)
        if not w or not w.startswith("W"):
            raise IdError(f"{text!r} is not an OpenAlex work id")
        return PaperRef(openalex=w)
    if scheme == "openreview" or (scheme == "auto" and "openreview.net" in text):
        forum = openreview_id(text)
        if not forum:
            raise IdError(f"{text!r} is not an OpenReview forum id or URL")
        return PaperRef(openreview=forum)
    if scheme == "s2" or (scheme == "auto" and (_S2.match(text) or text.isdigit())):
        if text.isdigit():
            return PaperRef(corpus=text)
        if not _S2.match(text):
            raise IdError(f"{text!r} is not a Semantic Scholar paper id (40 hex digits) or corpus id")
        return PaperRef(s2=text)
    return _named(PaperRef.from_id(text), text)


# one identifier of a list, with its prefix: doi:10.1/x, omid:br/0610, pmid:33817056, openalex:W1
_PREFIXED = re.compile(r"[A-Za-z][\w.-]*:\S+")
_MATCHED_IN_LISTS = ("doi", "arxiv", "openalex")  # the kinds of a list citegraph matches papers on


def _listed(text: str) -> PaperRef:
    """A paper by the identifiers a cell lists apart by spaces, each with its prefix (the
    OpenCitations Index: ``omid:br/06101802023 doi:10.7717/peerj-cs.163 pmid:33816816
    doi:10.7287/peerj.preprints.26727v1``): the first DOI, arXiv and OpenAlex id among them;
    when there are none, the first identifier, as a citegraph paper id (``omid:br/…``)."""
    tokens = text.split()
    if not all(_PREFIXED.fullmatch(t) for t in tokens):
        raise IdError(f"{text!r} is not an identifier (several words; a list of one paper's "
                      f"identifiers has a prefix on each, as in 'omid:br/0610 doi:10.1/x')")
    found: dict = {}
    for token in tokens:
        kind = token.split(":", 1)[0].lower()
        if kind in _MATCHED_IN_LISTS and kind not in found:
            ref = ref_for(token)  # (IdError: a malformed DOI in the list rejects the line)
            found[kind] = getattr(ref, kind)
    if not found:
        return _named(PaperRef.from_id(tokens[0]), tokens[0])
    return PaperRef(**found)


def _named(ref: PaperRef, text: str) -> PaperRef:
    if not ref:  # "arxiv:", "title:": a prefix with nothing after it
        raise IdError(f"{text!r} names no paper (a prefix with no identifier after it)")
    return ref


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.split()
    if '"' not in line and "\r" not in line and "\0" not in line:
        return line.split(delimiter)  # what the csv module makes of a line without quotes (most lines)
    try:
        return next(csv.reader([line], delimiter=delimiter))
    except csv.Error:  # a cell past the csv module's field limit, a NUL byte: not an edge
        return [line]


def _header(cells: list[str]) -> tuple[int, int] | None:
    """The columns of the citing and the cited paper when ``cells`` (lower case) are a header:
    a pair of names anywhere in it, else the first two columns under a known first name; None
    when they are data."""
    names = [c.replace(" ", "_") for c in cells]
    for citing, cited in _NAMED_PAIRS:
        if citing in names and cited in names:
            return names.index(citing), names.index(cited)
    return (0, 1) if names and names[0] in _HEADER_WORDS else None


def _delimiter(line: str) -> str | None:
    if "\t" in line:
        return "\t"
    if "," in line:
        return ","
    if ";" in line and " " not in line.strip():
        return ";"
    return None  # whitespace


class _Lines:
    """What each line of an edge list is: the delimiter is decided by the first data line, which
    may be a header (which may say which columns hold the citing and the cited paper)."""

    def __init__(self, source: str):
        self.source = source
        self.delimiter: str | bool | None = False  # not decided yet
        self.columns = (0, 1)  # the citing and the cited paper's columns

    def line(self, number: int, data: bytes) -> tuple[int, list | Reject, str] | None:
        """(line number, its cells: the citing and the cited paper's first, the line), (line
        number, Reject, the line), or None for a line with no data (blank, a comment, the header)."""
        try:
            line = data.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
        except UnicodeDecodeError as exc:
            return number, Reject(self.source, number, f"not valid UTF-8 (byte {exc.start + 1})"), ""
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            return None
        delimiter = self.delimiter
        if delimiter is False:
            delimiter = self.delimiter = _delimiter(stripped)
            columns = _header([c.strip().lower() for c in _split(stripped, delimiter)])
            if columns is not None:
                self.columns = columns
                return None  # a header
        cells = [c.strip() for c in _split(stripped, delimiter)]
        cells = [c for c in cells if c] if delimiter is None else cells
        citing, cited = self.columns
        if len(cells) <= max(citing, cited):
            return number, Reject(self.source, number, "needs two identifiers: citing and cited", line), line
        if (citing, cited) != (0, 1):
            cells = [cells[citing], cells[cited]]
        return number, cells, line


def _data_lines(path, source: str) -> Iterator[tuple[int, list | Reject, str]]:
    """(line number, its cells: at least two, the line) of each data line, or (line number,
    Reject, the line)."""
    lines = _Lines(source)
    with open(path, "rb") as f:
        for number, data in enumerate(f, 1):
            said = lines.line(number, data)
            if said is not None:
                yield said


def _json_lines(path, source: str) -> Iterator[tuple[int, list | Reject, str]]:
    """The objects of a JSON answer (OpenCitations: ``[{"oci", "citing", "cited", ...}]``) as
    data lines: (the line the object starts on, [citing, cited], its text)."""
    for raw in json_document.read_rows(Path(path)):
        line = raw.line or 1
        if raw.error:
            yield line, Reject(source, line, raw.error, raw.raw), raw.raw or ""
            continue
        value = raw.value
        cells = [value.get("citing"), value.get("cited")] if isinstance(value, dict) else []
        if len(cells) != 2 or not all(isinstance(c, str) and c.strip() for c in cells):
            yield line, Reject(source, line, 'needs "citing" and "cited" identifiers', raw.raw), raw.raw or ""
            continue
        yield line, [c.strip() for c in cells], raw.raw or ""


def _is_json(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"[", b"{")


def read(path, source: str, options) -> Iterator[Row]:
    scheme = options.id_scheme or "auto"
    if scheme not in SCHEMES:
        raise ValueError(f"unknown id scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    with open(path, "rb") as f:
        head = f.read(4096)  # (what the file is: a JSON answer, SNAP's network, lines)
    json_answer = _is_json(head)
    archive = _snap_archive(head) if scheme == "auto" and not json_answer else None
    if archive:
        scheme = _SNAP + archive
        yield Row(source, None, lines=0, warnings=[
            f"a SNAP arXiv citation network (its header says so): its numbers are read as arXiv "
            f"{archive} ids ({archive}/0001001 for 1001); --id-scheme reads them otherwise"])
    if options.batched and not json_answer:  # (an API's answer is small: its citations one by one)
        yield from _read_batched(path, source, scheme)
        return
    seen: dict[int, int] = {}  # (citing, cited) as one integer -> first line
    ref_of = _references(scheme)
    for number, cells, line in (_json_lines if json_answer else _data_lines)(path, source):
        if type(cells) is Reject:
            yield Row(source, number, reject=cells)
            continue
        try:
            (citing, na), (cited, nb) = ref_of(cells[0]), ref_of(cells[1])
        except IdError as exc:
            yield Row(source, number, reject=Reject(source, number, str(exc), line))
            continue
        if na == nb:  # (edge list references hold one identifier each: the same one is the same paper)
            yield Row(source, number, records=stub_records(citing),
                      warnings=[f"{cells[0]} cites itself; not written"])
            continue
        # a repeated edge adds nothing
        pair = na << 32 | nb
        if pair in seen:
            yield Row(source, number, records=[],
                      warnings=[f"the same citation as line {seen[pair]}; written once"])
            continue
        seen[pair] = number
        yield Row(source, number, records=[Citation(citing, cited)])


BATCH = 20_000  # citations per row when batched
KNOWN_SIZE = 1 << 18  # identifiers remembered as references (emptied when full: memory stays bounded)


def _references(scheme: str) -> "_References":
    return _References(scheme)


class _References:
    """``ref_of(cell) -> (PaperRef, the number of its paper)``. Each identifier is made a reference
    once while remembered (a citing paper fills consecutive lines, a cited one recurs wherever it
    is cited); a bad value raises IdError each time. Papers are numbered so that a citation can
    be kept as one integer.

    ``numbered(cells)`` gives the numbers of many cells at once, on columns, for the cells
    numbered before: a million-paper file names most of its papers in every block, far more
    than the references remembered (``KNOWN_SIZE``), and making each one a reference again in
    every block was most of reading it. The cells and their numbers are kept as columns (some
    30 bytes a paper, less than the numbering itself)."""

    def __init__(self, scheme: str):
        self.scheme = scheme
        self.known: dict[str, tuple] = {}  # cell -> (its PaperRef, the number of its paper)
        self.numbers: dict = {}  # a paper's identifiers ("kind:value" when it has one) -> its number
        self._cells: list = []  # cells numbered, in chunks (pyarrow string arrays) ...
        self._cell_numbers: list = []  # ... and their numbers (numpy arrays)
        self._whole = None  # (all the chunks as one, once asked for)

    def __call__(self, cell: str) -> tuple:
        hit = self.known.get(cell)
        if hit is None:
            ref = ref_for(cell, self.scheme)  # IdError: the line is rejected
            too_long = key_too_long("Paper", ref)
            if too_long:
                raise IdError(too_long)
            if len(self.known) >= KNOWN_SIZE:
                self.known.clear()
            pairs = ref.pairs()  # (one identifier, most papers: as one string, a fraction of a tuple's memory)
            paper = f"{pairs[0][0]}:{pairs[0][1]}" if len(pairs) == 1 else tuple(pairs)
            hit = self.known[cell] = (ref, self.numbers.setdefault(paper, len(self.numbers)))
        return hit

    def numbered(self, cells):
        """The numbers of ``cells`` (a pyarrow string array) numbered before (-1 for the others)."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        if not self._cells:
            return np.full(len(cells), -1, dtype=np.int64)
        if self._whole is None:
            self._whole = (pa.concat_arrays(self._cells), np.concatenate(self._cell_numbers))
            self._cells, self._cell_numbers = [self._whole[0]], [self._whole[1]]
        values, numbers = self._whole
        at = pc.index_in(cells, value_set=values).to_numpy(zero_copy_only=False)
        found = ~np.isnan(at) if at.dtype.kind == "f" else np.ones(len(at), dtype=bool)
        out = np.full(len(cells), -1, dtype=np.int64)
        out[found] = numbers[at[found].astype(np.int64)]
        return out

    def remember(self, cells, numbers) -> None:
        """Keep the numbers of ``cells`` (cells ``__call__`` numbered) for ``numbered``."""
        if len(cells):
            self._cells.append(cells)
            self._cell_numbers.append(numbers)
            self._whole = None


def _read_batched(path, source: str, scheme: str) -> Iterator[Row]:
    """The rows of ``read`` for a sink that takes Citations: the clean lines in rows of BATCH.
    What is said about a line (a reject, a self-citation) comes in its own row, in line order;
    repeated citations are found at the end, in compact arrays instead of a dictionary of
    every citation (20 million lines), and said as warnings (the sink writes each citation once).

    The file is read in blocks of whole lines; a block whose every line is two clean identifiers
    (most of a real file) is split on columns (``_clean_block``), the others line by line."""
    ref_of = _references(scheme)
    lines = _Lines(source)
    at: list = []  # the clean lines not yet given
    pairs = array("q")  # per clean line: the numbers of its two papers, in one integer
    where = array("q")  # per clean line: its number
    named = bytearray()  # per paper number: whether its reference was given
    refs: dict = {}  # number -> (reference, line) of papers first named in the lines not yet given

    numbering = uuid.uuid4().hex  # (the papers' numbers are this reading's own)

    def name(number: int, ref, line: int) -> None:
        if number >= len(named):
            named.extend(bytes(number + 1 - len(named) + 4096))
        if not named[number]:
            named[number] = 1
            refs[number] = (ref, line)

    def batch() -> Iterator[Row]:
        given = dict(refs)  # (with the first row: the sink meets them before any later line)
        refs.clear()
        while at:
            n = min(len(at), BATCH)
            start = len(pairs) - len(at)
            yield Row(source, at[0], lines=n, records=[Citations(at[:n], pairs[start:start + n], given, numbering)])
            given = {}
            del at[:n]

    def one(number: int, cells, line: str) -> Iterator[Row]:
        if type(cells) is Reject:
            yield from batch()
            yield Row(source, number, reject=cells)
            return
        try:
            (a, na), (b, nb) = ref_of(cells[0]), ref_of(cells[1])
        except IdError as exc:
            yield from batch()
            yield Row(source, number, reject=Reject(source, number, str(exc), line))
            return
        if na == nb:  # (edge list references hold one identifier each: the same one is the same paper)
            yield from batch()
            yield Row(source, number, records=stub_records(a), warnings=[f"{cells[0]} cites itself; not written"])
            return
        name(na, a, number)
        name(nb, b, number)
        at.append(number)
        pairs.append(na << 32 | nb)
        where.append(number)
        if len(at) >= BATCH:
            yield from batch()

    def line_by_line(first: int, block: bytes) -> Iterator[Row]:
        for number, data in enumerate(io.BytesIO(block), first):
            said = lines.line(number, data)
            if said is not None:
                yield from one(*said)

    def on_columns(first: int, clean) -> Iterator[Row]:
        block_refs, numbers = clean
        for number, (ref, offset) in block_refs.items():
            name(number, ref, first + offset)
        at.extend(range(first, first + len(numbers)))
        pairs.frombytes(numbers.tobytes())
        where.extend(range(first, first + len(numbers)))
        if len(at) >= BATCH:
            yield from batch()

    def block_rows(first: int, block: bytes) -> Iterator[Row]:
        clean = _clean_block(block, first, lines, ref_of, named) if first > 1 else None
        if clean is not None:
            yield from on_columns(first, clean)
            return
        # a few odd lines: they are read one by one, the clean runs between them on columns
        found = _odd_lines(block, lines, ref_of) if first > 1 else None
        if found is None:
            yield from line_by_line(first, block)
            return
        odd, starts = found
        done = 0
        for i in [*odd, len(starts) - 1]:
            if i - done >= MIN_RUN:
                run = block[starts[done]:starts[i]]
                clean = _clean_block(run, first + done, lines, ref_of, named)
                yield from (line_by_line(first + done, run) if clean is None else on_columns(first + done, clean))
            elif i > done:
                yield from line_by_line(first + done, block[starts[done]:starts[i]])
            if i < len(starts) - 1:
                yield from line_by_line(first + i, block[starts[i]:starts[i + 1]])
            done = i + 1

    try:
        for first, block in _blocks(path):
            yield from block_rows(first, block)
    except Exception:  # the file cannot be read on: the lines before stay loaded, as row by row
        yield from batch()
        raise
    yield from batch()
    del ref_of  # (its tables are not needed for the repeats)
    _release_columns()
    yield from _repeats(pairs, where, source)


def _release_columns() -> None:
    """Give back to the system what pyarrow freed (its allocator keeps it for reuse otherwise):
    the blocks and the numbered cells are done with before the repeats are sorted."""
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()


BLOCK_BYTES = 1 << 23  # an edge list is read in blocks of whole lines of about this size
FIRST_BYTES = 1 << 16  # (the first block, read line by line, decides the delimiter and finds a header)
# quotes, comments, line ends and whitespace the line-by-line read would treat otherwise than a split
_NOT_PLAIN = (b'"', b"#", b"\r", b"\0", b"\x0b", b"\x0c", b"\x1c", b"\x1d", b"\x1e", b"\x1f")


def _blocks(path) -> Iterator[tuple[int, bytes]]:
    """(number of its first line, whole lines) of the file, a block at a time."""
    number, rest = 1, b""
    with open(path, "rb") as f:
        while True:
            data = f.read(BLOCK_BYTES if number > 1 else FIRST_BYTES)
            if not data:
                break
            data = rest + data
            end = data.rfind(b"\n") + 1
            if end == 0:  # (a line longer than a block: read on)
                rest = data
                continue
            block, rest = data[:end], data[end:]
            yield number, block
            number += block.count(b"\n")
    if rest:
        yield number, rest


def _clean_block(block: bytes, first: int, lines: _Lines, ref_of, named: bytearray):
    """({paper number: (its reference, the offset of its first line)} of the papers ``named``
    does not mark, the numbers of each line's two papers as one integer) of a block whose every
    line is a citation between two papers written plainly (ASCII, no blank line or comment, no
    quotes, two good identifiers that are not one paper); None for any other block (it is read
    line by line: the same answer, slower). ``lines``: the delimiter and columns the file's
    first lines decided."""
    delimiter = lines.delimiter
    if delimiter is False or not block.endswith(b"\n") or not block.isascii():
        return None  # (non-ASCII text has more whitespace to strip; said line by line)
    if any(c in block for c in _NOT_PLAIN) or delimiter is None and b"\t" in block:
        return None
    text = block.decode("ascii")
    import numpy as np  # (only here: identifiers numbered on columns)
    import pyarrow as pa
    import pyarrow.compute as pc

    short, refs, numbers, bad, ia, ib = _numbered(pc.split_pattern(pa.array([text[:-1]]), "\n").flatten(),
                                                  delimiter, lines.columns, ref_of)
    if short.any() or bad.any():
        return None  # (the line-by-line read rejects those lines)
    na, nb = numbers[ia], numbers[ib]
    if (na == nb).any():
        return None  # (a line cites its own paper: said line by line)
    # where each paper is first named: its first line as citing or as cited, whichever is earlier
    firsts = np.full(len(numbers), len(ia), dtype=np.int64)
    for column in (ia, ib):
        values, index = np.unique(column, return_index=True)
        firsts[values] = np.minimum(firsts[values], index)
    # only papers no block before named (their references were given already)
    given = np.frombuffer(named, dtype=np.uint8)
    fresh = numbers >= len(given)
    fresh[~fresh] = given[numbers[~fresh]] == 0
    del given  # (a view of ``named``, which must stay free to grow)
    order = np.flatnonzero(fresh)
    order = order[np.argsort(firsts[order], kind="stable")]
    given_here: dict = {}
    for u in order.tolist():  # (cells written differently may name one paper: its first line counts)
        if int(numbers[u]) not in given_here:
            given_here[int(numbers[u])] = (refs[u], int(firsts[u]))
    return given_here, na << 32 | nb


def _numbered(lines, delimiter, columns: tuple[int, int], ref_of):
    """Lines (a pyarrow string array) split into cells, and the cells of the two ``columns`` of
    each made references: (which lines lack one of them, or cannot say which they are; the
    references (``_Refs``) and paper numbers of the distinct cells of the other lines, and which
    of those cells are no identifier; each such line's two cells as places among them)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pc.split_pattern(lines, delimiter or " ")
    reach = max(columns) + 1
    short = pc.less(pc.list_value_length(cells), reach).to_numpy(zero_copy_only=False)
    if delimiter is None:  # a space too many (or one at the start) leaves an empty cell, which
        # the line-by-line read drops, so the cells after it are not where the columns say
        head = pc.list_slice(cells, 0, reach)
        empty = pc.equal(pc.list_flatten(head), "").to_numpy(zero_copy_only=False)
        short[pc.list_parent_indices(head).to_numpy()[empty]] = True
    if short.any():
        cells = cells.filter(pa.array(~short))
    # (spaces around a cell: ref_for strips them, as the line-by-line read does; a cell left
    # empty by a space too many is no identifier)
    a, b = pc.list_element(cells, columns[0]), pc.list_element(cells, columns[1])
    unique = pc.unique(pa.concat_arrays([a, b]))
    numbers = ref_of.numbered(unique)  # (cells numbered in blocks before: no reference made again)
    refs, bad = [None] * len(unique), np.zeros(len(unique), dtype=bool)
    new = np.flatnonzero(numbers < 0)
    for i, cell in zip(new.tolist(), unique.take(pa.array(new)).to_pylist()):
        try:
            refs[i], numbers[i] = ref_of(cell)
        except IdError:
            bad[i] = True
    good = new[~bad[new]]
    ref_of.remember(unique.take(pa.array(good)), numbers[good])
    return short, _Refs(refs, unique, ref_of), numbers, bad, pc.index_in(a, value_set=unique).to_numpy(), \
        pc.index_in(b, value_set=unique).to_numpy()


class _Refs:
    """The references of a block's distinct cells, made when asked for those numbered in an
    earlier block (only a paper not named yet needs its reference given)."""

    def __init__(self, refs: list, cells, ref_of):
        self.refs, self.cells, self.ref_of = refs, cells, ref_of

    def __getitem__(self, i: int):
        ref = self.refs[i]
        if ref is None:
            ref = self.refs[i] = self.ref_of(self.cells[i].as_py())[0]
        return ref


MIN_RUN = 32  # clean lines between odd ones worth a split on columns (fewer are read one by one)
ODD_SHARE = 8  # a block with more than one odd line in this many is read line by line


def _odd_lines(block: bytes, lines_of: _Lines, ref_of):
    """(the indexes from 0 of the lines ``_clean_block`` cannot take, the offsets where the
    block's lines start and its end) for a block with a few such lines; None when there are
    many, or the block cannot be split on columns at all. Odd: a byte the line-by-line read
    treats otherwise than a split (non-ASCII, quotes, comments, CR, control characters), fewer
    than two cells, a cell that is no identifier, a paper citing itself."""
    delimiter = lines_of.delimiter
    if delimiter is False or not block.endswith(b"\n"):
        return None
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    data = np.frombuffer(block, dtype=np.uint8)
    ends = np.flatnonzero(data == 10)
    flagged = (data >= 128) | np.isin(data, np.frombuffer(b"".join(_NOT_PLAIN), dtype=np.uint8))
    if delimiter is None:
        flagged |= data == 9
    odd = np.zeros(len(ends), dtype=bool)
    odd[np.searchsorted(ends, np.flatnonzero(flagged))] = True
    if odd.sum() * ODD_SHARE > len(ends):
        return None
    plain = np.flatnonzero(~odd)  # (latin-1: one character per byte, whatever the odd lines hold)
    lines = pc.split_pattern(pa.array([block[:-1].decode("latin-1")]), "\n").flatten().take(pa.array(plain))
    short, _, numbers, bad, ia, ib = _numbered(lines, delimiter, lines_of.columns, ref_of)
    odd[plain[short]] = True
    plain = plain[~short]
    odd[plain[bad[ia] | bad[ib] | (numbers[ia] == numbers[ib])]] = True
    if odd.sum() * ODD_SHARE > len(ends):
        return None
    return np.flatnonzero(odd).tolist(), np.concatenate(([0], ends + 1)).tolist()


def _repeats(pairs: array, where: array, source: str) -> Iterator[Row]:
    """A warning row (standing for no line of its own) for each line that repeats an earlier
    citation, in line order."""
    import numpy as np  # (only here: a sort of 20 million integers)

    keys = np.frombuffer(pairs, dtype=np.int64)
    if len(keys) < 2:
        return
    order = np.argsort(keys, kind="stable")  # equal citations together, in line order
    ordered = keys[order]
    new = np.concatenate(([True], ordered[1:] != ordered[:-1]))  # the first of its citation
    if new.all():
        return  # (the common case: no repeats)
    lines = np.frombuffer(where, dtype=np.int64)
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1  # (position in ``ordered`` -> its citation)
    repeat = np.flatnonzero(~new)
    first = lines[order[starts[group[repeat]]]]
    line = lines[order[repeat]]
    for i in np.argsort(line, kind="stable"):
        yield Row(source, int(line[i]), warnings=[f"the same citation as line {int(first[i])}; written once"],
                  lines=0)


def looks_like(path: Path, head: str) -> bool:
    """Two identifier-like columns per line (after comments and a possible header)."""
    lines = [l for l in head.splitlines() if l.strip() and not l.lstrip().startswith("#")][:6]
    if not lines:
        return False
    header = [c.strip().lower().replace(" ", "_") for c in _split(lines[0].strip(), _delimiter(lines[0]))]
    columns = _header(header)
    if columns is not None and (columns != (0, 1) or len(header) >= 2 and header[1] in _HEADER_WORDS):
        return True  # "citing,cited", "source target", "oci,citing,cited,...": an edge list whatever its rows hold
    data = lines[1:] if columns is not None else lines
    if not data:
        return True
    good = 0
    for line in data[:6]:  # most lines two identifier-like cells (a bad line does not change the verdict)
        delimiter = _delimiter(line)
        cells = [c for c in _split(line.strip(), delimiter) if c.strip()]
        prose = delimiter is None and len(cells) > 4  # a sentence, not a row of identifiers
        good += len(cells) >= 2 and not prose and all(_identifier_like(c) for c in cells[:2])
    return good * 2 > len(data[:6])


def _identifier_like(cell: str) -> bool:
    """DOIs, arXiv, OpenAlex, Semantic Scholar and corpus ids all hold a digit, a slash or a colon
    (a README's words do not); so does a list of prefixed identifiers (``omid:br/0610 doi:10.1/x``)."""
    cell = cell.strip()
    if " " in cell:
        return len(cell) <= 1000 and all(_PREFIXED.fullmatch(t) for t in cell.split())
    return 0 < len(cell) <= 200 and any(ch.isdigit() or ch in "/:" for ch in cell)


# -- the field map (docs/fields.md) ---------------------------------------------------------------

# An edge list's columns, found by the header's names (else the first two), and the identifiers
# an OpenCitations v2 cell lists; docs/fields.md is checked against these tables by a test.
FIELDS = {
    "citing": "the citing Paper: CITES from it (also `citing_id`, `citingcorpusid`, `source`, `src`, `from`, "
              "`paper`; without a header, the first column)",
    "cited": "the cited Paper: CITES to it (also `cited_id`, `citedcorpusid`, `target`, `dst`, `to`, "
             "`reference`; without a header, the second column)",
    "doi:…": "in a cell that lists a paper's identifiers (OpenCitations v2): Paper.doi (identity; the first DOI)",
    "arxiv:…": "in such a cell: Paper.arxiv_id (identity)",
    "openalex:…": "in such a cell: Paper.openalex_id (identity)",
    "omid:…": "in such a cell: the paper's id when the cell lists no DOI, arXiv or OpenAlex id",
    "# Paper citation network of Arxiv High Energy Physics …": "SNAP's cit-HepTh and cit-HepPh: their numbers "
                                                                "read as arXiv hep-th or hep-ph ids (Paper.arxiv_id)",
}
DROPPED = {
    "oci": "the citation's own id: a CITES relationship is known by its two papers",
    "creation": "the citing paper's publication date, a fact of that paper (not of a citation row)",
    "timespan": "follows from the two papers' dates",
    "journal_sc": "a flag that follows from the two papers' venues",
    "author_sc": "a flag that follows from the two papers' authors (AUTHORED answers it)",
    "pmid:…": "PubMed ids are not matched on; the cell's other identifiers name the paper",
    "other columns": "ignored",
}


# -- the format --------------------------------------------------------------------------------

# an OpenCitations API answer in JSON: objects with the citing and the cited paper's identifiers
_JSON_CITATION = re.compile(r'^\s*\[\s*\{\s*(?:"[a-z_]+"\s*:\s*"[^"]*"\s*,\s*)*"(?:oci|citing|cited)"\s*:')


def _sniff(path: Path, head: str) -> int:
    if head.lstrip()[:1] in ("[", "{"):
        found = _JSON_CITATION.match(head)
        return MARKED if found and '"citing"' in head and '"cited"' in head else 0
    if path.suffix.lower() not in (".csv", ".tsv", ".txt", ".edges", ".edgelist", ""):
        return 0
    return SHAPED if looks_like(path, head) else 0


FORMATS = [Format("edges", "citation edge list: citing and cited per line (CSV, TSV or whitespace; see --id-scheme), "
                           "or the OpenCitations API's JSON answer",
                  read, (".edges", ".edgelist"), _sniff)]
