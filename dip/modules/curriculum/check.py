"""What the course still lacks per language: ``flask dip curriculum check`` and the content tests.

Reads the files (not the database), so it answers on a writer's branch before any sync.
"""
from pathlib import Path

from dip.modules.curriculum import content
from dip.modules.curriculum.content import CONTENT_ROOT, ContentError
from dip.modules.curriculum.images import Images


def _assignment_problems(folder: Path, entry: dict, languages, report: dict) -> None:
    from dip.modules.assignments.services import _parse, parse_translation

    for path in sorted((folder / "assignments").glob("*.md")):
        if content.lesson_lang(path) != "en":
            continue
        try:
            english = _parse(path)
        except (ValueError, UnicodeDecodeError) as exc:
            report["problems"].append((str(path), str(exc)))
            continue
        for lang in languages:
            translation = path.with_name(f"{path.stem}.{lang}.md")
            name = f"{entry['key']}/assignments/{path.stem}"
            if not translation.exists():
                report["missing"][lang].append(name)
                if lang in entry["languages"]:
                    report["problems"].append((str(translation), f"missing: the catalogue "
                                               f"promises {entry['key']} in {lang}"))
                continue
            try:
                parse_translation(translation, english)
            except (ValueError, UnicodeDecodeError) as exc:
                report["problems"].append((str(translation), str(exc)))


def check(root: Path = CONTENT_ROOT, languages=("fr", "sw", "ar")) -> dict:
    """Every lesson and assignment against its translations into ``languages``.

    Returns ``{"missing": {lang: ["module/slug", "module/assignments/key", …]},
    "problems": [(path, reason)], "without_picture": ["module/slug"], "counts": {lang: n}}``:
    problems are what a test must see fixed (malformed files, a language the catalogue
    promises but a file lacks, a translation that drops a self-check question, a practice
    step, a picture or a label); ``missing`` is the to-do list of languages not promised yet.
    """
    root = Path(root)
    report = {"missing": {lang: [] for lang in languages}, "problems": [], "without_picture": [],
              "counts": {lang: 0 for lang in ("en", *languages)}}
    try:
        catalogue = content.load_catalogue(root)
    except ContentError as exc:
        report["problems"].append((str(root / "catalogue.yaml"), str(exc)))
        return report
    for entry in catalogue:
        folder = root / entry["key"]
        images = Images(folder, "/")
        for slug, paths in content.lesson_files(folder).items():
            if "en" not in paths:
                continue
            try:
                english = content.parse_lesson(paths["en"], images=images)
            except ContentError as exc:
                report["problems"].append((str(paths["en"]), str(exc)))
                continue
            report["counts"]["en"] += 1
            if not english["pictures"]:
                report["without_picture"].append(f"{entry['key']}/{slug}")
            for lang in languages:
                path = paths.get(lang)
                if path is None:
                    report["missing"][lang].append(f"{entry['key']}/{slug}")
                    if lang in entry["languages"]:
                        report["problems"].append((str(paths["en"].with_name(
                            f"{slug}.{lang}.md")), f"missing: the catalogue promises "
                                                   f"{entry['key']} in {lang}"))
                    continue
                try:
                    translation = content.parse_lesson(path, english=english, images=images)
                except ContentError as exc:
                    report["problems"].append((str(path), str(exc)))
                    continue
                report["counts"][lang] += 1
                report["problems"].extend(
                    (str(path), gap) for gap in content.compare(english, translation, images))
        report["problems"].extend(images.problems)
        _assignment_problems(folder, entry, languages, report)
    return report
