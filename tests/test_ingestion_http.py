"""The HTTP layer against a misbehaving server on 127.0.0.1: timeouts, pauses, loops, bombs, robots."""

from __future__ import annotations

import asyncio
import gzip
import logging
import zlib

import pytest

from scrapers import FetchError, TooLargeError, fetch, make_client
from scrapers.errors import BlockedError, RobotsDisallowed
from scrapers.safety import check_hop, non_public, on_site
from tests.ingestion_server import FaultServer, Reply

HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def server():
    faulty = FaultServer()
    yield faulty
    faulty.close()


@pytest.fixture
def other_server():
    faulty = FaultServer()
    yield faulty
    faulty.close()


def run(coro):
    return asyncio.run(coro)


async def get(url, *, client_options=None, **kwargs):
    options = {"delay": 0, **(client_options or {})}
    async with make_client(**options) as client:
        return await fetch(client, url, backoff=0.01, **kwargs)


def test_a_stalled_server_times_out_three_times_then_fails_clearly(server):
    url = server.route("/slow", Reply(stall=1.0, body=b"late"))
    with pytest.raises(FetchError, match="ReadTimeout.*after 3 tries"):
        run(get(url, client_options={"timeout_read": 0.2}))
    assert server.hits("/slow") == 3


def test_a_slow_drip_is_cut_by_the_request_deadline(server):
    # Each byte arrives well inside the read timeout; only the whole-request deadline stops it.
    url = server.route("/drip", Reply(body=b"x" * 200, drip=1, drip_pause=0.05))
    with pytest.raises(FetchError, match="deadline"):
        run(get(url, tries=1, client_options={"timeout_read": 1, "deadline": 0.4}))


def test_500_then_200_is_retried_and_succeeds(server):
    url = server.route("/flaky", Reply(500), Reply(200, HTML, b"fine"))
    assert run(get(url)).body == b"fine"
    assert server.hits("/flaky") == 2


def test_retry_after_pauses_the_whole_host_but_not_other_hosts(server, other_server):
    limited = server.route("/limited", Reply(429, {"Retry-After": "1"}), Reply(200, HTML, b"ok"))
    sibling = server.route("/sibling", Reply(200, HTML, b"ok"))
    elsewhere = other_server.route("/x", Reply(200, HTML, b"ok"))

    async def scenario():
        async with make_client(delay=0) as client:
            first = asyncio.create_task(fetch(client, limited, backoff=0.01))
            await asyncio.sleep(0.1)  # the 429 has been answered by now
            await asyncio.gather(first, fetch(client, sibling), fetch(client, elsewhere))

    run(scenario())
    refused = server.requests_to("/limited")[0].at
    assert server.hits("/limited") == 2
    assert server.requests_to("/limited")[1].at - refused >= 0.95
    assert server.requests_to("/sibling")[0].at - refused >= 0.95  # same host: waited too
    assert other_server.requests_to("/x")[0].at - refused < 0.9  # another host: did not


def test_a_long_retry_after_leaves_the_host_for_the_next_run(server):
    url = server.route("/busy", Reply(503, {"Retry-After": "86400"}))
    later = server.route("/later", Reply(200, HTML, b"ok"))

    async def scenario():
        async with make_client(delay=0) as client:
            with pytest.raises(FetchError, match="next run"):
                await fetch(client, url, backoff=0.01)
            with pytest.raises(FetchError, match="next run"):
                await fetch(client, later, backoff=0.01)

    run(scenario())
    assert server.hits("/busy") == 1 and server.hits("/later") == 0


def test_a_redirect_loop_stops_at_five_hops(server):
    server.route("/a", Reply(302, {"Location": "/b"}))
    url = server.route("/b", Reply(302, {"Location": "/a"}))
    with pytest.raises(FetchError, match="too many redirects"):
        run(get(url))
    assert server.hits("/a") + server.hits("/b") == 6


def test_an_unsized_body_past_the_cap_is_aborted_with_a_log_line(server, caplog):
    url = server.route("/huge", Reply(200, HTML, b"<p>" + b"x" * 3_000_000, unsized=True))
    with caplog.at_level(logging.ERROR), pytest.raises(TooLargeError):
        run(get(url, client_options={"max_bytes": 1_000_000}))
    assert "passed the cap of 1000000 bytes" in caplog.text and url in caplog.text


