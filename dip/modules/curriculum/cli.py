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


commands = [curriculum_group]
