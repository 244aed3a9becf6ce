"""Curriculum weight: every lesson page (first view, gzip) and every offline module pack.

    .venv/bin/python bench/curriculum.py   # writes bench/results/curriculum.md

Syncs the real content into a fresh SQLite database with the demo cohort, signs in as a
learner and a trainer, and measures pages as a browser's first view (HTML + CSS).
"""
import gzip
import logging
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BUDGET = 14 * 1024
CSS_RE = re.compile(r'href="(/static/[^"]+\.css[^"]*)"')


def first_view(client, url) -> tuple[int, int, int]:
    """(status, raw bytes, gzip bytes) of ``url`` plus the stylesheet it links."""
    response = client.get(url)
    html = response.get_data()
    raw, packed = len(html), len(gzip.compress(html, 9))
    for asset in set(CSS_RE.findall(html.decode(errors="replace"))):
        body = client.get(asset).get_data()
        raw, packed = raw + len(body), packed + len(gzip.compress(body, 9))
    return response.status_code, raw, packed


CPU_PAGES = ["/", "/learn/", "/learn/spreadsheets/", "/learn/spreadsheets/sum-average-if",
             "/learn/digital-culture/parts-of-a-computer?lang=fr"]


def cpu_per_view(client, urls=CPU_PAGES, runs: int = 40) -> dict[str, float]:
    """Median CPU milliseconds (this process: the app, SQLite and the test client) per GET,
    after three warm-up views of each page (caches filled, as on a running server)."""
    import statistics

    out = {}
    for url in urls:
        for _ in range(3):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(runs):
            start = time.process_time()
            client.get(url)
            times.append((time.process_time() - start) * 1000)
        out[url] = statistics.median(times)
    return out


def main() -> int:
    """Build the database, measure, write bench/results/curriculum.md."""
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.pop("REDIS_URL", None)
    from flask_migrate import upgrade

    from dip import create_app
    from dip.cli import DEMO_PASSWORD

    app = create_app({"WTF_CSRF_ENABLED": False, "UPLOAD_PATH": f"{tmp}/uploads"})
    logging.getLogger("dip.access").setLevel(logging.WARNING)  # one line a request: too much here
    with app.app_context():
        upgrade(revision="heads")
        from dip.modules.curriculum import services
        from dip.modules.curriculum.sync import sync

        started = time.perf_counter()
        report = sync()
        sync_seconds = time.perf_counter() - started
        app.test_cli_runner().invoke(args=["dip", "demo"])
        modules = [(m.key, m.title_in("en"), [l.slug for l in m.lessons]) for m in services.modules()]
        lesson_count = len(services.lessons())

    client = app.test_client()
    client.post("/login", data={"username": "learner01", "password": DEMO_PASSWORD})
    cpu = cpu_per_view(client)
    if "--cpu" in sys.argv:
        for url, ms in cpu.items():
            print(f"{ms:6.2f} ms  {url}")
        return 0
    pages = []
    for lang in ("en", "fr"):
        client.get(f"/?lang={lang}")
        for key, _title, slugs in modules:
            for slug in slugs:
                for url in (f"/learn/{key}/{slug}", f"/learn/{key}/{slug}/check"):
                    pages.append((url, lang, *first_view(client, url)))
    overview = [(url, "en", *first_view(client, url + "?lang=en")) for url in
                ["/", "/learn/"] + [f"/learn/{key}/" for key, _t, _s in modules]]
    packs = []
    for key, title, slugs in modules:
        for lang in ("en", "fr", "sw"):
            body = client.get(f"/learn/{key}/offline?lang={lang}").get_data()
            packs.append((key, title, lang, len(slugs), len(body), len(gzip.compress(body, 9))))
    client.post("/logout")
    client.post("/login", data={"username": "trainer", "password": DEMO_PASSWORD})
    grid = first_view(client, "/cohorts/1/progress")

    largest = max(pages, key=lambda p: p[4]) if pages else None
    lines = [
        "## Curriculum pages and offline packs",
        "",
        f"Real content synced in {sync_seconds:.1f} s: {report['modules']} modules, {lesson_count} "
        f"lessons, {len(report['problems'])} problem(s) reported.",
    ]
    if largest:
        lines.append(
            f"Largest lesson or self-check page (first view, HTML + CSS, gzip -9): "
            f"`{largest[0]}` ({largest[1]}), "
            f"{largest[4]:,} bytes ({largest[4] / BUDGET:.0%} of the 14 KB budget). "
            f"Lesson and self-check pages over budget: {sum(1 for p in pages if p[4] > BUDGET)} "
            f"of {len(pages)}.")
    lines += [
        f"Cohort progress grid (20 learners × {lesson_count} lessons, trainer): "
        f"{grid[2]:,} bytes gzip.",
        "",
        "CPU per view (median of 40 after 3 warm-ups, learner01, SQLite, in-process test "
        "client; `bench/curriculum.py --cpu` prints only these):",
        "",
        "| page | CPU ms |", "|---|---:|",
    ] + [f"| `{url}` | {ms:.1f} |" for url, ms in cpu.items()] + [
        "",
        "| page | lang | bytes raw | bytes gzip |", "|---|---|---:|---:|",
    ] + [f"| `{u}` | {lang} | {raw:,} | {gz:,} |" for u, lang, _s, raw, gz in
         sorted(overview + pages, key=lambda p: -p[4])[:15]] + [
        "",
        "Offline packs (`/learn/<module>/offline`, one self-contained HTML file; the module page "
        "shows its size before download; over a mobile link it travels gzip-compressed):",
        "",
        "| module | lang | lessons | bytes | KB | bytes gzip |", "|---|---|---:|---:|---:|---:|",
    ] + [f"| {title} | {lang} | {n} | {raw:,} | {raw / 1024:.0f} | {gz:,} |"
         for _k, title, lang, n, raw, gz in packs]
    if report["problems"]:
        lines += ["", "Problems reported by the sync:", ""] + [
            f"- `{Path(p).relative_to(ROOT) if Path(p).is_relative_to(ROOT) else p}`: {r}"
            for p, r in report["problems"]]
    out = ROOT / "bench" / "results" / "curriculum.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines[:6]))
    return 1 if any(p[4] > BUDGET for p in pages) else 0


if __name__ == "__main__":
    sys.exit(main())
