"""Hugging Face conference paper datasets: one row -> records of the graph model.

The rows have the columns ``proceedings`` (OpenReview URL), ``bibtext``,
``abstract``, ``title``, ``authors``, ``id`` (venue id, e.g. ``Workshop/UniReps``),
``type`` (poster, oral, ...), ``arxiv_id``, ``GitHub``, ``paper_page``,
``upvotes``, ``num_comments``, ``Models``, ``Datasets``, ``Spaces`` and a few
counts. The container (JSON Lines, CSV, Parquet, the dataset-viewer dump, ...)
is read by its own module; this one knows only the row.

``-1`` and empty strings mean "unknown" and are stored as absent. Where the
structured ``title``/``authors`` and the BibTeX disagree, the structured
columns win and the BibTeX stays on the paper.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.identity import decode_latex, normalize_arxiv, normalize_doi, openreview_id, slug, split_person_list
from graph.papers import PaperRef
from graph.records import Reject, Row
from loaders import csv_table, hf_datasets, json_document, jsonl, parquet, viewer_dump
from loaders.bibtex import fast_entry, parse_bibtex
from loaders.registry import MAGIC, MARKED, PLAIN, SHAPED, Format, LoadOptions
from loaders.rows import RawRow
from loaders.works import Person, VenueRef, Work, work_records

# Columns that hold lists (CSV and the viewer dump print them as JSON) and integers.
LIST_COLUMNS = ("authors", "GitHub", "Models", "Datasets", "Spaces")
INT_COLUMNS = ("upvotes", "num_comments", "n_linked_authors", "n_authors", "paper_page_exists_pre_conf")
ARTIFACT_COLUMNS = (("Models", "Model"), ("Datasets", "Dataset"), ("Spaces", "Space"))

# Conference series whose name and year identify an edition ("WANT@NeurIPS 2023",
# "NeurIPS.cc/2023/Workshop/X", "ICLR 2024").
_SERIES = ("NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "NAACL", "EACL", "COLING", "CVPR", "ICCV", "ECCV",
           "AAAI", "IJCAI", "KDD", "WWW", "SIGIR", "AISTATS", "UAI", "CoRL", "COLM", "MLSys", "MICCAI",
           "WACV", "BMVC", "ICRA", "IROS", "RSS", "TMLR", "CHI", "Interspeech", "ICASSP", "ISMIR")
_SERIES_RE = re.compile(r"\b(" + "|".join(_SERIES) + r")(?:\.cc)?[\s'/_-]*((?:19|20)\d\d)\b", re.IGNORECASE)
_CANONICAL_SERIES = {s.lower(): s for s in _SERIES}
_GENERIC_VENUE_NAMES = {"conference", "main", "track", "journal", "findings"}


# Every column of the paper datasets: mapped (to what) or dropped (why). docs/fields.md is
# checked against these tables by a test.
FIELDS = {
    "title": "Paper.title",
    "authors": "Author (in order: AUTHORED.position)",
    "abstract": "Paper.abstract",
    "proceedings": "Paper.id (the OpenReview forum id) and Paper.openreview_url",
    "arxiv_id": "Paper.arxiv_id (identity)",
    "bibtext": "Paper.bibtex; its key -> Paper.bibtex_key, year -> Paper.year, doi -> Paper.doi, "
               "booktitle -> Venue.name and the conference",
    "id": "Venue (the dataset's venue id, e.g. `Workshop/UniReps`), Conference",
    "type": "PRESENTED_AT.type and Paper.type",
    "GitHub": "Repository via HAS_CODE",
    "paper_page": "Paper.hf_paper_url",
    "upvotes": "Paper.upvotes",
    "num_comments": "Paper.num_comments",
    "Models": "Model via HAS_ARTIFACT; owner -> HubAccount via OWNS",
    "Datasets": "Dataset via HAS_ARTIFACT; owner -> HubAccount via OWNS",
    "Spaces": "Space via HAS_ARTIFACT; owner -> HubAccount via OWNS",
}
DROPPED = {
    "bibtex_url": "a link to the BibTeX the bibtext column holds",
    "n_linked_authors": "counted from the graph (checked to be an integer)",
    "n_authors": "counted from the authors (checked to be an integer)",
    "paper_page_exists_pre_conf": "a flag of the dataset's making (checked to be an integer)",
}


class RowError(ValueError):
    """The row cannot become a paper; the message is the reason given to the user."""


@dataclass(frozen=True)
class Conference:
    id: str
    name: str
    year: int | None

    @classmethod
    def parse(cls, text: str) -> Conference:
        """``"NeurIPS 2023"`` -> Conference(neurips-2023, NeurIPS 2023, 2023)."""
        name = " ".join(text.split())
        if not name:
            raise ValueError("empty conference name")
        years = re.findall(r"\b((?:19|20)\d\d)\b", name)
        match = _SERIES_RE.search(name)
        if match and match.group(0).strip() == name.replace(".cc", "").strip():
            name = f"{_CANONICAL_SERIES[match.group(1).lower()]} {match.group(2)}"
        return cls(id=slug(name), name=name, year=int(years[-1]) if years else None)


def infer_conference(*texts: str | None) -> Conference | None:
    """A conference named with its year in the venue id or BibTeX booktitle, if any."""
    for text in texts:
        if not text:
            continue
        match = _SERIES_RE.search(text)
        if match:
            series = _CANONICAL_SERIES[match.group(1).lower()]
            return Conference.parse(f"{series} {match.group(2)}")
    return None


@dataclass(frozen=True)
class PaperContext:
    source: str  # recorded in `sources`
    conference: Conference | None = None  # --conference


# -- field checks ---------------------------------------------------------------

def _text(row: dict, column: str) -> str | None:
    value = row.get(column)
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise RowError(f"column {column!r} should be text, got {type(value).__name__}")
    return value if value.strip() else None


def _int(row: dict, column: str) -> int | None:
    value = row.get(column)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RowError(f"column {column!r} should be an integer, got a boolean")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        value = int(value)
    if not isinstance(value, int):
        raise RowError(f"column {column!r} should be an integer, got {value!r}"[:200])
    return None if value == -1 else value


def _str_list(row: dict, column: str) -> list[str]:
    value = row.get(column)
    if value is None:
        return []
    if isinstance(value, str):  # a single URL or name where a list was expected
        value = [value]
    if not isinstance(value, (list, tuple)):
        raise RowError(f"column {column!r} should be a list of strings, got {type(value).__name__}")
    out = []
    for i, item in enumerate(value, 1):
        if item is None:
            continue
        if not isinstance(item, str):
            raise RowError(f"column {column!r} item {i} should be a string, got {type(item).__name__}")
        if item.strip():
            out.append(item)
    return out


# -- BibTeX column --------------------------------------------------------------

@dataclass(frozen=True)
class BibInfo:
    key: str | None = None
    booktitle: str | None = None
    year: int | None = None
    doi: str | None = None
    arxiv_id: str | None = None
    author_field: str = ""  # the BibTeX `author` field, split only when the row has no author list
    warning: str | None = None


def bibtex_info(text: str | None) -> BibInfo:
    if not text:
        return BibInfo()
    entry = fast_entry(text)  # the rows' entries are small and regular; anything else goes to bibtexparser
    if entry is None:
        parsed = parse_bibtex(text)
        if not parsed.entries:
            reason = parsed.failures[0][1] if parsed.failures else "no entry found"
            return BibInfo(warning=f"BibTeX not understood ({reason}); kept as given")
        entry = parsed.entries[0]
    f = entry.fields
    year = None
    if re.fullmatch(r"\s*\d{4}\s*", f.get("year", "")):
        year = int(f["year"])
    arxiv = None
    if f.get("archiveprefix", "").lower() == "arxiv" or "arxiv" in f.get("journal", "").lower():
        arxiv = normalize_arxiv(f.get("eprint") or f.get("journal"))
    return BibInfo(
        author_field=f.get("author", ""),
        key=entry.key,
        booktitle=_decoded(f.get("booktitle")),
        year=year,
        doi=normalize_doi(f.get("doi")),
        arxiv_id=arxiv,
    )


@functools.lru_cache(maxsize=10_000)
def _decoded(value: str | None) -> str | None:
    """Venue names repeat on every row of a venue: decode each once."""
    if not value:
        return None
    return decode_latex(" ".join(value.split()))


# -- the row ----------------------------------------------------------------------

def row_records(row: object, ctx: PaperContext) -> tuple[list, list[str]]:
    """The records of one dataset row, and warnings; raises RowError to reject it."""
    if not isinstance(row, dict):
        raise RowError(f"row should be an object, got {type(row).__name__}")
    title = row.get("title")
    if not isinstance(title, str):
        raise RowError("title is missing" if title is None else f"title should be text, got {type(title).__name__}")
    if not title.strip():
        raise RowError("title is empty")
    authors = row.get("authors")
    if authors is None:
        authors = []
    if not isinstance(authors, (list, tuple)) or not all(isinstance(a, str) for a in authors):
        raise RowError("authors should be a list of strings")

    proceedings = _text(row, "proceedings")
    forum = openreview_id(proceedings)
    arxiv_raw = _text(row, "arxiv_id")
    arxiv = normalize_arxiv(arxiv_raw)
    if arxiv_raw and not arxiv:
        raise RowError(f"arxiv_id {arxiv_raw!r} is not an arXiv identifier")
    warnings: list[str] = []
    bib_text = _text(row, "bibtext")
    bib = bibtex_info(bib_text)
    if bib.warning:
        warnings.append(bib.warning)
    arxiv = arxiv or bib.arxiv_id
    if not forum and not arxiv:
        raise RowError("no identifier: neither an OpenReview forum id in 'proceedings' nor an arXiv id")
    # the node id is the forum id, else arxiv:<id> (graph.papers), unless another source knew it first
    paper_id = PaperRef.make(openreview=forum, arxiv=arxiv, doi=bib.doi, title=title)

    venue_raw = _text(row, "id")
    ptype = _text(row, "type")
    # a venue id that names its conference ("ICLR.cc/2024/Conference") is the most specific
    # statement, then --conference, then a booktitle such as "WANT@NeurIPS 2023"
    own = infer_conference(venue_raw)
    if own and ctx.conference and own.id != ctx.conference.id:
        warnings.append(f"venue id {venue_raw!r} names {own.name}, not {ctx.conference.name}; kept {own.name}")
    conference = own or ctx.conference or infer_conference(bib.booktitle)

    props = {
        "type": ptype,
        "arxiv_id": arxiv,
        "doi": bib.doi,
        "openreview_url": proceedings if forum and proceedings and "openreview.net" in proceedings else None,
        "hf_paper_url": _text(row, "paper_page"),
        "bibtex_key": bib.key,
        "bibtex": bib_text,
        "upvotes": _int(row, "upvotes"),
        "num_comments": _int(row, "num_comments"),
    }
    for column in INT_COLUMNS:  # checked, so a broken count is reported
        _int(row, column)
    et_al = False
    if not authors and bib.author_field:  # no structured list: the BibTeX's, split by the library rules
        authors, et_al = split_person_list(bib.author_field)

    venue = None
    if venue_raw:
        # scope the dataset's venue id by its conference (UniReps 2023 is not UniReps 2024),
        # unless the id names its conference itself ("ICLR.cc/2024/Conference")
        scoped = conference is not None and infer_conference(venue_raw) is None
        short_name = venue_raw.rstrip("/").rsplit("/", 1)[-1]
        if short_name.lower() in _GENERIC_VENUE_NAMES and conference:
            short_name = f"{conference.name} {short_name}"
        venue = VenueRef(id=f"{conference.id}/{venue_raw}" if scoped else venue_raw, name=bib.booktitle,
                         short_name=short_name, workshop="Workshop" in venue_raw.split("/")[:-1],
                         conference=conference)

    code = list(dict.fromkeys(url.strip().rstrip("/") for url in _str_list(row, "GitHub")))
    artifacts = {label: list(dict.fromkeys(r.strip() for r in _str_list(row, column)))
                 for column, label in ARTIFACT_COLUMNS}
    work = Work(ref=paper_id, title=title, abstract=_text(row, "abstract"),
                year=bib.year or (conference.year if conference else None),
                authors=[Person(name) for name in authors if name.strip()], venue=venue,
                props={k: v for k, v in props.items() if v is not None}, et_al=et_al, presentation=ptype,
                code=code, artifacts=artifacts, complete=True)
    records = work_records(work)  # the one place any source's description becomes records
    warnings += work.warnings
    return records, warnings


# -- rows to records, in chunks, skipping rows the graph already holds -----------------------

# Bumped whenever a row maps to different records, so that a re-load rewrites every row.
PAPER_ROWS_VERSION = "1"
CHUNK = 2000


# A row's identifiers as its text gives them, before it is parsed. Enough to look the row up:
# it is skipped only when the paper of that id holds this very row's hash (a misread id costs
# the row a parse, never a wrong skip). Escapes are read (pandas writes URLs as https:\/\/...).
_TEXT_FIELDS = {name: re.compile(rf'"{name}"\s*:\s*"([^"\\]*(?:\\.[^"\\]*)*)"')
                for name in ("proceedings", "arxiv_id")}


def _text_value(text: str) -> str | None:
    if "\\" not in text:
        return text
    try:
        return json.loads(f'"{text}"')
    except ValueError:
        return None


def _identifiers(raw: RawRow) -> dict:
    if raw.value is None and raw.raw is not None:  # (not parsed yet)
        found = {name: pattern.search(raw.raw) for name, pattern in _TEXT_FIELDS.items()}
        return {name: _text_value(match.group(1)) for name, match in found.items() if match}
    return raw.value if isinstance(raw.value, dict) else {}


def row_id(raw: RawRow) -> str | None:
    """The id a paper row will most likely have (what a reload looks the row up by)."""
    value = _identifiers(raw)
    forum = openreview_id(value.get("proceedings")) if isinstance(value.get("proceedings"), str) else None
    arxiv = normalize_arxiv(value.get("arxiv_id")) if isinstance(value.get("arxiv_id"), str) else None
    return forum or (f"arxiv:{arxiv}" if arxiv else None)


def row_hash(raw: RawRow, options: LoadOptions) -> str:
    """A hash (24 hex digits) of everything that shapes a paper row's records."""
    text = raw.raw if raw.raw is not None else json.dumps(raw.value, sort_keys=True, ensure_ascii=False, default=str)
    conference = options.conference.id if options.conference else ""
    return hashlib.blake2b(f"{PAPER_ROWS_VERSION}\x1f{conference}\x1f{text}".encode("utf-8", "surrogatepass"),
                           digest_size=12).hexdigest()


