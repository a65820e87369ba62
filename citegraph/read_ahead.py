"""Reading ahead: one input's rows parsed by a second process while this one writes.

A paper row costs about as much to parse (JSON, its BibTeX field, names) as the bulk writer
spends on it, and a live load's writer spends its time between Python (identities, statement
rows) and the server; on a machine with two cores parsing can overlap both. ``ReadAhead`` forks a child
that runs ``loaders.read`` and sends the rows back in pickled chunks, in file order, through
a pipe (which bounds how far it runs ahead). An error the reader raises is raised here at
the same place in the stream, after the rows before it, as reading in this process would.
The check that every key fits Neo4j's indexes (``loaders.writable``) runs here, in the
writing process: parsing and pickling keep the child busier than writing keeps this one.

The child starts from a copy of this process (fork): nothing is pickled on the way in. What
it asks the database (a live load skips the rows the graph holds already) it asks through a
connection of its own (``citegraph.api._HeldRows``).
"""

from __future__ import annotations

import multiprocessing
import pickle
import resource
import signal
import sys
import traceback
from collections.abc import Iterator

from graph.errors import LoadError
from graph.records import ReplaceEdges
from loaders import LoadOptions, read, writable

CHUNK_ROWS = 256  # rows per message (a paper row pickles to about 3 KB)
CHUNK_LINES = 20_000  # or input lines per message (an edge list's rows stand for many)


def available() -> bool:
    """Whether a child can start from a copy of this process (not on Windows or macOS' spawn)."""
    return "fork" in multiprocessing.get_all_start_methods()


class ReadAhead:
    """The rows of ``loaders.read(path, fmt, options)``, read by a child process.

    Iterate it once; ``close()`` (or the end of the rows) stops the child. ``own_mb`` is the
    memory the child held of its own (not shared with this process) when the rows were done
    (None before): its tables are largest then. ``withdrawals=False``:
    the rows come without their ``ReplaceEdges`` (for a sink that has nothing to withdraw:
    a third of a paper row's records, not pickled for nothing).
    """

    def __init__(self, path: str, fmt: str = "auto", options: LoadOptions | None = None, *,
                 withdrawals: bool = True):
        context = multiprocessing.get_context("fork")
        for stream in (sys.stdout, sys.stderr):  # (else the child would write their buffers out again)
            stream.flush()
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_child, args=(self._receive, send, path, fmt, options, withdrawals),
                                        daemon=True, name=f"citegraph-read {path}")
        self._process.start()
        send.close()  # (the child's end: when the child is gone, a read here ends instead of waiting)
        self._path = path
        self.own_mb: float | None = None

    def __iter__(self) -> Iterator:
        return writable(self._rows())

    def _rows(self) -> Iterator:
        try:
            while True:
                try:
                    kind, payload = pickle.loads(self._receive.recv_bytes())
                except EOFError:  # the child died without a word (killed): not a clean end of the input
                    self._process.join()
                    raise LoadError(f"the process reading {self._path} stopped unexpectedly (exit code "
                                    f"{self._process.exitcode}; a negative code is the signal that "
                                    f"ended it, -9 often the kernel short of memory)") from None
                if kind == "rows":
                    yield from payload
                elif kind == "error":
                    raise payload
                else:  # "end"
                    self.own_mb = payload
                    return
        finally:
            self.close()

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()  # (SIGTERM: the child has the default action, it ends at once)
        self._process.join()
        self._receive.close()


def _child(receive, send, path: str, fmt: str, options, withdrawals: bool) -> None:
    receive.close()
    # Ctrl-C reaches the whole process group: the parent decides what it means, and stops this
    # child; SIGTERM ends the child at once (the parent's handler turns it into Ctrl-C)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    chunk: list = []
    lines = 0
    try:
        for row in read(path, fmt, options, checked=False):
            if not withdrawals and row.records:
                row.records = [rec for rec in row.records if type(rec) is not ReplaceEdges]
            chunk.append(row)
            lines += row.lines
            if len(chunk) >= CHUNK_ROWS or lines >= CHUNK_LINES:
                send.send_bytes(pickle.dumps(("rows", chunk), protocol=pickle.HIGHEST_PROTOCOL))
                chunk, lines = [], 0
        if chunk:
            send.send_bytes(pickle.dumps(("rows", chunk), protocol=pickle.HIGHEST_PROTOCOL))
        send.send_bytes(pickle.dumps(("end", _own_mb())))
    except BrokenPipeError:
        return  # the parent stopped reading (it failed, or was interrupted)
    except BaseException as exc:  # noqa: BLE001 -- raised again in the parent, after the rows before it
        try:
            if chunk:
                send.send_bytes(pickle.dumps(("rows", chunk), protocol=pickle.HIGHEST_PROTOCOL))
            send.send_bytes(_pickled_error(exc))
        except BrokenPipeError:
            pass  # (the parent stopped reading meanwhile)
    finally:
        send.close()


def _own_mb() -> float:
    """This process's private memory in MB (pages it does not share with the process it was
    forked from; a peak resident size would count those twice), else its peak resident size."""
    try:
        with open("/proc/self/smaps_rollup", encoding="ascii") as f:
            kb = sum(int(line.split()[1]) for line in f if line.startswith(("Private_Clean:", "Private_Dirty:")))
        return round(kb / 1024, 1)
    except (OSError, ValueError, IndexError):
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _pickled_error(exc: BaseException) -> bytes:
    """The error as the parent can raise it: itself with where it happened as a note, or (when
    it cannot be pickled) a RuntimeError that says what it was."""
    where = "".join(traceback.format_exception(exc)).rstrip()
    exc.add_note(f"(raised while reading, in the reading process)\n{where}")
    try:
        blob = pickle.dumps(("error", exc))
        pickle.loads(blob)  # (an exception whose arguments do not rebuild it fails here, not there)
        return blob
    except Exception:  # noqa: BLE001 -- an exception that does not survive pickling
        return pickle.dumps(("error", RuntimeError(f"{type(exc).__name__}: {exc}\n{where}")))
