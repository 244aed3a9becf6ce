"""Income progression pages: a learner's months, a cohort's averages and follow-ups, the sites' totals."""
from datetime import date, timedelta
from decimal import Decimal

from dip.core.access import Role
from dip.extensions import db
from dip.modules.earnings.income import add_months
from dip.modules.programs.models import LearnerProfile
from tests.helpers import assert_light_page

THIS_MONTH = date.today().replace(day=1)


def test_learner_sees_baseline_this_month_chart_and_table(client, auth, world, log):
    learner = world["learner"]
    db.session.get(LearnerProfile, learner.id).baseline_income_usd = Decimal("20.00")
    db.session.commit()
    log(learner, amount="120.00", day=add_months(THIS_MONTH, -2).replace(day=5))
    log(learner, amount="-10.00", day=add_months(THIS_MONTH, -2).replace(day=6))
    log(learner, amount="45.00", day=date.today())
    auth.login(learner.username)
    page = client.get("/earnings/income")
    assert_light_page(client, page)
    html = page.get_data(as_text=True)
    assert "<svg" in html and html.count("<rect") == 2 and "<table>" in html
    assert "$20.00" in html and "$45.00" in html and "$155.00" in html and "$110.00" in html
    home = client.get("/")
    assert "This month: $45.00" in home.get_data(as_text=True)


def test_cohort_income_compares_average_to_baseline_and_lists_follow_ups(
        client, auth, make_site, make_cohort, make_user, log):
    site = make_site("Kiziba", "RW", "RWF", "Africa/Kigali")
    ended = make_cohort(site, "Graduated", start=date.today() - timedelta(days=300))
    earner = make_user(Role.LEARNER, cohort=ended, display_name="Earner One")
    quiet = make_user(Role.LEARNER, cohort=ended, display_name="Quiet Two")
    coordinator = make_user(Role.COORDINATOR, site=site)
    for back in (1, 2, 3):
        log(coordinator, earner, amount="90.00", day=add_months(THIS_MONTH, -back).replace(day=2))
    log(coordinator, quiet, amount="15.00", day=date.today() - timedelta(days=130))
    auth.login(coordinator.username)
    cohort_page = client.get(f"/cohorts/{ended.id}/")
    assert f"/cohorts/{ended.id}/income" in cohort_page.get_data(as_text=True)
    page = client.get(f"/cohorts/{ended.id}/income")
    assert_light_page(client, page)
    html = page.get_data(as_text=True)
    assert "$90.00" in html and "+$90.00" in html and "1 learner earns more than their baseline" in html
    follow = html.split("Follow-up")[1]
    assert "Quiet Two" in follow and "Earner One" not in follow
    sites = client.get("/earnings/sites")
    assert_light_page(client, sites)
    assert "$270.00" not in sites.get_data(as_text=True)  # monthly, not summed
    assert sites.get_data(as_text=True).count("$90.00") == 3


def test_cohort_income_is_scoped(client, auth, world):
    auth.login(world["coordinator"].username)
    assert client.get(f"/cohorts/{world['cohort_b'].id}/income").status_code == 404
    auth.logout()
    auth.login(world["reviewer"].username)
    assert client.get(f"/cohorts/{world['cohort_a'].id}/income").status_code == 403
    assert client.get("/earnings/").status_code == 403


def test_coordinator_home_panel_counts_entries_to_verify(client, auth, world, log):
    log(world["learner"], amount="8.00")
    log(world["learner"], amount="800.00", currency="MWK")
    auth.login(world["coordinator"].username)
    html = client.get("/").get_data(as_text=True)
    assert "2 entries to verify" in html and "1 exchange rate missing" in html


def test_recent_earners_leave_out_deleted_entries(world, log):
    from dip.modules.earnings import income, services

    kept = log(world["learner"], amount="10.00")
    gone = log(world["other_learner"], amount="10.00")
    services.delete_entry(world["admin"], gone)
    ids = [world["learner"].id, world["other_learner"].id]
    day = date.today()
    assert income.recent_earners(ids, day - timedelta(days=90), day) == {kept.learner_id}
