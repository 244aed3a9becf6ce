"""``flask dip assignments …`` (load curriculum assignments on their own) and
``flask dip credentials …`` (the keys that sign certificates)."""
from pathlib import Path

import click
from flask.cli import AppGroup

CONTENT = Path(__file__).resolve().parent.parent / "curriculum" / "content"
group = AppGroup("assignments", help="Assignments from the curriculum content.")


@group.command("sync")
@click.option("--content", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=CONTENT, show_default=True)
def sync(content: Path):
    """Upsert every assignment file; exit 1 if some were malformed (the others are loaded)."""
    from dip.modules.assignments.services import sync_assignments

    problems = sync_assignments(content)
    for path, reason in problems:
        click.echo(f"{path}: {reason}", err=True)
    click.echo(f"assignments synced; {len(problems)} problem(s)")
    if problems:
        raise SystemExit(1)


@group.command("recheck")
@click.option("--older-than", type=int, default=10, show_default=True, help="minutes")
def recheck(older_than: int):
    """Queue again the grading aids of submissions still waiting (Redis lost the job)."""
    click.echo(reconcile_checks(older_than))


def reconcile_checks(older_than: int) -> str:
    """Queue again the grading aids of submissions waiting longer than ``older_than`` minutes."""
    from dip.modules.assignments.checks import waiting
    from dip.queue import enqueue

    ids = waiting(older_than)
    for submission_id in ids:
        enqueue("jobs.grading.check_submission", submission_id)
    return f"{len(ids)} submission check(s) queued again"


credentials_group = AppGroup("credentials", help="The keys that sign certificates.")


@credentials_group.command("rotate-key")
def rotate_key():
    """Make a new signing key. Earlier keys stop signing but stay published in
    /.well-known/jwks.json, so every credential they signed still verifies."""
    from dip.modules.assignments import keys

    row = keys.rotate()
    earlier = len(keys.all_keys()) - 1
    click.echo(f"New signing key {row.kid}; {earlier} earlier key(s) stay published.")


@credentials_group.command("keys")
def list_keys():
    """List the issuer keys: kid, made, retired, and whether this SECRET_KEY unlocks it."""
    from dip.modules.assignments import keys

    rows = keys.all_keys()
    if not rows:
        click.echo("No issuer key yet: one is made when the first credential is signed.")
    for row in rows:
        state = f"retired {row.retired_at:%Y-%m-%d}" if row.retired_at else "signing"
        unlocked = "unlocks" if keys.unlocks(row) else "LOCKED: SECRET_KEY differs"
        click.echo(f"{row.kid}  made {row.created_at:%Y-%m-%d}  {state}  {unlocked}")


commands = [group, credentials_group]
reconcilers = [reconcile_checks]
