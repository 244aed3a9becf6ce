"""The grading form as a trainer uses it: return with only a comment, the total and the pass
mark shown (added up on the server without JavaScript), and the learner's Word or Excel file
read on a page, bounded, escaped, and only by staff who may see the work."""
import io

import pytest

from dip.core import uploads
from dip.extensions import db
from dip.modules.assignments import services
from tests.assignments.conftest import docx_bytes, xlsx_bytes
from tests.conftest import form
from tests.helpers import assert_light_page


def _file(course, assignment, data, name):
    checked = uploads.check(data, name, set(assignment.accept))
    return services.submit(assignment, course["learner"].id, file=(checked.data, name))


def test_return_for_revision_needs_only_a_comment(client, auth, course):
    sub = services.submit(course["text"], course["learner"].id, text="My answer")
    auth.login("trainer.a")
    page = client.get(f"/grading/{sub.id}").get_data(as_text=True)
    # The browser's own "fill in this field" check must not stop the Return button either.
    assert 'value="return" class="secondary" formnovalidate' in page
    response = client.post(f"/grading/{sub.id}", data=form(
        {"points-0": "", "points-1": "", "action": "return", "feedback": "Add a greeting."}))
    assert response.status_code == 302
    db.session.refresh(sub)
    assert (sub.status, sub.score, sub.feedback) == ("returned", None, "Add a greeting.")
    auth.logout()
    auth.login("learner.a")
    assert "Add a greeting." in client.get("/").get_data(as_text=True)


def test_returning_with_points_keeps_them(client, auth, course):
    sub = services.submit(course["text"], course["learner"].id, text="My answer")
    auth.login("trainer.a")
    client.post(f"/grading/{sub.id}", data=form(
        {"points-0": "2", "points-1": "1", "action": "return", "feedback": "Almost."}))
    db.session.refresh(sub)
    assert (sub.status, sub.score, sub.max_score) == ("returned", 3, 10)


def test_saving_a_grade_still_needs_every_criterion(client, auth, course):
    sub = services.submit(course["text"], course["learner"].id, text="My answer")
    auth.login("trainer.a")
    response = client.post(f"/grading/{sub.id}", data=form(
        {"points-0": "5", "points-1": "", "action": "grade"}))
    assert "every criterion" in response.get_data(as_text=True)
    response = client.post(f"/grading/{sub.id}", data=form(
        {"points-0": "five", "points-1": "1", "action": "grade"}))
    assert "whole numbers" in response.get_data(as_text=True)
    db.session.refresh(sub)
    assert sub.status == "submitted"


def test_total_and_pass_mark_without_javascript(client, auth, course):
    sub = services.submit(course["text"], course["learner"].id, text="My answer")
    auth.login("trainer.a")
    page = client.get(f"/grading/{sub.id}")
    html = page.get_data(as_text=True)
    assert "Pass mark: 60%, that is 6 points." in html
    assert '<span>0</span> / 10' in html
    assert_light_page(client, page)
    # "Add up the points" answers with the total, the verdict and the typed values; saves nothing.
    html = client.post(f"/grading/{sub.id}", data=form(
        {"points-0": "4", "points-1": "1", "feedback": "Keep this", "action": "total"})
    ).get_data(as_text=True)
    assert '<span>5</span> / 10' in html and "below the pass mark" in html
    assert 'value="4"' in html and "Keep this" in html
    html = client.post(f"/grading/{sub.id}", data=form(
        {"points-0": "5", "points-1": "3", "action": "total"})).get_data(as_text=True)
    assert '<span>8</span> / 10' in html and ">passes<" in html
    db.session.refresh(sub)
    assert sub.status == "submitted" and sub.score is None


