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


commands = [outcomes_cli]
