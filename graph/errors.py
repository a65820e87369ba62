"""Errors that reach the user as one clean line (the CLI turns them into exit codes)."""


class CitegraphError(Exception):
    """Base class: a problem the user can act on, with a message that says how."""

    exit_code = 1


class ServerError(CitegraphError):
    """The managed Neo4j could not be provisioned, started or stopped."""


class ConnectionFailed(CitegraphError):
    """No Neo4j answered where we looked."""


class QueryError(CitegraphError):
    """A canned query is unknown, lacks a parameter, or was refused by the server."""


class LoadError(CitegraphError):
    """An input could not be read at all (not one bad row: those are rejects)."""


class Interrupted(CitegraphError):
    """Ctrl-C or SIGTERM stopped a command; the message says what was kept."""

    exit_code = 130  # 128 + SIGINT, as shells report it
