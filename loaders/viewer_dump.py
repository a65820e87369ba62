"""The Hugging Face dataset-viewer text dump (what the viewer prints when copied).

Layout: a header with, for each column, its name, its type and one or two
statistic lines (``stringlengths`` then min and max, ``stringclasses`` then
``44 values``, ``null`` with none), then the rows, one field per line, in
column order. Empty strings are *dropped*, not printed as blank lines, so a
row of a dataset with optional columns is shorter: a dropped field is
recognised by shape (``arxiv_id`` looks like an arXiv id, ``paper_page`` is a
``https://huggingface.co/papers/`` URL) or by the next column's type. Lists
are printed as JSON (``[ "a", "b" ]``).

A row that does not fit is reported with its first line, and reading resumes
at the next line that can start a row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from graph.errors import LoadError
from loaders.rows import RawRow

_TYPES_WITH_STATS = {
    "null": 0, "bool": 2, "string": 0, "stringlengths": 2, "stringclasses": 1, "sequencelengths": 2,
    "listlengths": 2, "sequence": 0, "list": 0, "int64": 2, "int32": 2, "int16": 2, "int8": 2,
    "uint64": 2, "uint32": 2, "uint16": 2, "uint8": 2, "float64": 2, "float32": 2, "float16": 2,
    "classlabel": 1, "date": 2, "timestamp[s]": 2, "timestamp[ms]": 2, "timestamp[us]": 2, "dict": 0,
    "struct": 0, "image": 0, "audio": 0, "imagewidth": 2, "audioduration": 2,
}
_STAT = re.compile(r"^-?\d+(?:\.\d+)?[kKMBG]?(?: values)?$")
_NAME = re.compile(r"^[A-Za-z_][\w .\-]*$")
_INT = re.compile(r"^-?\d+$")
_FLOAT = re.compile(r"^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^(?:nan|-?inf)$")
_ARXIV = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
# Columns whose values have a recognisable shape (so a dropped one is noticed).
_SHAPES = {
    "arxiv_id": _ARXIV,
    "paper_page": re.compile(r"^https?://huggingface\.co/papers/\S+$"),
    "proceedings": re.compile(r"^https?://\S+$"),
}


@dataclass
class Column:
    name: str
    type: str
    stats: list[str]

    @property
    def droppable(self) -> bool:
        """May be missing from a row (its empty string was dropped)."""
        if self.type == "stringlengths":
            return bool(self.stats) and self.stats[0] == "0"
        return self.type in ("stringclasses", "string") or self.name in _SHAPES

    def strict(self) -> re.Pattern | None:
        """A pattern every printed value matches, or None when any text could be a value."""
        if self.name in _SHAPES:
            return _SHAPES[self.name]
        if self.type == "null":
            return re.compile(r"^null$")
        if self.type.startswith(("int", "uint")):
            return _INT
        if self.type.startswith("float"):
            return _FLOAT
        if self.type == "bool":
            return re.compile(r"^(?:true|false)$")
        if self.type in ("sequencelengths", "listlengths", "sequence", "list"):
            return re.compile(r"^\[.*\]$")
        return None

    def fits(self, line: str) -> bool:
        pattern = self.strict()
        return True if pattern is None else bool(pattern.match(line))

    def convert(self, line: str):
        if self.type == "null" or line == "null":
            return None
        if self.type.startswith(("int", "uint")):
            return int(line)
        if self.type.startswith("float"):
            return float(line)
        if self.type == "bool":
            return line == "true"
        if self.type in ("sequencelengths", "listlengths", "sequence", "list"):
            return json.loads(line)
        return line


def looks_like_dump(head: str) -> bool:
    lines = head.splitlines()
    return len(lines) >= 2 and bool(_NAME.match(lines[0])) and lines[1].strip() in _TYPES_WITH_STATS


def parse_header(lines: list[str]) -> tuple[list[Column], int]:
    columns: list[Column] = []
    i = 0
    while i + 1 < len(lines) and _NAME.match(lines[i]) and lines[i + 1].strip() in _TYPES_WITH_STATS:
        name, ctype = lines[i].strip(), lines[i + 1].strip()
        i += 2
        stats = []
        while len(stats) < _TYPES_WITH_STATS[ctype] and i < len(lines) and _STAT.match(lines[i].strip()):
            stats.append(lines[i].strip())
            i += 1
        columns.append(Column(name, ctype, stats))
    return columns, i


def read_rows(path: Path) -> Iterator[RawRow]:
    try:
        lines = path.read_text(encoding="utf-8").lstrip("\ufeff").split("\n")
    except UnicodeDecodeError as exc:
        raise LoadError(f"{path}: not valid UTF-8 (byte {exc.start + 1})") from None
    lines = [line.rstrip("\r") for line in lines]
    columns, i = parse_header(lines)
    if not columns:
        raise LoadError(f"{path}: no dataset-viewer header (column name, type, statistics) at the top")
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start = i
        row, i, error = _read_row(lines, i, columns)
        if error is None:
            yield RawRow(start + 1, value=row, raw="\n".join(lines[start:i]))
            continue
        # skip to the next line that can begin a row
        j = start + 1
        while j < len(lines) and not _can_start_row(lines, j, columns):
            j += 1
        yield RawRow(start + 1, error=error, raw="\n".join(lines[start:j]))
        i = j


def _can_start_row(lines: list[str], j: int, columns: list[Column]) -> bool:
    first = columns[0].strict()
    if first is None or not first.match(lines[j]):
        return False
    return len(columns) < 2 or (j + 1 < len(lines) and columns[1].fits(lines[j + 1]))


def _read_row(lines: list[str], i: int, columns: list[Column]) -> tuple[dict | None, int, str | None]:
    row: dict = {}
    for k, col in enumerate(columns):
        line = lines[i] if i < len(lines) else None
        following = columns[k + 1] if k + 1 < len(columns) else None
        if line is not None and col.fits(line) and not (
                col.strict() is None and col.droppable and following is not None
                and following.strict() is not None and following.fits(line)):
            try:
                row[col.name] = col.convert(line)
            except (ValueError, json.JSONDecodeError) as exc:
                return None, i + 1, f"line {i + 1}: column {col.name!r} cannot be read ({exc})"
            i += 1
        elif col.droppable:
            row[col.name] = ""
        else:
            where = f"line {i + 1}" if line is not None else "end of file"
            return None, i + 1, f"{where}: expected column {col.name!r} ({col.type}), found {(line or '')[:60]!r}"
    return row, i, None
