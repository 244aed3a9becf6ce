"""First and repeat visits over Regular 2G, in Chromium, through the documented nginx with TLS.

    .venv/bin/python bench/slow_link.py   # writes bench/results/slow_link.md

Needs nginx (``apt-get install nginx``), openssl and Chromium (``CHROMIUM`` or ``chromium``).
A demo database (SQLite) is served by gunicorn as ``scripts/serve`` runs it, behind the server
block of deploy/nginx.conf (read from that file; only its names, certificate, ports and paths
are changed) with a self-signed certificate on loopback. Chromium (Playwright) emulates
Chrome's "Regular 2G" through the DevTools protocol: 250 kbit/s down, 50 kbit/s up, 300 ms of
latency. Each first visit is a new browser context (empty cache, no cookies, a new HTTPS
connection); the repeat visit opens the same page again in that context (cache filled).

For each page: time to the last byte the first view needs (Navigation Timing ``responseEnd``
of the page, or of the stylesheet it links if that comes later), to the end of its load event, the requests made before the load ended, and the bytes received
(Chromium's encoded data length: headers and compressed body, every request). Goal
(issue 15): a first visit ≤ 1.2 s to the last byte. Median of RUNS.
"""
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV = ROOT / ".venv" / "bin"
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
APP_PORT, TLS_PORT = 8766, 8443
REGULAR_2G = {"offline": False, "latency": 300, "downloadThroughput": 250_000 / 8,
              "uploadThroughput": 50_000 / 8}


def nginx_conf(folder: Path) -> Path:
    """deploy/nginx.conf's HTTPS server block, pointed at this checkout and loopback."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    block = text[text.rindex("server {", 0, text.index("listen 443")):]
    block = block.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{TLS_PORT} ssl http2;")
    block = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {folder}/cert.pem;", block)
    block = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {folder}/key.pem;", block)
    block = re.sub(r"alias \S+/dip/static/;", f"alias {ROOT}/dip/static/;", block)
    block = re.sub(r"proxy_pass http://127.0.0.1:\d+;", f"proxy_pass http://127.0.0.1:{APP_PORT};",
                   block)
    # On a port other than 443 the Host must keep the port, or the CSRF check on HTTPS (the
    # Referer must name the same host) refuses the sign-in form.
    block = block.replace("proxy_set_header Host $host;", "proxy_set_header Host $http_host;")
    conf = folder / "nginx.conf"
    conf.write_text(f"""daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    {block}
}}
""")
    return conf


def build(folder: Path, env: dict) -> None:
    flask = [str(VENV / "flask"), "--app", "wsgi"]
    for args in (["db", "upgrade"], ["dip", "curriculum", "sync"], ["dip", "demo"]):
        subprocess.run(flask + args, env=env, cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def spki(folder: Path) -> str:
    """The base64 SHA-256 of the certificate's public key, which Chromium is told to trust."""
    key = subprocess.run(["openssl", "x509", "-in", str(folder / "cert.pem"), "-pubkey",
                          "-noout"], check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "der"], input=key,
                         check=True, capture_output=True).stdout
    import base64
    import hashlib

    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def launch(p, folder: Path):
    """Chromium trusting the loopback certificate (with certificate errors ignored instead,
    Chromium would keep nothing in its cache, and a repeat visit would measure nothing)."""
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    return p.chromium.launch(executable_path=chromium, args=[
        "--no-sandbox", "--disable-gpu", "--no-first-run",
        f"--ignore-certificate-errors-spki-list={spki(folder)}"])


