"""What the page benchmarks share: a signed-in test client, first-view bytes, queries per page."""
import gzip
import re

ASSET_RE = re.compile(r'<(?:link|script)[^>]+(?:href|src)="([^"]+)"')


def login(app, username, password):
    """A test client signed in as ``username``."""
    client = app.test_client()
    client.post("/login", data={"username": username, "password": password})
    return client


def first_view(client, url) -> tuple[int, int]:
    """(HTML bytes, gzip bytes of the HTML plus its stylesheet and scripts) of ``url``."""
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.get_data()
    size = len(gzip.compress(html, 9))
    for asset in set(ASSET_RE.findall(html.decode())):
        with client.get(asset) as r:
            size += len(gzip.compress(r.get_data(), 9))
    return len(html), size


def queries(app, client, url) -> int:
    """How many SQL statements one GET of ``url`` runs."""
    from sqlalchemy import event

    from dip.extensions import db

    seen = []
    with app.app_context():
        engine = db.engine
    listener = lambda *a: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def median_ms(fn, runs: int) -> float:
    """Median wall time of ``fn()`` over ``runs`` calls, in milliseconds."""
    import statistics
    import time

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def fresh_app(url: str, **config):
    """An app on database ``url`` emptied (PostgreSQL: the public schema dropped) and migrated."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from dip import create_app
    from dip.extensions import db

    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, **config})
    with app.app_context():
        if url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade(revision="heads")
    return app
