"""Python's cyclic garbage collector paused while millions of objects that hold no cycles are made.

A bulk writer's tables (tens of millions of objects that live until the import) and the
coauthorship projection's lists (23 million integers at a million papers) are walked by the
collector again and again without it finding garbage among them: a third of the time of
reading paper rows at 100,000 papers; 8 s against 1.9 s for the projection's lists. Rows and
lists leave no cycles (their objects are freed as they go); whatever cycle there is, the
collector finds after.

A live load keeps the collector, less eager: its writing process unpickles and drops some
twenty records per paper row, and every 700 allocations the collector walked what the load
holds (the batch being written, the identity caches) to find nothing: 70 µs of the 120 µs it
took to unpickle a row while a batch of 10,000 records was held (`collection_relaxed`).
"""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def collection_paused():
    """The collector off inside the block (and on after it, if it was on before)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# allocations between collections of the youngest generation while relaxed (Python's default: 700)
RELAXED_THRESHOLD = 50_000


@contextmanager
def collection_relaxed(threshold: int = RELAXED_THRESHOLD):
    """The collector on but collecting its youngest generation only every ``threshold``
    allocations inside the block (the older generations follow it, as always); the thresholds
    as they were after it."""
    before = gc.get_threshold()
    gc.set_threshold(max(before[0], threshold), *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)
