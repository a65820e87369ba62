"""What every container reader yields: one raw row with where it came from.

Container readers (JSON Lines, JSON, CSV, Parquet, the dataset-viewer dump,
the ``datasets`` library) know how to find rows in a file; format modules
(the paper dataset, OpenAlex, ...) know what a row means. A row that cannot
even be read (invalid JSON, a broken record) carries ``error`` instead of a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class RawRow:
    line: int | None  # 1-based line in the file (row number for Parquet and datasets)
    value: Any = None
    error: str | None = None
    raw: str | None = None  # the text of the row when it is at hand (for --rejects)
