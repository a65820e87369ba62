"""Parquet files (what the Hugging Face Hub serves), read in record batches."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from graph.errors import LoadError
from loaders.rows import RawRow


def read_rows(path: Path) -> Iterator[RawRow]:
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise LoadError(f"{path}: not a readable Parquet file ({exc})") from None
    number = 0
    for batch in parquet.iter_batches(batch_size=4096):
        for row in batch.to_pylist():
            number += 1
            yield RawRow(number, value=row, raw=None)
