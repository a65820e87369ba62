"""A local HTTP server for tests of the live-API commands: JSON answers, on 127.0.0.1."""

from __future__ import annotations

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class JsonHandler(BaseHTTPRequestHandler):
    """Answers with JSON; subclasses route ``do_GET``/``do_POST``. ``state`` is shared with the test."""

    state: dict = {}

    def log_message(self, *args):
        pass

    def reply(self, status: int, body, headers=()):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@contextmanager
def serving(handler: type[JsonHandler], state: dict):
    """The base URL of ``handler`` served in a thread, with ``state`` as its state."""
    handler.state = state
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
