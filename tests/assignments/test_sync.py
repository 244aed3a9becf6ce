"""Curriculum assignment files are loaded by key, idempotently; bad files are reported."""
from pathlib import Path

from sqlalchemy import func, select

from dip.extensions import db
from dip.modules.assignments.models import Assignment
from dip.modules.assignments.services import sync_assignments

GOOD = """---
key: cv-docx
title:
  en: "Your CV as a Word document"
  fr: "Votre CV"
kind: file
accept: [docx]
due_week: 12
required: true
checks: [docx_headings, docx_table]
rubric:
  - criterion: "Clear headings"
    points: 4
  - criterion: "A table of skills"
    points: 3
---
Make your **CV**.
"""


def _write(root: Path, module: str, name: str, text: str) -> Path:
    path = root / module / "assignments" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_sync_upserts_by_key_and_is_idempotent(app, tmp_path):
    _write(tmp_path, "word-processing", "cv-docx.md", GOOD)
    assert sync_assignments(tmp_path) == []
    assert sync_assignments(tmp_path) == []
    a = db.session.scalar(select(Assignment).where(Assignment.key == "cv-docx"))
    assert (a.module_key, a.kind, a.accept, a.due_week, a.max_points) == (
        "word-processing", "file", ["docx"], 12, 7)
    assert a.cohort_id is None and a.title_in("fr") == "Votre CV" and "CV" in a.instructions
    _write(tmp_path, "word-processing", "cv-docx.md", GOOD.replace("due_week: 12", "due_week: 14"))
    sync_assignments(tmp_path)
    assert db.session.scalar(select(func.count()).select_from(Assignment)) == 1
    db.session.refresh(a)
    assert a.due_week == 14


def test_malformed_files_are_reported_and_good_ones_still_load(app, tmp_path):
    _write(tmp_path, "english", "good.md", GOOD.replace("cv-docx", "intro-text"))
    bad = {
        "no-front.md": "Just text",
        "bad-kind.md": GOOD.replace("kind: file", "kind: video").replace("cv-docx", "b1"),
        "no-rubric.md": GOOD.split("rubric:")[0].replace("cv-docx", "b2") + "---\nx",
        "bad-yaml.md": "---\nkey: [unclosed\n---\nx",
        "zz-dup.md": GOOD.replace("cv-docx", "intro-text"),
        "bad-check.md": GOOD.replace("docx_table]", "magic]").replace("cv-docx", "b3"),
        "bad-week.md": GOOD.replace("due_week: 12", "due_week: 40").replace("cv-docx", "b4"),
        "count-no-rule.md": GOOD.replace("docx_table]", "word_count]").replace("cv-docx", "b5"),
        "bad-rule.md": GOOD.replace("checks:", "words: {min: 200, max: 120}\nchecks:")
        .replace("cv-docx", "b6"),
    }
    for name, text in bad.items():
        _write(tmp_path, "english", name, text)
    problems = dict(sync_assignments(tmp_path))
    assert {Path(p).name for p in problems} == set(bad)
    assert "duplicate" in problems[str(tmp_path / "english" / "assignments" / "zz-dup.md")]
    keys = set(db.session.scalars(select(Assignment.key)))
    assert keys == {"intro-text"}


def test_the_length_rule_is_read_from_the_front_matter(app, tmp_path):
    _write(tmp_path, "english", "intro.md", GOOD.replace("cv-docx", "intro").replace(
        "checks: [docx_headings, docx_table]", "checks: [word_count]\nwords: {min: 120, max: 200}"))
    _write(tmp_path, "english", "cv.md", GOOD.replace("checks:", "words: {min: 50}\nchecks:"))
    assert sync_assignments(tmp_path) == []
    rules = dict(db.session.execute(select(Assignment.key, Assignment.min_words)).all())
    assert rules == {"intro": 120, "cv-docx": 50}
    intro = db.session.scalar(select(Assignment).where(Assignment.key == "intro"))
    assert intro.word_rule == (120, 200) and intro.fits_length(120) and not intro.fits_length(201)


def test_shipped_assignments_state_the_length_their_rule_checks(app):
    """The instructions' "120 to 200 words" is the rule the page and the check apply."""
    root = Path(__file__).resolve().parents[2] / "dip" / "modules" / "curriculum" / "content"
    sync_assignments(root)
    ruled = db.session.scalars(select(Assignment).where(Assignment.min_words.is_not(None))).all()
    assert {a.key for a in ruled} >= {"introduce-yourself", "proposal-for-job-post", "cv-docx"}
    for a in ruled:
        assert "word_count" in a.checks
        low, high = a.word_rule
        wanted = f"{low} to {high} words" if high else f"at least {low} words"
        assert wanted in a.instructions, (a.key, wanted)


def test_the_shipped_curriculum_assignments_load(app):
    root = Path(__file__).resolve().parents[2] / "dip" / "modules" / "curriculum" / "content"
    problems = sync_assignments(root)
    assert problems == [], problems
    assert db.session.scalar(select(Assignment).where(Assignment.key == "market-prices-xlsx"))


def test_cli_sync(runner, tmp_path):
    _write(tmp_path, "english", "ok.md", GOOD)
    result = runner.invoke(args=["dip", "assignments", "sync", "--content", str(tmp_path)])
    assert result.exit_code == 0, result.output
    _write(tmp_path, "english", "bad.md", "nothing")
    result = runner.invoke(args=["dip", "assignments", "sync", "--content", str(tmp_path)])
    assert result.exit_code == 1 and "bad.md" in result.output
