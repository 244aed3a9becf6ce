"""Property-based tests: no input to the foundation's forms and parsers gives a 500 or bad data."""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dip.core.csvio import CsvError, read_rows
from dip.extensions import db
from dip.modules.programs.models import Site
from tests.conftest import form

FUZZ = settings(max_examples=40, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


@given(st.binary(max_size=2000))
@settings(max_examples=300, deadline=None)
def test_csv_reader_reads_or_refuses_any_bytes(data):
    try:
        header, rows = read_rows(data)
    except CsvError:
        return
    assert all(isinstance(h, str) for h in header)
    assert all(isinstance(line, int) and line >= 2 for line, _ in rows)


@FUZZ
@given(username=text, password=text)
def test_sign_in_never_fails_with_a_server_error(client, username, password):
    response = client.post("/login", data={"username": username, "password": password})
    assert response.status_code in (200, 401, 429)


@FUZZ
@given(name=text, country=text, currency=text, timezone=text)
def test_site_form_accepts_only_valid_codes(client, auth, world, name, country, currency, timezone):
    auth.login(world["admin"].username)
    response = client.post("/sites/new", data=form(name=name, country=country, currency=currency,
                                                   timezone=timezone))
    assert response.status_code in (200, 302)
    for site in db.session.scalars(db.select(Site)):
        assert len(site.country) == 2 and len(site.currency) == 3 and site.name.strip()


@FUZZ
@given(body=st.lists(st.lists(text, min_size=1, max_size=8), max_size=6))
def test_learner_import_never_fails_with_a_server_error(client, auth, world, body):
    from io import BytesIO
    auth.login(world["coordinator"].username)
    lines = ["username,display_name,language,gender,age_band,country_of_origin,baseline_income_usd"]
    lines += [",".join('"' + cell.replace('"', '""') + '"' for cell in row) for row in body]
    data = "\n".join(lines).encode()
    response = client.post("/users/import", data=form(cohort=world["cohort_a"].id,
                                                      file=(BytesIO(data), "x.csv")),
                           content_type="multipart/form-data")
    assert response.status_code in (200, 302)
