"""Loaders: source files in, plain records out (see ``graph.records``).

A format is one module of this package: it declares ``FORMATS`` (``loaders.registry``):
the format's name, how to read it, its file extensions and a ``sniff`` that scores a
file's first bytes. ``FORMATS`` below is what the modules declare; ``detect_format``
picks the best-scoring format for a file (``--format auto``).

Paper-dataset rows can arrive in several containers (JSON Lines, JSON,
CSV/TSV, Parquet, the dataset-viewer dump, the ``datasets`` library); the
container modules find the rows and ``paper_dataset`` maps each row.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from graph.errors import LoadError
from graph.records import Reject, Row, oversized
from loaders.registry import Format, LoadOptions, discover

__all__ = ["FORMATS", "Format", "LoadOptions", "detect_format", "expand_paths", "read", "sniff", "writable"]

FORMATS: dict[str, Format] = discover(__name__)


def _head(path: Path, size: int = 64 * 1024) -> str:
    with open(path, "rb") as f:
        return f.read(size).decode("utf-8", errors="replace").lstrip("\ufeff")


def detect_format(path: str | Path) -> str:
    """The format of a file: the one whose sniff scores its first bytes highest, else the one its
    extension names."""
    text_path = str(path)
    if text_path.startswith("hf:"):
        return "hf"
    path = Path(path)
    if path.is_dir():
        if (path / "dataset_info.json").exists() or (path / "dataset_dict.json").exists():
            return "hf"
        raise LoadError(f"{path} is a folder; name the files in it")
    suffix = path.suffix.lower()
    if suffix in (".gz", ".bz2", ".xz"):
        raise LoadError(f"{path}: compressed files are not read directly; decompress it first")
    found = sniff(path)
    if found:
        return found
    for fmt in FORMATS.values():
        if suffix in fmt.extensions:
            return fmt.name
    raise LoadError(f"{path}: cannot tell its format from its name or content; give --format "
                    f"({', '.join(sorted(FORMATS))})")


def sniff(path: str | Path) -> str | None:
    """The format a file's content shows (its name alone is not enough), or None."""
    path = Path(path)
    if path.suffix.lower() in (".gz", ".bz2", ".xz"):
        return None
    try:
        head = _head(path)
    except OSError:
        return None
    scores = [(fmt.sniff(path, head), name) for name, fmt in FORMATS.items() if fmt.sniff]
    best, name = max(scores, key=lambda s: s[0], default=(0, None))
    return name if best > 0 else None


def expand_paths(paths: list[str]) -> tuple[list[str], list[tuple[str, str]]]:
    """Folders become the data files in them (sorted, recursive), and the files left out with why.

    A file in a folder is loaded when its content shows a known format; READMEs, licences,
    notes and anything else are left out (and listed, so nothing disappears unreported).
    """
    out, skipped = [], []
    for p in paths:
        path = Path(p)
        if p.startswith("hf:") or not path.is_dir() or (path / "dataset_info.json").exists():
            out.append(p)
            continue
        found = False
        for f in sorted(f for f in path.rglob("*") if f.is_file()):
            if any(part.startswith(".") for part in f.relative_to(path).parts):
                continue  # hidden files and folders (.git, .DS_Store)
            if sniff(f):
                out.append(str(f))
                found = True
            else:
                skipped.append((str(f), "not a format citegraph reads (give its name and --format to load it)"))
        if not found:
            raise LoadError(f"{path}: no loadable files in this folder")
    return out, skipped


def read(path: str, fmt: str = "auto", options: LoadOptions | None = None, *, checked: bool = True) -> Iterator[Row]:
    """Rows of records from one input. ``checked=False``: without ``writable`` (for a reader
    whose rows are checked elsewhere: ``citegraph.read_ahead`` checks them in the writing process)."""
    options = options or LoadOptions()
    if not path.startswith("hf:") and not Path(path).exists():
        raise LoadError(f"{path}: no such file")
    name = detect_format(path) if fmt == "auto" else fmt
    if name not in FORMATS:
        raise LoadError(f"unknown format {name!r}; known: {', '.join(sorted(FORMATS))}")
    source = options.source or (path if path.startswith("hf:") else Path(path).name)
    rows = FORMATS[name].read(path, source, options)
    return writable(rows) if checked else rows


def writable(rows: Iterator[Row]) -> Iterator[Row]:
    """Rows whose records Neo4j could not store (a 2 MB "name" used as a key) become rejects."""
    for row in rows:
        if row.reject is None and row.records:
            reason = oversized(row.records)
            if reason:
                row = Row(row.source, row.line, reject=Reject(row.source, row.line, reason))
        yield row
