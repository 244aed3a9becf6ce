"""The public page: an unguessable, revocable link showing only what the learner chose."""
from dip.extensions import db
from dip.modules.portfolio.models import PublicProfile
from tests.conftest import form
from tests.helpers import assert_light_page


def _open(client):
    assert client.post("/portfolio/public/link", data=form(action="new")).status_code == 302
    return db.session.get(PublicProfile, _learner_id()).token


def _learner_id():
    from sqlalchemy import select

    from dip.modules.accounts.models import User
    return db.session.scalar(select(User.id).where(User.username == "learner.a"))


def test_closed_until_opened_then_shows_only_what_was_chosen(client, auth, people, make_item):
    make_item(people["learner"], title="Public translation", visibility="public",
              skills=["translation", "proofreading"], tags="Kiswahili")
    make_item(people["learner"], title="Trainer-only work", visibility="cohort",
              skills=["data_entry"])
    make_item(people["learner"], title="My private draft", visibility="private")
    auth.login("learner.a")
    settings = client.get("/portfolio/public")
    assert "Your public page is closed" in settings.get_data(as_text=True)
    assert_light_page(client, settings)
    client.post("/portfolio/public", data=form(shown_name="Amina K.",
                                               headline="Accurate French–English translator",
                                               about=""))
    token = _open(client)
    assert len(token) >= 32  # secrets.token_urlsafe(24): unguessable
    auth.logout()
    page = client.get(f"/p/{token}")
    html = page.get_data(as_text=True)
    assert "Amina K." in html and "Accurate French–English translator" in html
    assert "Public translation" in html and "Proofreading" in html and "Kiswahili" in html
    assert "Trainer-only work" not in html and "My private draft" not in html
    assert "Data entry" not in html
    # No camp, site, cohort or username unless the learner writes it.
    for secret in ("Dzaleka", "A1", "learner.a", "Learner.A"):
        assert secret not in html, secret
    assert "noindex" in html
    assert_light_page(client, page)


def test_revoke_and_regenerate(client, auth, people, make_item):
    make_item(people["learner"], visibility="public")
    auth.login("learner.a")
    first = _open(client)
    assert client.get(f"/p/{first}").status_code == 200
    second = _open(client)  # a new link: the old one stops working
    assert second != first
    assert client.get(f"/p/{first}").status_code == 404
    assert client.get(f"/p/{second}").status_code == 200
    client.post("/portfolio/public/link", data=form(action="revoke"))
    assert client.get(f"/p/{second}").status_code == 404
    assert client.get("/p/guess").status_code == 404
    assert "closed" in client.get("/portfolio/public").get_data(as_text=True)


def test_public_file_only_for_public_items(client, auth, people, make_item):
    from tests.portfolio.conftest import PDF, multipart

    auth.login("learner.a")
    multipart(client, "/portfolio/new", {"title": "Flyer", "visibility": "public"}, (PDF, "f.pdf"))
    multipart(client, "/portfolio/new", {"title": "Hidden", "visibility": "cohort"},
              (PDF, "h.pdf"))
    token = _open(client)
    auth.logout()
    html = client.get(f"/p/{token}").get_data(as_text=True)
    assert "f.pdf" in html and "h.pdf" not in html
    with client.get(f"/p/{token}/1/file") as download:
        assert download.status_code == 200 and download.get_data() == PDF
    assert client.get(f"/p/{token}/2/file").status_code == 404
    assert client.get("/p/wrong-token/1/file").status_code == 404


def test_public_page_is_inert_to_injection(client, auth, people, make_item):
    attack = '<script>alert(1)</script>'
    make_item(people["learner"], title=attack, visibility="public", tags=attack)
    auth.login("learner.a")
    client.post("/portfolio/public", data=form(shown_name=attack, headline=attack, about=attack))
    token = _open(client)
    html = client.get(f"/p/{token}").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_name_is_required(client, auth, people):
    auth.login("learner.a")
    response = client.post("/portfolio/public", data=form(shown_name=" ", headline="x"))
    assert response.status_code == 200 and "This field is required" in response.get_data(
        as_text=True)
