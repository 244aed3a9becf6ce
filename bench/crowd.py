"""A class arriving at once: learners sign in, browse with think time, post now and then.

    .venv/bin/python bench/crowd.py http://127.0.0.1:5000 users.json   # prints the figures

Plain threads and ``http.client`` (nothing to install). Each learner is one thread with its own
keep-alive connection and cookies, like a browser tab. Learners arrive evenly over CROWD_ARRIVAL
seconds (200 over 40 s: 5 a second), sign in through the real form (CSRF token read from the
page), then for CROWD_STAY seconds open their home, the lessons, a lesson (and its self-check),
their assignments, earnings, proposals and portfolio, waiting CROWD_THINK seconds (± a third)
between clicks; about one click in eight sends something (a self-check, marking a lesson done, a
proposal draft) with a one-time token, as the browser does. A request is an error when it fails
to connect or answers 5xx, 4xx (other than the 409 a repeated one-time token gets) or times out
(30 s). As a browser does, a request on a kept-alive connection the server has just closed is
sent again once on a new one (counted in ``retried``, not as an error).

``users.json`` is a list of learner usernames sharing CROWD_PASSWORD. ``run()`` returns the
figures; bench/load.py starts the servers and writes them to bench/results/load.md.
"""
import http.client
import json
import os
import random
import re
import secrets
import statistics
import sys
import threading
import time
from urllib.parse import urlencode, urlsplit

CSRF_RE = re.compile(r'name="csrf_token"[^>]*? value="([^"]+)"')
LINK_RE = re.compile(r'href="(/[^"#?]*)"')
RADIO_RE = re.compile(r'type="radio" name="([^"]+)" value="([^"]+)"')
TIMEOUT = 30


class Browser:
    """One learner's tab: a keep-alive connection, cookies, the last CSRF token."""

    def __init__(self, base: str, log: list, lock: threading.Lock):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.conn = None
        self.cookies: dict[str, str] = {}
        self.csrf = ""
        self.log, self.lock = log, lock
        self.links: dict[str, list[str]] = {}
        self.retried = 0

    def _send(self, method, path, body):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   "Accept-Encoding": "identity", "User-Agent": "dip-crowd"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            fresh = self.conn is None
            if fresh:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = None
                if fresh or attempt == 2:
                    raise
                self.retried += 1  # the server closed an idle connection: a browser resends
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _eq, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return response.status, response.getheader("Location"), data.decode(errors="replace")

    def request(self, method, path, kind, form=None):
        """Send one request and log (kind, status, seconds, error); return (status, html)."""
        body = urlencode(form) if form is not None else None
        start = time.perf_counter()
        status, location, html, error = 0, None, "", ""
        try:
            status, location, html = self._send(method, path, body)
            if status >= 500 or (status >= 400 and status != 409):
                error = f"{status} on {method} {path}"
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the run
            if self.conn is not None:
                self.conn.close()
                self.conn = None
            error = f"{type(exc).__name__} on {method} {path}"
        with self.lock:
            self.log.append((kind, status, time.perf_counter() - start, error, time.time()))
        match = CSRF_RE.search(html)
        if match:
            self.csrf = match.group(1)
        if status in (302, 303) and location:
            target = urlsplit(location)
            return self.request("GET", target.path + (f"?{target.query}" if target.query else ""),
                                "after " + kind)
        return status, html

    def page(self, path, kind):
        status, html = self.request("GET", path, kind)
        self.links[kind] = LINK_RE.findall(html) if status == 200 else []
        return html if status == 200 else ""

    def post(self, path, kind, data):
        return self.request("POST", path, kind,
                            {"csrf_token": self.csrf, "once": secrets.token_hex(18), **data})

    def pick(self, kind, pattern):
        found = [u for u in self.links.get(kind, []) if re.search(pattern, u)]
        return random.choice(found) if found else None


