"""A real HTTP server on 127.0.0.1 whose routes a test scripts: statuses, headers, faults."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Response = tuple[int, dict[str, str], bytes]


class ScriptedServer:
    """Routes map a path to a response or a list of responses served in turn (last repeats)."""

    def __init__(self):
        self.routes: dict[str, list[Response] | Callable[[], Response]] = {}
        self.hits: defaultdict[str, int] = defaultdict(int)
        self.user_agents: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                server.hits[self.path] += 1
                server.user_agents.append(self.headers.get("User-Agent", ""))
                route = server.routes.get(self.path)
                if route is None:
                    status, headers, body = 404, {}, b"not found"
                elif callable(route):
                    status, headers, body = route()
                else:
                    index = min(server.hits[self.path] - 1, len(route) - 1)
                    status, headers, body = route[index]
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format, *args):  # noqa: A002
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def route(self, path: str, *responses: Response) -> str:
        self.routes[path] = list(responses)
        return self.base + path

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
