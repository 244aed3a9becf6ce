"""Fixtures of the curriculum tests: a small content folder written in a temporary directory."""
import struct
import zlib
from pathlib import Path

import pytest

CATALOGUE = """\
modules:
  - key: alpha
    order: 1
    kind: core
    weeks: [1, 4]
    hours: 30
    lesson_hours: 1
    practice_hours: 29
    languages: [en]
    digcomp: ["1.1"]
    title: {en: "Alpha basics", fr: "Les bases alpha", sw: "Misingi ya alpha", ar: "أساسيات ألفا"}
    summary: {en: "The first module."}
  - key: beta
    order: 2
    kind: core
    weeks: [5, 8]
    hours: 20
    lesson_hours: 1
    practice_hours: 19
    title: {en: "Beta skills", fr: "Compétences bêta"}
"""

SELFCHECK = """\
selfcheck:
  - question: "{q1}"
    options: ["Red", "Green", "Blue"]
    answer: 1
    why: "{why1}"
  - question: "Two plus two?"
    options: ["3", "4"]
    answer: 1
    why: "Count on your fingers."
  - question: "Which key deletes to the left?"
    options: ["Backspace", "Enter", "Shift"]
    answer: 0
    why: "Backspace removes the character before the cursor."
"""


def lesson_text(title="First lesson", order=1, body_extra="", q1="Which colour is grass?",
                why1="Grass is green because of chlorophyll.", explanation="Explanation",
                outcomes=("Name the colour of grass",)) -> str:
    """A valid lesson file (change an argument to make it say something else, or break it)."""
    lines = "\n".join(f'  - "{o}"' for o in outcomes)
    return (f'---\ntitle:\n  en: "{title}"\n  fr: "{title} (fr)"\norder: {order}\nminutes: 30\n'
            f'outcomes:\n{lines}\ndigcomp: ["1.1"]\n'
            + SELFCHECK.format(q1=q1, why1=why1) +
            f"---\n\n## {explanation}\n\nGrass is green. {body_extra}\n\n### Why it matters\n\n"
            "Text.\n\n## Worked example\n\nAn example.\n\n## Practice\n\n1. Look outside.\n")


def png(width: int, height: int) -> bytes:
    """A tiny valid PNG of the given size."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """Two modules: alpha (two lessons, one in French too, an image, links) and beta (one)."""
    root = tmp_path / "content"
    (root / "alpha" / "images").mkdir(parents=True)
    (root / "beta").mkdir()
    (root / "catalogue.yaml").write_text(CATALOGUE, encoding="utf-8")
    (root / "alpha" / "first.md").write_text(lesson_text(), encoding="utf-8")
    (root / "alpha" / "first.fr.md").write_text(lesson_text(
        q1="De quelle couleur est l'herbe ?", why1="L'herbe est verte.",
        outcomes=("Nommer la couleur de l'herbe",)).replace("Grass is green.", "L'herbe est verte."),
        encoding="utf-8")
    (root / "alpha" / "images" / "screen.png").write_bytes(png(4, 3))
    (root / "alpha" / "second.md").write_text(lesson_text(
        "Second lesson", 2,
        body_extra="See [the Upwork site](https://www.upwork.com/) and [the practice page]"
                   "(/practice/market-prices). ![A screen](images/screen.png) "
                   "![Gone](images/missing.png) ![Far](https://example.org/x.png) "
                   "<script>alert(1)</script>"), encoding="utf-8")
    (root / "beta" / "only.md").write_text(lesson_text("Beta lesson"), encoding="utf-8")
    return root


@pytest.fixture
def synced(app, content_dir):
    """The small content folder, loaded."""
    from dip.modules.curriculum.sync import sync

    report = sync(content_dir)
    assert report["problems"] == []
    app.config["CURRICULUM_CONTENT"] = str(content_dir)  # where its images are served from
    return content_dir


@pytest.fixture
def alpha_lesson(synced):
    """A function returning a lesson of the synced content by slug."""
    from dip.modules.curriculum import services

    def get(slug="first", module="alpha"):
        return services.lesson_by_slug(services.module_by_key(module), slug)

    return get


DRAWING = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 200" width="400" height="200">
<title>Parts of a screen</title>
<g fill="none" stroke="#222" stroke-width="2"><rect x="20" y="20" width="360" height="140" rx="6" fill="#e9eef8"/>
<path d="M180 160v20h40v-20"/></g>
<g font-size="16" text-anchor="middle" fill="#222">
<text id="t-screen" x="200" y="90">Screen</text>
<text id="t-stand" x="200" y="196">Stand</text>
<text x="340" y="40">Ctrl</text>
</g>
</svg>
"""
LABELS_FR = 'labels:\n  screen-parts:\n    t-screen: "Écran"\n    t-stand: "Pied"\n'
LABELS_AR = 'labels:\n  screen-parts:\n    t-screen: "الشاشة"\n    t-stand: "الحامل"\n'


@pytest.fixture
def drawn(content_dir) -> Path:
    """The small content folder, with a drawing shown by ``alpha/first`` in English, French
    (labelled) and Arabic (labelled, its own mirrored drawing)."""
    (content_dir / "alpha" / "images" / "screen-parts.svg").write_text(DRAWING, encoding="utf-8")
    (content_dir / "alpha" / "images" / "screen-parts.ar.svg").write_text(
        DRAWING.replace('x="340"', 'x="60"'), encoding="utf-8")
    picture = "![{alt}](images/screen-parts.svg)"
    first = content_dir / "alpha" / "first.md"
    first.write_text(lesson_text(body_extra=picture.format(alt="A screen on its stand")),
                     encoding="utf-8")
    french = content_dir / "alpha" / "first.fr.md"
    text = french.read_text(encoding="utf-8").replace("L'herbe est verte.", "L'herbe est verte. "
                                                     + picture.format(alt="Un écran sur son pied"))
    french.write_text(text.replace("selfcheck:", LABELS_FR + "selfcheck:", 1), encoding="utf-8")
    arabic = lesson_text(q1="ما لون العشب؟", body_extra=picture.format(alt="شاشة على حاملها"))
    (content_dir / "alpha" / "first.ar.md").write_text(
        arabic.replace("selfcheck:", LABELS_AR + "selfcheck:", 1), encoding="utf-8")
    return content_dir
