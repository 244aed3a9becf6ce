"""Earnings jobs: import a statement, recompute monthly income. Ids in, a service call."""
from dip.core.months import parse_month
from dip.modules.earnings import imports, income


def import_statement(batch_id: int) -> None:
    """Import the statement of ImportBatch ``batch_id`` (idempotent; the batch row holds the status)."""
    imports.run(batch_id)


def recompute(learner_months: list) -> int:
    """Recompute monthly income for ``[learner_id, "YYYY-MM-01"]`` pairs only."""
    return income.recompute(learner_months)


def recompute_all(site_id: int | None = None, month: str | None = None) -> int:
    """Recompute monthly income in full, for one site and/or one month ("YYYY-MM") if given."""
    return income.recompute_all(site_id, parse_month(month) if month else None)


def reconcile(older_than_minutes: int = 40) -> int:
    """Queue again the imports a lost worker left behind (for a scheduler, every few minutes)."""
    return len(imports.reconcile(older_than_minutes))
