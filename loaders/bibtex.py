"""BibTeX: parsing with bibtexparser v2, robust to what real files hold.

``parse_bibtex`` is shared by the paper-dataset loader (its ``bibtext``
column) and the BibTeX library loader. Field values come back raw (LaTeX
kept); callers decode only what they use, because LaTeX decoding costs far
more than parsing.

bibtexparser refuses entry keys that carry LaTeX (``l{\\"a}hner2023on``): such
keys are swapped for a placeholder before parsing and restored after, so the
entry and its key survive exactly.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import bibtexparser

from graph.identity import decode_latex, normalize_arxiv, normalize_doi, split_person_list
from graph.papers import PaperRef, citation_key
from graph.records import Node, Reject, Row
from loaders.works import Person, VenueRef, Work, work_records
from loaders.registry import MARKED, PLAIN, Format

_BIBTEXPARSER_LOG = logging.getLogger("bibtexparser")

# "@type{ key," — the key is everything up to the first comma
_ENTRY_HEAD = re.compile(r"@(\w+)([ \t]*[{(][ \t]*)([^,\n]*?)([ \t]*,)")
_SAFE_KEY = re.compile(r"[^\s{}(),=\\#%\"']+")


@dataclass
class BibEntry:
    key: str
    type: str
    fields: dict[str, str]
    line: int  # 1-based line of the entry in the parsed text
    raw: str = ""


@dataclass
class BibParse:
    entries: list[BibEntry] = field(default_factory=list)
    failures: list[tuple[int, str, str]] = field(default_factory=list)  # (line, reason, raw)
    strings: dict[str, str] = field(default_factory=dict)
    preambles: list[str] = field(default_factory=list)


def _protect_keys(text: str) -> tuple[str, dict[str, str]]:
    originals: dict[str, str] = {}

    def swap(match: re.Match) -> str:
        entry_type, opener, key, comma = match.groups()
        if entry_type.lower() in ("string", "preamble", "comment") or _SAFE_KEY.fullmatch(key.strip()):
            return match.group(0)
        placeholder = f"citegraphkey{len(originals)}x"
        originals[placeholder] = key.strip()
        return f"@{entry_type}{opener}{placeholder}{comma}"

    return _ENTRY_HEAD.sub(swap, text), originals


def parse_bibtex(text: str) -> BibParse:
    """Parse BibTeX text; every entry is returned or reported with its line and reason."""
    protected, originals = _protect_keys(text)
    # bibtexparser logs every broken entry; they are reported as rejects here instead, so its
    # log is quiet while it parses (and only then: the caller's logging is left as it was)
    level = _BIBTEXPARSER_LOG.level
    _BIBTEXPARSER_LOG.setLevel(logging.CRITICAL)
    try:
        library = bibtexparser.parse_string(protected)
    finally:
        _BIBTEXPARSER_LOG.setLevel(level)
    result = BibParse()
    lines = text.splitlines()
    for block in library.blocks:
        start = (getattr(block, "start_line", 0) or 0) + 1
        raw = getattr(block, "raw", "") or ""
        if isinstance(block, bibtexparser.model.Entry):
            key = originals.get(block.key, block.key)
            fields = {f.key.lower(): f.value if isinstance(f.value, str) else str(f.value)
                      for f in block.fields}
            for placeholder, original in originals.items():
                raw = raw.replace(placeholder, original)
            result.entries.append(BibEntry(key=key, type=block.entry_type.lower(), fields=fields,
                                           line=start, raw=raw))
        elif isinstance(block, bibtexparser.model.String):
            result.strings[block.key] = block.value
        elif isinstance(block, bibtexparser.model.Preamble):
            result.preambles.append(block.value)
        elif isinstance(block, bibtexparser.model.ParsingFailedBlock):
            error = getattr(block, "error", None)
            reason = getattr(error, "abort_reason", None) or (str(error).strip().splitlines() or [""])[0]
            reason = reason or "not valid BibTeX"
            key = getattr(block, "key", None) or re.match(r"@\w+\s*[{(]\s*([^,\s]*)", raw or "")
            if key is not None and not isinstance(key, str):
                key = key.group(1)
            if key:
                reason = f"entry {originals.get(key, key)!r}: {reason}"
            for placeholder, original in originals.items():
                raw = raw.replace(placeholder, original)
                reason = reason.replace(placeholder, original)
            if isinstance(block, bibtexparser.model.DuplicateBlockKeyBlock):
                reason = f"duplicate entry key {originals.get(block.key, block.key)!r}"
            result.failures.append((start, reason, raw or (lines[start - 1] if 0 < start <= len(lines) else "")))
    return result


# -- the BibTeX library loader ----------------------------------------------------------------

# Every field real exporters write: mapped (to what) or dropped (why). Whatever an entry holds
# also stays, verbatim, in Paper.bibtex. docs/fields.md is checked against these tables by a test.
FIELDS = {
    "author": "Author (split on `and` outside braces; in order: AUTHORED.position); "
              "`and others` -> Paper.et_al",
    "title": "Paper.title (LaTeX decoded); identity when nothing better is there (see docs/identity.md)",
    "year": "Paper.year",
    "date": "Paper.year (biblatex, when there is no year)",
    "doi": "Paper.doi (identity; URLs, LaTeX escapes and case normalised)",
    "eprint": "Paper.arxiv_id (identity) when the archive is arXiv",
    "archiveprefix": "says that eprint is an arXiv id",
    "eprinttype": "says that eprint is an arXiv id (biblatex)",
    "journal": "Venue (unless a preprint server: then an arXiv id may come from it)",
    "journaltitle": "Venue (biblatex)",
    "booktitle": "Venue",
    "volume": "Paper.cite_key (with journal, first page and year, for entries without a title); "
              "an arXiv id in `abs/…`",
    "pages": "Paper.cite_key (first page)",
    "url": "Paper.arxiv_id when it is an arXiv URL",
    "howpublished": "Paper.arxiv_id when it holds an arXiv URL",
    "note": "Paper.arxiv_id when it holds an arXiv URL",
    "crossref": "inherits the fields of the entry it names; an @proceedings target becomes the Venue",
    "(entry key)": "Paper.bibtex_key; a DOI-shaped key (ACM, Springer) is the DOI; `DBLP:…` -> Paper.dblp_key",
}
DROPPED = {
    "editor": "editors are not authors of the paper",
    "publisher": "not modelled",
    "address": "not modelled",
    "location": "not modelled",
    "organization": "not modelled",
    "series": "not modelled",
    "number": "not modelled",
    "month": "the year is kept",
    "isbn": "not modelled",
    "issn": "not modelled",
    "numpages": "not modelled",
    "articleno": "not modelled",
    "issue_date": "not modelled",
    "abstract": "kept in Paper.bibtex (the abstract of BibTeX libraries is often cut short)",
    "keywords": "classification not modelled",
    "mendeley-groups": "the library's own folders",
    "file": "a local file path of the library",
    "timestamp": "bookkeeping of the exporter",
    "biburl": "follows from the dblp key",
    "bibsource": "bookkeeping of the exporter",
    "urldate": "bookkeeping of the exporter",
    "copyright": "not modelled",
    "language": "not modelled",
    "langid": "not modelled",
    "shorttitle": "the full title is kept",
    "primaryclass": "arXiv category not modelled",
}

MONTHS = {m: str(i) for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
                                           "nov", "dec"), 1)}
PREPRINT_JOURNALS = ("arxiv", "corr", "biorxiv", "medrxiv", "ssrn")


def _top_level_split(value: str, sep: str) -> list[str]:
    parts, depth, quoted, current = [], 0, False, []
    for ch in value:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quoted = not quoted
        if ch == sep and depth == 0 and not quoted:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def expand_value(value: str, strings: dict) -> str:
    """Resolve ``macro # "text" # {text}`` concatenations (bibtexparser leaves them as written)."""
    parts = _top_level_split(value, "#")
    if len(parts) == 1:
        return value
    out = []
    for part in parts:
        token = part.strip()
        if len(token) >= 2 and token[0] == '"' and token[-1] == '"':
            out.append(token[1:-1])
        elif len(token) >= 2 and token[0] == "{" and token[-1] == "}":
            out.append(token[1:-1])
        elif token.lower() in strings:
            out.append(strings[token.lower()])
        elif token.lower() in MONTHS:
            out.append(MONTHS[token.lower()])
        else:
            out.append(token)
    return "".join(out)


