"""``flask dip income recompute``; what ``flask dip jobs reconcile`` and ``jobs nightly`` do
for earnings (they are defined in dip/cli.py and run every feature's ``reconcilers`` and
``nightly`` functions)."""
import click
from flask.cli import AppGroup

income_group = AppGroup("income", help="Monthly income computed from earnings.")


@income_group.command("recompute")
@click.option("--site", "site_name", default=None, help="Only this site's learners.")
@click.option("--month", default=None, help="Only this month, YYYY-MM.")
def recompute(site_name, month):
    """Recompute monthly income in full (all learners and months unless narrowed)."""
    from dip.cli import fail
    from dip.modules.earnings.income import recompute_all
    from dip.modules.earnings.services import parse_month
    from dip.modules.programs.services import site_by_name

    site = None
    if site_name:
        site = site_by_name(site_name)
        if site is None:
            fail(f"no site called {site_name!r}")
    try:
        first = parse_month(month) if month else None
    except ValueError:
        fail("the month is written YYYY-MM")
    rows = recompute_all(site.id if site else None, first)
    click.echo(f"monthly income recomputed: {rows} learner-month(s)")


def reconcile_imports(older_than: int) -> str:
    """Queue again the imports a lost job or worker left queued or running."""
    from dip.modules.earnings.imports import reconcile

    return f"{len(reconcile(older_than))} import batch(es) queued again"


def reconcile_income(older_than: int) -> str:
    """Queue again the recomputes of learner-months still due (their job was lost)."""
    from dip.modules.earnings.income import CHUNK, overdue
    from dip.queue import enqueue

    pairs = [[lid, month.isoformat()] for lid, month in overdue(older_than)]
    for start in range(0, len(pairs), CHUNK):
        enqueue("jobs.earnings.recompute", pairs[start:start + CHUNK])
    return f"{len(pairs)} learner-month(s) of income queued again"


def nightly_recompute() -> str:
    """Queue a full income recompute."""
    from dip.queue import enqueue

    return f"full income recompute {enqueue('jobs.earnings.recompute_all')}"


commands = [income_group]
reconcilers = [reconcile_imports, reconcile_income]
nightly = [nightly_recompute]
