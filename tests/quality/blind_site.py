"""Renders a blind article set as four small news sites (RSS, sitemap, listing) in a folder.

Each outlet gets its own page layout with the furniture real sites carry (menus, bylines,
share bars, related links, comments), so extraction meets the set as it would meet the web.
"""

from __future__ import annotations

import html
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path

from tests.quality.blind_sets import ArticleCase, BlindSet, Outlet

BASE = "{{BASE}}"  # replaced with the server's address when served
LISTING_PAGE_SIZE = 6


def render_site(blind: BlindSet, root: Path) -> None:
    """Write every outlet of `blind` under `root/<outlet id>/`."""
    for index, outlet in enumerate(blind.outlets):
        articles = sorted((a for a in blind.articles if a.outlet == outlet.id),
                          key=lambda a: a.published, reverse=True)
        folder = root / outlet.id
        (folder / "articles").mkdir(parents=True, exist_ok=True)
        for article in articles:
            page = LAYOUTS[index % len(LAYOUTS)](outlet, article, articles)
            (folder / "articles" / f"{article.slug}.html").write_text(page, encoding="utf-8")
        LISTERS[outlet.kind](outlet, articles, folder)


def source_entry(outlet: Outlet, base: str) -> dict:
    """The configuration entry a user would write for this outlet."""
    url = {"rss": "feed.xml", "sitemap": "sitemap.xml", "listing": "index.html"}[outlet.kind]
    entry = {"id": outlet.id, "name": outlet.name, "kind": outlet.kind,
             "url": f"{base}/{outlet.id}/{url}", "language": outlet.language,
             "crawl_delay": 0, "concurrency": 4}
    if outlet.kind == "listing":
        entry.update(link_selector="h2.teaser-title a", next_selector="a.older",
                     max_pages=10)
    return entry


def article_url(outlet_id: str, slug: str, base: str) -> str:
    return f"{base}/{outlet_id}/articles/{slug}.html"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _url(outlet: Outlet, article: ArticleCase) -> str:
    return article_url(outlet.id, article.slug, BASE)


def _head(outlet: Outlet, article: ArticleCase) -> str:
    author = f'<meta name="author" content="{_e(article.author)}">' if article.author else ""
    return f"""<!DOCTYPE html>
<html lang="{outlet.language}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{_e(article.headline)} | {_e(outlet.name)}</title>
  <link rel="canonical" href="{_url(outlet, article)}">
  {author}
  <meta property="og:type" content="article">
  <meta property="og:site_name" content="{_e(outlet.name)}">
  <meta property="og:title" content="{_e(article.headline)}">
  <meta property="article:published_time" content="{article.published.isoformat()}">
  <link rel="stylesheet" href="{BASE}/{outlet.id}/static/site.css">
</head>"""


def _time(article: ArticleCase, stamp: str) -> str:
    return f'<time datetime="{article.published.isoformat()}">{stamp}</time>'


def _paragraphs(article: ArticleCase) -> str:
    return "\n".join(f"        <p>{_e(p)}</p>" for p in article.paragraphs)


def _others(outlet: Outlet, article: ArticleCase, articles: list[ArticleCase]) -> str:
    links = [f'<li><a href="{_url(outlet, a)}">{_e(a.headline)}</a></li>'
             for a in articles if a.slug != article.slug][:4]
    return "\n".join(links)


def _menu(outlet: Outlet, sections: list[str]) -> str:
    items = "".join(f'<li><a href="{BASE}/{outlet.id}/{s.lower()}/">{_e(s)}</a></li>'
                    for s in sections)
    return f'<nav class="menu"><ul>{items}</ul></nav>'


def _wire_layout(outlet: Outlet, article: ArticleCase, articles: list[ArticleCase]) -> str:
    stamp = article.published.strftime("%B %d, %Y %I:%M %p")
    return f"""{_head(outlet, article)}
<body>
  <header><div class="brand"><a href="{BASE}/{outlet.id}/">{_e(outlet.name)}</a></div>
  {_menu(outlet, ["World", "Politics", "Business", "Markets", "Defense"])}</header>
  <main>
    <article class="story">
      <h1 class="headline">{_e(article.headline)}</h1>
      <p class="meta">{_e(article.byline or '')} {_time(article, stamp)}</p>
      <div class="story-body">
{_paragraphs(article)}
      </div>
      <p class="standards"><a href="{BASE}/{outlet.id}/trust/">Our Standards: The Trust Principles.</a></p>
    </article>
    <aside class="more"><h2>More from {_e(outlet.name)}</h2><ul>
{_others(outlet, article, articles)}
    </ul></aside>
  </main>
  <footer><p>&copy; {article.published.year} {_e(outlet.name)}. All rights reserved.</p></footer>
</body>
</html>
"""


def _daily_layout(outlet: Outlet, article: ArticleCase, articles: list[ArticleCase]) -> str:
    stamp = article.published.strftime("%d %B %Y, %H:%M")
    return f"""{_head(outlet, article)}
<body class="article-page">
  <header class="site-header"><div class="logo"><a href="{BASE}/{outlet.id}/">{_e(outlet.name)}</a></div>
  {_menu(outlet, ["News", "Region", "Security", "Opinion", "Culture", "Sport"])}
  <form class="search" action="{BASE}/{outlet.id}/search/"><input name="q"><button>Go</button>
  </form></header>
  <main class="layout">
    <article>
      <h1>{_e(article.headline)}</h1>
      <div class="byline">{_e(article.byline or '')} &middot; {_time(article, stamp)}</div>
      <div class="article-body">
{_paragraphs(article)}
      </div>
    </article>
    <div class="share-bar"><span>Share:</span>
      <a href="https://www.facebook.com/sharer/sharer.php?u={_url(outlet, article)}">Facebook</a>
      <a href="https://twitter.com/intent/tweet?url={_url(outlet, article)}">X</a></div>
    <section class="comments"><h2>Comments (1)</h2><ul>
      <li class="comment"><span class="comment-author">reader_101</span>
      <p class="comment-text">Let us wait for independent confirmation before drawing conclusions.</p></li>
    </ul></section>
    <aside class="sidebar"><h2>Most read</h2><ol>
{_others(outlet, article, articles)}
    </ol></aside>
  </main>
  <footer class="site-footer"><a href="{BASE}/{outlet.id}/about/">About</a> &middot;
  <a href="{BASE}/{outlet.id}/privacy/">Privacy</a></footer>
</body>
</html>
"""