def learner(base, username, password, arrive_at, leave_at, think, log, lock, counters):
    """One learner's visit, from arrival to leaving."""
    time.sleep(max(0.0, arrive_at - time.time()))
    tab = Browser(base, log, lock)
    rng = random.Random(username)

    def pause():
        time.sleep(rng.uniform(think * 2 / 3, think * 4 / 3))

    tab.page("/login", "sign-in form")
    pause()
    tab.post("/login", "sign-in", {"username": username, "password": password})
    lesson, lesson_html = None, ""
    while time.time() < leave_at:
        pause()
        roll = rng.random()
        if roll < 0.15:
            tab.page("/", "home")
        elif roll < 0.50:
            if not tab.links.get("lessons index"):
                tab.page("/learn/", "lessons index")
            module = tab.pick("lessons index", r"^/learn/[\w-]+/$")
            if module:
                tab.page(module, "a module")
                pause()
                found = tab.pick("a module", r"^/learn/[\w-]+/[\w-]+$")
                if found and not found.endswith("/offline"):
                    lesson, lesson_html = found, tab.page(found, "a lesson")
        elif roll < 0.60:
            tab.page("/assignments/", "assignments")
        elif roll < 0.68:
            tab.page("/earnings/", "earnings")
        elif roll < 0.76:
            tab.page("/proposals/", "proposals")
        elif roll < 0.84:
            tab.page("/portfolio/", "portfolio")
        elif roll < 0.90 and lesson:
            questions = tab.page(lesson + "/check", "a self-check")
            answers = {}
            for name, value in RADIO_RE.findall(questions):
                if name not in answers or rng.random() < 0.4:
                    answers[name] = value
            if answers:
                pause()
                tab.post(lesson + "/check", "POST self-check", answers)
        elif roll < 0.94 and lesson and f'action="{lesson}/done"' in lesson_html:
            tab.post(lesson + "/done", "POST lesson done", {})  # as a learner can: not done yet
        else:
            draft = tab.pick("proposals", r"^/proposals/\d+$")
            if draft is None:
                tab.page("/proposals/new", "proposal form")
                tab.post("/proposals/new", "POST new proposal", {
                    "job_title": "Translate a short leaflet from English to French",
                    "client_description": "A careful translation of a two-page health leaflet "
                                          "for a clinic. Deadline: next week.",
                    "budget_amount": "40", "budget_currency": "USD", "deadline": ""})
                tab.page("/proposals/", "proposals")
            else:
                tab.page(draft, "a proposal")
                pause()
                words = " ".join(rng.choice(["I", "will", "translate", "your", "leaflet",
                                             "carefully", "by", "Friday", "."]) for _ in range(60))
                tab.post(draft, "POST proposal draft", {"body": "Hello, " + words})
    if tab.conn is not None:
        tab.conn.close()
    with lock:
        counters["retried"] += tab.retried


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    low = int(k)
    high = min(low + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


def run(base: str, usernames: list[str], password: str, learners: int = 200,
        arrival: float = 40, stay: float = 60, think: float = 3) -> dict:
    """Run the crowd; return the figures (all requests, per kind, errors, rates)."""
    log, lock, counters = [], threading.Lock(), {"retried": 0}
    start = time.time() + 1
    threads = []
    for i in range(learners):
        arrive = start + i * arrival / learners
        t = threading.Thread(target=learner, daemon=True, args=(
            base, usernames[i % len(usernames)], password, arrive, arrive + stay, think, log,
            lock, counters))
        t.start()
        threads.append(t)
    for t in threads:
        t.join(stay + arrival + 120)
    elapsed = time.time() - start
    times = [s * 1000 for _k, _st, s, _e, _t in log]
    errors = [e for *_x, e, _t in log if e]
    kinds = {}
    for kind, _status, seconds, error, _t in log:
        kinds.setdefault(kind, []).append((seconds * 1000, bool(error)))
    return {
        "learners": learners, "arrival_s": arrival, "arrival_rate": learners / arrival,
        "stay_s": stay, "think_s": think, "seconds": elapsed, "requests": len(log),
        "rate": len(log) / elapsed, "p50": percentile(times, 50), "p95": percentile(times, 95),
        "p99": percentile(times, 99), "max": max(times, default=float("nan")),
        "errors": len(errors), "retried": counters["retried"],
        "error_kinds": sorted({e.split(" on ")[0] + " " + e.split(" on ")[1].split(" ")[0]
                               for e in errors})[:10],
        "error_samples": errors[:5],
        "kinds": {k: {"requests": len(v), "errors": sum(1 for _ms, bad in v if bad),
                      "p50": percentile([ms for ms, _b in v], 50),
                      "p95": percentile([ms for ms, _b in v], 95)} for k, v in sorted(kinds.items())},
    }


def table(figures: dict) -> list[str]:
    """Markdown lines for one run."""
    f = figures
    lines = [
        f"{f['learners']} learners arriving over {f['arrival_s']:.0f} s "
        f"(**{f['arrival_rate']:.1f} a second**), each browsing {f['stay_s']:.0f} s with "
        f"{f['think_s']:.0f} s (±⅓) of think time: {f['requests']:,} requests in "
        f"{f['seconds']:.0f} s ({f['rate']:.1f}/s); **p50 {f['p50']:.0f} ms, p95 "
        f"{f['p95']:.0f} ms**, p99 {f['p99']:.0f} ms, max {f['max']:.0f} ms; "
        f"**{f['errors']} errors**; {f['retried']} requests resent on a new connection.",
        "",
        "| request | count | errors | p50 ms | p95 ms |",
        "|---|---:|---:|---:|---:|",
    ] + [f"| {k} | {v['requests']:,} | {v['errors']} | {v['p50']:.0f} | {v['p95']:.0f} |"
         for k, v in f["kinds"].items()]
    if f["errors"]:
        lines += ["", "Errors: " + "; ".join(f["error_samples"])]
    return lines + [""]


if __name__ == "__main__":
    names = json.loads(open(sys.argv[2]).read())
    result = run(sys.argv[1], names, os.environ.get("CROWD_PASSWORD", "bench-password"),
                 int(os.environ.get("CROWD_LEARNERS", "200")),
                 float(os.environ.get("CROWD_ARRIVAL", "40")),
                 float(os.environ.get("CROWD_STAY", "60")),
                 float(os.environ.get("CROWD_THINK", "3")))
    print("\n".join(table(result)))
