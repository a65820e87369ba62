"""Modules loaded on first use.

``neo4j = lazy("neo4j")`` costs nothing until an attribute of the module is read. Importing the
driver takes about half a second (it imports pandas when pandas is installed), which commands
that never talk to Neo4j (``citegraph --help``, ``citegraph queries``) should not pay.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The module ``name``, imported when first used (at once if it is imported already)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module
