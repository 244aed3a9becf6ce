"""The navigation every role reads: a short bar (what a role uses daily), the rest in a "More"
menu that opens without JavaScript (<details>), nothing lost between the two, and sign-out one
click away on every page. That the bar fits one line at 1280 px is checked in Chromium
(tests/browser/test_staff_pages.py)."""
import re

import pytest
from bs4 import BeautifulSoup

from dip.core import pages
from dip.core.access import Role
from tests.helpers import crawl

BAR_MOST = 6


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_a_short_bar_and_the_rest_under_more(client, auth, world, role):
    auth.login(world[role].username)
    html = client.get("/").get_data(as_text=True)
    nav = BeautifulSoup(html, "html.parser").select_one("header nav")
    bar = [a["href"] for a in nav.select(":scope > ul > li > a")]
    more = [a["href"] for a in nav.select("li.more details ul a")]
    assert len(bar) <= BAR_MOST
    if more:
        assert nav.select_one("li.more details > summary").get_text() == "More"
    # Every section the role may open is still one of the two.
    with client.application.test_request_context():
        everything = [url for _label, url in pages.nav_for(world[role])]
    assert sorted(bar + more) == sorted(everything)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_sign_out_is_one_click_from_every_page(client, auth, world, role):
    auth.login(world[role].username)
    seen = 0
    for url, response in crawl(client, "/", max_pages=25):
        header = BeautifulSoup(response.get_data(as_text=True), "html.parser").header
        form = header.find("form", action="/logout")
        assert form is not None and form.button is not None, url
        assert not form.find_parent("details"), url  # never hidden inside the More menu
        seen += 1
    assert seen >= 3


def test_the_current_page_is_marked_inside_more(client, auth, world):
    auth.login("coord.a")
    html = client.get("/sites/").get_data(as_text=True)
    more = re.search(r'<li class="more">.*?</li></ul></details>', html, re.S).group(0)
    assert '<summary class="here">' in more and 'aria-current="page"' in more
