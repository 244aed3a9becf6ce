"""Sites and cohorts, in the web UI and the command line."""
from datetime import date

from dip.extensions import db
from dip.modules.programs.models import Cohort, Site, SiteGrant
from tests.conftest import form


def test_coordinator_creates_site_and_is_granted_it(client, auth, world):
    auth.login(world["coordinator"].username)
    response = client.post("/sites/new", data=form(name="Kalobeyei", country="ke", currency="kes",
                                                   timezone="Africa/Nairobi"))
    assert response.location == "/sites/"
    site = db.session.scalar(db.select(Site).where(Site.name == "Kalobeyei"))
    assert (site.country, site.currency) == ("KE", "KES")
    assert db.session.get(SiteGrant, (world["coordinator"].id, site.id)) is not None


def test_bad_site_codes_are_explained(client, auth, world):
    auth.login(world["admin"].username)
    response = client.post("/sites/new", data=form(name="Amman", country="JO", currency="XYZ",
                                                   timezone="Asia/Amman"))
    assert "three-letter currency code" in response.get_data(as_text=True)
    assert 'value="Amman"' in response.get_data(as_text=True)


def test_cohort_ends_six_months_later_by_default(client, auth, world):
    auth.login(world["coordinator"].username)
    response = client.post("/cohorts/new", data=form(site=world["site_a"].id, name="2027 A",
                                                     start_date="2027-01-31", end_date=""))
    cohort = db.session.scalar(db.select(Cohort).where(Cohort.name == "2027 A"))
    assert response.location == f"/cohorts/{cohort.id}/"
    assert cohort.end_date == date(2027, 7, 31)


def test_cohort_page_is_scoped(client, auth, world):
    auth.login(world["trainer"].username)
    assert client.get(f"/cohorts/{world['cohort_a'].id}/").status_code == 200
    assert client.get(f"/cohorts/{world['cohort_b'].id}/").status_code == 404


def test_cli_creates_site_cohort_and_users(runner, app):
    ok = runner.invoke(args=["dip", "create-site", "--name", "Dzaleka", "--country", "MW",
                             "--currency", "MWK", "--timezone", "Africa/Blantyre"])
    assert ok.exit_code == 0, ok.output
    ok = runner.invoke(args=["dip", "create-cohort", "--site", "Dzaleka", "--name", "C1",
                             "--start", "2027-03-01"])
    assert ok.exit_code == 0 and "2027-09-01" in ok.output
    for args in (["--role", "learner", "--cohort", "C1"], ["--role", "coordinator", "--site", "Dzaleka"],
                 ["--role", "admin"]):
        name = args[1] + "1"
        result = runner.invoke(args=["dip", "create-user", "--username", name, "--password",
                                     "long enough 1", *args])
        assert result.exit_code == 0, result.output


def test_cli_refuses_bad_input_with_one_line(runner, app):
    bad = runner.invoke(args=["dip", "create-site", "--name", "X", "--country", "ZZZ",
                              "--currency", "MWK", "--timezone", "Africa/Blantyre"])
    assert bad.exit_code == 1 and "Error:" in bad.output
    bad = runner.invoke(args=["dip", "create-cohort", "--site", "Nowhere", "--name", "C",
                              "--start", "2027-01-01"])
    assert bad.exit_code == 1 and "no site called" in bad.output
    bad = runner.invoke(args=["dip", "create-user", "--username", "xavier", "--password", "long enough 1",
                              "--role", "learner"])
    assert bad.exit_code == 1 and "cohort" in bad.output


def test_demo_loads_site_cohort_and_people_idempotently(runner, app):
    from dip.modules.accounts.models import User
    for _ in range(2):
        result = runner.invoke(args=["dip", "demo"])
        assert result.exit_code == 0, result.output
    assert "learner01" in result.output and "graduate12" in result.output
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 36
