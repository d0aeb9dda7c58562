"""Checklist row 26: a news site with a bad TLS certificate fails closed, with a clear error;
there is no insecure fallback."""

from __future__ import annotations

import asyncio
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from scrapers import FetchError, fetch, make_client
from tests.reliability.test_mail_safety import self_signed_context


class _Page(BaseHTTPRequestHandler):
    requests = 0

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        type(self).requests += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture
def https_site(tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    context = self_signed_context(tmp_path)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_an_untrusted_certificate_fails_closed_with_a_clear_error(https_site):
    async def scenario():
        async with make_client(delay=0) as client:
            await fetch(client, f"{https_site}/news/1.html", backoff=0.01)

    _Page.requests = 0
    with pytest.raises(FetchError, match="(?i)certificate"):
        asyncio.run(scenario())
    assert _Page.requests == 0  # no request was ever sent over the unverified connection
