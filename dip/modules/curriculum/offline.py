"""Lesson HTML shown in the learner's language, and whole modules as one offline HTML file."""
import re
from pathlib import Path

from bs4 import BeautifulSoup
from flask import render_template
from flask_babel import gettext as _, lazy_gettext as _l
from markupsafe import Markup, escape

from dip.modules.curriculum import content
from dip.modules.curriculum.models import Module

SECTION_LABELS = {"explanation": _l("Explanation"), "worked-example": _l("Worked example"),
                  "practice": _l("Practice")}
_SECTION_RE = re.compile(r'<h2 id="(explanation|worked-example|practice)">[^<]*</h2>')
_pack_cache: dict[tuple, bytes] = {}


def localise(html: str) -> Markup:
    """Stored lesson HTML with its section headings and link markers in the UI language."""
    html = _SECTION_RE.sub(
        lambda m: f'<h2 id="{m.group(1)}">{escape(SECTION_LABELS[m.group(1)])}</h2>', html)
    html = html.replace(content.EXTERNAL_MARK,
                        f'<span class="ext">({escape(_("external link"))})</span>')
    return Markup(html)  # sanitised with nh3 at sync time


def toc(entries: list) -> list:
    """The table of contents with the section names in the UI language."""
    return [(level, anchor, str(SECTION_LABELS[anchor]) if anchor in SECTION_LABELS else text)
            for level, anchor, text in entries]


def _self_contained(html: str, module_key: str, slug: str, root: Path) -> str:
    """Images embedded as data URIs (or left out); links outside the pack become plain text."""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(id=True):  # many lessons in one file: keep anchors unique
        tag["id"] = f"{slug}-{tag['id']}"
    prefix = f"/learn/{module_key}/media/"
    for img in soup.find_all("img"):
        path = root / module_key / "images" / img.get("src", "").removeprefix(prefix)
        if img.get("src", "").startswith(prefix) and path.is_file():
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
    key = (str(root), module.id, module.content_hash, lang)
    if key not in _pack_cache:
        lessons = [(l, l.text_in(lang)) for l in module.lessons]
        bodies = [Markup(_self_contained(str(localise(text["html"])), module.key, lesson.slug,
                                          root)) for lesson, text in lessons]
        html = render_template("curriculum/offline.html", module=module, lessons=lessons,
                               bodies=bodies, lang=lang)
        _pack_cache[key] = html.encode("utf-8")
    return _pack_cache[key]
