"""``flask dip outcomes …``: look after outcome report runs."""
import click
from flask.cli import AppGroup

outcomes_cli = AppGroup("outcomes", help="Outcome reports.")


@outcomes_cli.command("requeue-reports")
@click.option("--minutes", default=30, show_default=True,
              help="Requeue runs still queued or running after this long.")
def requeue_reports(minutes):
    """Run again the exports whose job was lost (building one twice changes nothing)."""
    from dip.modules.outcomes.exports import requeue_stale

    ids = requeue_stale(minutes)
    click.echo(f"{len(ids)} report runs requeued.")


def reconcile_reports(older_than: int) -> str:
    """Queue again the report runs a lost job left queued or running."""
    from dip.modules.outcomes.exports import requeue_stale

    return f"{len(requeue_stale(older_than))} report run(s) queued again"


def prune_changes(older_than: int) -> str:
    """Keep the change log behind kept figures short (each prune recomputes them once)."""
    from dip.modules.outcomes.cache import prune

    return f"{prune()} outcome change row(s) pruned"


commands = [outcomes_cli]
reconcilers = [reconcile_reports, prune_changes]
