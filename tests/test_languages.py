"""Four languages ship; Arabic reads right to left; no string is left untranslated."""
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ("fr", "sw", "ar")


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


def test_every_page_links_every_language(client):
    html = client.get("/login").get_data(as_text=True)
    for code in ("en", "fr", "sw", "ar"):
        assert f'href="/login?lang={code}"' in html


def test_dates_are_formatted_for_the_locale(client, auth, world):
    auth.login(world["trainer"].username)
    cohort = world["cohort_a"]
    client.get("/?lang=fr")
    html = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    from babel.dates import format_date
    assert format_date(cohort.start_date, "medium", locale="fr") in html
