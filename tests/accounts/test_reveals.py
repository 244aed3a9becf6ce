"""First-time passwords and reset codes never travel in the session cookie (signed, not
encrypted): the server shows them once, on the next page, and then they are gone (issue 11)."""
import json
import re

from dip.extensions import db
from dip.modules.accounts.models import User
from tests.conftest import form

CODE_RE = re.compile(r"Reset code for learner\.a: ([a-z2-9]{4}-[a-z2-9]{4})")


def _session_text(app, client) -> str:
    """Everything the session cookie carries, decoded (anyone holding the cookie can do this)."""
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    data = app.session_interface.get_signing_serializer(app).loads(cookie.value)
    return json.dumps(data, default=str)


def test_first_time_password_is_not_in_the_cookie_and_shown_once(app, client, auth, world):
    auth.login(world["coordinator"].username)
    response = client.post("/users/new", data=form(
        username="new.trainer", display_name="New Trainer", role="trainer", language="fr",
        cohort=world["cohort_a"].id, site=0))
    assert response.status_code == 302
    cookie = _session_text(app, client)
    page = client.get(response.location).get_data(as_text=True)
    found = re.search(r"first-time password (\S+)\. They", page)
    assert found, "the password is shown on the next page"
    assert found.group(1) not in cookie
    assert "first-time password" not in cookie
    again = client.get(response.location).get_data(as_text=True)
    assert found.group(1) not in again  # shown once, then gone
    user = db.session.scalar(db.select(User).where(User.username == "new.trainer"))
    assert user.check_password(found.group(1))


def test_reset_code_is_not_in_the_cookie_and_shown_once(app, client, auth, world):
    auth.login(world["trainer"].username)
    response = client.post(f"/users/{world['learner'].id}/reset-code", data=form())
    cookie = _session_text(app, client)
    page = client.get(response.location).get_data(as_text=True)
    code = CODE_RE.search(page).group(1)
    assert code not in cookie
    assert code not in client.get(response.location).get_data(as_text=True)


def test_a_reveal_is_only_for_the_person_who_made_it(app, client, auth, world):
    auth.login(world["trainer"].username)
    client.post(f"/users/{world['learner'].id}/reset-code", data=form())
    auth.logout()  # the page that would show it is never opened
    auth.login(world["coordinator"].username)
    page = client.get(f"/users/{world['learner'].id}").get_data(as_text=True)
    assert "Reset code for" not in page


def test_an_unseen_reveal_does_not_stay_on_the_server(app, client, auth, world, monkeypatch):
    from datetime import timedelta

    from dip.modules.accounts import reveals
    from dip.modules.accounts.models import Reveal

    auth.login(world["trainer"].username)
    client.post(f"/users/{world['learner'].id}/reset-code", data=form())
    later = reveals.utcnow() + timedelta(minutes=reveals.REVEAL_MINUTES + 1)
    monkeypatch.setattr(reveals, "utcnow", lambda: later)
    page = client.get(f"/users/{world['learner'].id}").get_data(as_text=True)
    assert "Reset code for" not in page
    assert db.session.scalar(db.select(db.func.count()).select_from(Reveal)) == 0
