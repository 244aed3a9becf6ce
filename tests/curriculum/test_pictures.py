"""Lesson drawings: only a small, safe SVG language gets in; each language gets its labels."""
import base64
import re

import pytest

from dip.modules.curriculum import svg
from dip.modules.curriculum.errors import ContentError
from dip.modules.curriculum.sync import sync
from tests.conftest import form  # noqa: F401 - keeps the fixtures' imports in one place
from tests.curriculum.conftest import DRAWING
from tests.helpers import BUDGET, first_view_bytes


@pytest.mark.parametrize("bad, named", [
    ('<script>alert(1)</script>', "<script>"),
    ('<image href="https://example.org/x.png" width="1" height="1"/>', "<image>"),
    ('<use href="#t-screen"/>', "<use>"),
    ('<foreignObject><p>hi</p></foreignObject>', "<foreignObject>"),
    ('<defs><style>text{fill:red}</style></defs>', "<defs>"),
    ('<rect width="1" height="1" onclick="alert(1)"/>', "onclick"),
    ('<rect width="1" height="1" style="fill:red"/>', "style"),
    ('<rect width="1" height="1" fill="url(https://example.org/#x)"/>', "fill"),
    ('<a href="https://example.org"><rect width="1" height="1"/></a>', "<a>"),
    ('<text x="1" y="1" text-anchor="middle" font-family="Comic Sans">x</text>', "font-family"),
    ('<rect xmlns:xl="http://www.w3.org/1999/xlink" xl:href="x" width="1" height="1"/>', "href"),
    ('<text id="t-x" x="1" y="1">Left</text>', 'text-anchor="middle"'),
    ('<text id="t-x" x="1" y="1" text-anchor="middle" font-size="9">Tiny</text>', "font-size 9"),
])
def test_anything_outside_the_allow_list_is_refused_and_named(bad, named):
    with pytest.raises(ContentError) as refused:
        svg.parse(DRAWING.replace("</svg>", bad + "</svg>").encode(), "screen-parts")
    assert named in str(refused.value)


def test_entities_and_doctypes_are_refused_before_anything_expands():
    bomb = ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' + DRAWING.replace("Screen", "&b;"))
    with pytest.raises(ContentError, match="DOCTYPE or an entity"):
        svg.parse(bomb.encode(), "screen-parts")
    local_file = '<!DOCTYPE svg [<!ENTITY f SYSTEM "file:///etc/passwd">]>' + DRAWING
    with pytest.raises(ContentError, match="DOCTYPE or an entity"):
        svg.parse(local_file.encode(), "screen-parts")


def test_size_comes_from_the_viewbox_and_must_fit_the_page():
    picture = svg.parse(DRAWING.encode(), "screen-parts")
    assert (picture.width, picture.height, picture.ids) == (400, 200, ("t-screen", "t-stand"))
    with pytest.raises(ContentError, match="width must be 360 to 480"):
        svg.parse(DRAWING.replace("0 0 400 200", "0 0 1200 200").replace(
            'width="400"', 'width="1200"').encode(), "x")


def test_each_language_gets_its_labels_title_and_direction():
    picture = svg.parse(DRAWING.encode(), "screen-parts")
    french = svg.localise(picture, "fr", {"t-screen": "Écran"}, "Les parties d'un écran").decode()
    assert ">Écran</text>" in french and ">Stand</text>" in french  # no label: English stays
    assert "<title>Les parties d'un écran</title>" in french and 'lang="fr"' in french
    assert "direction" not in french
    arabic = svg.localise(picture, "ar", {"t-screen": "الشاشة"}, "أجزاء الشاشة", rtl=True).decode()
    assert arabic.count('direction="rtl"') == 3 and ">الشاشة</text>" in arabic
    assert arabic.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'font-family="system-ui, sans-serif"' in arabic  # an <img> does not inherit it
    # What sync writes is the checked drawing plus only these attributes.
    svg.parse(re.sub(r' (direction|lang|font-family)="[^"]*"', "", arabic).encode(), "x")


