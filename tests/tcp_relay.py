"""A TCP relay between a client and a real server, whose open connections a test can break:
at once, or when the client next sends on them (a request that meets a server gone away, which
the client only learns after sending)."""

from __future__ import annotations

import socket
import threading


class Relay:
    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.accepted = 0
        self.doomed: set[socket.socket] = set()  # clients whose next request ends their connection
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            server = socket.create_connection(self.target)
            self.pairs.append((client, server))
            self.accepted += 1
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket):
        try:
            while data := source.recv(65536):
                if source in self.doomed:
                    break  # the request is not passed on: the connection ends
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cut(self):
        """End every connection open now; new ones are relayed as before."""
        pairs, self.pairs = self.pairs, []
        for client, server in pairs:
            for s in (server, client):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def break_on_next_request(self):
        """The connections open now end when their client next sends something."""
        self.doomed.update(client for client, _ in self.pairs)

    def close(self):
        self.listener.close()
        self.cut()
