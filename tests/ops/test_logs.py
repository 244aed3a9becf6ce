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