def test_sync_names_the_refused_file_and_leaves_the_picture_out(app, drawn):
    bad = DRAWING.replace("</svg>", "<script>alert(1)</script></svg>")
    (drawn / "alpha" / "images" / "screen-parts.svg").write_text(bad, encoding="utf-8")
    report = sync(drawn)
    reasons = [(p.rsplit("/", 2)[-2:], r) for p, r in report["problems"]]
    assert (["images", "screen-parts.svg"], "<script> is not allowed (allowed: circle, ellipse, "
            "g, line, path, polygon, polyline, rect, svg, text, title)") in reasons
    from dip.modules.curriculum import services
    lesson = services.lesson_by_slug(services.module_by_key("alpha"), "first")
    assert "<img" not in lesson.texts["en"]["html"] and "script" not in lesson.texts["en"]["html"]


def _img(html: str) -> dict:
    tag = re.search(r"<img [^>]*>", html).group(0)
    return dict(re.findall(r'(\w+)="([^"]*)"', tag))


def test_lesson_shows_the_drawing_of_its_language_sized_lazy_and_described(
        client, auth, world, drawn):
    assert sync(drawn)["problems"] == []
    auth.login("learner.a")
    pages = {lang: client.get(f"/learn/alpha/first?lang={lang}").get_data(as_text=True)
             for lang in ("en", "fr", "ar")}
    en, fr, ar = (_img(pages[lang]) for lang in ("en", "fr", "ar"))
    assert (en["width"], en["height"], en["loading"]) == ("400", "200", "lazy")
    assert en["alt"] == "A screen on its stand" and fr["alt"] == "Un écran sur son pied"
    assert re.fullmatch(r"/learn/alpha/media/screen-parts\.fr\.svg\?v=[0-9a-f]{12}", fr["src"])
    picture = client.get(fr["src"])
    assert picture.status_code == 200 and picture.mimetype == "image/svg+xml"
    assert picture.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "default-src 'none'" in picture.headers["Content-Security-Policy"]
    body = picture.get_data(as_text=True)
    assert ">Écran</text>" in body and ">Pied</text>" in body and "<title>First lesson (fr)" in body
    drawing = client.get(ar["src"]).get_data(as_text=True)
    assert ">الشاشة</text>" in drawing and 'direction="rtl"' in drawing
    assert 'x="60"' in drawing  # Arabic's own mirrored drawing
    # A stale or guessed fingerprint is answered, but never cached for a year.
    stale = client.get(fr["src"].split("?")[0] + "?v=000000000000")
    assert stale.status_code == 200 and "immutable" not in stale.headers["Cache-Control"]
    assert client.get("/learn/alpha/media/screen-parts.sw.svg").status_code == 404
    assert client.get("/learn/alpha/media/..%2Fcatalogue.yaml").status_code == 404
    for lang in ("en", "ar"):  # the picture loads after the page: the first view stays light
        response = client.get(f"/learn/alpha/first?lang={lang}")
        assert first_view_bytes(client, response) <= BUDGET


def test_offline_pack_carries_the_drawing_inside(client, auth, world, drawn):
    sync(drawn)
    auth.login("learner.a")
    html = client.get("/learn/alpha/offline?lang=fr").get_data(as_text=True)
    embedded = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html)
    assert embedded and ">Écran</text>" in base64.b64decode(embedded.group(1)).decode()
    assert "/media/" not in html


def test_png_pictures_still_work(client, auth, world, synced):
    auth.login("learner.a")
    page = client.get("/learn/alpha/second").get_data(as_text=True)
    img = _img(page)
    assert (img["src"], img["width"], img["height"]) == ("/learn/alpha/media/screen.png", "4", "3")
    with client.get(img["src"]) as response:
        assert response.mimetype == "image/png"
