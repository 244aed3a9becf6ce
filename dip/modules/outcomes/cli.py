"""``flask dip outcomes …``: look after outcome report runs."""
import click
from flask.cli import AppGroup

outcomes_cli = AppGroup("outcomes", help="Outcome reports.")


@outcomes_cli.command("requeue-reports")
@click.option("--minutes", default=30, show_default=True,
              help="Requeue runs still queued or running after this long.")
def requeue_reports(minutes):
    """Run again the exports whose job was lost (building one twice changes nothing)."""
    click.echo(f"{len(requeue_stale(minutes))} report runs requeued.")


def requeue_stale(older_than: int) -> list[int]:
    """Queue again the report runs a lost job left queued or running (building twice is safe)."""
    from dip.modules.outcomes.exports import stale_runs
    from dip.queue import enqueue

    ids = stale_runs(older_than)
    for run_id in ids:
        enqueue("jobs.reports.build_report", run_id)
    return ids


def reconcile_reports(older_than: int) -> str:
    """Queue again the report runs a lost job left queued or running."""
    return f"{len(requeue_stale(older_than))} report run(s) queued again"


def prune_changes(older_than: int) -> str:
    """Keep the change log behind kept figures short (each prune recomputes them once)."""
    from dip.modules.outcomes.cache import prune

    return f"{prune()} outcome change row(s) pruned"


commands = [outcomes_cli]
reconcilers = [reconcile_reports, prune_changes]
