"""Identity: when two spellings are one person, and two identifiers one paper.

Author identity is the normalised full name (``name_key``): LaTeX escapes,
Unicode forms, ``Last, First`` order, spacing, periods after initials and
case never split a person, while two people who merely share a surname and
initial (``J. Smith``, ``Jane Smith``) always stay apart.

Paper identifiers are normalised so that every source spells them alike
(DOI lower-case without resolver, arXiv without version or ``arXiv:``,
OpenReview forum id, OpenAlex W-id, Semantic Scholar ids).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from urllib.parse import parse_qs, unquote, urlparse

from bibtexparser.middlewares.names import (InvalidNameError, parse_single_name_into_parts,
                                            split_multiple_persons_names)

_LATEX_HINT = re.compile(r"[\\{}~]")
_SPACES = re.compile(r"\s+")
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


@functools.lru_cache(maxsize=1)
def _latex_converter():
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim", strict_latex_spaces=True)


@functools.lru_cache(maxsize=200_000)
def decode_latex(text: str) -> str:
    """LaTeX to Unicode, only when the text holds LaTeX (decoding is slow)."""
    if not _LATEX_HINT.search(text):
        return text
    try:
        decoded = _latex_converter().latex_to_text(text)
    except Exception:  # pylatexenc raises assorted errors on broken input; keep the text
        return text
    return _SPACES.sub(" ", decoded).strip()


def preferred_name(kept: str | None, other: str | None) -> str | None:
    """Of two spellings of one person's name, the one the graph shows: the longer (initials with
    their periods, a middle name), on equal length the greater by code point (lower case sorts
    after capitals: ``José Núñez`` over ``JOSÉ NÚÑEZ``). A function of the spellings alone, so the name does not depend on which
    source, or which of two loads running at once, came first.

    >>> preferred_name("Dean A Pospisil", "Dean A. Pospisil"), preferred_name("JOSÉ NÚÑEZ", "José Núñez")
    ('Dean A. Pospisil', 'José Núñez')
    """
    if kept is None or other is None:
        return other if kept is None else kept
    return max(kept, other, key=lambda s: (len(s), s))


# the same choice in Cypher, for a node written before (``n``) and the row's spelling
PREFERRED_NAME_CYPHER = ("CASE WHEN n.name IS NULL OR size({new}) > size(n.name) OR "
                         "(size({new}) = size(n.name) AND {new} > n.name) THEN {new} ELSE n.name END")


def fold_create_props(label: str, kept: dict, new: dict) -> None:
    """Add ``new`` properties-on-creation to ``kept`` (one node met twice before it is written):
    the first value stays, except an author's name, which is the preferred spelling."""
    for name, value in new.items():
        if label == "Author" and name == "name":
            kept[name] = preferred_name(kept.get(name), value)
        else:
            kept.setdefault(name, value)


@functools.lru_cache(maxsize=500_000)
def display_name(name: str) -> str:
    """A readable name: LaTeX decoded, NFC, ``Last, First`` and ``von Last, Jr, First`` turned round
    (by bibtexparser's name-part rules, so braces such as ``{Barnes and Noble, Inc.}`` stay whole),
    spaces collapsed."""
    text = _SPACES.sub(" ", name).strip()
    if "," in text or "{" in text:
        parts = [p.strip() for p in text.split(",")]
        if not (len(parts) == 2 and parts[1].lower() in _SUFFIXES):  # "John Smith, Jr."
            try:
                split = parse_single_name_into_parts(text, strict=False)
            except InvalidNameError:
                split = None
            if split is not None and split.last:
                text = " ".join(split.first + split.von + split.last + split.jr)
    text = unicodedata.normalize("NFC", decode_latex(text))
    text = text.replace("{", "").replace("}", "")
    return _SPACES.sub(" ", text).strip()


_ET_AL = re.compile(r"(?:^|\s+)(?:et\.?\s*al\.?|and\s+others)\s*$", re.IGNORECASE)


