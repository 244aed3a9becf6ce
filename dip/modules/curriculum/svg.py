"""Lesson pictures: hand-written SVG checked against an allow-list, then made per language.

Why a hand-written allow-list: nh3 (ammonia) and bleach are HTML sanitisers. They parse with
an HTML parser that treats SVG as foreign content, lower-case or drop camel-case attributes
such as ``viewBox``, know nothing of SVG's presentation attributes or of which values may
hold ``url(…)`` references, and bleach is deprecated. The drawings we accept are a small,
fixed language (CONTENT_SPEC.md), so we parse them as XML, check every element, attribute and
value against that language, and write the SVG out again from the checked tree: nothing we
did not read and allow can reach the output (comments and processing instructions are not
even kept by the parser).
"""
import copy
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from xml.parsers import expat

from dip.modules.curriculum.errors import ContentError

NS = "http://www.w3.org/2000/svg"
ELEMENTS = {"svg", "g", "rect", "circle", "ellipse", "line", "polyline", "polygon", "path",
            "text", "title"}
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?(px|%)?$")
_NUMBERS = re.compile(r"^[-+\d.eE\s,]*$")
_COLOUR = re.compile(r"^(none|currentColor|[a-zA-Z]{3,20}|#[0-9a-fA-F]{3,8}|"
                     r"rgba?\(\s*[\d.%\s,]+\))$")
_PATH = re.compile(r"^[MmZzLlHhVvCcSsQqTtAa\d\s,.eE+-]*$")
_TRANSFORM = re.compile(r"^(\s*(translate|rotate|scale|matrix|skewX|skewY)\([-+\d.eE\s,]*\)\s*,?)+\s*$")
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")


def _one_of(*words: str):
    return re.compile("^(" + "|".join(re.escape(w) for w in words) + ")$")


#: Every attribute a drawing may use, with the pattern its value must match. No value can
#: hold ``url(``, ``:`` or ``;``, so nothing can point outside the drawing or carry CSS.
ATTRIBUTES = {
    "fill": _COLOUR, "stroke": _COLOUR, "stroke-width": _NUMBER, "stroke-dasharray": _NUMBERS,
    "stroke-linecap": _one_of("butt", "round", "square"),
    "stroke-linejoin": _one_of("miter", "round", "bevel"),
    "opacity": _NUMBER, "fill-opacity": _NUMBER, "stroke-opacity": _NUMBER,
    "x": _NUMBER, "y": _NUMBER, "x1": _NUMBER, "y1": _NUMBER, "x2": _NUMBER, "y2": _NUMBER,
    "cx": _NUMBER, "cy": _NUMBER, "r": _NUMBER, "rx": _NUMBER, "ry": _NUMBER,
    "width": _NUMBER, "height": _NUMBER, "points": _NUMBERS, "d": _PATH,
    "transform": _TRANSFORM, "font-size": _NUMBER,
    "font-weight": _one_of("normal", "bold", "bolder", "lighter", *(f"{n}00" for n in range(1, 10))),
    "text-anchor": _one_of("start", "middle", "end"),
    "dominant-baseline": _one_of("auto", "middle", "central", "hanging", "alphabetic"),
    "id": _ID, "viewBox": _NUMBERS,
}
ROOT_ONLY = {"viewBox"}
MIN_WIDTH, MAX_WIDTH, MAX_HEIGHT, MIN_FONT = 360, 480, 1200, 15


@dataclass
class Picture:
    """A checked drawing: its size (from the viewBox), the ids of its texts, and its tree."""

    name: str
    width: int
    height: int
    ids: tuple[str, ...]
    root: ET.Element


def _refuse(*_args):
    raise ContentError("a DOCTYPE or an entity is not allowed")


def _safe_tree(data: bytes) -> ET.Element:
    """Parse XML that has no DOCTYPE and no entity (billion laughs, external files)."""
    scanner = expat.ParserCreate()
    scanner.StartDoctypeDeclHandler = _refuse
    scanner.EntityDeclHandler = _refuse
    scanner.ExternalEntityRefHandler = _refuse
    try:
        scanner.Parse(data, True)
        return ET.fromstring(data)  # no DTD, so nothing left for ElementTree to expand
    except (expat.ExpatError, ET.ParseError) as exc:
        raise ContentError(f"not well-formed XML: {exc}") from exc


def _local(tag: str) -> str:
    if not tag.startswith("{" + NS + "}"):
        raise ContentError(f"<{tag}> is not an SVG element (xmlns must be {NS})")
    return tag[len(NS) + 2:]


