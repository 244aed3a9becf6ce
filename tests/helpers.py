"""Assertions shared by feature tests: the page budget and what a page may load."""
import gzip
import re

BUDGET = 14 * 1024
ASSET_RE = re.compile(r'(?:href|src)="(/static/[^"]+)"')
EXTERNAL_RE = re.compile(r'(?:src|action|srcset)="(?:https?:)?//|<link[^>]+href="(?:https?:)?//', re.I)


PREFETCH_RE = re.compile(r'<link rel="prefetch"[^>]*>')


def first_view_bytes(client, response) -> int:
    """Gzip size of the page plus every stylesheet and script it loads (a first, empty-cache
    view; a stylesheet inside the page counts with it, one prefetched after the load does not)."""
    html = response.get_data()
    total = len(gzip.compress(html, 9))
    for asset in set(ASSET_RE.findall(PREFETCH_RE.sub("", html.decode()))):
        if asset.endswith((".css", ".js")) or ".css?" in asset or ".js?" in asset:
            with client.get(asset) as asset_response:
                total += len(gzip.compress(asset_response.get_data(), 9))
    return total


def assert_light_page(client, response) -> None:
    """The page fits the one-round-trip budget and asks for nothing outside the platform."""
    assert response.status_code == 200, response.status_code
    size = first_view_bytes(client, response)
    assert size <= BUDGET, f"{size} bytes compressed is over the 14 KB budget"
    html = response.get_data(as_text=True)
    assert not EXTERNAL_RE.search(html), "the page loads something from outside"
    assert "@font-face" not in html


LINK_RE = re.compile(r'<a [^>]*href="([^"#]+)"')
# Pages a crawl does not open: language switches, sign-out and downloads (not pages).
CRAWL_SKIP = re.compile(r"lang=|/logout|\.(csv|xlsx|docx|pdf|png|jpg)$|/offline|/download|/export")


def crawl(client, start: str = "/", max_pages: int = 60):
    """Visit the HTML pages reachable from ``start`` by links, as the signed-in client; yield
    ``(url, response)`` for each page that answered 200 (JavaScript off: links only)."""
    from urllib.parse import urljoin, urlparse

    seen, queue = set(), [start]
    while queue and len(seen) < max_pages:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            response.close()  # a download (an uploaded file) keeps its file open until closed
            continue
        yield url, response
        for href in LINK_RE.findall(response.get_data(as_text=True)):
            target = urljoin(url, href.replace("&amp;", "&"))
            if urlparse(target).netloc or CRAWL_SKIP.search(target) or target.startswith("/static"):
                continue
            if target not in seen:
                queue.append(target)
