"""Numbers too large to be anyone's row, in a URL or a form, are "not found", never a server error."""
import io

import pytest

from dip.core.access import Role
from dip.core.web import MAX_ID, row_id
from dip.extensions import db
from dip.modules.earnings.models import EarningEntry, ExchangeRate
from tests.conftest import form


@pytest.fixture
def learner(make_cohort, make_user):
    return make_user(Role.LEARNER, cohort=make_cohort(), username="amani")


@pytest.mark.parametrize("url", [
    "/assignments/99999999999999999999",
    f"/assignments/{MAX_ID + 1}",
    "/earnings/99999999999999999999/edit",
    "/proposals/99999999999999999999/versions",
])
def test_a_huge_id_in_the_address_is_not_found(client, auth, learner, url):
    auth.login("amani")
    response = client.get(url)
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_a_huge_id_in_a_form_is_refused_with_a_message(client, auth, learner):
    auth.login("amani")
    response = client.post("/portfolio/from-assignments",
                           data=form(submission_id="99999999999999999999"), follow_redirects=True)
    assert response.status_code == 200
    assert "That work is not graded and passed" in response.get_data(as_text=True)


@pytest.mark.parametrize("text", ["0", "-3", str(MAX_ID + 1), "1e3", "abc", ""])
def test_row_id_accepts_only_what_a_row_id_can_be(text):
    with pytest.raises(ValueError):
        row_id(text)
    assert row_id(str(MAX_ID)) == MAX_ID


HUGE = "99999999999999999999"


def test_a_huge_site_in_a_rates_file_form_saves_nothing_and_says_why(client, auth, world):
    auth.login(world["coordinator"].username)
    response = client.post("/rates/import", data=form(
        file=(io.BytesIO(b"currency,month,units_per_usd\nMWK,2026-02,1735\n"), "rates.csv"),
        import_site=HUGE), content_type="multipart/form-data", follow_redirects=True)
    assert response.status_code == 200
    assert "Traceback" not in response.get_data(as_text=True)
    assert db.session.query(ExchangeRate).count() == 0


@pytest.mark.parametrize("url", ["/earnings/new?learner=" + HUGE, "/outcomes/?scope=s" + HUGE,
                                 "/outcomes/?scope=c" + HUGE])
def test_a_huge_id_in_a_query_string_is_never_a_server_error(client, auth, world, url):
    auth.login(world["coordinator"].username)
    assert client.get(url).status_code in (200, 404)


def test_a_huge_learner_in_the_earnings_form_is_refused_and_nothing_is_saved(client, auth, world):
    auth.login(world["coordinator"].username)
    response = client.post("/earnings/new", data=form(
        learner=HUGE, earned_on="2026-03-04", amount="10", currency="USD", platform="upwork",
        kind="writing"))
    assert response.status_code in (200, 400)
    assert db.session.query(EarningEntry).count() == 0