def split_names(value: str) -> list[str]:
    """BibTeX ``author`` field: the names (``and others`` / ``et al.`` left out; see
    ``graph.identity.split_person_list``, which also says whether the list was cut short)."""
    return split_person_list(value)[0]


def clean_text(value: str | None) -> str | None:
    """LaTeX to Unicode for titles and venue names: braces, accents, ``\\\\`` and ``\\&`` resolved."""
    if not value:
        return None
    text = decode_latex(value.replace("\\\\", " "))
    text = " ".join(text.replace("{", "").replace("}", "").split())
    return text or None


def arxiv_of(fields: dict) -> str | None:
    eprint = fields.get("eprint")
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if eprint and (prefix in ("arxiv", "") and normalize_arxiv(eprint)):
        return normalize_arxiv(eprint)
    journal = fields.get("journal", "")
    if "arxiv" in journal.lower() and normalize_arxiv(journal):
        return normalize_arxiv(journal)
    volume = fields.get("volume", "")
    if volume.lower().startswith("abs/") and normalize_arxiv(volume):
        return normalize_arxiv(volume)
    for key in ("url", "howpublished", "note"):
        text = fields.get(key, "")
        if "arxiv.org" in text.lower() and normalize_arxiv(text):
            return normalize_arxiv(text)
    doi = normalize_doi(fields.get("doi"))
    if doi and doi.startswith("10.48550/arxiv."):
        return normalize_arxiv(doi.split("arxiv.", 1)[1])
    return None