def paper_rows(raw_rows: Iterator[RawRow], source: str, options: LoadOptions,
               parse: Callable[[RawRow], RawRow] | None = None) -> Iterator[Row]:
    """Map container rows of a paper dataset to records; never raises for one bad row.

    With an ``unchanged`` checker in ``options`` (the API gives one), rows are
    read in chunks and a row whose fingerprint the graph already holds for this source
    is not converted or written again: re-loading unchanged data costs a read and a lookup.
    With ``parse``, the rows come as text (``jsonl.read_lines``) and only rows the graph
    does not hold yet are parsed.
    """
    ctx = PaperContext(source=source, conference=options.conference)
    chunk: list = []
    for raw in raw_rows:
        chunk.append(raw)
        if len(chunk) >= CHUNK:
            yield from _paper_chunk(chunk, source, options, ctx, parse)
            chunk = []
    yield from _paper_chunk(chunk, source, options, ctx, parse)


def _paper_chunk(chunk, source, options, ctx, parse) -> Iterator[Row]:
    unchanged = options.unchanged
    # (the id only when there is a graph to ask: a bulk load into an empty one needs the hash alone)
    prints = [(row_id(raw) if unchanged else None, row_hash(raw, options)) if not raw.error else (None, "")
              for raw in chunk]
    known = unchanged([(pid, f"{h}:{source}") for pid, h in prints if pid]) if unchanged else set()
    for raw, (pid, digest) in zip(chunk, prints):
        if not raw.error and pid in known:
            yield Row(source, raw.line, unchanged=True)
            continue
        if parse is not None:
            parse(raw)
        if raw.error:
            yield Row(source, raw.line, reject=Reject(source, raw.line, raw.error, raw.raw))
            continue
        try:
            records, warnings = row_records(raw.value, ctx)
        except RowError as exc:
            yield Row(source, raw.line, reject=Reject(source, raw.line, str(exc), raw.raw))
            continue
        records[0].row_hash = digest  # the paper itself
        yield Row(source, raw.line, records=records, warnings=warnings)


