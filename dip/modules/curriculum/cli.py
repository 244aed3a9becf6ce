"""``flask dip curriculum sync``: load the curriculum files into the database."""
from pathlib import Path

import click
from flask.cli import AppGroup

from dip.modules.curriculum.content import CONTENT_ROOT

curriculum_group = AppGroup("curriculum", help="The curriculum content.")


@curriculum_group.command("sync")
@click.option("--path", "root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=CONTENT_ROOT, show_default=True, help="The content folder.")
def sync_command(root: Path):
    """Add and update modules and lessons (and assignments); report malformed files.

    Exits non-zero only when nothing could be loaded.
    """
    from dip.modules.curriculum.sync import sync

    report = sync(root)
    for path, reason in report["problems"]:
        click.echo(f"{path}: {reason}", err=True)
    click.echo(f"{report['modules']} module(s), {report['lessons']} lesson(s) loaded; "
               f"{len(report['problems'])} problem(s).")
    try:
        from dip.modules.assignments.services import sync_assignments
    except ImportError:
        click.echo("assignments: not installed, skipped.")
    else:
        problems = sync_assignments(root)
        for path, reason in problems:
            click.echo(f"{path}: {reason}", err=True)
        click.echo(f"assignments synced; {len(problems)} problem(s).")
    if report["modules"] == 0 and report["lessons"] == 0:
        raise SystemExit(1)


@curriculum_group.command("check")
@click.option("--path", "root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=CONTENT_ROOT, show_default=True, help="The content folder.")
@click.option("--lang", "langs", multiple=True, help="Languages to check (default: the "
              "interface's, but English).")
def check_command(root: Path, langs: tuple[str, ...]):
    """List per language the lessons and assignments not translated yet, the lessons without
    a picture, and every problem; exit 1 when there is a problem (a promised language
    missing, a translation that drops a question, a step, a picture or a label)."""
    from flask import current_app

    from dip.modules.curriculum.check import check

    languages = [l for l in (langs or current_app.config["LANGUAGES"]) if l != "en"]
    report = check(root, languages)
    total = report["counts"]["en"]
    for lang in languages:
        missing = report["missing"][lang]
        tasks = sum(1 for name in missing if "/assignments/" in name)
        click.echo(f"{lang}: {report['counts'][lang]} of {total} lessons translated; missing: "
                   f"{len(missing) - tasks} lesson(s), {tasks} assignment(s)")
        for name in missing:
            click.echo(f"  {name}")
    click.echo(f"lessons without a picture: {len(report['without_picture'])}")
    for name in report["without_picture"]:
        click.echo(f"  {name}")
    for path, reason in report["problems"]:
        click.echo(f"{path}: {reason}", err=True)
    click.echo(f"{len(report['problems'])} problem(s).")
    if report["problems"]:
        raise SystemExit(1)


commands = [curriculum_group]
