"""Learner CSV imports have a row cap and survive concurrent writes on SQLite (issue 11)."""
import threading
from io import BytesIO

import pytest
from sqlalchemy import func, select

from dip.extensions import db
from dip.modules.accounts import imports as services  # noqa: N812
from dip.modules.accounts.models import User
from tests.conftest import form

HEADER = "username,display_name,language,gender,age_band,country_of_origin,baseline_income_usd\n"


def _csv(count: int, prefix: str = "csv") -> bytes:
    rows = "".join(f"{prefix}{i:04d},Learner {i},fr,female,25-34,CD,0\n" for i in range(count))
    return (HEADER + rows).encode()


def _learners(prefix="csv") -> int:
    return db.session.scalar(select(func.count()).select_from(User)
                             .where(User.username.like(f"{prefix}%")))


def test_a_file_over_the_row_cap_is_refused_whole(client, auth, world):
    auth.login(world["coordinator"].username)
    data = _csv(services.MAX_IMPORT_ROWS + 1)
    response = client.post("/users/import", data=form(
        cohort=world["cohort_a"].id, file=(BytesIO(data), "learners.csv")),
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert f"at most {services.MAX_IMPORT_ROWS}" in response.get_data(as_text=True)
    assert _learners() == 0


def test_a_file_at_the_cap_is_imported(world):
    record = services.import_learners(_csv(services.MAX_IMPORT_ROWS), world["cohort_a"],
                                      world["coordinator"])
    assert len(record.report["created"]) == services.MAX_IMPORT_ROWS


@pytest.mark.slow
def test_an_import_survives_writes_from_other_requests(app, world):
    """While an import runs, other requests keep writing (sign-ins, autosaves): neither fails
    with "database is locked", and every learner is created."""
    from dip.modules.accounts import throttle

    errors, done = [], threading.Event()

    def other_requests():
        with app.app_context():
            n = 0
            while not done.is_set() and n < 5000:
                try:
                    throttle.claim(throttle.locking(f"pair:someone{n}|10.0.0.1"))
                except Exception as exc:  # noqa: BLE001 - any failure is what we look for
                    errors.append(repr(exc))
                    db.session.rollback()
                n += 1
            db.session.remove()

    writer = threading.Thread(target=other_requests)
    writer.start()
    try:
        record = services.import_learners(_csv(services.MAX_IMPORT_ROWS), world["cohort_a"],
                                          world["coordinator"])
    finally:
        done.set()
        writer.join()
    assert errors == []
    assert len(record.report["created"]) == services.MAX_IMPORT_ROWS
    assert record.report["errors"] == []
    assert _learners() == services.MAX_IMPORT_ROWS
