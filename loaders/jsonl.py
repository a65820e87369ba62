"""JSON Lines: one JSON value per line; blank lines are skipped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from loaders.rows import RawRow


def _lines(f) -> Iterator[tuple[int, bytes]]:
    """Numbered lines, ending at \n, \r\n or a lone \r (old Mac files, and files whose line
    ends were mixed by hand). Split in binary: JSON strings may hold U+2028 and other characters
    that text-mode splitting would treat as line ends; a raw \r cannot be inside a JSON string."""
    number = 0
    for data in f:
        data = data.rstrip(b"\r\n")
        for part in data.split(b"\r") if b"\r" in data else (data,):
            number += 1
            yield number, part


def read_lines(path: Path) -> Iterator[RawRow]:
    """Numbered lines as rows not yet parsed (``parse`` parses one): a format that can tell
    from a line's text that it needs nothing more (a row the graph already holds) saves the
    parse, which is most of what reading costs."""
    with open(path, "rb") as f:
        for number, data in _lines(f):
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield RawRow(number, error=f"not valid UTF-8 (byte {exc.start + 1})")
                continue
            if not line.strip():
                continue
            if number == 1 and line.startswith("\ufeff"):
                line = line[1:]
            yield RawRow(number, raw=line)


def parse(row: RawRow) -> RawRow:
    """The row of a line ``read_lines`` gave, with its value (or what is wrong with it)."""
    if row.error is not None:
        return row
    try:
        row.value = json.loads(row.raw)
    except json.JSONDecodeError as exc:
        row.error = f"invalid JSON: {exc.msg} at column {exc.colno}"
    except RecursionError:
        row.error, row.raw = "JSON nested too deeply to read", row.raw[:1000]
    return row


def read_rows(path: Path) -> Iterator[RawRow]:
    for row in read_lines(path):
        yield parse(row)


def is_json_lines(path: Path) -> bool:
    """One JSON value per line (rather than one JSON document): the first line is a whole
    JSON value and a second line follows."""
    with open(path, "rb") as f:
        first, second = f.readline(), f.readline()
    try:
        json.loads(first)
    except (ValueError, RecursionError):
        return False
    return bool(second.strip())
