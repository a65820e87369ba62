"""Modules loaded on first use.

``neo4j = lazy("neo4j")`` costs nothing until an attribute of the module is read. Importing the
driver takes about half a second (it imports pandas when pandas is installed), which commands
that never talk to Neo4j (``citegraph --help``, ``citegraph queries``) should not pay.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
from types import ModuleType

# Optional modules that a lazily imported module, when it is finally imported, is to find absent
# (``citegraph.api.without_dataframes``: the driver imports pandas and pyarrow, half a second,
# only to take their objects as parameters and to make DataFrames of results).
HIDDEN: dict[str, tuple[str, ...]] = {}


class _Hiding(importlib.abc.Loader):
    """Runs a module with the optional modules ``HIDDEN`` names for it seen as not installed."""

    def __init__(self, name: str, loader):
        self.name, self.loader = name, loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        hidden = [n for n in HIDDEN.get(self.name, ()) if n not in sys.modules]
        for n in hidden:
            sys.modules[n] = None  # "import n" raises ImportError, as when it is not installed
        try:
            self.loader.exec_module(module)
        finally:
            for n in hidden:
                if sys.modules.get(n, 0) is None:
                    del sys.modules[n]


def lazy(name: str) -> ModuleType:
    """The module ``name``, imported when first used (at once if it is imported already)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(_Hiding(name, spec.loader))
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
