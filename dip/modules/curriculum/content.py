"""Reading the curriculum files: the catalogue, lesson front matter, and Markdown rendered once.

Everything here raises ``ContentError`` with a reason a writer can act on; ``services.sync``
reports it beside the file's path and loads the rest.
"""
import base64
import hashlib
import math
import re
import struct
import unicodedata
from pathlib import Path

import markdown
import nh3
import yaml
from bs4 import BeautifulSoup

from dip.modules.curriculum.errors import ContentError  # noqa: F401 - re-exported

CONTENT_ROOT = Path(__file__).resolve().parent / "content"
#: Languages content may be written in (the interface may not offer all of them yet).
LANGS = ("en", "fr", "sw", "ar", "rw", "rn")
KINDS = ("core", "workshop")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}$")
RESERVED_SLUGS = {"offline", "media"}
#: The three sections every lesson body has, in order: heading text -> anchor id.
SECTIONS = {"Explanation": "explanation", "Worked example": "worked-example", "Practice": "practice"}
EXTERNAL_MARK = '<span class="ext">(external)</span>'
WORDS_PER_MINUTE = 180
TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
        "table", "thead", "tbody", "tr", "th", "td", "a", "img", "br", "hr", "kbd", "sub", "sup"}
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height", "title"},
              "th": {"align"}, "td": {"align"}, "ol": {"start"}}


def root() -> Path:
    """The content folder the application serves images and pages from (config may move it)."""
    from flask import current_app

    return Path(current_app.config.get("CURRICULUM_CONTENT") or CONTENT_ROOT)


def file_hash(*parts: bytes) -> str:
    """A stable hash of some file contents."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return digest.hexdigest()


def front_matter(text: str) -> tuple[dict, str]:
    """Split a content file into its YAML front matter and its Markdown body."""
    parts = re.split(r"^---[ \t]*$", text, maxsplit=2, flags=re.M)
    if len(parts) != 3 or parts[0].strip():
        raise ContentError("no YAML front matter between --- lines")
    try:
        meta = yaml.safe_load(parts[1]) or {}
    except yaml.YAMLError as exc:
        raise ContentError(f"bad YAML: {' '.join(str(exc).split())}") from exc
    if not isinstance(meta, dict):
        raise ContentError("front matter is not a mapping")
    return meta, parts[2]


def _int(value, name: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ContentError(f"{name} must be a whole number from {low} to {high}")
    return value


def _texts(value, name: str, required: bool = True) -> dict:
    """A ``{lang: text}`` mapping with English (a plain string counts as English)."""
    if isinstance(value, str):
        value = {"en": value}
    if not isinstance(value, dict) or (required and not str(value.get("en") or "").strip()):
        raise ContentError(f"{name}.en missing")
    unknown = set(value) - set(LANGS)
    if unknown:
        raise ContentError(f"{name} has unknown languages {sorted(unknown)}")
    return {k: str(v).strip() for k, v in value.items() if v}


def _strings(value, name: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) for v in value):
        raise ContentError(f"{name} must be a list of strings")
    return [str(v) for v in value]


def load_catalogue(root: Path) -> list[dict]:
    """The modules of ``root/catalogue.yaml``, checked."""
    path = Path(root) / "catalogue.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ContentError(f"cannot read the catalogue: {' '.join(str(exc).split())}") from exc
    modules = (data or {}).get("modules") if isinstance(data, dict) else None
    if not isinstance(modules, list) or not modules:
        raise ContentError("the catalogue has no 'modules' list")
    out, seen = [], set()
    for i, item in enumerate(modules, start=1):
        where = f"module #{i}"
        if not isinstance(item, dict):
            raise ContentError(f"{where} is not a mapping")
        key = item.get("key")
        if not isinstance(key, str) or not SLUG_RE.match(key) or key in seen:
            raise ContentError(f"{where}: key missing, repeated or not lower-case-with-dashes")
        seen.add(key)
        weeks = item.get("weeks")
        if not isinstance(weeks, list) or len(weeks) != 2:
            raise ContentError(f"{key}: weeks must be [start, end]")
        start, end = (_int(w, f"{key}: weeks", 1, 26) for w in weeks)
        if end < start:
            raise ContentError(f"{key}: weeks end before they start")
        if item.get("kind", "core") not in KINDS:
            raise ContentError(f"{key}: kind must be core or workshop")
        hours = _int(item.get("hours", 0), f"{key}: hours", 0, 999)
        lesson_hours = _int(item.get("lesson_hours"), f"{key}: lesson_hours", 0, 999)
        practice_hours = _int(item.get("practice_hours"), f"{key}: practice_hours", 0, 999)
        if lesson_hours + practice_hours != hours:
            raise ContentError(f"{key}: lesson_hours ({lesson_hours}) and practice_hours "
                               f"({practice_hours}) must add up to hours ({hours})")
        languages = _strings(item.get("languages", ["en"]), f"{key}: languages")
        if "en" not in languages or not set(languages) <= set(LANGS):
            raise ContentError(f"{key}: languages must list en and only {', '.join(LANGS)}")
        out.append({
            "key": key, "order": _int(item.get("order"), f"{key}: order", 1, 999),
            "kind": item.get("kind", "core"), "week_start": start, "week_end": end,
            "hours": hours, "lesson_hours": lesson_hours, "practice_hours": practice_hours,
            "languages": [lang for lang in LANGS if lang in languages],
            "digcomp": _strings(item.get("digcomp", []), f"{key}: digcomp"),
            "titles": _texts(item.get("title"), f"{key}: title"),
            "summaries": _texts(item.get("summary", {}), f"{key}: summary", required=False),
        })
    return out


def _selfcheck(value, reference: list | None = None) -> list[dict]:
    if reference is not None and isinstance(value, list) and len(value) != len(reference):
        raise ContentError(f"selfcheck has {len(value)} questions, the English has "
                           f"{len(reference)}")
    if not isinstance(value, list) or not 3 <= len(value) <= 5:
        raise ContentError("selfcheck must have 3 to 5 questions")
    out = []
    for n, q in enumerate(value, start=1):
        if not isinstance(q, dict) or not str(q.get("question") or "").strip():
            raise ContentError(f"selfcheck question {n} has no 'question'")
        options = q.get("options")
        if not isinstance(options, list) or not 2 <= len(options) <= 6:
            raise ContentError(f"selfcheck question {n} needs 2 to 6 options")
        answer = _int(q.get("answer"), f"selfcheck question {n}: answer", 0, len(options) - 1)
        if not str(q.get("why") or "").strip():
            raise ContentError(f"selfcheck question {n} has no 'why'")
        out.append({"question": str(q["question"]).strip(), "options": [str(o) for o in options],
                     "answer": answer, "why": str(q["why"]).strip()})
    if reference is not None and [(len(q["options"]), q["answer"]) for q in out] != [
            (len(q["options"]), q["answer"]) for q in reference]:
        raise ContentError("selfcheck options and answers must match the English file")
    return out


def _labels(value) -> dict[str, dict[str, str]]:
    """``labels:`` front matter: ``{picture name: {text id: label}}``."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
            isinstance(ids, dict) and all(isinstance(v, (str, int, float)) for v in ids.values())
            for ids in value.values()):
        raise ContentError("labels must map each picture name to {text id: label}")
    return {str(name): {str(k): str(v).strip() for k, v in ids.items()}
            for name, ids in value.items()}


