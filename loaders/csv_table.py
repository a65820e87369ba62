"""CSV and TSV tables with a header row (lists as JSON, e.g. ``["a", "b"]``).

Cells are strings; list-valued cells are decoded from JSON (or a Python-style
list) and empty cells become absent. Quoted cells may span lines: a row's line
is the line where it starts.
"""

from __future__ import annotations

import ast
import csv
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from loaders.rows import RawRow



_NOT_UTF8 = re.compile("[\udc80-\udcff]")  # how surrogateescape keeps a byte that is not UTF-8


def dialect_for(path: Path, sample: str) -> type[csv.Dialect]:
    """Tab- or comma-separated, standard quoting ("" inside quotes); csv.Sniffer guesses
    quoting wrongly on headers alone, so only the delimiter is chosen here."""
    header = sample.split("\n", 1)[0]
    if path.suffix.lower() in (".tsv", ".tab") or header.count("\t") > header.count(","):
        return csv.excel_tab
    return csv.excel


def decode_cell(value: str | None):
    if value is None or value == "":
        return None
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            return json.loads(text)
        except ValueError:
            try:
                return ast.literal_eval(text)
            except (ValueError, SyntaxError):
                return value
    return value


def read_rows(path: Path, list_columns: tuple[str, ...] = ()) -> Iterator[RawRow]:
    limit = csv.field_size_limit(sys.maxsize)  # 100 KB abstracts are real; put back when done
    try:
        yield from _rows(path, list_columns)
    finally:
        csv.field_size_limit(limit)


def _rows(path: Path, list_columns: tuple[str, ...]) -> Iterator[RawRow]:
    # bytes that are not UTF-8 are kept as surrogates and reject their row only, not the file
    with open(path, "r", encoding="utf-8-sig", errors="surrogateescape", newline="") as f:
        sample = f.read(64 * 1024)
        f.seek(0)
        reader = csv.reader(f, dialect_for(path, sample))
        try:
            header = next(reader)
        except StopIteration:
            return
        header = [h.strip() for h in header]
        previous_end = reader.line_num
        for cells in reader:
            line = previous_end + 1
            previous_end = reader.line_num
            if not cells or all(not c.strip() for c in cells):
                continue
            raw = ",".join(cells)
            bad = _NOT_UTF8.search(raw)
            if bad:
                yield RawRow(line, error="not valid UTF-8 (a byte no UTF-8 text holds)",
                             raw=raw.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))
                continue
            if len(cells) != len(header):
                yield RawRow(line, error=f"has {len(cells)} cells where the header has {len(header)}", raw=raw)
                continue
            row = {}
            for name, cell in zip(header, cells):
                row[name] = decode_cell(cell) if (not list_columns or name in list_columns) else (cell or None)
            yield RawRow(line, value=row, raw=raw)