def _container(reader: Callable[[Path], Iterator[RawRow]], parse: Callable[[RawRow], RawRow] | None = None):
    def read(path, source: str, options: LoadOptions) -> Iterator[Row]:
        return paper_rows(reader(Path(path)), source, options, parse)
    return read


# -- the formats: paper-dataset rows in every container they come in ------------------------

_PAPER_ROW_MARKS = re.compile(r'"(proceedings|bibtext|paper_page)"\s*:')
_ROW_SUFFIXES = (".csv", ".tsv", ".txt", ".edges", ".edgelist", "")


def _json_score(head: str) -> int:
    """JSON with the dataset's own columns outranks the citation sources' JSON."""
    if head.lstrip()[:1] not in ("[", "{"):
        return 0
    return MARKED + 5 if _PAPER_ROW_MARKS.search(head) else PLAIN


def _lines_of_json(head: str) -> bool:
    """Several lines, and among the first few one whole JSON object at the start of a line (a
    pretty-printed document indents its inner objects; one broken line does not decide)."""
    stripped = head.lstrip("\ufeff \t\r\n")
    if stripped.startswith("["):
        return False
    lines = [line for line in stripped.split("\n")[:6] if line.strip()]
    if len(lines) < 2:
        return False
    for line in lines[:5]:
        if line[:1] != "{":
            continue
        try:
            if isinstance(json.loads(line), dict):
                return True
        except (ValueError, RecursionError):
            continue
    return False


