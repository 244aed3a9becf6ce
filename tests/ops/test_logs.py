"""Logs are one JSON object per line and carry the request id the response announces."""
import json
import logging

from dip.core.logs import JsonFormatter


def test_request_is_logged_with_its_id(client, caplog):
    with caplog.at_level(logging.INFO, logger="dip.access"):
        response = client.get("/login", headers={"X-Request-Id": "abc123"})
    assert response.headers["X-Request-Id"] == "abc123"
    record = next(r for r in caplog.records if r.name == "dip.access")
    assert (record.method, record.path, record.status) == ("GET", "/login", 200)


def test_json_formatter_writes_one_line(app):
    record = logging.LogRecord("dip.test", logging.INFO, __file__, 1, "hello %s", ("world",), None)
    line = JsonFormatter().format(record)
    assert "\n" not in line and json.loads(line)["message"] == "hello world"


def test_each_request_is_logged_once(client, caplog):
    """One line a request, from the application (JSON, path without its query string): the
    scripts and units that start gunicorn do not add its access log, which would repeat every
    request with whatever its query string carried."""
    from pathlib import Path

    with caplog.at_level(logging.INFO):
        client.get("/login?next=/secret-typed-text")
    lines = [r for r in caplog.records if "/login" in r.getMessage()]
    assert len(lines) == 1 and "secret-typed-text" not in lines[0].getMessage()
    root = Path(__file__).resolve().parents[2]
    for path in [root / "scripts/serve", root / "Dockerfile", root / "compose.yaml",
                 *sorted((root / "deploy").glob("*"))]:
        text = path.read_text(encoding="utf-8")
        if "gunicorn" in text:
            assert "access-log" not in text and "accesslog" not in text, path
