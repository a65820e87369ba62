"""Citation edge lists: ``citing cited`` per line.

Comma-, tab- or whitespace-separated (decided per file from the first data
line), with or without a header, ``#`` comments, CRLF or LF line ends. Extra
columns are ignored. ``--id-scheme`` says what the identifiers are:

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
import re
import uuid
from array import array
from collections.abc import Iterator
from pathlib import Path

from graph.identity import normalize_arxiv, normalize_doi, normalize_openalex, openreview_id
from graph.papers import PaperRef
from graph.records import Citation, Citations, Reject, Row, key_too_long
from loaders.works import stub_records
from loaders.registry import SHAPED, Format

SCHEMES = ("auto", "arxiv", "doi", "openreview", "openalex", "s2", "raw")
_HEADER_WORDS = {"citing", "cited", "source", "target", "from", "to", "src", "dst", "paper", "reference",
                 "citing_id", "cited_id", "citingcorpusid", "citedcorpusid", "id", "ref"}
_ARXIV_ONLY = re.compile(r"^(?:arxiv:)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$", re.IGNORECASE)
_S2 = re.compile(r"^[0-9a-f]{40}$")


class IdError(ValueError):
    pass


def ref_for(value: str, scheme: str = "auto") -> PaperRef:
    text = value.strip()
    if not text:
        raise IdError("empty identifier")
    if scheme == "raw":
        return _named(PaperRef.from_id(text), text)
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


def _delimiter(line: str) -> str | None:
    if "\t" in line:
        return "\t"
    if "," in line:
        return ","
    if ";" in line and " " not in line.strip():
        return ";"
    return None  # whitespace


def _data_lines(path, source: str) -> Iterator[tuple[int, list | Reject, str]]:
    """(line number, its cells: at least two, the line) of each data line, or (line number,
    Reject, the line)."""
    delimiter: str | bool | None = False  # not decided yet
    with open(path, "rb") as f:
        for number, data in enumerate(f, 1):
            try:
                line = data.decode("utf-8-sig" if number == 1 else "utf-8").rstrip("\r\n")
            except UnicodeDecodeError as exc:
                yield number, Reject(source, number, f"not valid UTF-8 (byte {exc.start + 1})"), ""
                continue
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            if delimiter is False:
                delimiter = _delimiter(stripped)
                cells = [c.strip().lower() for c in _split(stripped, delimiter)]
                if cells and (cells[0] in _HEADER_WORDS or cells[0].replace(" ", "_") in _HEADER_WORDS):
                    continue  # a header
            cells = [c.strip() for c in _split(stripped, delimiter)]
            cells = [c for c in cells if c] if delimiter is None else cells
            if len(cells) < 2:
                yield number, Reject(source, number, "needs two identifiers: citing and cited", line), line
                continue
            yield number, cells, line


def read(path, source: str, options) -> Iterator[Row]:
    scheme = options.id_scheme or "auto"
    if scheme not in SCHEMES:
        raise ValueError(f"unknown id scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    if options.batched:
        yield from _read_batched(path, source, scheme)
        return
    seen: dict[int, int] = {}  # (citing, cited) as one integer -> first line
    ref_of = _references(scheme)
    for number, cells, line in _data_lines(path, source):
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


def _references(scheme: str):
    """``ref_of(cell) -> (PaperRef, the number of its paper)``. Each identifier is made a reference
    once while remembered (a citing paper fills consecutive lines, a cited one recurs wherever it
    is cited); a bad value raises IdError each time. Papers are numbered so that a citation can
    be kept as one integer."""
    known: dict[str, tuple] = {}  # cell -> (its PaperRef, the number of its paper)
    numbers: dict = {}  # a paper's identifiers -> its number

    def ref_of(cell: str) -> tuple:
        hit = known.get(cell)
        if hit is None:
            ref = ref_for(cell, scheme)  # IdError: the line is rejected
            too_long = key_too_long("Paper", ref)
            if too_long:
                raise IdError(too_long)
            if len(known) >= KNOWN_SIZE:
                known.clear()
            hit = known[cell] = (ref, numbers.setdefault(tuple(ref.pairs()), len(numbers)))
        return hit

    return ref_of


def _read_batched(path, source: str, scheme: str) -> Iterator[Row]:
    """The rows of ``read`` for a sink that takes Citations: the clean lines in rows of BATCH.
    What is said about a line (a reject, a self-citation) comes in its own row, in line order;
    repeated citations are found at the end, in compact arrays instead of a dictionary of
    every citation (20 million lines), and said as warnings (the sink writes each citation once)."""
    ref_of = _references(scheme)
    citing: list = []
    cited: list = []
    at: list = []
    pairs = array("q")  # per clean line: the numbers of its two papers, in one integer
    where = array("q")  # per clean line: its number

    numbering = uuid.uuid4().hex  # (the papers' numbers are this reading's own)

    def batch() -> Iterator[Row]:
        if at:
            yield Row(source, at[0], lines=len(at), records=[
                Citations(citing.copy(), cited.copy(), at.copy(), pairs[-len(at):], numbering)])
            citing.clear(), cited.clear(), at.clear()

    try:
        for number, cells, line in _data_lines(path, source):
            if type(cells) is Reject:
                yield from batch()
                yield Row(source, number, reject=cells)
                continue
            try:
                (a, na), (b, nb) = ref_of(cells[0]), ref_of(cells[1])
            except IdError as exc:
                yield from batch()
                yield Row(source, number, reject=Reject(source, number, str(exc), line))
                continue
            if na == nb:  # (edge list references hold one identifier each: the same one is the same paper)
                yield from batch()
                yield Row(source, number, records=stub_records(a), warnings=[f"{cells[0]} cites itself; not written"])
                continue
            citing.append(a)
            cited.append(b)
            at.append(number)
            pairs.append(na << 32 | nb)
            where.append(number)
            if len(at) >= BATCH:
                yield from batch()
    except Exception:  # the file cannot be read on: the lines before stay loaded, as row by row
        yield from batch()
        raise
    yield from batch()
    del ref_of  # (its tables are not needed for the repeats)
    yield from _repeats(pairs, where, source)


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
    if len(header) >= 2 and header[0] in _HEADER_WORDS and header[1] in _HEADER_WORDS:
        return True  # "citing,cited", "source target": an edge list whatever its rows hold
    data = lines[1:] if header and header[0] in _HEADER_WORDS else lines
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
    (a README's words do not)."""
    cell = cell.strip()
    return 0 < len(cell) <= 200 and " " not in cell and any(ch.isdigit() or ch in "/:" for ch in cell)


# -- the format --------------------------------------------------------------------------------

def _sniff(path: Path, head: str) -> int:
    if path.suffix.lower() not in (".csv", ".tsv", ".txt", ".edges", ".edgelist", ""):
        return 0
    if head.lstrip()[:1] in ("[", "{"):
        return 0
    return SHAPED if looks_like(path, head) else 0


FORMATS = [Format("edges", "citation edge list: citing and cited per line (CSV, TSV or whitespace; see --id-scheme)",
                  read, (".edges", ".edgelist"), _sniff)]
