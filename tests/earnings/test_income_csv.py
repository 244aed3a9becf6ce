"""GET /earnings/income.csv: a learner's monthly income as proof they can show, and staff's copy."""
import csv
import io
from datetime import date, timedelta
from decimal import Decimal

from dip.extensions import db
from dip.modules.earnings import rates
from dip.modules.earnings.income import add_months
from dip.modules.programs.models import Cohort

THIS_MONTH = date.today().replace(day=1)
LAST_MONTH = add_months(THIS_MONTH, -1)


def _rows(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _start_cohort(world, months_ago: int) -> None:
    cohort = db.session.get(Cohort, world["cohort_a"].id)
    cohort.start_date = add_months(THIS_MONTH, -months_ago).replace(day=3)
    db.session.commit()


def test_a_learner_downloads_one_row_a_month_from_their_cohorts_start(client, auth, world, log):
    learner = world["learner"]
    _start_cohort(world, 2)
    log(learner, amount="25.50", day=LAST_MONTH.replace(day=4))
    log(learner, amount="-0.50", day=LAST_MONTH.replace(day=5))  # a platform fee: net
    log(learner, amount="17350.00", currency="MWK", day=LAST_MONTH.replace(day=6))
    log(learner, amount="3470.00", currency="MWK", day=date.today())
    rates.set_rate(world["coordinator"], "MWK", LAST_MONTH, 1 / Decimal(1735),
                   world["site_a"].id)
    auth.login(learner.username)
    client.get("/?lang=fr")  # the reader's language never changes the file
    page = client.get("/earnings/income").get_data(as_text=True)
    assert "/earnings/income.csv" in page
    rows = _rows(client.get("/earnings/income.csv"))
    assert list(rows[0]) == ["month", "net_usd", "total_MWK", "entries_waiting_for_rate"]
    assert [r["month"] for r in rows] == [add_months(THIS_MONTH, -2).strftime("%Y-%m"),
                                          LAST_MONTH.strftime("%Y-%m"),
                                          THIS_MONTH.strftime("%Y-%m")]
    assert rows[0] == {"month": rows[0]["month"], "net_usd": "0.00", "total_MWK": "0.00",
                       "entries_waiting_for_rate": "0"}
    assert rows[1]["net_usd"] == "35.00"  # 25.50 - 0.50 + 17,350 MWK at 1,735
    assert rows[1]["total_MWK"] == "17350.00" and rows[1]["entries_waiting_for_rate"] == "0"
    # This month's kwacha has no rate yet: not in dollars, but shown and counted.
    assert rows[2] == {"month": THIS_MONTH.strftime("%Y-%m"), "net_usd": "0.00",
                       "total_MWK": "3470.00", "entries_waiting_for_rate": "1"}


def test_a_learner_gets_only_their_own(client, auth, world, log):
    log(world["other_learner"], amount="99.00")
    auth.login(world["learner"].username)
    assert client.get(f"/earnings/income.csv?learner={world['other_learner'].id}"
                      ).status_code == 404
    assert all(r["net_usd"] == "0.00" for r in _rows(client.get("/earnings/income.csv")))


def test_staff_get_it_for_learners_in_their_scope_only(client, auth, world, log):
    log(world["learner"], amount="40.00", day=date.today() - timedelta(days=1))
    log(world["other_learner"], amount="99.00")
    for who in ("trainer", "coordinator", "admin"):
        auth.login(world[who].username)
        page = client.get(f"/earnings/learners/{world['learner'].id}").get_data(as_text=True)
        assert f"/earnings/income.csv?learner={world['learner'].id}" in page
        rows = _rows(client.get(f"/earnings/income.csv?learner={world['learner'].id}"))
        assert sum(float(r["net_usd"]) for r in rows) == 40.0
        outside = client.get(f"/earnings/income.csv?learner={world['other_learner'].id}")
        assert outside.status_code == (200 if who == "admin" else 404)
        for odd in ("", "abc", "99999999999999999999", str(world["trainer"].id)):
            assert client.get(f"/earnings/income.csv?learner={odd}").status_code == 404
        auth.logout()
    auth.login(world["reviewer"].username)  # aggregates only
    response = client.get(f"/earnings/income.csv?learner={world['learner'].id}")
    assert response.status_code in (403, 404)