def split_person_list(value: str) -> tuple[list[str], bool]:
    """A BibTeX person list (``author``, ``editor``) as real exporters write it: the names, and
    whether the list ended with ``and others`` or ``et al.`` (more people than named).

    Names are split on ``and`` with any white space around it (line breaks, tabs, several
    spaces) in any case, never inside braces: bibtexparser's own splitter.

    >>> split_person_list("Carole H. Sudre and\\n    Wenqi Li AND {Barnes and Noble} and others")
    (['Carole H. Sudre', 'Wenqi Li', '{Barnes and Noble}'], True)
    """
    et_al = False
    names = []
    # BibTeX counts every brace, escaped or not (``Canada, Environment \\{and\\} Climate Change`` is one
    # name); bibtexparser skips escaped ones, so they are hidden from it and put back after
    text = (value or "").replace("\\{", "\x00{").replace("\\}", "\x00}")
    for part in split_multiple_persons_names(text):
        part = _SPACES.sub(" ", part.replace("\x00", "\\")).strip()
        if part.lower() in ("others", "other", "et al", "et al.", "et. al.", "etal"):
            et_al = True
            continue
        stripped = _ET_AL.sub("", part)
        if stripped != part:
            et_al = True
            part = stripped.strip().rstrip(",").strip()
        if part:
            names.append(part)
    return names, et_al


@functools.lru_cache(maxsize=500_000)
def name_key(name: str) -> str:
    """The identity of an author name.

    >>> name_key("Gowda, Thamme") == name_key("Thamme  Gowda")
    True
    >>> name_key(r"Tilman R{\\"a}uker") == name_key("Tilman Räuker")
    True
    >>> name_key("J. Smith") == name_key("Jane Smith")
    False
    """
    text = unicodedata.normalize("NFKC", display_name(name))
    text = text.replace(".", " ").replace("\u2010", "-").replace("\u2011", "-")
    text = re.sub(r"\s*-\s*", "-", text)
    text = _SPACES.sub(" ", text).strip().casefold()
    return unicodedata.normalize("NFC", text)


# -- paper identifiers ------------------------------------------------------

_DOI = re.compile(r"(10\.\d{4,9}/\S+)", re.IGNORECASE)
_ARXIV_NEW = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])")
_ARXIV_OLD = re.compile(r"\b([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?\b", re.IGNORECASE)
_OPENALEX = re.compile(r"\b([WAISCP]\d+)\b", re.IGNORECASE)


def normalize_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1/ABC`` , ``doi:10.1/abc``, ``10.1/ABC`` -> ``10.1/abc``."""
    if not value:
        return None
    text = decode_latex(unquote(str(value).strip()))
    text = text.replace("\\_", "_")
    match = _DOI.search(text)
    if not match:
        return None
    return match.group(1).rstrip(".,;").lower()


def normalize_arxiv(value: str | None) -> str | None:
    """``arXiv:2312.06932v2``, ``https://arxiv.org/abs/2312.06932``, ``abs/2312.06932`` -> ``2312.06932``."""
    if not value:
        return None
    text = str(value).strip()
    match = _ARXIV_NEW.search(text)
    if match:
        return match.group(1)
    match = _ARXIV_OLD.search(text)
    if match:
        return match.group(1).lower()
    return None


_FORUM = "https://openreview.net/forum?id="


def openreview_id(value: str | None) -> str | None:
    """The forum id of an OpenReview URL (``https://openreview.net/forum?id=X``) or a bare id."""
    if not value:
        return None
    text = str(value).strip()
    if text.startswith(_FORUM) and "&" not in text and "#" not in text:
        forum = text[len(_FORUM):]
        return forum or None
    if "openreview.net" in text:
        query = parse_qs(urlparse(text).query)
        ids = query.get("id") or query.get("noteId")
        return ids[0].strip() if ids and ids[0].strip() else None
    if re.fullmatch(r"[A-Za-z0-9_\-]{6,}", text):
        return text
    return None


def normalize_openalex(value: str | None) -> str | None:
    """``https://openalex.org/W2741809807`` -> ``W2741809807``."""
    if not value:
        return None
    text = str(value).strip().rstrip("/").rsplit("/", 1)[-1]
    match = _OPENALEX.fullmatch(text)
    return match.group(1).upper() if match else None


_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """``NeurIPS 2023`` -> ``neurips-2023`` (for ids built from names)."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _NON_SLUG.sub("-", text.lower()).strip("-")
