"""Rows of a query as a table, JSON or CSV (shared by `query` and `sparql`)."""

from __future__ import annotations

import csv
import io
import json


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def render(rows: list[dict], fmt: str = "table", columns: list[str] | None = None, skip: int | None = None) -> str:
    """Rows as a table, JSON or CSV. A page of a paged query (``skip`` given, a ``total`` column)
    shows as a table without the repeated total, and a footer saying which rows these are."""
    columns = list(columns or (rows[0].keys() if rows else []))
    if fmt == "table" and skip is not None and "total" in columns and rows:
        total = rows[0]["total"]
        first, last = skip + 1, skip + len(rows)
        more = f"; the next page: -p skip={last}" if last < total else ""
        table = render(rows, fmt, [c for c in columns if c != "total"]).rsplit("\n(", 1)[0]
        return f"{table}\n(rows {first}-{last} of {total}{more})"
    if fmt == "json":
        return json.dumps(rows, indent=2, ensure_ascii=False, default=str)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            # lists and maps stay machine-readable as JSON
            writer.writerow([json.dumps(v, ensure_ascii=False) if isinstance(v, (list, dict))
                             else ("" if v is None else v) for v in (row.get(c) for c in columns)])
        return out.getvalue().rstrip("\n")
    from tabulate import tabulate

    if len(rows) == 1 and len(columns) > 6:  # a card: one field per line reads better
        width = max(len(c) for c in columns)
        return "\n".join(f"{c:<{width}}  {_cell(rows[0].get(c))}" for c in columns)
    if not rows:
        return "(no rows)" if not columns else tabulate([], headers=columns, tablefmt="simple") + "\n(no rows)"
    body = [[_cell(row.get(c)) for c in columns] for row in rows]
    return tabulate(body, headers=columns, tablefmt="simple", disable_numparse=True) + \
        f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})"
