"""Managing people: one at a time, from a CSV, deactivating; and scope."""
import pytest

from dip.core.access import Role
from dip.modules.accounts.models import User, UserImport
from dip.extensions import db
from tests.conftest import form

CSV = (
    "username,display_name,language,gender,age_band,country_of_origin,baseline_income_usd\n"
    "amani.k,Amani Kabila,fr,male,25-34,CD,0\n"
    "bad name!,Broken,fr,female,18-24,CD,0\n"
    "grace.m,Grace Mapendo,sw,female,25-34,CD,12.50\n"
    "yasmin,Yasmin Omar,xx,female,25-34,SD,0\n"
    "amani.k,Amani Twice,fr,male,25-34,CD,0\n"
)


def _upload(client, cohort, data: bytes, name="learners.csv"):
    from io import BytesIO
    return client.post("/users/import", data=form(cohort=cohort.id, file=(BytesIO(data), name)),
                       content_type="multipart/form-data")


def test_bulk_import_creates_good_rows_and_reports_bad_ones_by_line(client, auth, world):
    auth.login(world["coordinator"].username)
    response = _upload(client, world["cohort_a"], CSV.encode())
    assert response.status_code == 302
    sheet = client.get(response.location).get_data(as_text=True)
    assert "2 learners created, 3 rows with mistakes." in sheet
    assert "amani.k" in sheet and "grace.m" in sheet
    for line in ("3", "5", "6"):
        assert f'<td class="num">{line}</td>' in sheet
    assert "appears twice" in sheet
    grace = db.session.scalar(db.select(User).where(User.username == "grace.m"))
    assert grace.must_change_password and grace.language == "sw"


def test_import_reads_excel_style_semicolon_cp1252(client, auth, world):
    auth.login(world["coordinator"].username)
    data = "username;display_name\nrene;René Ndayishimiye\n".encode("cp1252")
    response = _upload(client, world["cohort_a"], data)
    sheet = client.get(response.location).get_data(as_text=True)
    assert "René Ndayishimiye" in sheet


def test_import_of_empty_or_headerless_file_keeps_form_with_message(client, auth, world):
    auth.login(world["coordinator"].username)
    response = _upload(client, world["cohort_a"], b"username,display_name\n")
    assert response.status_code == 200
    assert "no learners" in response.get_data(as_text=True)


def test_retried_import_creates_learners_once(client, auth, world):
    from io import BytesIO
    auth.login(world["coordinator"].username)
    data = form(cohort=world["cohort_a"].id)
    first = client.post("/users/import", data={**data, "file": (BytesIO(CSV.encode()), "a.csv")},
                        content_type="multipart/form-data")
    second = client.post("/users/import", data={**data, "file": (BytesIO(CSV.encode()), "a.csv")},
                         content_type="multipart/form-data")
    assert first.location == second.location
    assert db.session.scalar(db.select(db.func.count()).select_from(UserImport)) == 1


def test_sheet_is_only_for_its_creator(client, auth, world):
    auth.login(world["coordinator"].username)
    location = _upload(client, world["cohort_a"], CSV.encode()).location
    auth.logout()
    auth.login(world["admin"].username)
    assert client.get(location).status_code == 404


def test_coordinator_cannot_import_into_another_site(client, auth, world):
    auth.login(world["coordinator"].username)
    response = _upload(client, world["cohort_b"], CSV.encode())
    assert response.status_code == 200  # the cohort is not even a choice
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_create_user_shows_first_time_password_once(client, auth, world):
    auth.login(world["coordinator"].username)
    data = form(username="new.trainer", display_name="New Trainer", role="trainer",
                language="fr", cohort=world["cohort_a"].id, site=0)
    response = client.post("/users/new", data=data, follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "can now sign in as new.trainer with the first-time password" in text
    again = client.post("/users/new", data=data, follow_redirects=True)
    assert "already saved" in again.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count()).select_from(User)
                             .where(User.username == "new.trainer")) == 1


def test_duplicate_username_keeps_what_was_typed(client, auth, world):
    auth.login(world["admin"].username)
    response = client.post("/users/new", data=form(
        username="learner.a", display_name="Somebody Typed This", role="learner", language="en",
        cohort=world["cohort_a"].id, site=0))
    text = response.get_data(as_text=True)
    assert "already taken" in text and 'value="Somebody Typed This"' in text


def test_only_admins_create_admins(client, auth, world):
    auth.login(world["coordinator"].username)
    response = client.post("/users/new", data=form(
        username="sneaky", display_name="S", role="admin", language="en", cohort=0, site=0))
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_deactivate_keeps_the_user_and_blocks_sign_in(client, auth, world):
    learner = world["learner"]
    auth.login(world["coordinator"].username)
    client.post(f"/users/{learner.id}/active", data=form(active="0"))
    db.session.refresh(learner)
    assert learner.active is False
    auth.logout()
    assert auth.login(learner.username).status_code == 401
    assert db.session.get(User, learner.id) is not None


@pytest.mark.parametrize("who,sees,hidden", [
    ("learner", [], None),
    ("trainer", ["learner.a"], "learner.b"),
    ("coordinator", ["learner.a", "trainer.a"], "learner.b"),
    ("admin", ["learner.a", "learner.b", "coord.a"], None),
])
def test_people_list_is_scoped(client, auth, world, who, sees, hidden):
    auth.login(world[who].username)
    response = client.get("/users/")
    if who == "learner":
        assert response.status_code == 403
        return
    text = response.get_data(as_text=True)
    for name in sees:
        assert name in text
    if hidden:
        assert hidden not in text
        other = world["other_learner"]
        assert client.get(f"/users/{other.id}").status_code == 404


def test_coordinator_adds_trainer_to_a_second_cohort(client, auth, world, make_cohort):
    from dip.modules.programs.models import CohortTrainer
    second = make_cohort(world["site_a"], "A2")
    auth.login(world["coordinator"].username)
    trainer = world["trainer"]
    page = client.get(f"/users/{trainer.id}").get_data(as_text=True)
    assert "Dzaleka · A1" in page
    response = client.post(f"/users/{trainer.id}/place", data=form(cohort=second.id, site=0))
    assert response.location == f"/users/{trainer.id}"
    assert db.session.get(CohortTrainer, (trainer.id, second.id)) is not None
    assert "Dzaleka · A2" in client.get(f"/users/{trainer.id}").get_data(as_text=True)


def test_coordinator_cannot_place_into_another_sites_cohort(client, auth, world):
    auth.login(world["coordinator"].username)
    trainer = world["trainer"]
    client.post(f"/users/{trainer.id}/place", data=form(cohort=world["cohort_b"].id, site=0))
    from dip.modules.programs.models import CohortTrainer
    assert db.session.get(CohortTrainer, (trainer.id, world["cohort_b"].id)) is None