def _sniff_jsonl(path: Path, head: str) -> int:
    return _json_score(head) if _lines_of_json(head) else 0


def _sniff_json(path: Path, head: str) -> int:
    return _json_score(head) if not _lines_of_json(head) else 0


def _sniff_csv(path: Path, head: str) -> int:
    header = head.split("\n", 1)[0].lower()
    shaped = path.suffix.lower() in _ROW_SUFFIXES and "title" in header and "authors" in header
    return SHAPED + 5 if shaped and head.lstrip()[:1] not in ("[", "{") else 0


def _sniff_parquet(path: Path, head: str) -> int:
    return MAGIC if path.suffix.lower() in (".parquet", ".pq") or head.startswith("PAR1") else 0


def _sniff_viewer(path: Path, head: str) -> int:
    return MARKED + 15 if viewer_dump.looks_like_dump(head) else 0


def _read_hf(path, source: str, options: LoadOptions) -> Iterator[Row]:
    return paper_rows(hf_datasets.read_rows(str(path)), source, options)


FORMATS = [
    Format("jsonl", "paper-dataset rows as JSON Lines", _container(jsonl.read_lines, jsonl.parse),
           (".jsonl", ".ndjson"), _sniff_jsonl),
    Format("json", "paper-dataset rows as a JSON array, one object, or a dataset-viewer API response",
           _container(json_document.read_rows), (".json",), _sniff_json),
    Format("csv", "paper-dataset rows as CSV/TSV with a header (lists as JSON)",
           _container(lambda p: csv_table.read_rows(p, LIST_COLUMNS)), (".csv", ".tsv"), _sniff_csv),
    Format("parquet", "paper-dataset rows as Parquet (as the Hugging Face Hub serves them)",
           _container(parquet.read_rows), (".parquet", ".pq"), _sniff_parquet),
    Format("viewer", "the Hugging Face dataset-viewer text dump (header with column types, one field per line)",
           _container(viewer_dump.read_rows), (".txt",), _sniff_viewer),
    Format("hf", "a dataset through the `datasets` library: hf:ORG/NAME[:SPLIT], or a save_to_disk folder", _read_hf),
]