def read(path, source: str, options) -> Iterator:
    """Every entry of a BibTeX file lands as a paper (or venue), or is reported with its line and reason."""

    data = Path(path).read_bytes()
    try:
        text, note = data.decode("utf-8"), None
    except UnicodeDecodeError as exc:  # older libraries (JabRef's ISO8859_1, Windows exports) are Latin-1
        text = data.decode("cp1252", errors="replace")
        line = 1 + data.count(b"\n", 0, exc.start)
        note = (f"not valid UTF-8 (line {line}, byte {exc.start + 1}); "
                f"read as Windows-1252 (Latin-1)")
    try:
        parsed = parse_bibtex(text.lstrip("\ufeff"))
    except RecursionError:
        yield Row(source, 1, reject=Reject(source, 1, "BibTeX nested too deeply to read"))
        return
    rows = [Row(source, line, reject=Reject(source, line, f"BibTeX entry not understood: {reason}", raw))
            for line, reason, raw in parsed.failures]
    rows += list(_entry_rows(parsed, source))
    rows.sort(key=lambda r: r.line or 0)  # in file order
    if note and rows:
        rows[0].warnings.insert(0, note)
    yield from rows


def _entry_rows(parsed: BibParse, source: str) -> Iterator:
    strings = {k.lower(): v for k, v in parsed.strings.items()}
    entries = {e.key.lower(): e for e in parsed.entries}

    def fields_of(entry, seen=()) -> tuple[dict, list[str]]:
        """Fields with macros expanded and crossref inherited (missing targets and cycles reported)."""
        notes = []
        fields = {k: expand_value(v, strings) for k, v in entry.fields.items()}
        target = fields.get("crossref", "").strip().lower()
        if target:
            if target in seen or target == entry.key.lower():
                notes.append(f"crossref cycle through {fields['crossref']!r}; not followed")
            elif target not in entries:
                notes.append(f"crossref target {fields['crossref']!r} is not in the file")
            else:
                parent, parent_notes = fields_of(entries[target], (*seen, entry.key.lower()))
                notes += parent_notes
                if entries[target].type == "proceedings" and "title" in parent:
                    parent.setdefault("booktitle", parent["title"])
                for k, v in parent.items():
                    if k not in ("title", "crossref") or (k == "title" and entries[target].type != "proceedings"):
                        fields.setdefault(k, v)
        return fields, notes

    for entry in parsed.entries:
        fields, notes = fields_of(entry)
        if entry.type == "proceedings":
            name = clean_text(fields.get("title") or fields.get("booktitle"))
            if not name:
                yield Row(source, entry.line, reject=Reject(source, entry.line, f"@proceedings {entry.key!r} has no title", entry.raw))
                continue
            yield Row(source, entry.line, records=[Node("Venue", f"proceedings:{entry.key}", {"name": name})],
                      warnings=notes)
            continue
        if entry.type in ("string", "comment", "preamble"):
            continue
        title = clean_text(fields.get("title"))
        names, et_al = split_person_list(fields.get("author", ""))
        authors = [Person(n) for n in names]
        # biblatex (Zotero, Better BibTeX) writes `date` and `journaltitle` where BibTeX has year and journal
        year_text = fields.get("year", "").strip() or fields.get("date", "").strip()[:4]
        year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
        if year_text and year is None:
            notes.append(f"year {year_text!r} is not a year; left out")
        journal = fields.get("journal") or fields.get("journaltitle")
        doi = normalize_doi(fields.get("doi")) if fields.get("doi") else None
        if fields.get("doi") and not doi:
            notes.append(f"doi {fields['doi']!r} is not a DOI; left out")
        if not doi and _DOI_KEY.fullmatch(entry.key):  # ACM and Springer name entries by their DOI
            doi = normalize_doi(entry.key)
        arxiv = arxiv_of({**fields, "journal": journal or ""})
        if doi and doi.startswith("10.48550/arxiv."):
            doi = None
        # a reference without a title (physics style) is known by journal, volume, first page and year
        cite = None if title else citation_key(clean_text(journal), fields.get("volume"), fields.get("pages"), year)
        ref = PaperRef.make(doi=doi, arxiv=arxiv, cite=cite, title=title, bibkey=entry.key)
        if not ref:
            yield Row(source, entry.line, reject=Reject(
                source, entry.line, f"entry {entry.key!r} has no DOI, no arXiv id, no title and no journal, volume, "
                                    f"first page and year: nothing identifies it", entry.raw))
            continue
        venue = None
        crossref = fields.get("crossref", "").strip().lower()
        if crossref in entries and entries[crossref].type == "proceedings":
            venue = VenueRef(id=f"proceedings:{entries[crossref].key}")
        else:
            venue_name = clean_text(fields.get("booktitle") or journal)
            if venue_name and not any(p in venue_name.lower() for p in PREPRINT_JOURNALS):
                venue = VenueRef.named(venue_name)
        props = {"bibtex_key": entry.key, "bibtex": entry.raw or None}
        if entry.key.startswith("DBLP:"):  # dblp names its entries by its own record key
            props["dblp_key"] = entry.key[len("DBLP:"):]
        work = Work(ref=ref, title=title, year=year, authors=authors, venue=venue, props=props, et_al=et_al)
        records = work_records(work)
        yield Row(source, entry.line, records=records, warnings=notes + work.warnings)


