"""``flask dip income recompute``, ``flask dip jobs reconcile`` and ``flask dip jobs nightly``.

In production, beside ``flask --app wsgi dip worker`` (RQ workers whose jobs run in the app
context), a scheduler runs two commands; with cron, for example::

    30 2 * * *    flask --app wsgi dip jobs nightly       # queue a full income recompute
    */10 * * * *  flask --app wsgi dip jobs reconcile     # re-queue imports a lost worker left

Both only enqueue (or run inline without Redis) and are safe to run twice.
"""
import click
from flask.cli import AppGroup

income_group = AppGroup("income", help="Monthly income computed from earnings.")
jobs_group = AppGroup("jobs", help="Background jobs.")


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


@jobs_group.command("reconcile")
@click.option("--older-than", type=int, default=40, show_default=True,
              help="Minutes a batch may stay queued or running before it counts as lost.")
def reconcile(older_than):
    """Queue again the imports a lost job or worker left queued or running (the database decides)."""
    from dip.modules.earnings.imports import reconcile as run

    ids = run(older_than)
    click.echo(f"{len(ids)} import batch(es) queued again")


@jobs_group.command("nightly")
def nightly():
    """Queue a full income recompute (what the scheduler runs every night)."""
    import jobs.earnings
    from dip.queue import enqueue

    click.echo(f"full recompute {enqueue(jobs.earnings.recompute_all)}")


commands = [income_group, jobs_group]
