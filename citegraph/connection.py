"""Which Neo4j a command talks to, and the one driver it uses.

Lookup order, field by field: explicit arguments (the CLI's ``--uri``,
``--user``, ``--password``, ``--database``), then the ``NEO4J_URI``,
``NEO4J_USER`` (or ``NEO4J_USERNAME``), ``NEO4J_PASSWORD`` and
``NEO4J_DATABASE`` environment variables, then the managed server of the
default home (``citegraph neo4j start``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from citegraph.errors import ConnectionFailed
from citegraph.server import NEO4J_USER, ManagedServer
from graph.lazy import lazy

neo4j = lazy("neo4j")  # the driver, imported when first used (graph.lazy)


@dataclass(frozen=True)
class ConnectionSettings:
    uri: str
    user: str
    password: str | None = field(repr=False)  # a logged or printed setting never shows it
    database: str | None
    origin: str  # "arguments", "environment" or "managed server in <home>"
    home: Path | None = None  # the managed server's home, when that is the server

    def describe(self) -> str:
        db = self.database or "default database"
        return f"{self.uri} as {self.user} ({db}; from {self.origin})"


def resolve(uri: str | None = None, user: str | None = None, password: str | None = None,
            database: str | None = None, home: Path | str | None = None) -> ConnectionSettings:
    env = os.environ
    database = database or env.get("NEO4J_DATABASE") or None
    if uri:
        origin = "arguments"
    elif env.get("NEO4J_URI"):
        uri, origin = env["NEO4J_URI"], "environment (NEO4J_URI)"
    else:
        server = ManagedServer(home)
        status = server.status()
        if not status.running:
            raise ConnectionFailed(
                f"no Neo4j to talk to: the managed server in {server.home} is not running and "
                f"neither --uri nor NEO4J_URI is set. Start it with `citegraph neo4j start`"
                + (f" --home {server.home}" if home else "") + ", or point at a server with --uri.")
        return ConnectionSettings(
            uri=status.uri, user=user or NEO4J_USER, password=password or status.password,
            database=database, origin=f"managed server in {server.home}", home=server.home)
    user = user or env.get("NEO4J_USER") or env.get("NEO4J_USERNAME") or NEO4J_USER
    password = password if password is not None else env.get("NEO4J_PASSWORD")
    return ConnectionSettings(uri=uri, user=user, password=password, database=database, origin=origin)


def open_driver(settings: ConnectionSettings) -> neo4j.Driver:
    """Build the driver once and check that the server answers; errors say what to do."""
    auth = (settings.user, settings.password) if settings.password is not None else None
    # "property/label does not exist" notices are expected on a new graph: not worth a warning
    driver = neo4j.GraphDatabase.driver(
        settings.uri, auth=auth, connection_timeout=10, max_transaction_retry_time=30,
        notifications_disabled_classifications=[neo4j.NotificationDisabledClassification.UNRECOGNIZED])
    try:
        driver.verify_connectivity()
    except neo4j.exceptions.AuthError as exc:
        driver.close()
        raise ConnectionFailed(f"Neo4j at {settings.uri} refused the credentials of user "
                               f"{settings.user!r} ({exc.message}); check --password or NEO4J_PASSWORD") from None
    except (neo4j.exceptions.ServiceUnavailable, OSError) as exc:
        driver.close()
        raise ConnectionFailed(f"no Neo4j answers at {settings.uri} ({exc}); start one with "
                               f"`citegraph neo4j start` or fix --uri/NEO4J_URI") from None
    return driver
