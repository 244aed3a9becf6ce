"""Loading the curriculum files into the database (``flask dip curriculum sync``)."""
import logging
from pathlib import Path

from sqlalchemy import func, select

from dip.extensions import db
from dip.modules.curriculum import content, svg
from dip.modules.curriculum.content import CONTENT_ROOT, ContentError
from dip.modules.curriculum.images import Images
from dip.modules.curriculum.models import Lesson, Module, Picture

log = logging.getLogger("dip.curriculum")
#: What a lesson keeps of each language it is written in.
TEXT_KEYS = ("html", "toc", "outcomes", "selfcheck", "reading_minutes", "pictures",
             "practice_steps")


def media_url(module_key: str) -> str:
    """Where a module's lesson images are served."""
    return f"/learn/{module_key}/media/"


# ---- sync ----

def _assign(obj, values: dict) -> None:
    """Set only what changed, so a second sync writes nothing."""
    for field, value in values.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)


def _load_lesson(module: Module, slug: str, paths: dict[str, Path], images: Images,
                 problems: list[tuple[str, str]]) -> dict | None:
    """Parse a lesson and its translations; a bad translation is reported and left out.

    A translation that loads but drops something the English has (a practice step, a
    picture, a label) is kept, so the reader gets what there is in their language, and
    reported, so the writer completes it.
    """
    english = paths.get("en")
    if english is None:
        for path in paths.values():
            problems.append((str(path), "a translation without the English file"))
        return None
    if not content.SLUG_RE.match(slug) or slug in content.RESERVED_SLUGS:
        problems.append((str(english), "the file name must be lower-case-with-dashes "
                                       "(and not 'offline' or 'media')"))
        return None
    url = media_url(module.key)
    try:
        lesson = content.parse_lesson(english, media_url=url, images=images)
    except ContentError as exc:
        problems.append((str(english), str(exc)))
        return None
    texts = {"en": {k: lesson[k] for k in TEXT_KEYS}}
    for lang, path in sorted(paths.items()):
        if lang == "en":
            continue
        if lang not in content.LANGS:
            problems.append((str(path), f"unknown language '{lang}'"))
            continue
        try:
            translation = content.parse_lesson(path, english=lesson, media_url=url, images=images)
        except ContentError as exc:
            problems.append((str(path), str(exc)))
            continue
        problems.extend((str(path), gap) for gap in content.compare(lesson, translation, images))
        texts[lang] = {k: translation[k] for k in TEXT_KEYS}
    data = {k: lesson[k] for k in ("titles", "order", "minutes", "digcomp")}
    data["texts"], data["languages"] = texts, sorted(texts)
    data["content_hash"] = content.file_hash(
        *(paths[lang].read_bytes() for lang in sorted(texts)),
        *(images.produced[key] for key in sorted(images.produced) if key[0] in
          {name.removesuffix(".svg") for name in lesson["pictures"]}))
    return data


def _save_pictures(module: Module, produced: dict[tuple[str, str], bytes]) -> None:
    """Store the module's drawings per language; drop those no lesson shows any more."""
    rows = {(p.name, p.lang): p for p in db.session.scalars(
        select(Picture).where(Picture.module_id == module.id))}
    for (name, lang), data in produced.items():
        row = rows.pop((name, lang), None)
        if row is None:
            row = Picture(module_id=module.id, name=name, lang=lang)
            db.session.add(row)
        _assign(row, {"svg": data.decode("utf-8"), "fingerprint": svg.fingerprint(data)})
    for row in rows.values():  # pictures hold no learner data: nothing to keep
        db.session.delete(row)


def _check_hours(module: Module, entry: dict, root: Path, problems: list) -> None:
    """The catalogue's lesson time matches what its lessons' ``minutes`` add up to (±1 h)."""
    minutes = db.session.scalar(select(func.coalesce(func.sum(Lesson.minutes), 0)).where(
        Lesson.module_id == module.id, Lesson.active))
    if abs(minutes / 60 - entry["lesson_hours"]) > 1:
        problems.append((str(root / "catalogue.yaml"),
                         f"{module.key}: lesson_hours is {entry['lesson_hours']} but its lessons' "
                         f"minutes add up to {minutes / 60:.1f} h"))


def sync(root: Path = CONTENT_ROOT) -> dict:
    """Load the catalogue and lessons under ``root`` into the database, idempotently.

    Modules are matched by key and lessons by (module, slug): they are added or updated,
    never deleted (a lesson whose file is gone is hidden, so learners' progress stays).
    Returns ``{"modules": n, "lessons": n, "problems": [(path, reason)]}``.
    """
    root = Path(root)
    problems: list[tuple[str, str]] = []
    try:
        catalogue = content.load_catalogue(root)
    except ContentError as exc:
        return {"modules": 0, "lessons": 0, "problems": [(str(root / "catalogue.yaml"), str(exc))]}
    existing = {m.key: m for m in db.session.scalars(select(Module))}
    lessons_loaded = 0
    for entry in catalogue:
        module = existing.get(entry["key"])
        if module is None:
            module = Module(key=entry["key"])
            db.session.add(module)
        _assign(module, {**entry, "active": True})
        db.session.flush()
        folder = root / module.key
        if not folder.is_dir():
            problems.append((str(folder), "the catalogue lists this module but its folder is missing"))
            continue
        current = {l.slug: l for l in db.session.scalars(
            select(Lesson).where(Lesson.module_id == module.id))}
        seen = set()
        images = Images(folder, media_url(module.key))
        for slug, paths in content.lesson_files(folder).items():
            data = _load_lesson(module, slug, paths, images, problems)
            if data is None:
                continue
            lesson = current.get(slug)
            if lesson is None:
                lesson = Lesson(module_id=module.id, slug=slug)
                db.session.add(lesson)
            _assign(lesson, {**data, "active": True})
            seen.add(slug)
            lessons_loaded += 1
        for slug, lesson in current.items():
            if slug not in seen and lesson.active and not (folder / f"{slug}.md").exists():
                lesson.active = False
        problems.extend(images.problems)
        _save_pictures(module, images.produced)
        db.session.flush()
        _check_hours(module, entry, root, problems)
        hashes = sorted(db.session.scalars(select(Lesson.content_hash).where(
            Lesson.module_id == module.id, Lesson.active)))
        _assign(module, {"content_hash": content.file_hash(*(h.encode() for h in hashes))})
    listed = {e["key"] for e in catalogue}
    for key, module in existing.items():
        if key not in listed and module.active:
            module.active = False
    for key in sorted({p.name for p in root.iterdir() if p.is_dir()} - {e["key"] for e in catalogue}):
        problems.append((str(root / key), "a folder that the catalogue does not list"))
    db.session.commit()
    log.info("curriculum synced from %s: %s modules, %s lessons, %s problems", root,
             len(catalogue), lessons_loaded, len(problems))
    return {"modules": len(catalogue), "lessons": lessons_loaded, "problems": problems}
