"""Grading aids: Word and Excel checks, the scraping comparison, run as a job three ways."""
import io
import os

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

import jobs.grading
from dip.core import uploads
from dip.extensions import db
from dip.modules.assignments import checks, services
from dip.modules.assignments.models import Submission
from tests.assignments.conftest import docx_bytes, xlsx_bytes
from tests.conftest import form

ALL_XLSX = ["xlsx_formulas", "xlsx_no_errors", "xlsx_header_row"]


def _by_code(items):
    return {i["code"]: i for i in items}


def test_docx_headings_lists_tables_words():
    good = _by_code(checks.check_docx(docx_bytes(headings=2, bullets=3, words=80),
                                      ["docx_headings", "docx_list", "docx_table", "word_count"]))
    assert good["docx_headings"]["ok"] and good["docx_headings"]["values"]["count"] == 2
    assert good["docx_list"]["values"]["count"] == 3 and good["docx_table"]["ok"]
    assert good["word_count"]["ok"] and good["word_count"]["values"]["count"] >= 80
    bare = _by_code(checks.check_docx(docx_bytes(headings=0, bullets=0, tables=0, words=5),
                                      ["docx_headings", "docx_list", "docx_table", "word_count"]))
    assert not any(i["ok"] for i in bare.values())


def test_xlsx_formulas_errors_and_header():
    data = xlsx_bytes([["Item", "Amount"], ["Rent", 100], ["Food", 50]],
                      formulas=[("B4", "=SUM(B2:B3)"), ("C4", '=IF(B4>120,"over","ok")'),
                                ("D4", "=AVERAGE(B2:B3)")])
    found = _by_code(checks.check_xlsx(data, ALL_XLSX))
    assert found["xlsx_formulas"]["ok"]
    assert found["xlsx_formulas"]["values"]["functions"] == "AVERAGE, IF, SUM"
    assert found["xlsx_no_errors"]["ok"] and found["xlsx_header_row"]["ok"]
    broken = xlsx_bytes([[1, 2], [3, "#DIV/0!"]], formulas=[("C1", "=SUM(#REF!)")])
    found = _by_code(checks.check_xlsx(broken, ALL_XLSX))
    assert found["xlsx_formulas"]["values"]["functions"] == "SUM"
    assert not found["xlsx_no_errors"]["ok"]
    assert "C1" in found["xlsx_no_errors"]["values"]["cells"]
    assert "B2" in found["xlsx_no_errors"]["values"]["cells"]
    assert not found["xlsx_header_row"]["ok"]


def test_scrape_matches_the_practice_page():
    rows = checks.practice_rows()
    assert rows[0] == checks.SCRAPE_HEADER and len(rows) == 21
    # Prices typed as numbers, the way a spreadsheet stores them after pasting.
    sheet = [rows[0]] + [[r[0], r[1], int(r[2]), r[3]] for r in rows[1:]]
    good = _by_code(checks.check_scrape(xlsx_bytes(sheet)))
    assert good["scrape_header"]["ok"] and good["scrape_rows"]["ok"]
    assert good["scrape_rows"]["values"]["matched"] == 20
    wrong = [r[:] for r in sheet[:-2]]
    wrong[3][2] = 99  # one price mistyped, two rows missing
    bad = _by_code(checks.check_scrape(xlsx_bytes(wrong + [["Market news", None, None, None]])))
    assert not bad["scrape_rows"]["ok"]
    assert bad["scrape_rows"]["values"]["matched"] == 17
    assert bad["scrape_rows"]["values"]["extra"] == 2


def _file_submission(app, assignment, learner, data, name):
    checked = uploads.check(data, name, set(assignment.accept))
    return services.submit(assignment, learner.id, file=(checked.data, name))


def test_job_run_directly_stores_the_checklist_and_is_idempotent(app, course):
    sub = _file_submission(app, course["docx"], course["learner"], docx_bytes(), "cv.docx")
    assert sub.checks_status == "queued"
    jobs.grading.check_submission(sub.id)
    db.session.refresh(sub)
    assert sub.checks_status == "done" and len(sub.checks) == 4
    first = list(sub.checks)
    jobs.grading.check_submission(sub.id)
    db.session.refresh(sub)
    assert sub.checks == first
    jobs.grading.check_submission(999999)  # a missing submission is ignored


