"""A POST sent twice (a retry on a flaky link, a double click) does the work once."""
import threading

from dip.extensions import db
from dip.modules.programs.models import Site
from tests.conftest import form


def _count_sites():
    return db.session.scalar(db.select(db.func.count()).select_from(Site))


def test_same_post_twice_creates_one_site_and_shows_same_result(client, auth, world):
    auth.login(world["admin"].username)
    data = form(name="Amman", country="JO", currency="JOD", timezone="Asia/Amman")
    before = _count_sites()
    first = client.post("/sites/new", data=data)
    second = client.post("/sites/new", data=data)
    assert first.status_code == second.status_code == 302
    assert first.location == second.location
    assert _count_sites() == before + 1


def test_after_a_validation_error_the_same_form_can_be_sent_again(client, auth, world):
    auth.login(world["admin"].username)
    data = form(name="Amman", country="JO", currency="NOPE", timezone="Asia/Amman")
    assert client.post("/sites/new", data=data).status_code == 200
    data["currency"] = "JOD"
    assert client.post("/sites/new", data=data).status_code == 302


def test_parallel_double_submit_does_the_work_once(app, world):
    from tests.conftest import Auth
    data = form(name="Kakuma 2", country="KE", currency="KES", timezone="Africa/Nairobi")
    clients = [app.test_client() for _ in range(2)]
    for c in clients:
        Auth(c).login(world["admin"].username)
    results = []

    def send(c):
        with app.app_context():
            results.append(c.post("/sites/new", data=data).status_code)
            db.session.remove()

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(results) in ([302, 302], [302, 409], [302, 400])
    assert db.session.scalar(db.select(db.func.count()).select_from(Site)
                             .where(Site.name == "Kakuma 2")) == 1


def test_post_without_token_is_refused(client, auth, world):
    auth.login(world["admin"].username)
    response = client.post("/sites/new", data={"name": "X", "country": "JO", "currency": "JOD",
                                               "timezone": "Asia/Amman"})
    assert response.status_code == 400
