"""Loaders: source files in, plain records out (see ``graph.records``).

One module per source format. The registry below names each format, says how
to recognise it, and how to read it; ``detect_format`` picks one from the
file's name and first bytes when ``--format auto``.

Paper-dataset rows can arrive in several containers (JSON Lines, JSON,
CSV/TSV, Parquet, the dataset-viewer dump, the ``datasets`` library); the
container modules find the rows and ``paper_dataset`` maps each row.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.errors import LoadError
from graph.identity import normalize_arxiv, openreview_id
from graph.records import Reject, Row
from loaders import (
    bibtex,
    csv_table,
    edge_list,
    hf_datasets,
    json_document,
    jsonl,
    openalex,
    parquet,
    rdf,
    semantic_scholar,
    viewer_dump,
)
from loaders.paper_dataset import LIST_COLUMNS, Conference, PaperContext, RowError, row_records
from loaders.rows import RawRow


@dataclass(frozen=True)
class LoadOptions:
    source: str | None = None  # name recorded in `sources`; default: the file name
    conference: Conference | None = None
    id_scheme: str = "auto"  # edge lists: how to read bare identifiers
    of_paper: str | None = None  # Semantic Scholar /references and /citations pages: whose they are
    # paper rows: ``unchanged(pairs of (paper id, fingerprint))`` -> ids the graph holds exactly so
    unchanged: Callable[[list], set] | None = None


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    read: Callable[[str | Path, str, LoadOptions], Iterator[Row]]  # (path, source name, options)
    extensions: tuple[str, ...] = ()


# Bumped whenever a row maps to different records, so that a re-load rewrites every row.
PAPER_ROWS_VERSION = "1"
CHUNK = 2000


def row_fingerprint(raw: RawRow, options: LoadOptions) -> tuple[str | None, str]:
    """The id a paper row will most likely have, and a hash (24 hex digits) of everything that
    shapes its records."""

    value = raw.value if isinstance(raw.value, dict) else {}
    forum = openreview_id(value.get("proceedings")) if isinstance(value.get("proceedings"), str) else None
    arxiv = normalize_arxiv(value.get("arxiv_id")) if isinstance(value.get("arxiv_id"), str) else None
    text = raw.raw if raw.raw is not None else json.dumps(raw.value, sort_keys=True, ensure_ascii=False, default=str)
    conference = options.conference.id if options.conference else ""
    digest = hashlib.blake2b(f"{PAPER_ROWS_VERSION}\x1f{conference}\x1f{text}".encode("utf-8", "surrogatepass"),
                             digest_size=12).hexdigest()
    return (forum or (f"arxiv:{arxiv}" if arxiv else None)), digest


def paper_rows(raw_rows: Iterator[RawRow], source: str, options: LoadOptions) -> Iterator[Row]:
    """Map container rows of a paper dataset to records; never raises for one bad row.

    With an ``unchanged`` checker in ``options`` (the API gives one), rows are
    read in chunks and a row whose fingerprint the graph already holds for this source
    is not converted or written again: re-loading unchanged data costs a read and a lookup.
    """
    ctx = PaperContext(source=source, conference=options.conference)
    unchanged = options.unchanged
    chunk: list = []
    for raw in raw_rows:
        chunk.append(raw)
        if len(chunk) >= CHUNK:
            yield from _paper_chunk(chunk, source, options, ctx, unchanged)
            chunk = []
    yield from _paper_chunk(chunk, source, options, ctx, unchanged)


def _paper_chunk(chunk, source, options, ctx, unchanged) -> Iterator[Row]:
    prints = [row_fingerprint(raw, options) if not raw.error else (None, "") for raw in chunk]
    known = unchanged([(pid, f"{h}:{source}") for pid, h in prints if pid]) if unchanged else set()
    for raw, (pid, digest) in zip(chunk, prints):
        if raw.error:
            yield Row(source, raw.line, reject=Reject(source, raw.line, raw.error, raw.raw))
            continue
        if pid in known:
            yield Row(source, raw.line, unchanged=True)
            continue
        try:
            records, warnings = row_records(raw.value, ctx)
        except RowError as exc:
            yield Row(source, raw.line, reject=Reject(source, raw.line, str(exc), raw.raw))
            continue
        records[0].row_hash = digest  # the paper itself
        yield Row(source, raw.line, records=records, warnings=warnings)


def _paper_container(reader: Callable[[Path], Iterator[RawRow]]):
    def read(path, source: str, options: LoadOptions) -> Iterator[Row]:
        return paper_rows(reader(Path(path)), source, options)
    return read


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("jsonl", "paper-dataset rows as JSON Lines", _paper_container(jsonl.read_rows), (".jsonl", ".ndjson")),
    Format("json", "paper-dataset rows as a JSON array, one object, or a dataset-viewer API response",
           _paper_container(json_document.read_rows), (".json",)),
    Format("csv", "paper-dataset rows as CSV/TSV with a header (lists as JSON)",
           _paper_container(lambda p: csv_table.read_rows(p, LIST_COLUMNS)), (".csv", ".tsv")),
    Format("parquet", "paper-dataset rows as Parquet (as the Hugging Face Hub serves them)",
           _paper_container(parquet.read_rows), (".parquet", ".pq")),
    Format("viewer", "the Hugging Face dataset-viewer text dump (header with column types, one field per line)",
           _paper_container(viewer_dump.read_rows), (".txt",)),
    Format("hf", "a dataset through the `datasets` library: hf:ORG/NAME[:SPLIT], or a save_to_disk folder",
           lambda path, source, options: paper_rows(hf_datasets.read_rows(str(path)), source, options)),
    Format("rdf", "citegraph's own RDF export, in any of its formats (round trip)", rdf.read,
           (".ttl", ".nt", ".nq", ".jsonld", ".rdf", ".owl", ".trig")),
    Format("openalex", "OpenAlex works: one work, an API list response (results), or JSON Lines", openalex.read),
    Format("s2", "Semantic Scholar Graph API papers (with references/citations) or bulk citation records",
           semantic_scholar.read),
    Format("edges", "citation edge list: citing and cited per line (CSV, TSV or whitespace; see --id-scheme)",
           edge_list.read, (".edges", ".edgelist")),
    Format("bibtex", "BibTeX libraries (.bib files, or folders of them)", bibtex.read, (".bib", ".bibtex")),
)}


def register(fmt: Format) -> None:
    """Add a format (format modules call this; so can plugins)."""
    FORMATS[fmt.name] = fmt


def _head(path: Path, size: int = 64 * 1024) -> str:
    with open(path, "rb") as f:
        return f.read(size).decode("utf-8", errors="replace").lstrip("\ufeff")


def detect_format(path: str | Path) -> str:
    """The format of a file, from its name and its first bytes."""
    text_path = str(path)
    if text_path.startswith("hf:"):
        return "hf"
    path = Path(path)
    if path.is_dir():
        if (path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists():
            return "hf"
        raise LoadError(f"{path} is a folder; name the files in it")
    suffix = path.suffix.lower()
    if suffix in (".gz", ".bz2", ".xz"):
        raise LoadError(f"{path}: compressed files are not read directly; decompress it first")
    head = _head(path)
    for sniffer in SNIFFERS:
        found = sniffer(path, head)
        if found:
            return found
    for fmt in FORMATS.values():
        if suffix in fmt.extensions:
            return fmt.name
    raise LoadError(f"{path}: cannot tell its format from its name or content; give --format "
                    f"({', '.join(sorted(FORMATS))})")


_OPENALEX_MARKS = re.compile(r'"(referenced_works|authorships|abstract_inverted_index)"\s*:|"https://openalex\.org/W\d+')
_S2_MARKS = re.compile(r'"(paperId|corpusId|citingcorpusid|citedcorpusid|citingPaper|citedPaper)"\s*:')
_PAPER_ROW_MARKS = re.compile(r'"(proceedings|bibtext|paper_page)"\s*:')


def _sniff_basic(path: Path, head: str) -> str | None:
    stripped = head.lstrip()
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq") or head.startswith("PAR1"):
        return "parquet"
    if suffix in FORMATS["bibtex"].extensions:
        return "bibtex"
    if suffix in FORMATS["rdf"].extensions or '"@context"' in head[:2000]:
        return "rdf"
    if viewer_dump.looks_like_dump(head):
        return "viewer"
    if stripped[:1] in ("[", "{"):
        if not _PAPER_ROW_MARKS.search(head):
            if _S2_MARKS.search(head):
                return "s2"
            if _OPENALEX_MARKS.search(head):
                return "openalex"
        if stripped.startswith("["):
            return "json"
        first_line = stripped.split("\n", 1)[0]
        try:
            json.loads(first_line)
            return "jsonl" if "\n" in stripped.strip() else "json"
        except ValueError:
            return "json"
    if suffix in (".csv", ".tsv", ".txt", ".edges", ".edgelist", ""):
        header = head.split("\n", 1)[0].lower()
        if "title" in header and "authors" in header:
            return "csv"
        if edge_list.looks_like(path, head):
            return "edges"
    if stripped.startswith("@") and re.search(r"@\w+\s*[{(]", head):
        return "bibtex"
    return None


# Sniffers run in order; format modules that need to see content add theirs in front.
SNIFFERS: list[Callable[[Path, str], str | None]] = [_sniff_basic]


def sniff(path: str | Path) -> str | None:
    """The format a file's content shows (its name alone is not enough), or None."""
    path = Path(path)
    if path.suffix.lower() in (".gz", ".bz2", ".xz"):
        return None
    try:
        head = _head(path)
    except OSError:
        return None
    for sniffer in SNIFFERS:
        found = sniffer(path, head)
        if found:
            return found
    return None