def lesson_lang(path: Path) -> str:
    """The language of a lesson or assignment file: ``x.fr.md`` is French, ``x.md`` English."""
    return Path(path).stem.partition(".")[2] or "en"


def parse_lesson(path: Path, english: dict | None = None, media_url: str = "",
                 images=None) -> dict:
    """Read a lesson file (``english`` given: a translation of it); raise ContentError if malformed.

    ``images`` (an ``images.Images`` of the module folder) makes the pictures; without it
    one is made for this file alone, which is what a writer checking a file needs.
    """
    from dip.modules.curriculum.images import Images

    path = Path(path)
    try:
        meta, body = front_matter(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ContentError(f"cannot read: {exc}") from exc
    outcomes = _strings(meta.get("outcomes"), "outcomes")
    if not 1 <= len(outcomes) <= 6:
        raise ContentError("outcomes must list 1 to 6 lines")
    lesson = {
        "outcomes": outcomes,
        "selfcheck": _selfcheck(meta.get("selfcheck"), english and english["selfcheck"]),
        "labels": _labels(meta.get("labels")),
    }
    if english is None:
        lesson.update(
            titles=_texts(meta.get("title"), "title"),
            order=_int(meta.get("order"), "order", 1, 999),
            minutes=_int(meta.get("minutes"), "minutes", 1, 600),
            digcomp=_strings(meta.get("digcomp", []), "digcomp"),
        )
    lang = lesson_lang(path)
    titles = (english or lesson).get("titles") or {}
    images = images or Images(path.parent, media_url)
    resolve = images.resolver(lang, lesson["labels"], titles.get(lang) or titles.get("en"))
    lesson.update(render(body, path.parent, media_url, resolve))
    return lesson


def lesson_files(folder: Path) -> dict[str, dict[str, Path]]:
    """``{slug: {lang: path}}`` for the Markdown files directly in ``folder``."""
    files: dict[str, dict[str, Path]] = {}
    for path in sorted(Path(folder).glob("*.md")):
        stem, _, lang = path.stem.partition(".")
        files.setdefault(stem, {})[lang or "en"] = path
    return files


def compare(english: dict, translation: dict, images=None) -> list[str]:
    """What a translation drops that the English has (each a sentence a writer can act on).

    Self-check questions, practice steps, pictures and the labels of the English drawings;
    ``images`` (the module's ``images.Images``) gives the ids each drawing has.
    """
    gaps = []
    n_en, n_tr = len(english["selfcheck"]), len(translation["selfcheck"])
    if n_tr != n_en:
        gaps.append(f"has {n_tr} self-check questions, the English has {n_en}")
    if translation["practice_steps"] != english["practice_steps"]:
        gaps.append(f"has {translation['practice_steps']} practice steps, the English has "
                    f"{english['practice_steps']}")
    for name in english["pictures"]:
        if name not in translation["pictures"]:
            gaps.append(f"does not show images/{name}")
    if translation.get("alt_missing"):
        gaps.append("a picture has no alt text")
    for name in english["pictures"]:
        picture = images.picture(name.removesuffix(".svg")) if images and name.endswith(".svg") \
            else None
        labels = translation.get("labels", {}).get(name.removesuffix(".svg"), {})
        for text_id in (picture.ids if picture else ()):
            if not labels.get(text_id):
                gaps.append(f"has no label for {text_id} in images/{name}")
    return gaps


# ---- Markdown, rendered once ----

def _slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def image_size(path: Path) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG file, read from its header (None if unknown)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker, length = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5:i + 9])
                return width, height
            i += 2 + length
    return None


