"""Six languages ship; Arabic reads right to left; no string is left untranslated; Kinyarwanda
and Kirundi read naturally where Babel's locale data is thin."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("fr", "sw", "ar", "rw", "rn")


def _catalogue(lang):
    with open(ROOT / "translations" / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", SHIPPED)
def test_every_string_is_translated(lang):
    with open(ROOT / "translations" / "messages.pot", "rb") as f:
        template = read_po(f)
    catalogue = _catalogue(lang)
    missing = []
    for message in template:
        if not message.id:
            continue
        found = catalogue.get(message.id, message.context)
        strings = (found.string if isinstance(found.string, (list, tuple)) else [found.string]) \
            if found else []
        if not found or not all(strings) or found.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    assert missing == [], f"{len(missing)} strings untranslated in {lang}: {missing[:10]}"


@pytest.mark.parametrize("lang", SHIPPED)
def test_placeholders_survive_translation(lang):
    import re
    pattern = re.compile(r"%\((\w+)\)s")
    broken = []
    for message in _catalogue(lang):
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        wanted = set(pattern.findall(ids[0]))
        for s in strings:
            if set(pattern.findall(s)) - (wanted | set(pattern.findall(ids[-1]))):
                broken.append(ids[0])
    assert broken == []


def test_catalogue_is_current():
    """messages.pot holds every string the code marks (run scripts/i18n to refresh it)."""
    import subprocess
    import sys
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "fresh.pot"
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract",
                        "-F", str(ROOT / "translations/babel.cfg"), "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2",
                        "--no-location", "-o", str(out), str(ROOT)],
                       check=True, capture_output=True)
        with open(out, "rb") as f:
            fresh = {m.id for m in read_po(f) if m.id}
    with open(ROOT / "translations" / "messages.pot", "rb") as f:
        shipped = {m.id for m in read_po(f) if m.id}
    assert fresh - shipped == set(), f"run scripts/i18n: {sorted(map(str, fresh - shipped))[:10]}"


def test_arabic_pages_are_right_to_left(client):
    html = client.get("/login?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "تسجيل الدخول" in html


def test_language_choice_on_sign_in_page_sticks_and_becomes_preference(client, auth, world):
    html = client.get("/login?lang=sw").get_data(as_text=True)
    assert '<html lang="sw" dir="ltr">' in html
    auth.login(world["learner"].username)
    assert '<html lang="sw"' in client.get("/").get_data(as_text=True)
    assert world["learner"].language == "sw"


def test_switching_language_mid_session_changes_the_whole_page_at_once(client, auth, world):
    # A learner on a shared computer switches back and forth: the menu, the buttons and the
    # page's own words follow each switch on the very next page, never the last person's choice.
    auth.login(world["learner"].username)
    for lang, earnings, sign_out in (("fr", "Revenus", "Se déconnecter"),
                                     ("ar", "الأرباح", "تسجيل الخروج"),
                                     ("fr", "Revenus", "Se déconnecter"),
                                     ("en", "Earnings", "Sign out")):
        html = client.get(f"/?lang={lang}").get_data(as_text=True)
        assert f'<html lang="{lang}"' in html
        nav = html.split('<nav aria-label="', 1)[1].split("</nav>", 1)[0]
        assert f'href="/earnings/">{earnings}</a>' in nav
        assert f">{sign_out}</button>" in html
        assert f'<html lang="{lang}"' in client.get("/earnings/").get_data(as_text=True)


def test_every_page_links_every_language(client):
    html = client.get("/login").get_data(as_text=True)
    for code in ("en", "fr", "sw", "ar", "rw", "rn"):
        assert f'href="/login?lang={code}"' in html


def test_dates_are_formatted_for_the_locale(client, auth, world):
    auth.login(world["trainer"].username)
    cohort = world["cohort_a"]
    client.get("/?lang=fr")
    html = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    from babel.dates import format_date
    assert format_date(cohort.start_date, "medium", locale="fr") in html


@pytest.mark.parametrize("lang", SHIPPED)
def test_plural_rule_in_the_catalogue_is_babels(lang):
    """The header's Plural-Forms is the one pybabel writes for the language, so `scripts/i18n`
    never silently changes how many forms a translator must give."""
    from babel.messages.catalog import Catalog
    catalogue = _catalogue(lang)
    assert catalogue.plural_forms == Catalog(locale=lang).plural_forms
    for message in catalogue:
        if message.id and isinstance(message.id, (list, tuple)):
            assert len(message.string) == catalogue.num_plurals, message.id[0]


@pytest.mark.parametrize("lang, one, many", [("rw", "Isomo 1", "Amasomo 3"),
                                             ("rn", "Icigwa 1", "Ivyigwa 3")])
def test_kinyarwanda_and_kirundi_say_one_lesson_and_many_lessons(app, lang, one, many):
    # CLDR has no plural rules for rw or rn (Babel's Locale.plural_form says every number is
    # "other"), but both languages change the noun: isomo / amasomo, icigwa / ivyigwa.
    from flask_babel import force_locale, ngettext
    with app.test_request_context(), force_locale(lang):
        assert ngettext("%(num)s lesson", "%(num)s lessons", 1) == one
        assert ngettext("%(num)s lesson", "%(num)s lessons", 3) == many


@pytest.mark.parametrize("lang, words", [("rw", ("Injira", "Ijambobanga", "Izina ukoresha")),
                                         ("rn", ("Injira", "Ijambo ry'ibanga",
                                                 "Izina ryo kwinjira"))])
def test_sign_in_page_reads_in_kinyarwanda_and_kirundi(client, lang, words):
    html = client.get(f"/login?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}" dir="ltr">' in html
    for word in words:
        assert word in html


def test_kinyarwanda_dates_put_the_day_first(client, auth, world):
    """CLDR has only root patterns for rw ("2026 Uku. 1"); the page writes "1 Uku. 2026"."""
    from babel.dates import format_date
    auth.login(world["trainer"].username)
    cohort = world["cohort_a"]
    day = cohort.start_date
    client.get("/?lang=rw")
    html = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    month = format_date(day, "MMM", locale="rw")
    assert f"{day.day} {month} {day.year}" in html
    assert format_date(day, "medium", locale="rw") not in html
    client.get("/?lang=rn")  # Kirundi has its own CLDR patterns, already day first
    html = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    assert format_date(day, "medium", locale="rn") in html


@pytest.mark.parametrize("lang, word", [("rw", "iminota 15"), ("rn", "iminota 15"),
                                        ("fr", "15 minutes")])
def test_a_wait_is_said_in_words_even_where_babel_has_no_unit_names(app, lang, word):
    from datetime import timedelta

    from flask_babel import force_locale

    from dip.core.locales import duration
    with app.test_request_context(), force_locale(lang):
        assert duration(timedelta(minutes=15)) == word
        assert "min" not in duration(timedelta(seconds=30)).replace("minute", "")


def test_country_names_fall_back_to_a_close_language_then_english(app):
    from dip.core.locales import country_name
    assert country_name("RW", "rw") == "U Rwanda"  # Kinyarwanda's own
    assert country_name("MW", "rw") == "Malawi"  # Kirundi's: CLDR has 3 names in Kinyarwanda
    assert country_name("BI", "rw") == "Uburundi"
    assert country_name("SS", "rn") == "South Sudan"  # neither has it: English
    assert country_name("QQ", "rn") == "QQ"  # no name anywhere: the code itself


@pytest.mark.slow
def test_every_real_lesson_fits_the_budget_in_kinyarwanda_and_kirundi(client, auth, world):
    """Longer menu words and the missing-translation notice still leave each lesson page in
    one round trip (the lessons themselves are English until they are translated)."""
    from dip.modules.curriculum import services
    from dip.modules.curriculum.sync import sync
    from tests.curriculum.test_sync import REAL_CONTENT
    from tests.helpers import BUDGET, first_view_bytes

    sync(REAL_CONTENT)
    auth.login("learner.a")
    sizes = {}
    for lesson in services.lessons():
        for lang in ("rw", "rn"):
            response = client.get(f"/learn/{lesson.module.key}/{lesson.slug}?lang={lang}")
            assert response.status_code == 200
            sizes[response.request.url] = first_view_bytes(client, response)
    largest = max(sizes, key=sizes.get)
    assert sizes[largest] <= BUDGET, (largest, sizes[largest])


def test_kinyarwanda_and_kirundi_can_be_chosen_wherever_a_language_is(client, auth, world, runner):
    """The user form, the learner CSV import (and its message for a wrong code), the CLI."""
    from io import BytesIO

    from dip.extensions import db
    from dip.modules.accounts.models import User
    from tests.conftest import form

    auth.login(world["coordinator"].username)
    new_user = client.get("/users/new").get_data(as_text=True)
    assert 'value="rw"' in new_user and ">Ikinyarwanda</option>" in new_user
    assert 'value="rn"' in new_user and ">Ikirundi</option>" in new_user
    assert "one of en, fr, sw, ar, rw, rn" in client.get("/users/import").get_data(as_text=True)
    csv = ("username,display_name,language\n"
           "divine.u,Divine Uwase,rw\nolivier.n,Olivier Nshimirimana,rn\nyasmin,Yasmin,xx\n")
    response = client.post("/users/import", data=form(
        cohort=world["cohort_a"].id, file=(BytesIO(csv.encode()), "learners.csv")),
        content_type="multipart/form-data")
    sheet = client.get(response.location).get_data(as_text=True)
    assert "language: use one of en, fr, sw, ar, rw, rn" in sheet
    languages = dict(db.session.execute(db.select(User.username, User.language)
                                        .where(User.username.in_(["divine.u", "olivier.n"]))).all())
    assert languages == {"divine.u": "rw", "olivier.n": "rn"}
    result = runner.invoke(args=["dip", "create-user", "--username", "claude.h", "--password",
                                 "long enough 1", "--role", "admin", "--language", "rn"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(db.select(User.language).where(User.username == "claude.h")) == "rn"