def _inherited(chain: list[ET.Element], name: str) -> str | None:
    for element in reversed(chain):
        if name in element.attrib:
            return element.attrib[name]
    return None


def _check(element: ET.Element, chain: list[ET.Element], ids: list[str]) -> None:
    """Check ``element`` and its children; ``chain`` is its ancestors, ``ids`` collects text ids."""
    tag = _local(element.tag)
    if tag not in ELEMENTS or (tag == "svg" and chain):
        raise ContentError(f"<{tag}> is not allowed (allowed: {', '.join(sorted(ELEMENTS))})")
    for name, value in element.attrib.items():
        rule = ATTRIBUTES.get(name)
        if rule is None or (name in ROOT_ONLY and chain) or tag == "title":
            raise ContentError(f'<{tag} {name}="…"> is not allowed')
        if not rule.match(value.strip()):
            raise ContentError(f'<{tag} {name}="{value[:40]}">: this value is not allowed')
    if tag == "title" and (len(chain) != 1 or chain[0][0] is not element):
        raise ContentError("<title> must be the first child of <svg>")
    if tag in ("text", "title"):
        if len(element):
            raise ContentError(f"<{tag}> may hold only text (no <{_local(element[0].tag)}>)")
    elif (element.text or "").strip():
        raise ContentError(f"<{tag}> holds text; put words in a <text>")
    if tag == "text":
        where = f'<text id="{element.get("id")}">' if element.get("id") else "<text>"
        if _inherited(chain + [element], "text-anchor") != "middle":
            raise ContentError(f'{where} needs text-anchor="middle" (labels stay in place in '
                               "right-to-left languages)")
        size = _inherited(chain + [element], "font-size")
        if size is not None and float(re.sub(r"(px|%)$", "", size)) < MIN_FONT:
            raise ContentError(f"{where} has font-size {size}; use {MIN_FONT} or more")
        if element.get("id"):
            if element.get("id") in ids:
                raise ContentError(f'the id "{element.get("id")}" is used twice')
            ids.append(element.get("id"))
    for child in element:
        if (child.tail or "").strip():
            raise ContentError(f"text outside an element after <{_local(child.tag)}>")
        _check(child, chain + [element], ids)


def parse(data: bytes, name: str) -> Picture:
    """Check a drawing against the allow-list; raise ContentError naming what is not allowed."""
    root = _safe_tree(data)
    if root.tag != "{" + NS + "}svg":
        raise ContentError(f'the root element must be <svg xmlns="{NS}">')
    ids: list[str] = []
    _check(root, [], ids)
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if len(box) != 4 or float(box[0]) or float(box[1]):
        raise ContentError('viewBox must be "0 0 W H"')
    width, height = float(box[2]), float(box[3])
    if not MIN_WIDTH <= width <= MAX_WIDTH or not 0 < height <= MAX_HEIGHT:
        raise ContentError(f"viewBox width must be {MIN_WIDTH} to {MAX_WIDTH} and height up to "
                           f"{MAX_HEIGHT} (found {box[2]} × {box[3]})")
    for attr, size in (("width", width), ("height", height)):
        if root.get(attr) is not None and float(re.sub(r"px$", "", root.get(attr))) != size:
            raise ContentError(f"{attr} differs from the viewBox")
    return Picture(name=name, width=round(width), height=round(height), ids=tuple(ids), root=root)


def localise(picture: Picture, lang: str, labels: dict[str, str] | None = None,
             title: str | None = None, rtl: bool = False) -> bytes:
    """The drawing in ``lang``: texts replaced by id from ``labels``, its ``<title>``, its direction."""
    root = copy.deepcopy(picture.root)
    title_tag = "{" + NS + "}title"
    if len(root) == 0 or root[0].tag != title_tag:
        root.insert(0, ET.Element(title_tag))
    if title:
        root[0].text = title
    root.set("lang", lang)
    # Shown through <img>, a drawing does not inherit the page's font: give it the same one.
    root.set("font-family", "system-ui, sans-serif")
    for text in root.iter("{" + NS + "}text"):
        label = (labels or {}).get(text.get("id", ""))
        if label:
            text.text = label
        if rtl:
            text.set("direction", "rtl")
    for element in root.iter():  # plain names and one xmlns: the form browsers expect
        element.tag = element.tag.removeprefix("{" + NS + "}")
    root.attrib = {"xmlns": NS, **root.attrib}
    return ET.tostring(root, encoding="unicode").encode("utf-8")


def fingerprint(data: bytes) -> str:
    """A short hash of a drawing's bytes, for its cache-busting URL."""
    return hashlib.sha256(data).hexdigest()[:12]
