"""Issue 11, privacy of aggregates: a reviewer tries to recover a small group from everything
they can read (pages and exports, every scope and period or window they can ask for).

The world: Dzaleka has 13 learners who finished in Q3 2026, a cohort of 10 (January to July)
and a cohort of 3 (March to August); Kakuma has 3 who finished in July. Every learner of the
small groups completed, so any way of isolating them discloses each one of them.
"""
import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dip.core.access import Role
from dip.extensions import db
from dip.modules.programs.services import create_cohort, enrol
from tests.conftest import form

PERIODS = ("2026-Q3", "2026-07", "2026-08", "2026-09", "2026-Q2")
WINDOWS = ((date(2026, 1, 1), date(2026, 2, 28)), (date(2026, 7, 1), date(2026, 7, 31)),
           (date(2026, 8, 1), date(2026, 8, 31)), (date(2026, 7, 1), date(2026, 9, 30)),
           (date(2026, 1, 1), date(2026, 9, 30)), (date(2026, 3, 1), date(2026, 9, 30)))
JUL, AUG, SEP = date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)


@pytest.fixture
def attack(world, make_user, income, completed):
    """The two sites above, and a reviewer granted both (``reviewer.ab``)."""
    big = create_cohort(world["site_a"], "Dzaleka big", date(2026, 1, 10), date(2026, 7, 20))
    small = create_cohort(world["site_a"], "Dzaleka small", date(2026, 3, 1), date(2026, 8, 20))
    kakuma = create_cohort(world["site_b"], "Kakuma small", date(2026, 1, 10), date(2026, 7, 15))
    people = []
    for cohort, count, prefix in ((big, 10, "big"), (small, 3, "sml"), (kakuma, 3, "kak")):
        for i in range(count):
            user = make_user(Role.LEARNER, cohort=cohort, username=f"{prefix}{i}")
            gender = "female" if i % 3 else "male"
            enrol(user, cohort, gender, "18-24", "CD", Decimal("0"), cohort.start_date)
            people.append((prefix, i, user))
    for prefix, i, user in people:
        # 8 of the 10 completed; every learner of the two small groups completed.
        if prefix != "big" or i < 8:
            completed.add(user.id)
        # 7 with income data, all raised: 4 of the big cohort and the 3 of the small one.
        if (prefix == "big" and i < 4) or prefix == "sml":
            for month in (JUL, AUG, SEP):
                income(user, month, "90")
    db.session.commit()
    reviewer = make_user(Role.REVIEWER, site=world["site_a"], username="reviewer.ab")
    from dip.modules.programs.services import place
    place(reviewer, site=world["site_b"])
    db.session.commit()
    return {"big": big, "small": small, "kakuma": kakuma, **world}


def completion_in_page(html: str):
    """(numerator, denominator) of the headline completion figure, or None if not shown."""
    if "<h2>Headline</h2>" not in html:
        return None
    head = html.split("<h2>Headline</h2>")[1].split("</table>")[0]
    row = next((r for r in head.split("<tr>") if "definitions#completion" in r), "")
    found = re.search(r"%<small>(\d+)/(\d+)</small>", row)
    return (int(found[1]), int(found[2])) if found else None


def completion_in_rows(rows):
    """(numerator, denominator) of the headline completion row of an export, or None."""
    for row in rows:
        row = ["" if v is None else str(v) for v in row]
        if row[:3] == ["headline", "all", "completion"] and "suppressed" not in row:
            if len(row) >= 10:  # status, numerator people, numerator usd, denominator…
                return int(float(row[4])), int(float(row[6]))
            return int(float(row[3])), int(float(row[4]))
    return None


def scopes(data):
    return ["", f"s{data['site_a'].id}", f"s{data['site_b'].id}", f"c{data['big'].id}",
            f"c{data['small'].id}"]


def choices(data):
    for scope in scopes(data):
        for period in PERIODS:
            yield {"scope": scope, "period": period}
        for start, end in WINDOWS:
            yield {"scope": scope, "start": start.isoformat(), "end": end.isoformat()}


def assert_no_small_difference(seen: list[tuple[dict, tuple[int, int]]]):
    """Every population here is inside Dzaleka and Kakuma's 16: two shown figures whose
    populations differ by 1 to 4 people disclose those people's completion."""
    for i, (where_a, (num_a, den_a)) in enumerate(seen):
        for where_b, (num_b, den_b) in seen[i + 1:]:
            gap = abs(den_a - den_b)
            assert not 0 < gap < 5, (
                f"{where_a} shows {num_a}/{den_a} and {where_b} shows {num_b}/{den_b}: "
                f"{gap} learners isolated, {abs(num_a - num_b)} of them completed")


