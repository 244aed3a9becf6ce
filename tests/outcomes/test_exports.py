"""Exports: a ReportRun built by a background job, CSV and XLSX with definitions and the facts."""
import csv
import io

from openpyxl import load_workbook

from dip.extensions import db
from dip.modules.outcomes import exports
from dip.modules.outcomes.models import AuditEntry, ReportRun
from tests.conftest import form
from tests.helpers import assert_light_page
from tests.outcomes.conftest import AUGUST, END, args


def ask(client, **scope):
    return client.post("/outcomes/exports/", data=form(args(period=AUGUST, **scope)))


def test_reviewer_export_is_built_and_downloaded(client, auth, dataset, monkeypatch):
    enqueued = []
    import dip.queue

    real = dip.queue.enqueue
    monkeypatch.setattr(dip.queue, "enqueue", lambda f, *a: enqueued.append((f, a)) or real(f, *a))
    auth.login("reviewer.a")
    response = ask(client, site=dataset["site_a"])
    run = db.session.query(ReportRun).one()
    assert enqueued == [("jobs.reports.build_report", (run.id,))]
    assert response.location.endswith(f"/outcomes/exports/{run.id}")
    assert run.status == "done" and run.threshold == 5
    page = client.get(f"/outcomes/exports/{run.id}")
    assert_light_page(client, page)
    assert "http-equiv" not in page.get_data(as_text=True)  # finished: no refresh

    with client.get(f"/outcomes/exports/{run.id}/xlsx") as xlsx:
        assert xlsx.status_code == 200 and "attachment" in xlsx.headers["Content-Disposition"]
        book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["Indicators", "Income by month", "Definitions", "About"]
    rows = [tuple(r) for r in book["Indicators"].iter_rows(values_only=True)]
    assert rows[0] == ("section", "group", "indicator", "status", "numerator_people",
                       "numerator_usd", "denominator_people", "value_percent", "value_usd",
                       "median_usd")
    assert ("headline", "all", "completion", "shown", 8, None, 10, 80.0, None, None) in rows
    assert ("headline", "all", "earnings", "shown", None, 930.0, 7, None, 132.86, 120.0) in rows
    male = [r for r in rows if r[:2] == ("gender", "male")]
    assert len(male) == 9 and all(r[3:] == ("suppressed",) * 7 for r in male)
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["period"] == "2026-08" and about["income_months"] == "2026-06, 2026-07, 2026-08"
    assert about["window_start"] == "2026-08-01" and about["window_end"] == "2026-08-31"
    assert about["suppression_threshold"] == 5 and about["made_at_utc"]
    definitions = [r[0] for r in book["Definitions"].iter_rows(min_row=2, values_only=True)]
    assert definitions == ["learners_counted", "income_months", "completion", "certified",
                           "raised_income", "raised_income_all", "earnings", "earnings_all",
                           "self_employed", "integrated", "daily_use", "income_by_month",
                           "waiting_for_rate", "suppression"]
    assert "Dzaleka Learner" not in str(list(book["Indicators"].values))

    with client.get(f"/outcomes/exports/{run.id}/csv") as response:
        text = response.data.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert ["suppression_threshold", "5"] in lines
    assert ["headline", "all", "completion", "shown", "8", "", "10", "80.0", "", ""] in lines
    assert ["item", "definition"] in lines and lines[-1][0] == "suppression"
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == ["export", "download", "download"]


def test_runs_belong_to_who_asked(client, auth, dataset, make_user):
    auth.login("reviewer.a")
    ask(client, site=dataset["site_a"])
    run = db.session.query(ReportRun).one()
    auth.logout()
    auth.login("coord.a")
    assert client.get(f"/outcomes/exports/{run.id}").status_code == 404
    assert client.get(f"/outcomes/exports/{run.id}/csv").status_code == 404
    assert ask(client, site=dataset["site_b"]).status_code == 404
    assert db.session.query(ReportRun).count() == 1


def test_build_is_idempotent_and_a_running_page_refreshes(client, auth, dataset):
    run = ReportRun(requested_by_id=dataset["reviewer"].id, site_id=dataset["site_a"].id,
                    window_start=END.replace(day=1), window_end=END.replace(day=31), threshold=5)
    db.session.add(run)
    db.session.commit()
    auth.login("reviewer.a")
    assert 'http-equiv="refresh"' in client.get(f"/outcomes/exports/{run.id}").get_data(as_text=True)
    with client.get(f"/outcomes/exports/{run.id}/xlsx") as response:
        assert response.status_code == 404
    exports.build(run.id)
    first = (run.csv_key, run.xlsx_key)
    exports.build(run.id)
    db.session.refresh(run)
    assert run.status == "done" and (run.csv_key, run.xlsx_key) == first


def test_a_failing_build_is_recorded(dataset, monkeypatch):
    run = ReportRun(requested_by_id=dataset["reviewer"].id, window_start=END.replace(day=1),
                    window_end=END.replace(day=31), threshold=5)
    db.session.add(run)
    db.session.commit()
    monkeypatch.setattr(exports, "figures", lambda *a, **k: 1 / 0)
    exports.build(run.id)
    run = db.session.get(ReportRun, run.id)
    assert run.status == "failed" and "division" in run.error
