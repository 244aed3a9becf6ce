"""The ``flask dip …`` command group: set-up, demo data, users, the worker."""
import sys
from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from dip.core.access import Role
from dip.core.errors import ServiceError
from dip.core.web import LANGUAGE_NAMES
from dip.extensions import db

dip_cli = AppGroup("dip", help="DIP Platform commands.")

DEMO_PASSWORD = "dzaleka-demo"


def fail(message) -> None:
    """Print a one-line reason and exit non-zero."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@dip_cli.command("create-site")
@click.option("--name", required=True)
@click.option("--country", required=True, help="ISO 3166 code, e.g. MW")
@click.option("--currency", required=True, help="ISO 4217 code, e.g. MWK")
@click.option("--timezone", required=True, help="e.g. Africa/Blantyre")
def create_site(name, country, currency, timezone):
    """Create a site."""
    from dip.modules.programs.services import create_site as create

    try:
        site = create(name, country, currency, timezone)
    except ServiceError as error:
        fail(error.message)
    click.echo(f"Site {site.name} created (id {site.id}).")


@dip_cli.command("create-cohort")
@click.option("--site", "site_name", required=True)
@click.option("--name", required=True)
@click.option("--start", required=True, help="YYYY-MM-DD")
@click.option("--end", default=None, help="YYYY-MM-DD (default: six months after start)")
def create_cohort(site_name, name, start, end):
    """Create a cohort at a site."""
    from dip.modules.programs.services import create_cohort as create, site_by_name

    site = site_by_name(site_name)
    if site is None:
        fail(f"no site called {site_name!r}")
    try:
        start_date = date.fromisoformat(start)
        end_date = date.fromisoformat(end) if end else None
    except ValueError:
        fail("dates are written YYYY-MM-DD")
    try:
        cohort = create(site, name, start_date, end_date)
    except ServiceError as error:
        fail(error.message)
    click.echo(f"Cohort {cohort.name} created (id {cohort.id}), {cohort.start_date} to {cohort.end_date}.")


@dip_cli.command("create-user")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--display-name", default=None)
@click.option("--language", default="en", type=click.Choice(list(LANGUAGE_NAMES)))
@click.option("--cohort", "cohort_name", default=None)
@click.option("--site", "site_name", default=None)
@click.option("--must-change/--no-must-change", default=False,
              help="Ask for a new password at first sign-in.")
def create_user(username, password, role, display_name, language, cohort_name, site_name,
                must_change):
    """Create a user: a learner or trainer in a cohort, a coordinator or reviewer at a site."""
    from dip.modules.accounts.services import create_user as create
    from dip.modules.programs.services import cohort_by_name, place, site_by_name

    site = site_by_name(site_name) if site_name else None
    if site_name and site is None:
        fail(f"no site called {site_name!r}")
    cohort = cohort_by_name(cohort_name, site) if cohort_name else None
    if cohort_name and cohort is None:
        fail(f"no cohort called {cohort_name!r}")
    try:
        user, _ = create(username, display_name or username, role, password=password,
                         language=language, must_change_password=must_change)
        place(user, cohort=cohort, site=site)
    except ServiceError as error:
        db.session.rollback()
        fail(error.message)
    db.session.commit()
    click.echo(f"User {user.username} ({user.role}) created.")


@dip_cli.command("demo")
def demo():
    """Load the demo site Dzaleka with Cohort 1 in its week 6 (staff, 20 learners, their
    lessons, classes, work and first earnings) and the finished cohort Dzaleka 2025 with 12
    graduates; print how to sign in. Running it again changes nothing."""
    from dip import demo as running, demo_graduates

    site, cohort = running.load(DEMO_PASSWORD)
    earlier, _graduates = demo_graduates.load(DEMO_PASSWORD)
    click.echo(f"Demo site {site.name}, {cohort.name} ({cohort.start_date} to {cohort.end_date}).")
    click.echo(f"Finished earlier: {earlier.name} ({earlier.start_date} to {earlier.end_date}), "
               "its graduates certified.")
    click.echo(f"Every demo user's password: {DEMO_PASSWORD}")
    click.echo("Sign-in names: admin, coordinator, trainer, reviewer, learner01 … learner20, "
               "graduate01 … graduate12")


@dip_cli.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@click.option("--scheduler/--no-scheduler", default=True, help="Run scheduled jobs too.")
def worker(burst, scheduler):
    """Run an RQ worker whose jobs run inside this application."""
    from rq import Worker

    from dip import queue
    from dip.worker import AppJob, set_app

    conn = queue.redis_connection()
    if conn is None:
        fail("REDIS_URL is not set: without Redis, jobs already run inside the web process")
    set_app(current_app._get_current_object())
    Worker([queue.QUEUE_NAME], connection=conn, job_class=AppJob).work(
        burst=burst, with_scheduler=scheduler)


@dip_cli.command("backup")
@click.option("--dir", "target", default="backups", show_default=True, help="Where to write it.")
def backup_command(target):
    """Write a consistent backup (database and uploads) to one .tar.gz file."""
    from dip.backup import BackupError, backup

    try:
        path = backup(target)
    except BackupError as error:
        fail(error)
    click.echo(f"Backup written: {path}")


@dip_cli.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(archive, yes):
    """Replace the database and uploads with those of a backup ARCHIVE."""
    from dip.backup import BackupError, restore

    if not yes and not click.confirm("This replaces all current data. Go on?"):
        fail("nothing restored")
    try:
        manifest = restore(archive)
    except BackupError as error:
        fail(error)
    click.echo(f"Restored the backup made at {manifest['made_at']}.")
    if manifest.get("issuer_key_unlocks") is False:
        click.echo("Warning: this SECRET_KEY cannot unlock the restored certificate signing key. "
                   "Set the SECRET_KEY the site had, or run `flask dip credentials rotate-key` "
                   "(old credentials stay verifiable).", err=True)


@dip_cli.command("purge-tokens")
@click.option("--days", default=7, show_default=True)
def purge_tokens(days):
    """Delete one-time form tokens older than DAYS, and forms kept after a session ended
    that nobody came back for (after a week)."""
    from dip.core import parked
    from dip.core.once import purge

    click.echo(f"{purge(days)} tokens deleted.")
    click.echo(f"{parked.purge()} kept forms deleted.")


def init_app(app: Flask) -> None:
    """Register the ``dip`` group, with the commands of each feature's ``cli.py``, on ``app``."""
    import importlib
    import importlib.util

    from dip import FEATURES

    for name in FEATURES:
        module_name = f"dip.modules.{name}.cli"
        if importlib.util.find_spec(module_name) is not None:
            module = importlib.import_module(module_name)
            for command in module.commands:
                dip_cli.add_command(command)
            _register(RECONCILERS, getattr(module, "reconcilers", []))
            _register(NIGHTLY, getattr(module, "nightly", []))
    dip_cli.add_command(jobs_group)
    app.cli.add_command(dip_cli)


# Each feature's cli.py may list ``reconcilers`` (f(older_than_minutes) -> report line) and
# ``nightly`` (f() -> report line); ``dip jobs …`` runs them all, so operators schedule two
# commands whatever features exist.
RECONCILERS: list = []
NIGHTLY: list = []


def _register(registry: list, funcs) -> None:
    for func in funcs:
        if func not in registry:  # create_app runs once per app; tests make many apps
            registry.append(func)


jobs_group = AppGroup("jobs", help="Background jobs: find lost work, run the nightly jobs.")


@jobs_group.command("reconcile")
@click.option("--older-than", type=int, default=40, show_default=True,
              help="Minutes work may stay queued or running before it counts as lost "
                   "(longer than the 30-minute job timeout).")
def reconcile(older_than):
    """Queue again whatever a lost job or worker left undone: the database, not Redis, says
    what is still to do, and every job is idempotent, so running this twice is safe."""
    for func in RECONCILERS:
        click.echo(func(older_than))


@jobs_group.command("nightly")
def nightly():
    """Queue the nightly jobs (a full income recompute); schedule it once a night."""
    for func in NIGHTLY:
        click.echo(func())
