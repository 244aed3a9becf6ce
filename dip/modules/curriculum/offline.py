"""Lesson HTML shown in the learner's language, and whole modules as one offline HTML file."""
import base64
import re
from collections import OrderedDict
from pathlib import Path

from bs4 import BeautifulSoup
from flask import render_template
from flask_babel import gettext as _, lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import select

from dip.extensions import db
from dip.modules.curriculum import content
from dip.modules.curriculum.langs import direction
from dip.modules.curriculum.models import Module, Picture

SECTION_LABELS = {"explanation": _l("Explanation"), "worked-example": _l("Worked example"),
                  "practice": _l("Practice")}
_SECTION_RE = re.compile(r'<h2 id="(explanation|worked-example|practice)">[^<]*</h2>')
_SVG_RE = re.compile(r"/learn/[a-z0-9-]+/media/([a-z0-9-]+)\.([a-z]{2,3})\.svg\?v=[0-9a-f]+$")
#: A few packs per process (one is 100-400 KB): what a class downloading the same module needs.
PACKS_KEPT = 6
_packs: OrderedDict[tuple, bytes] = OrderedDict()
_sizes: dict[tuple, int] = {}


def localise(html: str, ui: str = "en", text_lang: str = "en") -> Markup:
    """Stored lesson HTML with its section headings and link markers in the UI language.

    When the text is in another language than the interface (English standing in for a
    missing translation), those interface words carry the interface's ``lang`` and ``dir``.
    """
    tag = "" if ui == text_lang else f' lang="{ui}" dir="{direction(ui)}"'
    html = _SECTION_RE.sub(
        lambda m: f'<h2 id="{m.group(1)}"{tag}>{escape(SECTION_LABELS[m.group(1)])}</h2>', html)
    html = html.replace(content.EXTERNAL_MARK,
                        f'<span class="ext"{tag}>({escape(_("external link"))})</span>')
    return Markup(html)  # sanitised with nh3 at sync time


def toc(entries: list) -> list:
    """The table of contents: ``(level, anchor, label, in the UI language?)``; the three
    section names are the interface's, the sub-headings the lesson's."""
    return [(level, anchor, str(SECTION_LABELS[anchor]), True) if anchor in SECTION_LABELS
            else (level, anchor, text, False) for level, anchor, text in entries]


def _self_contained(html: str, module_key: str, slug: str, root: Path,
                    drawings: dict[tuple[str, str], str]) -> str:
    """Images embedded as data URIs (or left out); links outside the pack become plain text."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(id=True):  # many lessons in one file: keep anchors unique
        tag["id"] = f"{slug}-{tag['id']}"
    prefix = f"/learn/{module_key}/media/"
    for img in soup.find_all("img"):
        src = img.get("src", "")
        drawing = _SVG_RE.match(src)
        path = root / module_key / "images" / src.removeprefix(prefix)
        if drawing and drawing.groups() in drawings:
            svg = drawings[drawing.groups()].encode("utf-8")
            img["src"] = "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
            del img["loading"]
        elif src.startswith(prefix) and not drawing and path.is_file():
            img["src"] = content.data_uri(path)
            del img["loading"]
        else:
            img.decompose()
    for link in soup.find_all("a"):
        href = link.get("href", "")
        if href.startswith("#"):
            link["href"] = f"#{slug}-{href[1:]}"
            continue
        # Offline there is nothing to follow: keep the text and show where it pointed.
        for mark in link.find_all("span", class_="ext"):
            mark.decompose()
        code = soup.new_tag("code")
        code.string = href
        link.replace_with(link.get_text(" ", strip=True) + " ", code)
    return str(soup)


def pack(module: Module, lang: str, root: Path = content.CONTENT_ROOT) -> bytes:
    """The whole module as one self-contained HTML file in ``lang`` (cached per content hash)."""
    from dip.modules.curriculum.services import lesson_text

    key = (str(root), module.id, module.content_hash, lang)
    if key in _packs:
        _packs.move_to_end(key)
        return _packs[key]
    drawings = {(p.name, p.lang): p.svg for p in db.session.scalars(
        select(Picture).where(Picture.module_id == module.id))}
    lessons = []
    for lesson in module.lessons:
        shown, text = lesson_text(lesson, lang)
        body = _self_contained(str(localise(text["html"], lang, shown)), module.key,
                               lesson.slug, root, drawings)
        lessons.append((lesson, text, shown, direction(shown), Markup(body)))
    html = render_template("curriculum/offline.html", module=module, lessons=lessons, lang=lang,
                           lang_dir=direction(lang)).encode("utf-8")
    _packs[key] = html
    while len(_packs) > PACKS_KEPT:
        _packs.popitem(last=False)
    _sizes[key] = len(html)
    return html


def pack_size(module: Module, lang: str, root: Path = content.CONTENT_ROOT) -> int:
    """The offline pack's size in bytes, for the module page (made once per content and
    language, so a module page view does not build a 300 KB file to print one number)."""
    key = (str(root), module.id, module.content_hash, lang)
    if key not in _sizes:
        pack(module, lang, root)
    return _sizes[key]