def data_uri(path: Path) -> str:
    """A file as a ``data:`` URI (for offline packs)."""
    kind = {".png": "image/png", ".gif": "image/gif"}.get(path.suffix.lower(), "image/jpeg")
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}"


def _is_external(href: str) -> bool:
    return bool(re.match(r"^(?:[a-z][a-z0-9+.-]*:|//)", href, re.I)) and not href.startswith("#")


def _practice_steps(soup) -> int:
    """The numbered items under ``## Practice`` (nested ones too)."""
    heading = soup.find("h2", id="practice")
    steps = 0
    for sibling in heading.find_next_siblings() if heading else ():
        if sibling.name == "h2":
            break
        items = ([sibling] if sibling.name == "ol" else []) + sibling.find_all("ol")
        steps += sum(len(ol.find_all("li", recursive=False)) for ol in items)
    return steps


def render(text: str, folder: Path, media_url: str, resolve=None) -> dict:
    """Markdown to safe HTML with heading anchors, a table of contents and checked images.

    Images must be files in ``folder/images/``: PNG, GIF or JPEG (size read from the file) or
    SVG drawings that pass the allow-list. ``resolve(src)`` gives ``(url, width, height)`` or
    None; they are loaded lazily at that size. Any other image is left out.
    """
    if resolve is None:
        from dip.modules.curriculum.images import Images

        resolve = Images(folder, media_url).resolver("en", {}, None)
    html = markdown.markdown(text, extensions=["tables", "fenced_code", "sane_lists"])
    html = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, link_rel=None,
                     url_schemes={"http", "https", "mailto"})
    soup = BeautifulSoup(html, "html.parser")
    sections, toc, used = [], [], set()
    for heading in soup.find_all(["h2", "h3"]):
        label = heading.get_text(" ", strip=True)
        if heading.name == "h2":
            sections.append(label)
        anchor = SECTIONS.get(label) if heading.name == "h2" else None
        anchor = anchor or _slugify(label)
        base, n = anchor, 2
        while anchor in used:
            anchor, n = f"{base}-{n}", n + 1
        used.add(anchor)
        heading["id"] = anchor
        toc.append([int(heading.name[1]), anchor, label])
    if sections != list(SECTIONS):
        raise ContentError(
            "the body must have exactly the sections '## Explanation', '## Worked example', "
            f"'## Practice' in this order (found {sections})")
    pictures, alt_missing = [], 0
    for img in soup.find_all("img"):
        src = img.get("src", "")
        found = resolve(src)
        if found is None:
            img.decompose()
            continue
        pictures.append(src.removeprefix("images/"))
        alt_missing += not img.get("alt", "").strip()
        img["src"], img["width"], img["height"] = found
        img["loading"] = "lazy"
    for link in soup.find_all("a"):
        if _is_external(link.get("href", "")):
            link["rel"] = "noopener noreferrer"
            link["class"] = "external"
            link.append(" ")
            link.append(BeautifulSoup(EXTERNAL_MARK, "html.parser"))
    words = len(soup.get_text(" ").split())
    return {"html": str(soup), "toc": toc, "pictures": pictures, "alt_missing": alt_missing,
            "practice_steps": _practice_steps(soup),
            "reading_minutes": max(1, math.ceil(words / WORDS_PER_MINUTE))}
