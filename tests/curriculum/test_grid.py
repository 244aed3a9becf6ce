"""The cohort progress grid costs the same few queries for 2 × 3 cells as for 60 × 60."""
import gzip
from contextlib import contextmanager

from sqlalchemy import event, insert

from dip.core.access import Role
from dip.extensions import db
from dip.modules.curriculum import services
from dip.modules.curriculum.models import LessonCompletion, SelfCheckAttempt
from dip.modules.curriculum.sync import sync
from tests.curriculum.conftest import lesson_text


@contextmanager
def counting():
    """Count the SQL statements run inside the block."""
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def _grid_queries(client, cohort_id) -> tuple[int, str]:
    db.session.expire_all()  # both measurements start from the same (empty) identity map
    with counting() as statements:
        response = client.get(f"/cohorts/{cohort_id}/progress")
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def test_progress_grid_query_count_does_not_grow(client, auth, world, content_dir, make_user):
    cohort = world["cohort_a"]
    sync(content_dir)
    auth.login("trainer.a")
    small, _html = _grid_queries(client, cohort.id)

    for n in range(4, 61):
        (content_dir / "beta" / f"extra-{n:02d}.md").write_text(
            lesson_text(f"Extra {n}", n), encoding="utf-8")
    sync(content_dir)
    learners = [world["learner"]] + [make_user(Role.LEARNER, cohort=cohort) for _ in range(59)]
    lessons = services.lessons()
    assert len(lessons) == 60
    db.session.execute(insert(LessonCompletion), [
        {"learner_id": u.id, "lesson_id": l.id} for u in learners for l in lessons])
    db.session.execute(insert(SelfCheckAttempt), [
        {"learner_id": u.id, "lesson_id": l.id, "answers": [1, 1, 0], "score": 3, "total": 3}
        for u in learners for l in lessons])
    db.session.commit()

    big, html = _grid_queries(client, cohort.id)
    assert html.count("<td>✓100</td>") == 3600
    assert len(gzip.compress(html.encode(), 9)) < 14 * 1024
    assert big == small, f"{small} queries for a tiny grid but {big} for 60 × 60"