_DOI_KEY = re.compile(r"10\.\d{4,9}/\S+")


# -- a fast reader for one well-formed entry ----------------------------------------------------

_FAST_HEAD = re.compile(r"\s*@(\w+)\s*\{\s*([^,\s]+)\s*,")
_FAST_FIELD = re.compile(r"\s*([A-Za-z][\w\-]*)\s*=\s*")
_BRACES = re.compile(r"\\.|[{}]", re.DOTALL)


def fast_entry(text: str) -> BibEntry | None:
    """The one entry of a short BibTeX text, read without bibtexparser, or None when the text
    holds anything this reader does not handle exactly (then parse_bibtex reads it).

    The paper datasets give every row one small, regular entry; reading it here
    costs a tenth of a full parse. Only ``{...}``, ``"..."`` and bare numbers are
    taken as values: ``#`` concatenation, macros and several entries fall back.
    """
    head = _FAST_HEAD.match(text)
    if not head or head.group(1).lower() in ("string", "preamble", "comment"):
        return None
    fields: dict[str, str] = {}
    pos, end = head.end(), len(text)
    while True:
        while pos < end and text[pos] in " \t\r\n,":
            pos += 1
        if pos < end and text[pos] == "}":
            if text[pos + 1:].strip():
                return None  # something after the entry: let the full parser decide
            return BibEntry(key=head.group(2), type=head.group(1).lower(), fields=fields, line=1, raw=text)
        match = _FAST_FIELD.match(text, pos)
        if not match:
            return None
        name, pos = match.group(1).lower(), match.end()
        if pos >= end:
            return None
        opener = text[pos]
        if opener == "{":
            depth, start = 1, pos + 1
            for mark in _BRACES.finditer(text, pos + 1):
                ch = mark.group(0)
                if ch[0] == "\\":
                    continue  # an escaped character, e.g. \{
                depth += 1 if ch == "{" else -1
                if depth == 0:
                    pos = mark.end()
                    break
            else:
                return None
            value = text[start:pos - 1]
        elif opener == '"':
            close = text.find('"', pos + 1)
            if close < 0 or "{" in text[pos + 1:close]:
                return None
            value, pos = text[pos + 1:close], close + 1
        else:
            match = re.match(r"\d+", text[pos:])
            if not match:
                return None  # a macro name
            value, pos = match.group(0), pos + match.end()
        rest = text[pos:pos + 40].lstrip()
        if rest.startswith("#") or name in fields:
            return None
        fields[name] = value


# -- the format --------------------------------------------------------------------------------

_EXTENSIONS = (".bib", ".bibtex")


def _sniff(path: Path, head: str) -> int:
    if path.suffix.lower() in _EXTENSIONS:
        return MARKED + 10
    stripped = head.lstrip()
    return PLAIN if stripped.startswith("@") and re.search(r"@\w+\s*[{(]", head) else 0


FORMATS = [Format("bibtex", "BibTeX libraries (.bib files, or folders of them)", read, _EXTENSIONS, _sniff)]