@pytest.mark.parametrize("reviewer", ["reviewer.a", "reviewer.ab"])
def test_differencing_pages_of_scopes_and_periods_reveals_no_small_group(
        client, auth, attack, reviewer):
    auth.login(reviewer)
    seen = []
    for query in choices(attack):
        response = client.get("/outcomes/", query_string=query)
        assert response.status_code in (200, 400, 404), (query, response.status_code)
        if response.status_code == 200:
            found = completion_in_page(response.get_data(as_text=True))
            if found:
                seen.append((query, found))
    # Protection hides the figures that isolate someone, not everything: the quarter stays.
    whole = (11, 13) if reviewer == "reviewer.a" else (14, 16)
    assert any(found == whole and query.get("period") == "2026-Q3" for query, found in seen)
    assert_no_small_difference(seen)


def test_reviewers_cannot_choose_a_cohort_or_free_dates(client, auth, attack):
    auth.login("reviewer.a")
    site = attack["site_a"].id
    assert client.get("/outcomes/", query_string={"scope": f"c{attack['small'].id}",
                                                  "period": "2026-Q3"}).status_code == 404
    response = client.get("/outcomes/", query_string={"scope": f"s{site}", "start": "2026-07-01",
                                                      "end": "2026-07-31"})
    assert response.status_code == 400
    assert "whole months or quarters" in response.get_data(as_text=True)
    assert client.get("/outcomes/", query_string={"scope": f"s{site}", "period": "2026-Q3"}
                      ).status_code == 200


def test_differencing_exports_reveals_no_small_group(client, auth, attack):
    auth.login("reviewer.ab")
    seen = []
    for query in choices(attack):
        response = client.post("/outcomes/exports/", data=form(query))
        if response.status_code != 302:
            assert response.status_code in (400, 404), (query, response.status_code)
            continue
        run_url = response.location
        with client.get(run_url + "/csv") as got:
            lines = list(csv.reader(io.StringIO(got.data.decode("utf-8-sig"))))
        with client.get(run_url + "/xlsx") as got:
            sheet = load_workbook(io.BytesIO(got.data))["Indicators"]
            xlsx_rows = list(sheet.iter_rows(values_only=True))
        for kind, rows in (("csv", lines), ("xlsx", xlsx_rows)):
            found = completion_in_rows(rows)
            if found:
                seen.append(({**query, "file": kind}, found))
    assert seen
    assert_no_small_difference(seen)


def test_all_of_a_group_discloses_its_small_subgroups(client, auth, attack):
    """7 of 7 with income data raised it: each hidden group (the cohort of 3, August's 3, the
    men) would read 100% too, so the figure is suppressed."""
    auth.login("reviewer.a")
    html = client.get("/outcomes/", query_string={"scope": f"s{attack['site_a'].id}",
                                                  "period": "2026-Q3"}).get_data(as_text=True)
    head = html.split("<h2>Headline</h2>")[1].split("</table>")[0]
    row = next(r for r in head.split("<tr>") if "definitions#raised_income\"" in r)
    assert "100.0%" not in row and "7/7" not in row and "suppressed" in row
    assert "100.0%" not in html  # in no breakdown either


def test_an_empty_or_small_group_reads_suppressed_never_no_data_or_zero(client, auth, attack):
    auth.login("reviewer.ab")
    query = {"scope": f"s{attack['site_b'].id}", "period": "2026-08"}  # nobody finished then
    html = client.get("/outcomes/", query_string=query).get_data(as_text=True)
    assert "no data" not in html.lower() and "0 learners counted" not in html
    head = html.split("<h2>Headline</h2>")[1].split("</table>")[0]
    assert "suppressed" in head and not re.search(r"\d+/\d+|\d%", head)
    response = client.post("/outcomes/exports/", data=form(query))
    with client.get(response.location + "/csv") as got:
        text = got.data.decode("utf-8-sig")
    with client.get(response.location + "/xlsx") as got:
        book = load_workbook(io.BytesIO(got.data))
    assert "no data" not in text.lower()
    headline = [r for r in csv.reader(io.StringIO(text)) if r[:2] == ["headline", "all"]]
    assert headline and all("suppressed" in r and "0" not in r[3:] for r in headline)
    rows = [r for r in book["Indicators"].iter_rows(values_only=True) if r[0] == "headline"]
    assert rows and all("suppressed" in r and 0 not in r[3:] for r in rows)
    assert "no data" not in str([list(s.values) for s in book.worksheets]).lower()


@pytest.mark.parametrize("query", [
    {"start": "1900-01-01", "end": "1900-12-31"}, {"start": "2026-01-01", "end": "9999-12-31"},
    {"start": "2026-13-40", "end": "2026-12-01"}, {"start": "2026-02-30"},
    {"period": "2026-13"}, {"period": "9999-Q1"}, {"period": "1900-Q1"}, {"period": "2026-Q5"},
    {"period": "2027-Q1"},
])
def test_bad_dates_answer_a_clear_400(client, auth, attack, query):
    auth.login("coord.a")
    response = client.get("/outcomes/", query_string=query)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "This period cannot be shown" in html and ("YYYY-MM-DD" in html or "between" in html
                                                      or "not ended" in html)
    response = client.post("/outcomes/exports/", data=form(query))
    assert response.status_code == 400
