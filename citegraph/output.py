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


def render(rows: list[dict], fmt: str = "table", columns: list[str] | None = None) -> str:
    columns = list(columns or (rows[0].keys() if rows else []))
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