def expand_paths(paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Folders become the data files in them (sorted, recursive), and the files left out with why.

    A file in a folder is loaded when its content shows a known format; READMEs, licences,
    notes and anything else are left out (and listed, so nothing disappears unreported).
    """
    out, skipped = [], []
    for p in paths:
        path = Path(p)
        if p.startswith("hf:") or not path.is_dir() or (path / "dataset_info.json").exists():
            out.append(p)
            continue
        found = False
        for f in sorted(f for f in path.rglob("*") if f.is_file()):
            if any(part.startswith(".") for part in f.relative_to(path).parts):
                continue  # hidden files and folders (.git, .DS_Store)
            if sniff(f):
                out.append(str(f))
                found = True
            else:
                skipped.append((str(f), "not a format citegraph reads (give its name and --format to load it)"))
        if not found:
            raise LoadError(f"{path}: no loadable files in this folder")
    return out, skipped


def read(path: str, fmt: str = "auto", options: LoadOptions | None = None) -> Iterator[Row]:
    """Rows of records from one input."""
    options = options or LoadOptions()
    if not path.startswith("hf:") and not Path(path).exists():
        raise LoadError(f"{path}: no such file")
    name = detect_format(path) if fmt == "auto" else fmt
    if name not in FORMATS:
        raise LoadError(f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}")
    source = options.source or (path if path.startswith("hf:") else Path(path).name)
    return FORMATS[name].read(path, source, options)