def gzip_bomb(inflated_mb: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = b"\0" * 1_000_000
    return b"".join(packer.compress(zeros) for _ in range(inflated_mb)) + packer.flush()


def test_a_gzip_bomb_is_stopped_at_the_cap_without_inflating(server):
    bomb = gzip_bomb(300)  # about 300 KB that would inflate to 300 MB
    url = server.route("/bomb", Reply(200, {**HTML, "Content-Encoding": "gzip"}, bomb))
    with pytest.raises(TooLargeError, match="bytes on the wire") as caught:
        run(get(url, client_options={"max_bytes": 1_000_000}))
    on_the_wire = int(str(caught.value).split("after ")[1].split(" ")[0])
    assert on_the_wire < len(bomb)


def test_a_gzipped_page_under_the_cap_is_decoded(server):
    url = server.route("/z", Reply(200, {**HTML, "Content-Encoding": "gzip"},
                                   gzip.compress(b"<p>small page</p>")))
    assert run(get(url)).body == b"<p>small page</p>"


def test_robots_disallow_is_obeyed_and_robots_is_read_once_per_run(server):
    server.route("/robots.txt", Reply(200, {"Content-Type": "text/plain"},
                                      b"User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n"))
    secret = server.route("/private/report.html", Reply(200, HTML, b"secret"))
    public = server.route("/news/1.html", Reply(200, HTML, b"news"))

    async def scenario():
        async with make_client(delay=0) as client:
            with pytest.raises(RobotsDisallowed):
                await fetch(client, secret)
            await fetch(client, public)
            return client.politeness.host(f"127.0.0.1:{server.port}").delay

    assert run(scenario()) == 2.0  # Crawl-delay raised the configured 0
    assert server.hits("/private/report.html") == 0
    assert server.hits("/robots.txt") == 1


def test_an_unreadable_robots_txt_defers_the_host(server):
    server.route("/robots.txt", Reply(503))
    url = server.route("/news/1.html", Reply(200, HTML, b"news"))
    with pytest.raises(FetchError, match="robots.txt unreadable"):
        run(get(url))
    assert server.hits("/news/1.html") == 0


def test_a_redirect_to_another_private_host_is_refused_before_connecting(server):
    # localhost is the same machine under another name: not the configured host, so refused.
    server.route("/go", Reply(302, {"Location": f"http://localhost:{server.port}/internal"}))
    server.route("/internal", Reply(200, HTML, b"internal"))
    with pytest.raises(BlockedError, match="non-public address"):
        run(get(f"{server.base}/go", allowed_domains=["localhost"]))
    assert server.hits("/internal") == 0


def test_a_redirect_off_the_source_site_or_to_metadata_is_refused(server):
    url = server.route("/meta", Reply(302, {"Location": "http://169.254.169.254/latest/"}))
    with pytest.raises(BlockedError, match="leaves the source's site"):
        run(get(url))
    url = server.route("/file", Reply(302, {"Location": "file:///etc/passwd"}))
    with pytest.raises(BlockedError, match="scheme"):
        run(get(url))


def test_hop_rules_scheme_downgrade_site():
    check_hop("https://news.example.org/a", previous="https://example.org/feed",
              origin="https://example.org/feed")
    with pytest.raises(BlockedError, match="downgrades"):
        check_hop("http://example.org/a", previous="https://example.org/a",
                  origin="https://example.org/feed")
    for bad in ("ftp://example.org/a", "javascript:alert(1)", "data:text/html,hi"):
        with pytest.raises(BlockedError, match="scheme"):
            check_hop(bad, previous=None, origin="https://example.org/feed")
    assert on_site("https://www.bbc.co.uk/news", "https://feeds.bbc.co.uk/rss")
    assert not on_site("https://evil.co.uk/news", "https://feeds.bbc.co.uk/rss")
    assert on_site("https://cdn.partner.net/a", "https://example.org", ["partner.net"])


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "172.16.0.5", "192.168.1.1",
                                     "169.254.169.254", "100.64.0.1", "::1", "::ffff:10.0.0.1",
                                     "fe80::1", "0.0.0.0", "224.0.0.1"])
def test_non_public_addresses_are_recognised(address):
    assert non_public(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "2a00:1450:4001::1", "93.184.216.34"])
def test_public_addresses_pass(address):
    assert not non_public(address)


def test_conditional_request_sends_validators_and_reads_304(server):
    def feed():
        sent = server.requests[-1].headers.get("If-None-Match")
        if sent == '"v1"':
            return Reply(304, {"ETag": '"v1"'})
        return Reply(200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, b"<rss/>")

    server.routes["/feed.xml"] = feed
    first = run(get(f"{server.base}/feed.xml"))
    second = run(get(f"{server.base}/feed.xml", etag=first.headers["etag"]))
    assert first.status == 200 and second.not_modified and second.body == b""


def test_crawler_traps_are_not_followed():
    assert on_site("https://x.am/news/2021/03/02/iskander", "https://x.am/feed")
    assert not on_site("https://x.am/a/a/a/page", "https://x.am/feed")
    assert not on_site("https://x.am/" + "/".join(f"s{n}" for n in range(25)), "https://x.am/")