def visit(context, url: str) -> dict:
    """Open ``url`` in a new page of ``context`` over Regular 2G; return its figures."""
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
    cdp.send("Network.emulateNetworkConditions", REGULAR_2G)
    received, requests = [], []
    cdp.on("Network.requestWillBeSent", lambda e: requests.append(e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: received.append(e["encodedDataLength"]))
    if os.environ.get("BENCH_DEBUG"):
        cdp.on("Network.responseReceived", lambda e: print(
            "  ", e["response"]["url"][-60:], e["response"]["status"], e["type"],
            "disk" if e["response"].get("fromDiskCache") else "",
            "prefetch" if e["response"].get("fromPrefetchCache") else "",
            e["response"].get("protocol"), int(e["response"].get("timing", {}).get("receiveHeadersEnd", 0))))
    page.goto(url, wait_until="load")
    if os.environ.get("BENCH_DEBUG"):
        print(url, requests)
    # The last byte the first view needs: the page's, or its stylesheet's when it links one.
    timing = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
        const sheets = [...document.querySelectorAll('link[rel=stylesheet]')].map(l => l.href);
        const css = performance.getEntriesByType('resource')
            .filter(r => sheets.includes(r.name)).map(r => r.responseEnd);
        return {last_byte: Math.max(n.responseEnd, ...css), load: n.loadEventEnd}; }""")
    loaded = len(requests)
    page.wait_for_timeout(1500)  # let a prefetch after the load finish (counted apart)
    figures = {"last_byte": timing["last_byte"], "load": timing["load"], "requests": loaded,
               "bytes": sum(received), "after_load": len(requests) - loaded}
    page.close()
    return figures


def measure(folder: Path, base: str, session_cookie: dict | None, url: str,
            linked: bool = False) -> tuple[list, list]:
    """RUNS first visits and repeat visits of ``url``, each first in a fresh context."""
    from playwright.sync_api import sync_playwright

    first, repeat = [], []
    with sync_playwright() as p:
        browser = launch(p, folder)
        for _ in range(RUNS):
            context = browser.new_context()
            cookies = [session_cookie] if session_cookie else []
            if linked:  # as before this change: the page links a stylesheet not yet cached
                cookies.append({"name": "dip_css", "value": css_version(),
                                "url": base + "/"})
            if cookies:
                context.add_cookies(cookies)
            first.append(visit(context, base + url))
            repeat.append(visit(context, base + url))
            context.close()
        browser.close()
    return first, repeat


def largest_lesson(base: str, session_cookie: dict) -> str:
    """The lesson whose page is the heaviest for this learner, as nginx sends it (compressed):
    chosen on each run, since lessons and their translations grow."""
    import ssl

    from wsgi import app

    from dip.extensions import db
    from dip.modules.curriculum.models import Lesson

    with app.app_context():
        urls = [f"/learn/{lesson.module.key}/{lesson.slug}"
                for lesson in db.session.scalars(db.select(Lesson).where(Lesson.active))]
    unverified = ssl._create_unverified_context()  # our own loopback certificate

    def size(url: str) -> int:
        request = urllib.request.Request(base + url, headers={
            "Accept-Encoding": "gzip",
            "Cookie": f"{session_cookie['name']}={session_cookie['value']}"})
        with urllib.request.urlopen(request, context=unverified) as response:
            return len(response.read())

    return max(urls, key=size)


def css_version() -> str:
    from dip.core import styles

    import hashlib

    text = (ROOT / "dip" / "static" / styles.FILE).read_text(encoding="utf-8")
    return hashlib.sha256(text.encode()).hexdigest()[:10]


def sign_in(folder: Path, base: str, username: str, password: str) -> dict:
    """The session cookie of ``username`` (signed in without throttling, not measured)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch(p, folder)
        context = browser.new_context()
        page = context.new_page()
        page.goto(base + "/login")
        page.fill("#username", username)
        page.fill("#password", password)
        page.locator("form:has(#password) button[type=submit]").click()
        page.wait_for_load_state("load")
        if os.environ.get("BENCH_DEBUG"):
            print("signed in:", page.url, [c["name"] for c in context.cookies()], page.inner_text("main")[:300])
        cookie = next(c for c in context.cookies() if "session" in c["name"])
        browser.close()
    return cookie


HANDSHAKES = 2 * REGULAR_2G["latency"]  # TCP and TLS 1.3 on a cold connection, one RTT each


HEADLINES: dict = {}


def row(label, visits, cold: bool) -> str:
    med = {k: statistics.median(v[k] for v in visits) for k in visits[0]}
    setup = HANDSHAKES if cold else 0
    HEADLINES[label] = {"last_byte": med["last_byte"] + setup, "load": med["load"] + setup}
    return (f"| {label} | {med['last_byte']:.0f} | **{med['last_byte'] + setup:.0f}** | "
            f"{med['load'] + setup:.0f} | {med['requests']:.0f} | {med['bytes']:,.0f} |")


