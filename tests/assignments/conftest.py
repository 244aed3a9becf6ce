"""Fixtures of the assignments tests: a cohort with a trainer, learners and assignments."""
import io
from datetime import date, timedelta

import pytest

from dip.core.access import Role
from dip.extensions import db


def docx_bytes(headings=1, bullets=2, tables=1, words=60) -> bytes:
    """A small real Word document made with python-docx."""
    import docx

    document = docx.Document()
    for i in range(headings):
        document.add_heading(f"Part {i + 1}", level=1)
    document.add_paragraph(" ".join(["word"] * words))
    for i in range(bullets):
        document.add_paragraph(f"Item {i}", style="List Bullet")
    for _ in range(tables):
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "Skill"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes(rows, formulas=()) -> bytes:
    """A small real workbook made with openpyxl: ``rows`` on the first sheet, then formulas."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for cell, formula in formulas:
        sheet[cell] = formula
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
def make_assignment(app):
    """Create an assignment (defaults: a required text assignment of the curriculum)."""
    from dip.modules.assignments.models import Assignment

    counter = iter(range(1, 10000))

    def make(kind="text", cohort=None, required=True, accept=None, checks=None,
             rubric=None, title=None):
        n = next(counter)
        a = Assignment(key=None if cohort else f"a-{n}", module_key=None if cohort else "english",
                       cohort_id=cohort.id if cohort else None, title=title or f"Assignment {n}",
                       titles={}, instructions="Do **this**.", kind=kind, accept=accept or [],
                       due_week=n % 26 + 1, required=required, checks=checks or [],
                       rubric=rubric or [{"criterion": "Clear", "points": 6},
                                         {"criterion": "Complete", "points": 4}])
        db.session.add(a)
        db.session.commit()
        return a

    return make


@pytest.fixture
def course(world, make_user, make_assignment):
    """``world`` plus a second learner in cohort A and three assignments."""
    w = dict(world)
    w["learner2"] = make_user(Role.LEARNER, cohort=w["cohort_a"], username="learner.a2")
    w["text"] = make_assignment("text", title="Introduce yourself")
    w["docx"] = make_assignment("file", accept=["docx"],
                                checks=["docx_headings", "docx_list", "docx_table", "word_count"],
                                title="Your CV")
    w["xlsx"] = make_assignment("file", accept=["xlsx"],
                                checks=["xlsx_formulas", "xlsx_no_errors", "xlsx_header_row"],
                                title="Budget", required=False)
    return w


@pytest.fixture
def past_days():
    """Distinct class dates in the past."""
    return [date.today() - timedelta(days=i + 1) for i in range(30)]


@pytest.fixture
def browser_page(app):
    """A Chromium page (JavaScript on) against a live server of ``app``; skipped without Chromium."""
    import os
    import shutil
    import socket
    import threading

    from werkzeug.serving import make_server

    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium")
    if not chromium:
        pytest.skip("Chromium not installed")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with playwright_api.sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium,
                                        args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            context = browser.new_context()
            page = context.new_page()
            page.base = f"http://127.0.0.1:{port}"
            page.errors = []
            page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
            yield page
            context.close()
            browser.close()
    finally:
        server.shutdown()


CERT_RUBRIC = [{"criterion": "Everything", "points": 100}]


@pytest.fixture
def certified(world, make_user, make_assignment, past_days):
    """Cohort A where learner.a and learner.a2 completed and hold certificates."""
    from dip.core.access import Role
    from dip.modules.assignments import completion, services

    w = dict(world)
    w["learner2"] = make_user(Role.LEARNER, cohort=w["cohort_a"], username="learner.a2")
    required = make_assignment("text", rubric=CERT_RUBRIC, title="Required")
    for learner in (w["learner"], w["learner2"]):
        sub = services.submit(required, learner.id, text="work")
        services.grade(sub, w["trainer"].id, [80], "", returned=False)
        completion.take_attendance(w["cohort_a"].id, past_days[0], {learner.id: "present"},
                                   w["trainer"].id)
    w["cert"] = completion.issue_certificate(w["cohort_a"], w["learner"].id, w["coordinator"].id)
    w["cert2"] = completion.issue_certificate(w["cohort_a"], w["learner2"].id,
                                              w["coordinator"].id)
    return w
