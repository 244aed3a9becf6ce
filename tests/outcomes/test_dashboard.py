"""The dashboards as reviewers, coordinators and admins see them: aggregates, scoping, audit."""
import re
from datetime import date

from dip.core.access import Role
from dip.extensions import db
from dip.modules.outcomes.models import AuditEntry
from dip.modules.programs.services import create_cohort
from tests.helpers import assert_light_page
from tests.outcomes.conftest import AUGUST, args


def test_reviewer_sees_the_headline_with_numerators_and_definitions(client, auth, dataset):
    auth.login("reviewer.a")
    page = client.get("/outcomes/", query_string=args(site=dataset["site_a"], period=AUGUST))
    assert_light_page(client, page)
    html = page.get_data(as_text=True)
    for figure in ("80.0%", "8/10", "87.5%", "7/8", "90.0%", "9/10", "75.0%", "6/8", "$132.86",
                   "$120.00", "n=7"):
        assert figure in html, figure
    assert 'href="/outcomes/definitions#completion"' in html
    assert "<svg" in html and "<polyline" in html and "style=" not in html
    # No name, no learner code, no list of learners for a reviewer.
    assert "Dzaleka Learner" not in html and "/outcomes/learners/" not in html
    assert not re.search(r"L-[A-Z0-9]{6}", html)


def test_suppressed_cells_show_no_number(client, auth, dataset):
    auth.login("reviewer.a")
    html = client.get("/outcomes/", query_string=args(site=dataset["site_a"], period=AUGUST)
                      ).get_data(as_text=True)
    gender = html.split("<h2>Gender</h2>")[1].split("</table>")[0]
    assert gender.count("suppressed") == 2 * 9  # women and men, every indicator
    assert not re.search(r"\d+/\d+|\d%|\$", gender)


def test_reviewer_views_are_audited_and_admins_read_the_log(client, auth, dataset):
    auth.login("reviewer.a")
    client.get("/outcomes/", query_string=args(site=dataset["site_a"], period=AUGUST))
    entry = db.session.query(AuditEntry).one()
    assert (entry.user_id, entry.action) == (dataset["reviewer"].id, "dashboard")
    assert entry.detail == "site Dzaleka, 2026-08"
    assert client.get("/outcomes/audit").status_code == 403
    auth.logout()
    auth.login("admin")
    page = client.get("/outcomes/audit")
    assert_light_page(client, page)
    assert "reviewer.a" in page.get_data(as_text=True) and "site Dzaleka" in page.get_data(as_text=True)


def test_coordinator_views_are_not_audited_as_reviewer_views(client, auth, dataset):
    auth.login("coord.a")
    assert client.get("/outcomes/").status_code == 200
    assert db.session.query(AuditEntry).count() == 0


def test_reviewer_gets_no_lists(client, auth, dataset):
    auth.login("reviewer.a")
    for key in ("completion", "earnings"):
        assert client.get(f"/outcomes/learners/{key}", query_string=args(site=dataset["site_a"])).status_code == 403


def test_other_sites_are_out_of_scope(client, auth, dataset):
    for who in ("reviewer.a", "coord.a"):
        auth.login(who)
        assert client.get("/outcomes/", query_string=args(site=dataset["site_b"], period=AUGUST)
                          ).status_code == 404
        assert client.get("/outcomes/", query_string=args(cohort=dataset["other"])).status_code == 404
        html = client.get("/outcomes/", query_string=args(period=AUGUST)).get_data(as_text=True)
        assert "10 learners counted" in html and "Kakuma" not in html
        auth.logout()


def test_coordinator_sees_the_learners_behind_a_number(client, auth, dataset):
    auth.login("coord.a")
    html = client.get("/outcomes/", query_string=args(site=dataset["site_a"])).get_data(as_text=True)
    assert "/outcomes/learners/completion" in html
    page = client.get("/outcomes/learners/raised_income", query_string=args(site=dataset["site_a"]))
    assert_light_page(client, page)
    html = page.get_data(as_text=True)
    assert "8 learners in the denominator" in html
    assert "Dzaleka Learner 1<" in html and "Dzaleka Learner 8<" not in html  # 8 has no income data
    assert html.count(">yes<") == 7 and html.count(">no<") == 1
    assert "Kakuma" not in html
    entry = db.session.query(AuditEntry).one()
    assert entry.action == "list"
    assert client.get("/outcomes/learners/nonsense").status_code == 404


def test_a_cohort_is_shown_beside_the_previous_cohort_of_its_site(client, auth, dataset, make_user):
    earlier = create_cohort(dataset["site_a"], "Dzaleka 2025-2", date(2025, 7, 1))
    for i in range(5):
        make_user(Role.LEARNER, cohort=earlier, username=f"old{i}")
    auth.login("coord.a")
    html = client.get("/outcomes/", query_string=args(cohort=dataset["cohort"])).get_data(as_text=True)
    assert "Previous cohort: Dzaleka 2025-2" in html
    assert "0.0%" in html.split("<h2>Headline</h2>")[1].split("</table>")[0]  # nobody completed


def test_site_is_shown_beside_the_previous_period(client, auth, dataset):
    auth.login("reviewer.a")
    html = client.get("/outcomes/", query_string=args(site=dataset["site_a"], period=AUGUST)
                      ).get_data(as_text=True)
    assert "Previous period" in html and "Jul 2026" in html


def test_definitions_page(client, auth, dataset):
    auth.login("reviewer.a")
    page = client.get("/outcomes/definitions")
    assert_light_page(client, page)
    html = page.get_data(as_text=True)
    for key in ("completion", "raised_income", "earnings", "self_employed", "integrated", "daily_use"):
        assert f'id="{key}"' in html
    assert "fewer than 5 people" in html and "0% or 100%" in html


def test_nav_and_home_panel(client, auth, dataset):
    auth.login("reviewer.a")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/outcomes/"' in home
    auth.logout()
    auth.login("trainer.a")
    assert 'href="/outcomes/"' not in client.get("/").get_data(as_text=True)


def test_a_tiny_cohort_shows_no_count(client, auth, world, make_user):
    for _ in range(3):
        make_user(Role.LEARNER, cohort=world["cohort_a"])
    auth.login("coord.a")
    html = client.get("/outcomes/", query_string={"scope": f"c{world['cohort_a'].id}"}).get_data(as_text=True)
    assert "Fewer than 5 learners counted" in html and "4 learners counted" not in html
    headline = html.split("<h2>Headline</h2>")[1].split("</table>")[0]
    assert "/4" not in headline and "suppressed" in headline


def test_an_age_band_never_wraps_mid_label(client, auth, dataset):
    """"18–24" may break after its dash in a narrow column; its row header keeps it whole."""
    auth.login("reviewer.a")
    html = client.get("/outcomes/", query_string=args(site=dataset["site_a"], period=AUGUST)
                      ).get_data(as_text=True)
    ages = html.split("<h2>Age band</h2>")[1].split("</table>")[0]
    bands = re.findall(r'<th dir="auto"( class="nowrap")?>([^<]+)</th>', ages)
    assert bands and all(nowrap for nowrap, _label in bands), bands
