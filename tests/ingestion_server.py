"""An HTTP server on 127.0.0.1 that misbehaves on purpose: stalls, drips, loops, bombs, lies.

Each route is a list of `Reply`s served in turn (the last one repeats). Every request is
logged with its path, headers and arrival time, so a test can check what was (not) asked.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    # Seconds of silence before the status line: a server that stalls.
    stall: float = 0.0
    # Send the body in pieces of this size with `drip_pause` seconds between them.
    drip: int = 0
    drip_pause: float = 0.0
    # Omit Content-Length: the body ends when the connection closes.
    unsized: bool = False
    # Send this many bytes of the body, then reset the connection (TCP RST).
    reset_after: int | None = None


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float


class FaultServer:
    def __init__(self) -> None:
        self.routes: dict[str, list[Reply] | Callable[[], Reply]] = {}
        self.requests: list[Request] = []
        self._served: dict[str, int] = {}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                server.requests.append(Request(self.path, dict(self.headers), time.monotonic()))
                reply = server._next(self.path)
                try:
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on us, as it should

            def _send(self, reply: Reply) -> None:
                if reply.stall:
                    time.sleep(reply.stall)
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if not reply.unsized and "Content-Length" not in reply.headers:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.send_header("Connection", "close")
                self.end_headers()
                if reply.reset_after is not None:
                    self.wfile.write(reply.body[:reply.reset_after])
                    self.wfile.flush()
                    # Linger 0: close() sends RST instead of FIN, as a crashing peer would.
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                               struct.pack("ii", 1, 0))
                    self.connection.close()
                    return
                if not reply.drip:
                    self.wfile.write(reply.body)
                    return
                for start in range(0, len(reply.body), reply.drip):
                    self.wfile.write(reply.body[start:start + reply.drip])
                    self.wfile.flush()
                    time.sleep(reply.drip_pause)

            def log_message(self, format, *args):  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()

    def _next(self, path: str) -> Reply:
        route = self.routes.get(path)
        if route is None:
            return Reply(404, {"Content-Type": "text/plain"}, b"not found")
        if callable(route):
            return route()
        served = self._served.get(path, 0)
        self._served[path] = served + 1
        return route[min(served, len(route) - 1)]

    def route(self, path: str, *replies: Reply) -> str:
        self.routes[path] = list(replies)
        self._served.pop(path, None)
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(r.path == path for r in self.requests)

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
