"""Page weight: sign in as each role on a demo database, visit every page reachable from the
home page (following links, JavaScript off), and write bytes raw and gzip per page.

    .venv/bin/python bench/page_weight.py   # writes bench/results/page_weight.md

A first view costs the HTML plus the stylesheet and scripts it links; images are counted as
requests. Every row must be within 14 KB compressed.
"""
import gzip
import os
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUDGET = 14 * 1024
ASSET_RE = re.compile(r'<(?:link|script|img)[^>]+(?:href|src)="([^"]+)"')
MAX_PAGES = int(os.environ.get("PAGE_WEIGHT_MAX_PAGES", "60"))


PREFETCH_RE = re.compile(r'<link rel="prefetch"[^>]*>')


def header_bytes(response) -> int:
    """The response's status line and headers as HTTP/1.1 sends them, plus what the
    documented nginx adds to a compressed answer (Server, Date, Content-Encoding, Vary)."""
    lines = [f"HTTP/1.1 {response.status}"] + [f"{k}: {v}" for k, v in response.headers.items()]
    lines += ["Server: nginx", "Date: Wed, 02 Dec 2026 01:00:00 GMT", "Content-Encoding: gzip",
              "Connection: keep-alive"]
    return sum(len(line) + 2 for line in lines) + 2


def measure(client, url):
    """Return (raw, gzip, requests, received) for a first view of ``url``, and the page's HTML.

    ``received`` is what the browser gets: headers and compressed bodies of the page and of
    what it needs to show (its stylesheet and scripts, inline or linked; a stylesheet that
    is only prefetched after the page has loaded is not part of the first view)."""
    response = client.get(url)
    html = response.get_data()
    raw, packed, requests = len(html), len(gzip.compress(html, 9)), 1
    received = packed + header_bytes(response)
    for asset in set(ASSET_RE.findall(PREFETCH_RE.sub("", html.decode(errors="replace")))):
        if asset.startswith("data:"):
            continue
        with client.get(asset) as asset_response:
            body = asset_response.get_data()
            received += len(gzip.compress(body, 9)) + header_bytes(asset_response)
        raw, packed, requests = raw + len(body), packed + len(gzip.compress(body, 9)), requests + 1
    return (response.status_code, response.mimetype, raw, packed, requests, received,
            html.decode(errors="replace"))


def crawl(app, username, password):
    """Visit pages reachable from home as ``username``; yield (url, raw, gzip, requests)."""
    from tests.helpers import crawl as follow_links

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    if "csrf_token" not in page:
        raise SystemExit(f"no sign-in form:\n{page[:2000]}")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    for url, _response in follow_links(client, "/", MAX_PAGES):
        # A browser that has not got the stylesheet yet (no dip_css cookie): a first visit.
        client.delete_cookie("dip_css")
        _status, _mimetype, raw, packed, requests, received, _html = measure(client, url)
        yield url, raw, packed, requests, received


def main():
    """Build a demo database, crawl as every role, write bench/results/page_weight.md."""
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade

    from dip import create_app
    from dip.cli import DEMO_PASSWORD

    app = create_app({"WTF_CSRF_ENABLED": True, "UPLOAD_PATH": f"{tmp}/uploads"})
    with app.app_context():
        upgrade(revision="heads")
        runner = app.test_cli_runner()
        runner.invoke(args=["dip", "curriculum", "sync"])
        runner.invoke(args=["dip", "demo"])
    rows = []
    # Requests run without an outer app context, as in production (g is per request).
    for user in ("learner01", "trainer", "coordinator", "reviewer", "admin"):
        for url, raw, packed, requests, received in crawl(app, user, DEMO_PASSWORD):
            rows.append((url, user, raw, packed, requests, received))
    largest = max(rows, key=lambda r: r[5])
    lines = [
        "## Page weight (first view: HTML + CSS + JS, gzip -9)",
        "",
        f"{len(rows)} pages crawled from each role's home page on the demo database, JavaScript "
        "off, each as a first visit: the stylesheet inside the page (`dip/core/styles.py`). "
        "\"Received\" is what the browser gets: status line and headers (the application's, "
        "plus nginx's Server, Date, Content-Encoding and Connection; over HTTP/2 they are "
        "smaller still) and the compressed bodies of the page and of the scripts it loads.",
        f"Largest: `{largest[0]}` as {largest[1]}, {largest[5]:,} bytes received, "
        f"{largest[3]:,} compressed ({largest[5] / BUDGET:.0%} of the 14 KB budget). Over "
        f"budget: {sum(1 for r in rows if r[5] > BUDGET)}.",
        "",
        "| page | role | bytes raw | bytes gzip | bytes received (headers included) | requests |",
        "|---|---|---:|---:|---:|---:|",
    ] + [f"| `{u}` | {r} | {raw:,} | {gz:,} | {got:,} | {n} |" for u, r, raw, gz, n, got in rows]
    out = ROOT / "bench" / "results" / "page_weight.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"{len(rows)} pages; largest {largest[5]} bytes received ({largest[0]} as {largest[1]})")
    return 1 if any(r[5] > BUDGET for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
