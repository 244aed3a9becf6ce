"""One server shape: every way of starting gunicorn reads it from dip/serving.py."""
import re
from pathlib import Path

import pytest

from dip import serving

ROOT = Path(__file__).resolve().parents[2]
STARTERS = ["scripts/serve", "deploy/dip-web.service", "compose.yaml", "README.md",
            "bench/load.py", "bench/slow_link.py"]


@pytest.mark.parametrize("name", STARTERS)
def test_every_start_of_gunicorn_takes_the_shape_from_one_place(name):
    text = (ROOT / name).read_text()
    assert "dip.serving" in text or "from dip import serving" in text
    for line in text.splitlines():
        if "gunicorn" in line and not line.lstrip().startswith("#"):
            assert not re.search(r"(--workers|--threads|\s-w)\s+\d", line), line


def test_the_shape_follows_the_database_and_can_be_raised(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("WEB_THREADS", raising=False)
    assert serving.setup("sqlite:////srv/dip/instance/dip.sqlite3") == "sqlite"
    assert serving.setup("postgresql://dip@db/dip") == "postgresql"
    assert serving.shape("sqlite") == serving.SHAPES["sqlite"]
    monkeypatch.setenv("WEB_CONCURRENCY", "6")
    assert serving.shape("postgresql").workers == 6
    assert serving.gunicorn_args(serving.Shape(2, 8))[:4] == ["--workers", "2", "--threads", "8"]