def test_connections_go_to_the_checked_address_not_a_fresh_dns_answer(server):
    # A name no resolver knows: it can only be reached through the address the guard pinned,
    # which is how a second, rebinding DNS answer is kept out.
    server.route("/pinned", Reply(200, HTML, b"pinned"))

    async def scenario():
        async with make_client(delay=0) as client:
            client.guard.pins["claimwatch-pinned.invalid"] = "127.0.0.1"
            client.guard._verdicts["claimwatch-pinned.invalid"] = None
            url = f"http://claimwatch-pinned.invalid:{server.port}/pinned"
            return await fetch(client, url, origin="http://other.invalid/", allowed_domains=[
                "claimwatch-pinned.invalid"], tries=1)

    assert run(scenario()).body == b"pinned"


def test_a_host_that_does_not_resolve_is_a_retried_connect_error():
    with pytest.raises(FetchError, match="cannot resolve"):
        run(get("http://claimwatch-nowhere.invalid/a.html", tries=2,
                origin="http://claimwatch-feed.invalid/feed.xml",
                allowed_domains=["claimwatch-nowhere.invalid"]))


def test_a_failing_hosts_delay_grows_and_never_shrinks_in_the_run(server):
    # Repeated 5xx: the delay doubles (from a floor, even when configured to 0) and a later
    # source configuring the same host on the same client (a backfill's next day) keeps it.
    url = server.route("/down", Reply(503))
    key = f"127.0.0.1:{server.port}"

    async def scenario():
        async with make_client(delay=0) as client:
            politeness = client.politeness
            with pytest.raises(FetchError):
                await fetch(client, url, backoff=0.01)
            grown = politeness.host(key).delay
            politeness.configure(key, delay=0, concurrency=1)
            return grown, politeness.host(key).delay

    grown, after = run(scenario())
    assert server.hits("/down") == 3
    assert grown >= 2.0  # two failures from a 1 s floor
    assert after == grown


def test_a_connection_reset_mid_body_is_retried_and_never_yields_a_partial_body(server):
    body = b"<html><body>" + b"<p>full text of the article</p>" * 2000 + b"</body></html>"
    url = server.route("/reset", Reply(200, HTML, body, reset_after=5000), Reply(200, HTML, body))
    page = run(get(url))
    assert page.body == body
    assert server.hits("/reset") == 2

    always = server.route("/always-reset", Reply(200, HTML, body, reset_after=5000))
    with pytest.raises(FetchError) as caught:
        run(get(always))
    assert not caught.value.permanent  # due again on the next run
    assert server.hits("/always-reset") == 3


@pytest.mark.parametrize("seconds", [1, 86400])
def test_retry_after_as_an_http_date_is_honoured(server, seconds):
    from datetime import datetime, timedelta, timezone
    from email.utils import format_datetime

    # HTTP-dates have whole seconds: the wait asked for is between seconds+1 and seconds+2.
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=seconds + 2),
                           usegmt=True)
    url = server.route("/dated", Reply(429, {"Retry-After": when}), Reply(200, HTML, b"ok"))
    if seconds > 300:  # past the 300 s cap: the host is left for the next run
        with pytest.raises(FetchError, match="next run"):
            run(get(url))
        assert server.hits("/dated") == 1
        return
    assert run(get(url)).body == b"ok"
    first, second = server.requests_to("/dated")
    assert second.at - first.at >= seconds + 0.5


def test_a_server_that_stalls_after_the_headers_is_retried_then_fails_clearly(server):
    url = server.route("/drip", Reply(200, HTML, b"x" * 100, drip=10, drip_pause=1.0))
    with pytest.raises(FetchError, match="ReadTimeout.*after 3 tries"):
        run(get(url, client_options={"timeout_read": 0.2}))
    assert server.hits("/drip") == 3


def test_a_deflate_bomb_is_stopped_at_the_cap(server):
    packer = zlib.compressobj(9)
    bomb = b"".join(packer.compress(b"\0" * 1_000_000) for _ in range(200)) + packer.flush()
    url = server.route("/deflate", Reply(200, {**HTML, "Content-Encoding": "deflate"}, bomb))
    with pytest.raises(TooLargeError, match="passed the cap"):
        run(get(url, client_options={"max_bytes": 1_000_000}))


def test_a_coding_never_asked_for_is_refused_not_stored_as_garbage(server):
    # Brotli, zstd and friends are not in our Accept-Encoding; a server that sends them anyway
    # gets a clear error, not an article of compressed bytes.
    url = server.route("/br", Reply(200, {**HTML, "Content-Encoding": "br"}, b"\x8b\x02\x80hi\x03"))
    with pytest.raises(FetchError, match="content-encoding 'br'"):
        run(get(url))
    assert "br" not in server.requests_to("/br")[0].headers.get("Accept-Encoding", "")
