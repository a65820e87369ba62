"""The errors of citegraph, for users of the Python API (they live in ``graph.errors``, at the
bottom of the layers, so that every layer can raise them)."""

from graph.errors import CitegraphError, ConnectionFailed, Interrupted, LoadError, QueryError, ServerError

__all__ = ["CitegraphError", "ConnectionFailed", "Interrupted", "LoadError", "QueryError", "ServerError"]