def test_a_word_file_reads_as_a_page(client, auth, course):
    import docx

    document = docx.Document()
    document.add_heading("My CV", level=1)
    document.add_paragraph("I translate <script>alert(1)</script> French & English.")
    document.add_paragraph("Translation", style="List Bullet")
    document.add_paragraph("Typing", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Skill", "Level"
    table.cell(1, 0).text, table.cell(1, 1).text = "Excel", "Good"
    data = io.BytesIO()
    document.save(data)
    sub = _file(course, course["docx"], data.getvalue(), "cv.docx")
    auth.login("trainer.a")
    grading = client.get(f"/grading/{sub.id}").get_data(as_text=True)
    assert f'href="/grading/{sub.id}/file"' in grading and "Read <bdi>cv.docx</bdi> here" in grading
    page = client.get(f"/grading/{sub.id}/file")
    html = page.get_data(as_text=True)
    assert '<h2 dir="auto">My CV</h2>' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; French &amp; English." in html
    assert '<ul><li dir="auto">Translation</li><li dir="auto">Typing</li></ul>' in html
    assert '<td dir="auto">Excel</td><td dir="auto">Good</td>' in html
    assert "Content-Disposition" not in page.headers  # read in the page, not downloaded
    assert_light_page(client, page)


def test_a_workbook_reads_as_a_table_with_its_formulas(client, auth, course):
    data = xlsx_bytes([("Item", "Cost (MWK)"), ("Data bundle", 5000), ("Transport", 3000)],
                      formulas=[("B4", "=SUM(B2:B3)")])
    sub = _file(course, course["xlsx"], data, "budget.xlsx")
    auth.login("trainer.a")
    html = client.get(f"/grading/{sub.id}/file").get_data(as_text=True)
    assert "Sheet: Sheet" in html and '<td dir="auto">Data bundle</td>' in html
    assert '<td dir="auto" class="num">5,000</td>' in html
    assert '<code dir="ltr">=SUM(B2:B3)</code>' in html


def test_a_long_file_says_where_the_preview_stopped(client, auth, course):
    sub = _file(course, course["docx"], docx_bytes(headings=0, bullets=900, tables=0), "long.docx")
    auth.login("trainer.a")
    html = client.get(f"/grading/{sub.id}/file").get_data(as_text=True)
    assert "The preview stops here, after 400 paragraphs" in html
    assert "Item 390" in html and "Item 500" not in html


def test_a_damaged_file_gets_a_sentence(client, auth, course):
    sub = _file(course, course["docx"], docx_bytes(), "cv.docx")
    with open(uploads.path_of(sub.file_key), "wb") as broken:
        broken.write(b"PK\x03\x04 not really a zip")
    auth.login("trainer.a")
    response = client.get(f"/grading/{sub.id}/file")
    assert response.status_code == 200 and "cannot be read here" in response.get_data(as_text=True)


@pytest.mark.parametrize("who,status", [("learner.a", 403), ("learner.b", 403),
                                        ("reviewer.a", 403), ("trainer.a", 200),
                                        ("coord.a", 200), ("admin", 200)])
def test_only_staff_who_may_see_the_work_read_the_file(client, auth, course, who, status):
    sub = _file(course, course["docx"], docx_bytes(), "cv.docx")
    auth.login(who)
    assert client.get(f"/grading/{sub.id}/file").status_code == status


def test_another_cohorts_trainer_cannot_read_the_file(client, auth, course, make_user):
    from dip.core.access import Role

    make_user(Role.TRAINER, cohort=course["cohort_b"], username="trainer.b")
    sub = _file(course, course["docx"], docx_bytes(), "cv.docx")
    auth.login("trainer.b")
    assert client.get(f"/grading/{sub.id}/file").status_code == 404
    text = services.submit(course["text"], course["learner"].id, text="Hi")
    auth.logout()
    auth.login("trainer.a")
    assert client.get(f"/grading/{text.id}/file").status_code == 404  # no file to read


def test_a_hostile_workbook_is_previewed_within_the_limits(client, auth, course):
    from tests.assignments.test_work_limits import far_cell_xlsx

    sub = _file(course, course["xlsx"], far_cell_xlsx(), "far.xlsx")
    auth.login("trainer.a")
    html = client.get(f"/grading/{sub.id}/file").get_data(as_text=True)
    assert '<td dir="auto">Item</td><td dir="auto">Cost</td>' in html
    assert "Only the first 60 rows and 20 columns" in html or "The preview stops here" in html
