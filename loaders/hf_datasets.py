"""Rows straight from the Hugging Face ``datasets`` library, when it is installed.

``citegraph load hf:ORG/NAME[:SPLIT]`` (or a local dataset directory saved with
``save_to_disk`` and ``--format hf``). Row numbers are 1-based positions.
"""

from __future__ import annotations

from collections.abc import Iterator

from graph.errors import LoadError
from loaders.rows import RawRow


def read_rows(spec: str) -> Iterator[RawRow]:
    try:
        import datasets
    except ImportError:
        raise LoadError("reading from the Hugging Face Hub needs the `datasets` library: "
                        "pip install 'citegraph[hf]'") from None
    name = spec[3:] if spec.startswith("hf:") else spec
    name, _, split = name.partition(":")
    try:
        if not spec.startswith("hf:"):
            data = datasets.load_from_disk(name)
            if isinstance(data, datasets.DatasetDict):
                data = data[split or next(iter(data))]
        else:
            data = datasets.load_dataset(name, split=split or "train", streaming=True)
    except Exception as exc:  # the library raises many kinds; all mean "cannot read it"
        raise LoadError(f"{spec}: the datasets library could not open it ({exc})") from None
    for number, row in enumerate(data, 1):
        yield RawRow(number, value=dict(row))
