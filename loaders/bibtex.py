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
from dataclasses import dataclass, field

import bibtexparser

logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

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
    library = bibtexparser.parse_string(protected)
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
            reason = (str(error).strip().splitlines() or [type(error).__name__ if error else ""])[0]
            reason = reason or "not valid BibTeX"
            for placeholder, original in originals.items():
                raw = raw.replace(placeholder, original)
                reason = reason.replace(placeholder, original)
            if isinstance(block, bibtexparser.model.DuplicateBlockKeyBlock):
                reason = f"duplicate entry key {originals.get(block.key, block.key)!r}"
            result.failures.append((start, reason, raw or (lines[start - 1] if 0 < start <= len(lines) else "")))
    return result


def strip_braces(value: str) -> str:
    """``{LLM}s`` -> ``LLMs`` without touching backslashes (for values that hold no LaTeX commands)."""
    return value.replace("{", "").replace("}", "")
