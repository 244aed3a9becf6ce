"""Gradebook (screen, CSV, XLSX), attendance, with constant queries and scope."""
import io
from contextlib import contextmanager

from sqlalchemy import event, select

from dip.core.access import Role
from dip.extensions import db
from dip.modules.assignments import completion, services
from dip.modules.assignments.models import AttendanceMark
from tests.conftest import form
from tests.helpers import assert_light_page


@contextmanager
def count_queries():
    """Count SQL statements sent while the block runs."""
    seen = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    db.session.remove()  # a fresh session, as a new request in production has
    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", before)


def _grade(learner, assignment, trainer, points, text="answer"):
    sub = services.submit(assignment, learner.id, text=text)
    return services.grade(sub, trainer.id, points, "", returned=False)


def test_gradebook_screen_csv_xlsx(client, auth, course):
    _grade(course["learner"], course["text"], course["trainer"], [6, 3])
    services.submit(course["text"], course["learner2"].id, text="waiting")
    cohort = course["cohort_a"]
    auth.login("trainer.a")
    page = client.get(f"/cohorts/{cohort.id}/gradebook")
    html = page.get_data(as_text=True)
    assert "Learner.A" in html and ">90<" in html and ">G<" in html
    assert "Learner.B" not in html
    assert_light_page(client, page)
    csv_response = client.get(f"/cohorts/{cohort.id}/gradebook.csv")
    text = csv_response.get_data().decode("utf-8-sig")
    assert csv_response.headers["Content-Disposition"].startswith("attachment")
    assert "Introduce yourself" in text.splitlines()[0]
    assert "Learner.A,90" in text and "to grade" in text
    with client.get(f"/cohorts/{cohort.id}/gradebook.xlsx") as xlsx_response:
        import openpyxl

        sheet = openpyxl.load_workbook(io.BytesIO(xlsx_response.get_data())).active
        rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Learner"
    assert ("Learner.A", 90) in [r[:2] for r in rows]


def test_gradebook_queries_do_not_grow(client, auth, course, make_user, make_assignment):
    auth.login("trainer.a")
    url = f"/cohorts/{course['cohort_a'].id}/gradebook"
    client.get(url)
    with count_queries() as small:
        client.get(url)
    for i in range(5):
        learner = make_user(Role.LEARNER, cohort=course["cohort_a"])
        a = make_assignment("text")
        _grade(learner, a, course["trainer"], [4, 4])
        services.submit(course["text"], learner.id, text="x")
    with count_queries() as large:
        client.get(url)
    assert len(large) == len(small)
    with count_queries() as q:
        client.get("/grading/")
    for i in range(3):
        services.submit(make_assignment("text"),
                        make_user(Role.LEARNER, cohort=course["cohort_a"]).id, text="y")
    with count_queries() as q3:
        client.get("/grading/")
    assert len(q3) == len(q)


def test_gradebook_scope(client, auth, course):
    auth.login("trainer.a")
    assert client.get(f"/cohorts/{course['cohort_b'].id}/gradebook").status_code == 404
    assert client.get(f"/cohorts/{course['cohort_b'].id}/gradebook.csv").status_code == 404
    auth.logout()
    auth.login("learner.a")
    assert client.get(f"/cohorts/{course['cohort_a'].id}/gradebook").status_code == 403


def test_csv_neutralises_formulas(client, auth, course, make_user):
    make_user(Role.LEARNER, cohort=course["cohort_a"], display_name="=HYPERLINK(1)")
    auth.login("trainer.a")
    text = client.get(f"/cohorts/{course['cohort_a'].id}/gradebook.csv").get_data().decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


def test_attendance_one_form_for_the_cohort(client, auth, course, past_days):
    cohort = course["cohort_a"]
    a, a2 = course["learner"], course["learner2"]
    auth.login("trainer.a")
    page = client.get(f"/cohorts/{cohort.id}/attendance")
    assert_light_page(client, page)
    for day, (m1, m2) in zip(past_days, [("present", "absent"), ("late", "absent"),
                                         ("excused", "present"), ("present", "present")]):
        response = client.post(f"/cohorts/{cohort.id}/attendance", data=form(
            {"held_on": day.isoformat(), f"mark-{a.id}": m1, f"mark-{a2.id}": m2}))
        assert response.status_code == 302
    rates = completion.attendance_rates([cohort.id])
    assert rates[a.id] == 100  # present, late, present; the excused class does not count
    assert rates[a2.id] == 50
    # Correcting a day replaces its marks instead of adding a class.
    client.post(f"/cohorts/{cohort.id}/attendance", data=form(
        {"held_on": past_days[0].isoformat(), f"mark-{a.id}": "present", f"mark-{a2.id}": "present"}))
    assert completion.attendance_rates([cohort.id])[a2.id] == 75
    assert len(completion.sessions_of(cohort.id)) == 4
    html = client.get(f"/cohorts/{cohort.id}/attendance").get_data(as_text=True)
    assert "75.0%" in html
    auth.logout()
    auth.login("coord.a")
    assert "75.0%" in client.get(f"/cohorts/{cohort.id}/attendance").get_data(as_text=True)


def test_attendance_bad_input(client, auth, course, past_days):
    from datetime import date, timedelta

    cohort = course["cohort_a"]
    auth.login("trainer.a")
    bad = client.post(f"/cohorts/{cohort.id}/attendance", data=form(
        {"held_on": past_days[0].isoformat(), f"mark-{course['learner'].id}": "maybe"}))
    assert bad.status_code == 200 and "Mark every learner" in bad.get_data(as_text=True)
    future = client.post(f"/cohorts/{cohort.id}/attendance", data=form(
        {"held_on": (date.today() + timedelta(days=3)).isoformat(),
         f"mark-{course['learner'].id}": "present", f"mark-{course['learner2'].id}": "present"}))
    assert "future" in future.get_data(as_text=True)
    assert db.session.scalar(select(AttendanceMark)) is None
    assert client.post(f"/cohorts/{course['cohort_b'].id}/attendance", data=form(
        {"held_on": past_days[0].isoformat()})).status_code == 404


def test_attendance_has_one_date_field_that_also_opens_a_class(client, auth, course, past_days):
    """One date box: it names the class being taken and, with "Open this date", opens an
    earlier class to read or correct it (no second date form to confuse with the first)."""
    cohort, learner = course["cohort_a"], course["learner"]
    auth.login("trainer.a")
    html = client.get(f"/cohorts/{cohort.id}/attendance").get_data(as_text=True)
    assert html.count('type="date"') == 1 and "Open this date" in html
    day = past_days[0]
    marks = {f"mark-{u.id}": "present" for u in (learner, course["learner2"])}
    marks[f"mark-{learner.id}"] = "absent"
    saved = client.post(f"/cohorts/{cohort.id}/attendance", data=form(
        held_on=day.isoformat(), action="save", **marks))
    assert saved.status_code == 302 and saved.location.endswith(f"on={day.isoformat()}")
    opened = client.post(f"/cohorts/{cohort.id}/attendance", data=form(
        held_on=day.isoformat(), action="open"))
    assert opened.status_code == 302 and opened.location.endswith(f"on={day.isoformat()}")
    assert len(completion.sessions_of(cohort.id)) == 1  # opening saved nothing new
    html = client.get(opened.location).get_data(as_text=True)
    assert f'value="{day.isoformat()}"' in html
    assert f'name="mark-{learner.id}" value="absent" aria-labelledby' in html
    assert html[html.index(f'name="mark-{learner.id}" value="absent"'):].split(">")[0] \
        .endswith("checked")