def main() -> None:
    from dip import serving
    from dip.cli import DEMO_PASSWORD

    folder = Path(tempfile.mkdtemp())
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/dip.sqlite3", "SECRET_KEY": "bench",
           "FLASK_APP": "wsgi", "UPLOAD_PATH": str(folder / "uploads"), "LOG_LEVEL": "WARNING",
           "TRUSTED_PROXIES": "1", "SECURE_COOKIES": "1"}
    env.pop("REDIS_URL", None)
    build(folder, env)
    conf = nginx_conf(folder)
    servers = [
        subprocess.Popen([str(VENV / "gunicorn"), "-c", "python:dip.serving", "-b",
                          f"127.0.0.1:{APP_PORT}", "wsgi:app"], env=env, cwd=ROOT,
                         start_new_session=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
        subprocess.Popen([shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(conf), "-p",
                          str(folder)], start_new_session=True, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL),
    ]
    base = f"https://127.0.0.1:{TLS_PORT}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{APP_PORT}/healthz", timeout=2).read()
                break
            except OSError:
                time.sleep(0.2)
        time.sleep(1)
        rows = []
        before, _repeat = measure(folder, base, None, "/login", linked=True)
        first, repeat = measure(folder, base, None, "/login")
        rows += [row("sign-in page (`/login`), first visit, stylesheet linked (before)", before,
                     True),
                 row("sign-in page (`/login`), first visit", first, True),
                 row("sign-in page, repeat visit", repeat, False)]
        cookie = sign_in(folder, base, "learner01", DEMO_PASSWORD)
        os.environ["DATABASE_URL"] = env["DATABASE_URL"]
        lesson = largest_lesson(base, cookie)
        for label, url in (("learner home (`/`)", "/"), (f"largest lesson (`{lesson}`)", lesson)):
            before, _repeat = measure(folder, base, cookie, url, linked=True)
            first, repeat = measure(folder, base, cookie, url)
            rows += [row(f"{label}, first visit, stylesheet linked (before)", before, True),
                     row(f"{label}, first visit", first, True),
                     row(f"{label}, repeat visit", repeat, False)]
    finally:
        for proc in servers:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            proc.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    lines = [
        "## First visit over Regular 2G (Chromium, nginx with TLS)", "",
        "`bench/slow_link.py`: the demo database behind deploy/nginx.conf's HTTPS server block "
        "(self-signed certificate on loopback, HTTP/2, gzip) and gunicorn as `scripts/serve` "
        "runs it; Chromium through Playwright with the DevTools protocol's emulation of Regular "
        "2G (250 kbit/s down, 50 kbit/s up, 300 ms latency). A first visit is a new browser "
        "context: empty cache, no cookies, a new connection (for the signed-in pages, only the "
        "session cookie is copied in); the repeat visit opens the page again in that context. "
        f"Median of {RUNS}. Goal (issue 15): a first visit ≤ 1.2 s to the last byte; before "
        "this change a first visit needed a second round trip for the stylesheet (~1.46 s).", "",
        "DevTools emulation delays each request by the latency but not the connection's own "
        "set-up (on loopback the TCP and TLS handshakes take a millisecond), so a cold "
        "connection's two extra round trips (TCP, then TLS 1.3 with HTTP/2: 2 × 300 ms) are "
        "added to first visits in the columns marked \"cold HTTPS\"; a repeat visit reuses "
        "the connection. Nor does it carry the handshake's own bytes: the server's certificate "
        "chain (0.4 KB for this self-signed ECDSA certificate; about 2 KB for a public CA's ECDSA "
        "chain, 2.6 KB for an RSA one) adds some 15-85 ms to a real first connection at 250 "
        "kbit/s, hence deploy/nginx.conf's advice to take an ECDSA certificate. "
        "\"(before)\" rows are a first visit to a page that links the "
        "stylesheet instead of carrying it, as every page did before this change. Bytes are "
        "what Chromium received for every request until the load ended (headers and "
        "compressed bodies; the prefetch of the stylesheet after a first visit included).", "",
        "| visit | last byte of page and stylesheet (DevTools), ms | the same, cold HTTPS, ms | "
        "load event ends, cold HTTPS, ms | requests | bytes received |",
        "|---|---:|---:|---:|---:|---:|",
    ] + rows + [""]
    out = ROOT / "bench" / "results" / "slow_link.md"
    out.write_text("\n".join(lines) + "\n")
    import json

    (out.parent / "slow_link.json").write_text(json.dumps(HEADLINES))
    print(out.read_text())


if __name__ == "__main__":
    main()