def _portal_layout(outlet: Outlet, article: ArticleCase, articles: list[ArticleCase]) -> str:
    stamp = article.published.strftime("%d.%m.%Y %H:%M")
    related = "Читайте также" if outlet.language == "ru" else "Read also"
    return f"""{_head(outlet, article)}
<body>
  <div class="top-bar"><a href="{BASE}/{outlet.id}/">{_e(outlet.name)}</a>
  {_menu(outlet, ["Politika", "Mir", "Armiya", "Ekonomika", "Obshchestvo"])}</div>
  <div class="content">
    <div class="news-item">
      <div class="news-date">{stamp}</div>
      <h1 class="news-title">{_e(article.headline)}</h1>
      <div class="news-text" itemprop="articleBody">
{_paragraphs(article)}
      </div>
      <div class="news-author">{_e(article.byline or '')}</div>
      <div class="news-tags"><a href="{BASE}/{outlet.id}/tags/armiya/">armiya</a></div>
    </div>
    <div class="related"><h3>{related}</h3><ul>
{_others(outlet, article, articles)}
    </ul></div>
  </div>
  <div class="footer">{_e(outlet.name)} &copy; {article.published.year}. 18+</div>
</body>
</html>
"""


def _analysis_layout(outlet: Outlet, article: ArticleCase, articles: list[ArticleCase]) -> str:
    stamp = article.published.strftime("%B %d, %Y")
    return f"""{_head(outlet, article)}
<body class="post-template">
  <header class="gh-head"><a class="gh-head-logo" href="{BASE}/{outlet.id}/">{_e(outlet.name)}</a>
  {_menu(outlet, ["Analysis", "Reports", "Podcast", "About"])}
  <a class="gh-subscribe" href="{BASE}/{outlet.id}/subscribe/">Subscribe</a></header>
  <main class="site-main">
    <article class="post">
      <header class="post-header">
        <h1 class="post-title">{_e(article.headline)}</h1>
        <div class="post-meta"><span class="author">{_e(article.byline or '')}</span>
        <time class="post-date" datetime="{article.published.isoformat()}">{stamp}</time></div>
      </header>
      <section class="post-content">
{_paragraphs(article)}
      </section>
    </article>
    <section class="newsletter-cta"><h3>Get our weekly brief</h3>
    <form><input type="email" placeholder="you@example.org"><button>Sign up</button></form></section>
    <section class="read-next"><h3>Read next</h3><ul>
{_others(outlet, article, articles)}
    </ul></section>
  </main>
  <footer class="site-footer"><p>{_e(outlet.name)} &mdash; independent analysis.</p></footer>
</body>
</html>
"""


LAYOUTS = (_wire_layout, _daily_layout, _portal_layout, _analysis_layout)


def _rss(outlet: Outlet, articles: list[ArticleCase], folder: Path) -> None:
    items = "\n".join(f"""    <item>
      <title>{_e(a.headline)}</title>
      <link>{_url(outlet, a)}</link>
      <guid isPermaLink="true">{_url(outlet, a)}</guid>
      <pubDate>{format_datetime(a.published)}</pubDate>
    </item>""" for a in articles)
    (folder / "feed.xml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>{_e(outlet.name)}</title>
    <link>{BASE}/{outlet.id}/</link>
    <description>{_e(outlet.name)}</description>
    <language>{outlet.language}</language>
{items}
  </channel>
</rss>
""", encoding="utf-8")


def _sitemap(outlet: Outlet, articles: list[ArticleCase], folder: Path) -> None:
    urls = "\n".join(f"""  <url>
    <loc>{_url(outlet, a)}</loc>
    <lastmod>{a.published.isoformat()}</lastmod>
  </url>""" for a in articles)
    (folder / "sitemap.xml").write_text(f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
""", encoding="utf-8")


def _listing(outlet: Outlet, articles: list[ArticleCase], folder: Path) -> None:
    pages = [articles[i:i + LISTING_PAGE_SIZE]
             for i in range(0, len(articles), LISTING_PAGE_SIZE)] or [[]]
    for number, page in enumerate(pages, start=1):
        name = "index.html" if number == 1 else f"page-{number}.html"
        cards = "\n".join(f"""    <div class="teaser">
      <h2 class="teaser-title"><a href="{_url(outlet, a)}">{_e(a.headline)}</a></h2>
      <time datetime="{a.published.isoformat()}">{_stamp(a.published)}</time>
    </div>""" for a in page)
        older = (f'<a class="older" href="{BASE}/{outlet.id}/page-{number + 1}.html">Older</a>'
                 if number < len(pages) else "")
        (folder / name).write_text(f"""<!DOCTYPE html>
<html lang="{outlet.language}"><head><meta charset="utf-8"><title>{_e(outlet.name)}</title></head>
<body><header><a href="{BASE}/{outlet.id}/">{_e(outlet.name)}</a></header>
  <main>
{cards}
  {older}
  </main>
</body></html>
""", encoding="utf-8")


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


LISTERS = {"rss": _rss, "sitemap": _sitemap, "listing": _listing}
