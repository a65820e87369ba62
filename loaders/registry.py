"""What a format module declares, and how the loaders package finds them.

A format is one module of ``loaders``: it declares ``FORMATS``, a list of ``Format`` (name,
description, reader, file extensions, and a ``sniff`` that scores how surely a file's first
bytes are of the format). ``discover`` imports every module of the package and collects
them; nothing else names a format. Adding a format is adding a module.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graph.records import Row

# How sure a sniff is, for the usual cases (the highest score wins):
MAGIC = 100  # a signature no other format has (Parquet's PAR1)
MARKED = 70  # content with fields only this format writes
SHAPED = 40  # content of the right shape (a header, two identifiers per line)
PLAIN = 20  # content any format of the family could hold (plain JSON, an @ entry)


@dataclass(frozen=True)
class LoadOptions:
    source: str | None = None  # name recorded in `sources`; default: the file name
    conference: Any = None  # loaders.paper_dataset.Conference (--conference)
    id_scheme: str = "auto"  # edge lists: how to read bare identifiers
    of_paper: str | None = None  # Semantic Scholar /references and /citations pages: whose they are
    # paper rows: ``unchanged(pairs of (paper id, fingerprint))`` -> ids the graph holds exactly so
    unchanged: Callable[[list], set] | None = None
    # the sink takes graph.records.Citations (the bulk writer): an edge list's clean lines come in
    # rows of many (Row.lines), its repeats as warnings at the end
    batched: bool = False


@dataclass(frozen=True)
class Format:
    name: str
    description: str
    read: Callable[[str | Path, str, LoadOptions], Iterator[Row]]  # (path, source name, options)
    extensions: tuple[str, ...] = ()
    sniff: Callable[[Path, str], int] | None = None  # (path, first 64 KB as text) -> score, 0: not this one


def discover(package: str = "loaders") -> dict[str, Format]:
    """Every format declared by a module of ``package`` (modules in name order)."""
    formats: dict[str, Format] = {}
    root = importlib.import_module(package)
    for info in sorted(pkgutil.iter_modules(root.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package}.{info.name}")
        for fmt in getattr(module, "FORMATS", ()):
            if isinstance(fmt, Format):
                if fmt.name in formats:
                    raise ValueError(f"format {fmt.name!r} is declared twice ({module.__name__})")
                formats[fmt.name] = fmt
    return formats
