"""A SPARQL endpoint on loopback for RDF files: the Oxigraph server.

The files are loaded into an Oxigraph store (a folder, temporary unless
``--store`` names one) with the ``oxigraph`` command-line tool from PyPI, then
``oxigraph serve-read-only`` answers SPARQL over HTTP at
``http://127.0.0.1:PORT/query`` until stopped.
"""

from __future__ import annotations

import shutil
import signal
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
    try:
        _load_files(location, data)
    except BaseException:
        if not store:  # a temporary store that could not be filled goes at once
            shutil.rmtree(location, ignore_errors=True)
        raise
    return location


def _load_files(location: Path, data: list[str]) -> None:
    for path in data:
        if not Path(path).is_file():
            raise CitegraphError(f"{path}: no such file")
        ext = FORMATS[format_for(path)][1].lstrip(".")
        proc = subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", path,
                               "--format", ext], capture_output=True, text=True)
        if proc.returncode != 0:
            raise CitegraphError(f"{path}: Oxigraph could not load it: {proc.stderr.strip()[-500:]}")


def serve_command(location: Path, port: int) -> list[str]:
    return [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"]


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def serve(data: list[str], port: int, store: str | None = None, announce=print) -> int:
    """Load the files and serve them until the server exits or this process is stopped (Ctrl-C,
    SIGTERM): then the server process is ended and a temporary store removed. Returns the
    exit status (0 when stopped)."""
    previous = signal.signal(signal.SIGTERM, _interrupt)  # SIGTERM stops it as Ctrl-C does
    location = proc = None
    try:
        location = prepare_store(data, store)
        announce(f"SPARQL endpoint: http://127.0.0.1:{port}/query  (store {location}; Ctrl-C stops it)")
        proc = subprocess.Popen(serve_command(location, port))
        return proc.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second signal must not cut the clean-up short
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if location is not None and not store:  # a temporary store goes with the server
            shutil.rmtree(location, ignore_errors=True)
        signal.signal(signal.SIGTERM, previous)
