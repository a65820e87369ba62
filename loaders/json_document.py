"""A JSON document holding rows: an array of row objects, one object, or a
dataset-viewer API response (``{"rows": [{"row_idx": 0, "row": {...}}]}``).

Each element of an array is decoded on its own, so a broken element is
reported with its line and the elements after it still load.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from loaders import jsonl
from loaders.rows import RawRow

_decoder = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")


def read_rows(path: Path) -> Iterator[RawRow]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8").lstrip("\ufeff")
    except UnicodeDecodeError as exc:  # one reject for the file, at the line of the bad byte
        yield RawRow(1 + data.count(b"\n", 0, exc.start), error=f"not valid UTF-8 (byte {exc.start + 1}); "
                                                              f"the JSON document cannot be read")
        return
    try:
        yield from _rows(path, text)
    except RecursionError:
        yield RawRow(1, error="JSON nested too deeply to read")


def _rows(path: Path, text: str) -> Iterator[RawRow]:
    start = _WS.match(text, 0).end()
    if start >= len(text):
        return
    if text[start] == "[":
        yield from _array_elements(text, start)
        return
    try:
        value, end = _decoder.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        yield RawRow(exc.lineno, error=f"invalid JSON: {exc.msg} at column {exc.colno}")
        return
    if _WS.match(text, end).end() != len(text):
        # several objects one after another: that is JSON Lines
        yield from jsonl.read_rows(path)
        return
    line = 1 + text.count("\n", 0, start)
    if isinstance(value, dict) and isinstance(value.get("rows"), list):
        for i, item in enumerate(value["rows"]):
            row = item.get("row") if isinstance(item, dict) and "row" in item else item
            yield RawRow(i + 1, value=row, raw=json.dumps(row, ensure_ascii=False))
        return
    yield RawRow(line, value=value, raw=text[start:end])


def _array_elements(text: str, start: int) -> Iterator[RawRow]:
    counted, line = 0, 1

    def line_at(p: int) -> int:  # positions only grow: count newlines once
        nonlocal counted, line
        line += text.count("\n", counted, p)
        counted = p
        return line

    pos = _WS.match(text, start + 1).end()
    if pos < len(text) and text[pos] == "]":
        return
    while pos < len(text):
        element_line = line_at(pos)
        try:
            value, end = _decoder.raw_decode(text, pos)
            yield RawRow(element_line, value=value, raw=text[pos:end])
        except json.JSONDecodeError as exc:
            yield RawRow(exc.lineno, error=f"invalid JSON: {exc.msg} at column {exc.colno}")
            end = _resync(text, exc.pos)
            if end is None:
                return
            pos = end
            continue
        pos = _WS.match(text, end).end()
        if pos < len(text) and text[pos] == ",":
            pos = _WS.match(text, pos + 1).end()
        elif pos < len(text) and text[pos] == "]":
            return
        else:
            yield RawRow(line_at(pos), error="invalid JSON: expected ',' or ']' between rows")
            resync = _resync(text, pos)
            if resync is None:
                return
            pos = resync


def _resync(text: str, pos: int) -> int | None:
    """After a broken element, the next line that starts a new object."""
    match = re.compile(r"\n[ \t]*\{").search(text, pos)
    return match.end() - 1 if match else None
