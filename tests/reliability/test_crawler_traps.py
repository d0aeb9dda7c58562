"""Checklist row 27: an archive whose next links never end is cut at the page budget, loudly."""

from __future__ import annotations

import asyncio
import logging

from claimwatch.config import Source
from scrapers import make_client
from scrapers.listing import discover
from tests.ingestion_server import FaultServer, Reply


class EndlessCalendar:
    """Every day page links to the day before, forever: ?date=N -> ?date=N-1."""

    def __init__(self, server: FaultServer):
        self.server = server

    def page(self, day: int) -> Reply:
        body = (f'<html><body><ul><li><a class="story" href="/news/{day}.html">Day {day}</a></li>'
                f'</ul><a class="older" href="/archive?date={day - 1}">older</a></body></html>')
        return Reply(200, {"Content-Type": "text/html; charset=utf-8"}, body.encode())


def test_endless_next_links_stop_at_max_pages_with_a_warning(caplog):
    server = FaultServer()
    calendar = EndlessCalendar(server)
    for day in range(1000, 960, -1):
        server.route(f"/archive?date={day}", calendar.page(day))
    source = Source(id="calendar", kind="listing", url=f"{server.base}/archive?date=1000",
                    link_selector="a.story", next_selector="a.older", max_pages=7, crawl_delay=0)

    async def crawl():
        async with make_client(delay=0) as client:
            return await discover(client, source)

    try:
        with caplog.at_level(logging.WARNING):
            items = asyncio.run(crawl())
    finally:
        server.close()
    assert len(items) == 7
    assert sum(r.path.startswith("/archive") for r in server.requests) == 7
    assert "stopped at max_pages (7)" in caplog.text and "date=993" in caplog.text