def test_damaged_file_marks_checks_failed(app, course):
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", "<not really word>")
    sub = _file_submission(app, course["docx"], course["learner"], buf.getvalue(), "cv.docx")
    jobs.grading.check_submission(sub.id)
    db.session.refresh(sub)
    assert sub.checks_status == "failed"


def test_view_enqueues_the_job(client, auth, course, monkeypatch):
    calls = []
    monkeypatch.setattr("dip.modules.assignments.views.enqueue",
                        lambda func, *args: calls.append((func, args)))
    auth.login("learner.a")
    body = form(action="submit")
    body["file"] = FileStorage(io.BytesIO(xlsx_bytes([["A", "B"]], [("A2", "=SUM(1,2)")])),
                               filename="budget.xlsx")
    boundary, payload = encode_multipart(body)
    client.post(f"/assignments/{course['xlsx'].id}", data=payload,
                content_type=f"multipart/form-data; boundary={boundary}")
    sub = db.session.scalar(select(Submission))
    assert calls == [("jobs.grading.check_submission", (sub.id,))]  # by name: see test_layers
    assert sub.checks_status == "queued"
    auth.logout()
    auth.login("trainer.a")
    assert "automatic checks are running" in client.get(f"/grading/{sub.id}").get_data(as_text=True)


def test_trainer_sees_the_checklist(client, auth, course):
    sub = _file_submission(None, course["xlsx"], course["learner"],
                           xlsx_bytes([["Item", "Cost"], ["Rent", 5]], [("B3", "=SUM(B2:B2)")]),
                           "budget.xlsx")
    jobs.grading.check_submission(sub.id)
    auth.login("trainer.a")
    html = client.get(f"/grading/{sub.id}").get_data(as_text=True)
    assert "Formulas used: SUM" in html and "No error values" in html and "Header row: Item, Cost" in html


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.redis
def test_through_a_real_rq_worker(app, course):
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.exceptions.RedisError:
        pytest.skip(f"Redis unreachable at {REDIS_URL}")
    from rq import Queue, SimpleWorker

    from dip import worker
    from dip.queue import QUEUE_NAME, enqueue

    before = set(conn.keys("rq:*"))
    app.config["REDIS_URL"] = REDIS_URL
    app.extensions["dip_queue"].update(url=REDIS_URL, redis=None)
    worker.set_app(app)
    try:
        sub = _file_submission(app, course["docx"], course["learner"], docx_bytes(), "cv.docx")
        assert enqueue(jobs.grading.check_submission, sub.id) == "queued"
        db.session.commit()
        queue = Queue(QUEUE_NAME, connection=conn, job_class=worker.AppJob)
        SimpleWorker([queue], connection=conn, job_class=worker.AppJob).work(burst=True)
        db.session.expire_all()
        sub = db.session.get(Submission, sub.id)
        assert sub.checks_status == "done"
        assert _by_code(sub.checks)["docx_headings"]["ok"]
    finally:
        app.extensions["dip_queue"].update(url=None, redis=None)
        worker.set_app(None)
        created = set(conn.keys("rq:*")) - before
        if created:
            conn.delete(*created)


def test_lost_jobs_are_found_and_run_again(app, runner, course):
    from datetime import timedelta

    sub = _file_submission(app, course["docx"], course["learner"], docx_bytes(), "cv.docx")
    sub.submitted_at -= timedelta(minutes=30)  # the job was queued half an hour ago and lost
    db.session.commit()
    # The one command operators schedule finds it with the other kinds of lost work.
    result = runner.invoke(args=["dip", "jobs", "reconcile", "--older-than", "10"])
    assert "1 submission check(s) queued again" in result.output
    assert "import batch(es)" in result.output and "report run(s)" in result.output
    db.session.refresh(sub)
    assert sub.checks_status == "done"
    again = runner.invoke(args=["dip", "assignments", "recheck"]).output
    assert "0 submission check(s)" in again
