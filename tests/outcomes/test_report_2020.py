"""The known answer: a 25-learner cohort built to mirror the 2020 report, read by a reviewer
(published month), a coordinator (the cohort) and in the exports; every figure exact.

The 2020 report's five figures stay exactly as printed (80.0% completion, 83.3% raised income
of those with income data, $485.00 average monthly earnings of earners, 92.0% self-employed,
87.5% feel more integrated). Issue 12 adds, beside them, certified (72.0%), raised income of
everyone enrolled (80.0%) and the average over everyone enrolled ($426.80), so the breakdown
holds 10 groups × 9 figures = 90 cells where it held 60.
"""
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dip.core.access import Role
from dip.extensions import db
from dip.modules.assignments.models import Certificate
from dip.modules.outcomes import indicators as ind
from dip.modules.outcomes.indicators import Scope, Window
from dip.modules.outcomes.services import save_survey
from dip.modules.programs.services import create_cohort, enrol
from tests.conftest import form
from tests.outcomes.conftest import ANSWERS

D = Decimal
START, END = date(2020, 3, 2), date(2020, 8, 31)
MONTHS = (date(2020, 6, 1), date(2020, 7, 1), date(2020, 8, 1))
AMOUNTS = [485 + d for k in range(1, 12) for d in (-10 * k, 10 * k)]  # 22 earners, mean 485
GENDERS = ["female"] * 15 + ["male"] * 10
AGES = ["18-24"] * 8 + ["25-34"] * 9 + ["35-44"] * 5 + ["45+"] * 3
COUNTRIES = ["CD"] * 10 + ["BI"] * 6 + ["SS"] * 5 + ["SO"] * 4
EXPECTED = {
    "completion": (20, 25, D("80.0")), "certified": (18, 25, D("72.0")),
    "raised_income": (20, 24, D("83.3")), "raised_income_all": (20, 25, D("80.0")),
    "earnings": (D("10670.00"), 22, D("485.00")), "earnings_all": (D("10670.00"), 25, D("426.80")),
    "self_employed": (23, 25, D("92.0")), "integrated": (21, 24, D("87.5")),
    "daily_use": (18, 24, D("75.0")),
}


@pytest.fixture
def report_2020(world, make_user, income, completed):
    cohort = create_cohort(world["site_a"], "Dzaleka 2020", START, END)
    learners = []
    for i in range(25):
        user = make_user(Role.LEARNER, cohort=cohort, username=f"y2020n{i:02d}")
        # The two smallest earners had a baseline above what they earn: they earn, not more.
        baseline = D("400") if i in (0, 2) else D("0")
        enrol(user, cohort, GENDERS[i], AGES[i], COUNTRIES[i], baseline, START)
        learners.append(user)
        if i < 20:
            completed.add(user.id)
        if i < 22:
            for month in MONTHS:
                income(user, month, str(sorted(AMOUNTS)[i]))
        elif i < 24:  # income data, but nothing in the three months
            income(user, date(2020, 4, 1), "50")
        if i < 19:
            db.session.add(Certificate(code=f"c2020-{i}", learner_id=user.id, cohort_id=cohort.id,
                                       shown_name="x", program="DIP", issued_on=END,
                                       issued_by_id=world["admin"].id,
                                       revoked_at=datetime(2020, 10, 1) if i == 18 else None))
    db.session.commit()
    for i, user in enumerate(learners[:24]):
        save_survey(user.id, "endline", {**ANSWERS, "integrated": "yes" if i < 21 else "no",
                                         "daily_use": "daily" if i < 18 else "weekly",
                                         "self_employed": i == 22})
    return {"cohort": cohort, **world}


def exact(cell) -> tuple:
    return (cell.num, cell.den, cell.value)


def test_the_cohort_reads_every_figure_exactly(report_2020):
    report = ind.report(report_2020["admin"], Scope(cohort_id=report_2020["cohort"].id),
                        Window(START, END), 5)
    assert {k: exact(c) for k, c in report.headline.items()} == EXPECTED
    assert report.headline["earnings"].median == D("485.00")
    assert report.income_months == list(MONTHS)
    cells = [cells for groups in report.groups.values() for _v, cells in groups]
    assert len(cells) == 10 and sum(len(c) for c in cells) == 90


def test_the_published_month_reads_the_same_figures(client, auth, report_2020):
    auth.login("reviewer.a")
    query = {"scope": f"s{report_2020['site_a'].id}", "period": "2020-08"}
    html = client.get("/outcomes/", query_string=query).get_data(as_text=True)
    head = html.split("<h2>Headline</h2>")[1].split("</table>")[0]
    for figure in ("80.0%<small>20/25", "72.0%<small>18/25", "83.3%<small>20/24",
                   "$485.00", "median $485.00", "n=22", "$426.80", "n=25",
                   "92.0%<small>23/25", "87.5%<small>21/24", "75.0%<small>18/24"):
        assert figure in head, figure
    # Only the comparison column (nobody finished in July 2020) is suppressed.
    firsts = [row.split("<td")[1] for row in head.split("<tr>")[2:]]
    assert len(firsts) == 9 and not any("suppressed" in first for first in firsts)
    response = client.post("/outcomes/exports/", data=form(query))
    with client.get(response.location + "/xlsx") as got:
        rows = {r[2]: r for r in load_workbook(io.BytesIO(got.data))["Indicators"].iter_rows(
            min_row=2, values_only=True) if r[0] == "headline"}
    assert rows["completion"][4:8] == (20, None, 25, 80.0)
    assert rows["raised_income"][4:8] == (20, None, 24, 83.3)
    assert rows["earnings"][5:] == (10670.0, 22, None, 485.0, 485.0)
    assert rows["self_employed"][4:8] == (23, None, 25, 92.0)
    assert rows["integrated"][4:8] == (21, None, 24, 87.5)
