"""A SPARQL endpoint on loopback for RDF files: the Oxigraph server.

The files are loaded into an Oxigraph store (a folder, temporary unless
``--store`` names one) with the ``oxigraph`` command-line tool from PyPI, then
``oxigraph serve-read-only`` answers SPARQL over HTTP at
``http://127.0.0.1:PORT/query`` until stopped.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from citegraph.errors import CitegraphError
from citegraph.rdf import FORMATS, format_for


def oxigraph_binary() -> str:
    candidates = [Path(sys.executable).with_name("oxigraph"), shutil.which("oxigraph")]
    for c in candidates:
        if c and Path(c).exists():
            return str(c)
    raise CitegraphError("the `oxigraph` server is not installed: pip install oxigraph")


def prepare_store(data: list[str], store: str | None = None) -> Path:
    location = Path(store) if store else Path(tempfile.mkdtemp(prefix="citegraph-sparql-"))
    location.mkdir(parents=True, exist_ok=True)
    for path in data:
        if not Path(path).is_file():
            raise CitegraphError(f"{path}: no such file")
        ext = FORMATS[format_for(path)][1].lstrip(".")
        proc = subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", path,
                               "--format", ext], capture_output=True, text=True)
        if proc.returncode != 0:
            raise CitegraphError(f"{path}: Oxigraph could not load it: {proc.stderr.strip()[-500:]}")
    return location


def serve_command(location: Path, port: int) -> list[str]:
    return [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]
