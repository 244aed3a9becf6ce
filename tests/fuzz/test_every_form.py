"""Every form a role can reach, filled with hostile input, never gives a server error.

The demo site is loaded, each role follows the links from its home page (JavaScript off),
and every POST form found on those pages is sent with values drawn by Hypothesis: empty,
huge, wrong-typed, script and SQL, right-to-left text, control characters, random files.
A form may refuse the input (200 with a message, 4xx), but never answer 5xx, and afterwards
the site still works for the same user. Sign-out and language forms are left out.
"""
import io
import re
from dataclasses import dataclass, field

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dip.cli import DEMO_PASSWORD
from dip.core.once import new_token
from tests.helpers import crawl

ROLES = {"learner": "learner01", "trainer": "trainer", "coordinator": "coordinator",
         "reviewer": "reviewer", "admin": "admin"}
SKIP_ACTIONS = re.compile(r"/logout|lang=")
NASTY = ["", " ", "0", "-1", "1e309", "NaN", "2026-02-30", "1900-01-01", "99999999999999999999",
         "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "a" * 5000, "١٢٣٫٤٥", "مرحبا",
         "‮evil", "../../etc/passwd", "%s %(x)s {0}", "1.234,56", "$1,234.56"]
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)


@dataclass
class Form:
    """A POST form found on a page: where it goes and the fields a browser would send."""

    page: str
    action: str
    multipart: bool
    fields: dict = field(default_factory=dict)  # name -> list of allowed values, or None (free)


def _forms(url: str, html: str):
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all("form", method=re.compile("post", re.I)):
        action = tag.get("action") or url
        if SKIP_ACTIONS.search(action):
            continue
        found = Form(url, action, tag.get("enctype") == "multipart/form-data")
        for node in tag.find_all(["input", "select", "textarea"]):
            name = node.get("name")
            if not name or name in ("once", "csrf_token"):
                continue
            if node.name == "select":
                found.fields[name] = [o.get("value", o.text) for o in node.find_all("option")]
            elif node.get("type") in ("checkbox", "radio"):
                found.fields.setdefault(name, []).append(node.get("value", "y"))
            elif node.get("type") == "file":
                found.fields[name] = "file"
            elif node.get("type") == "hidden":
                found.fields[name] = [node.get("value", "")]
            else:
                found.fields[name] = None
        yield found


def _value(data, allowed):
    if allowed == "file":
        return (io.BytesIO(data.draw(st.binary(max_size=3000))),
                data.draw(st.sampled_from(["a.docx", "b.xlsx", "c.csv", "d.png", "e.pdf", "f"])))
    choices = [st.sampled_from(NASTY), text]
    if allowed:
        choices.insert(0, st.sampled_from(allowed))
    return data.draw(st.one_of(*choices))


@pytest.mark.slow  # the longest drill of the suite (minutes): .ci/run runs it
@pytest.mark.parametrize("role", list(ROLES))
def test_no_input_to_any_form_gives_a_server_error(app, runner, role):
    assert runner.invoke(args=["dip", "curriculum", "sync"]).exit_code == 0
    assert runner.invoke(args=["dip", "demo"]).exit_code == 0
    client = app.test_client()
    username = ROLES[role]
    assert client.post("/login", data={"username": username,
                                       "password": DEMO_PASSWORD}).status_code == 302
    forms, seen = [], set()
    for url, response in crawl(client, "/", max_pages=80):
        for found in _forms(url, response.get_data(as_text=True)):
            key = (re.sub(r"\d+", "N", found.action), tuple(sorted(found.fields)))
            if key not in seen:
                seen.add(key)
                forms.append(found)
    assert forms, "no form was found to try"

    for found in forms:
        @settings(max_examples=6, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(st.data())
        def send(data):
            body = {name: _value(data, allowed) for name, allowed in found.fields.items()}
            body["once"] = new_token()
            response = client.post(found.action, data=body,
                                   content_type="multipart/form-data" if found.multipart else None)
            assert response.status_code < 500, (found.page, found.action, body)

        send()
    # Whatever was sent, the same user can still use the site.
    home = client.get("/")
    if home.status_code == 302:  # a fuzzed password change or sign-out form ended the session
        assert "/login" in home.location or "/password" in home.location
    else:
        assert home.status_code == 200
