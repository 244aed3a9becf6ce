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


def measure(client, url):
    """Return (raw, gzip, requests) for a first view of ``url``, and the page's HTML."""
    response = client.get(url)
    html = response.get_data()
    raw, packed, requests = len(html), len(gzip.compress(html, 9)), 1
    for asset in set(ASSET_RE.findall(html.decode(errors="replace"))):
        if asset.startswith("data:"):
            continue
        with client.get(asset) as asset_response:
            body = asset_response.get_data()
        raw, packed, requests = raw + len(body), packed + len(gzip.compress(body, 9)), requests + 1
    return response.status_code, response.mimetype, raw, packed, requests, html.decode(errors="replace")


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
        _status, _mimetype, raw, packed, requests, _html = measure(client, url)
        yield url, raw, packed, requests


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
        for url, raw, packed, requests in crawl(app, user, DEMO_PASSWORD):
            rows.append((url, user, raw, packed, requests))
    largest = max(rows, key=lambda r: r[3])
    lines = [
        "## Page weight (first view: HTML + CSS + JS, gzip -9)",
        "",
        f"{len(rows)} pages crawled from each role's home page on the demo database, JavaScript off.",
        f"Largest: `{largest[0]}` as {largest[1]}, {largest[3]:,} bytes compressed "
        f"({largest[3] / BUDGET:.0%} of the 14 KB budget). Over budget: "
        f"{sum(1 for r in rows if r[3] > BUDGET)}.",
        "",
        "| page | role | bytes raw | bytes gzip | requests |",
        "|---|---|---:|---:|---:|",
    ] + [f"| `{u}` | {r} | {raw:,} | {gz:,} | {n} |" for u, r, raw, gz, n in rows]
    out = ROOT / "bench" / "results" / "page_weight.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"{len(rows)} pages; largest {largest[3]} bytes gzip ({largest[0]} as {largest[1]})")
    return 1 if any(r[3] > BUDGET for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
