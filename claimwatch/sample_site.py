"""The bundled sample news site served on 127.0.0.1, and a local SMTP capture, for the demo and tests."""

from __future__ import annotations

import socket
import threading
from email import message_from_bytes, policy
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller

SITE_ROOT = Path(__file__).parent / "demo_site"
BASE_PLACEHOLDER = b"{{BASE}}"


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serves files with {{BASE}} replaced by this server's address; quiet logs."""

    # Keep-alive, like any real news site: a crawler's connection reuse is part of what it costs.
    protocol_version = "HTTP/1.1"

    def __init__(self, *args, base: str, **kwargs):
        self.base = base
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404)
            return
        body = path.read_bytes().replace(BASE_PLACEHOLDER, self.base.encode())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        pass


class _SiteServer(ThreadingHTTPServer):
    # The default backlog of 5 drops the connections of a pass that opens 20 sources at once;
    # each dropped one waits a second for its SYN to be resent, as no real site makes it.
    request_queue_size = 128


class SampleSite:
    """A threaded HTTP server for a folder of sample outlets; use as a context manager."""

    def __init__(self, root: Path = SITE_ROOT, port: int = 0, host: str = "127.0.0.1"):
        self.root = root
        self.port = port
        # Any address of 127.0.0.0/8 is this machine: benchmarks give each outlet a host of its own.
        self.host = host
        self._server: ThreadingHTTPServer | None = None

    def __enter__(self) -> SampleSite:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> None:
        def make_handler(*args, **kwargs):
            return _SiteHandler(*args, base=self.base, directory=str(self.root), **kwargs)

        try:
            self._server = _SiteServer((self.host, self.port), make_handler)
        except OSError:
            self._server = _SiteServer((self.host, 0), make_handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _MailSaver:
    def __init__(self, folder: Path):
        self.folder = folder

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd API)
        number = len(list(self.folder.glob("*.eml"))) + 1
        (self.folder / f"{number:04d}.eml").write_bytes(envelope.content)
        return "250 Message accepted for delivery"


class MailCapture:
    """An SMTP server on 127.0.0.1 that writes each message it accepts to `folder`."""

    def __init__(self, folder: Path, port: int = 0):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._controller = Controller(_MailSaver(folder), hostname="127.0.0.1",
                                      port=port or free_port())

    def __enter__(self) -> MailCapture:
        self._controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self._controller.stop()

    @property
    def port(self) -> int:
        return self._controller.port

    def messages(self) -> list:
        return [message_from_bytes(p.read_bytes(), policy=policy.default)
                for p in sorted(self.folder.glob("*.eml"))]


def main() -> None:
    """Serve a folder of sample outlets until interrupted (benchmarks run the site out of process)."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("root", type=Path, nargs="?", default=SITE_ROOT)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with SampleSite(root=args.root, port=args.port) as site:
        print(site.base, flush=True)
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
