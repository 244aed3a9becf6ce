"""Statement imports: an upload becomes an ImportBatch; a job reads it and adds its rows exactly once.

The batch row is the truth (principle 5). The job may run inline, on a worker, twice,
or again after a worker was killed half-way: each row's natural key is unique per
learner, rows are inserted with "on conflict do nothing" in committed chunks, and the
counts are read back from the database at the end, so a rerun finishes the work without
adding a row twice and reports the same numbers a clean run would.
"""
import codecs
import logging
from datetime import timedelta
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from dip.core import uploads
from dip.core.clock import today, utcnow
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.core.months import as_date as _as_date, month_start
from dip.modules.earnings import import_mapping, statements
from dip.modules.earnings.models import KINDS, PLATFORMS, EarningEntry, ImportBatch
from dip.modules.earnings.services import clean_currency, may_log_for
from dip.modules.earnings.statements import mapped

log = logging.getLogger("dip.earnings.imports")
#: The job that runs :func:`run`, by name: features never import ``jobs/``.
IMPORT_JOB = "jobs.earnings.import_statement"
CHUNK = 1000
MAX_ATTEMPTS = 5
KIND_SET, PLATFORM_SET = frozenset(KINDS), frozenset(PLATFORMS)


def _kind_of(data: bytes, filename: str) -> str:
    """``xlsx`` or ``csv`` by content, refusing anything else with a clear message."""
    if uploads.sniff(data) == "xlsx":
        return "xlsx"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "csv"  # Excel's "Unicode Text": tab-separated UTF-16, whatever its extension
    if data.startswith(b"PK\x03\x04") or b"\x00" in data[:4096]:
        raise ServiceError(_l("This is not a CSV or Excel (.xlsx) file. Save the statement as CSV "
                              "or .xlsx and send it again."), "file")
    return "csv"


def start(user, learner_id: int, data: bytes, filename: str,
          default_currency: str | None = None) -> ImportBatch:
    """Check and store an uploaded statement; return its batch: ``queued``, or ``mapping`` when
    a person must say something first (the columns of an unknown layout, unless this person
    confirmed a mapping for its header that covers every type and status in it; or the
    day/month order when the file's dates read two ways)."""
    if not may_log_for(user, learner_id):
        raise ServiceError(_l("You cannot import earnings for this learner."), "learner")
    if not data:
        raise ServiceError(_l("The file is empty."), "file")
    if len(data) > statements.MAX_BYTES:
        raise ServiceError(_l("The file is larger than %(mb)s MB. Split the statement into smaller "
                              "periods and send each.", mb=statements.MAX_BYTES // (1024 * 1024)),
                           "file")
    currency = clean_currency(default_currency, "currency") if default_currency else None
    kind = _kind_of(data, filename)
    try:
        header, rows = statements.read_table(data, filename)
    except statements.StatementError as error:
        raise ServiceError(str(error), "file") from None
    if not rows:
        raise ServiceError(_l("The file has a header row but no entries under it. Check that "
                              "you exported the right period."), "file")
    name = Path(filename or "").name or f"statement.{kind}"
    key = uploads.store(uploads.Checked(kind=kind, data=data, filename=name))
    batch = ImportBatch(learner_id=learner_id, uploaded_by_id=user.id, file_key=key,
                        file_name=name[:120], file_size=len(data), default_currency=currency,
                        status="queued", queued_at=utcnow())
    if statements.detect(header) is None:
        remembered = import_mapping.mapping_for(user, learner_id, header)
        # Applied without asking only when this person confirmed it and the file holds no
        # type or status the mapping has no choice for, and its dates read one way.
        if remembered is not None and remembered.updated_by_id == user.id \
                and not mapped.unchosen(remembered.mapping, rows) \
                and not statements.date_question(header, rows, remembered.mapping):
            batch.mapping = dict(remembered.mapping)
            batch.default_currency = currency or remembered.mapping.get("default_currency")
        else:
            batch.status, batch.queued_at = "mapping", None
    elif statements.date_question(header, rows):
        batch.status, batch.queued_at = "mapping", None  # only the date order to ask
    db.session.add(batch)
    db.session.commit()
    return batch


def _insert():
    return sqlite_insert if db.engine.dialect.name == "sqlite" else pg_insert


def run(batch_id: int) -> None:
    """Import batch ``batch_id`` (the job's body): idempotent, and safe to rerun after a crash."""
    from dip.modules.earnings import income

    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status in ("done", "mapping"):
        return
    if batch.attempts >= MAX_ATTEMPTS:
        _fail(batch, _l("The import was tried %(n)s times without finishing. Send the file again "
                        "or ask for help.", n=MAX_ATTEMPTS))
        return
    batch.status, batch.started_at, batch.attempts = "running", utcnow(), batch.attempts + 1
    batch.error = None
    db.session.commit()
    try:
        data = uploads.read(batch.file_key)
        try:
            parsed = statements.parse(data, batch.file_name, mapping=batch.mapping,
                                      default_currency=batch.default_currency, today=today(),
                                      order=batch.date_order)
        except statements.StatementError as error:
            _fail(batch, str(error))
            return
        seen, unique = set(), []
        for row in parsed.rows:
            if row.natural_key not in seen:
                seen.add(row.natural_key)
                unique.append(row)
        for start in range(0, len(unique), CHUNK):
            _insert_chunk(batch, unique[start:start + CHUNK])
        added = db.session.scalar(select(func.count()).select_from(EarningEntry).where(
            EarningEntry.batch_id == batch.id)) or 0
        month = month_start(EarningEntry.earned_on)
        touched = [(batch.learner_id, _as_date(m)) for (m,) in db.session.execute(
            select(month).where(EarningEntry.batch_id == batch.id).distinct())]
        income.recompute(touched)
        batch = db.session.get(ImportBatch, batch_id)
        batch.format = parsed.format
        batch.rows_read, batch.added = parsed.read, added
        batch.duplicates = len(parsed.rows) - added
        batch.rejected, batch.skipped = len(parsed.rejected), len(parsed.skipped)
        batch.errors = [{"line": r.line, "reason": str(r.reason)} for r in parsed.rejected][:1000]
        batch.skips = [{"line": s.line, "reason": str(s.reason)} for s in parsed.skipped][:1000]
        batch.status, batch.finished_at = "done", utcnow()
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        log.exception("import batch %s failed", batch_id)
        _fail(db.session.get(ImportBatch, batch_id),
              _l("The import stopped because of an error on our side (%(what)s). Nothing already "
                 "stored was lost; try again in a moment.", what=type(error).__name__))
        raise


def _insert_chunk(batch: ImportBatch, rows) -> None:
    """Insert rows whose natural key the learner does not have yet; commit."""
    now = utcnow()
    values = [{
        "learner_id": batch.learner_id, "earned_on": r.earned_on, "amount": r.amount,
        "currency": r.currency,
        "platform": r.platform if r.platform in PLATFORM_SET else "other", "client": (r.client or "")[:120],
        "kind": r.kind if r.kind in KIND_SET else "other", "note": (r.description or "")[:500],
        "source": "import", "batch_id": batch.id, "natural_key": r.natural_key[:200],
        "verified": False, "created_by_id": batch.uploaded_by_id, "created_at": now,
    } for r in rows]
    if db.engine.dialect.name == "postgresql":
        _copy_insert(values)
    else:
        # Through Core: the ORM's bulk path costs more than the insert itself.
        statement = _insert()(EarningEntry.__table__).on_conflict_do_nothing(
            index_elements=["learner_id", "natural_key"])
        db.session.connection().execute(statement, values)
    db.session.commit()


COLUMNS = ("learner_id", "earned_on", "amount", "currency", "platform", "client", "kind", "note",
           "source", "batch_id", "natural_key", "verified", "created_by_id", "created_at")


def _copy_insert(values: list[dict]) -> None:
    """PostgreSQL: COPY the rows into a temporary table, then insert those not there yet.

    psycopg sends an ``executemany`` row by row; COPY is many times faster, and the final
    INSERT … ON CONFLICT DO NOTHING keeps the natural key's guarantee.
    """
    raw = db.session.connection().connection.driver_connection
    names = ", ".join(COLUMNS)
    with raw.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS import_rows (learner_id int, earned_on date, "
            "amount numeric(14,2), currency varchar(3), platform varchar(20), client varchar(120), "
            "kind varchar(20), note varchar(500), source varchar(12), batch_id int, "
            "natural_key varchar(200), verified boolean, created_by_id int, created_at timestamp) "
            "ON COMMIT DELETE ROWS")
        with cursor.copy(f"COPY import_rows ({names}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(tuple(row[c] for c in COLUMNS))
        cursor.execute(f"INSERT INTO earning_entries ({names}) SELECT {names} FROM import_rows "
                       "ON CONFLICT (learner_id, natural_key) DO NOTHING")


def _fail(batch: ImportBatch, reason) -> None:
    batch.status, batch.error, batch.finished_at = "failed", str(reason), utcnow()
    db.session.commit()


def stale(older_than_minutes: int) -> list[int]:
    """Batches left ``queued`` or ``running`` longer than ``older_than_minutes`` (a lost job or worker)."""
    cutoff = utcnow() - timedelta(minutes=older_than_minutes)
    return list(db.session.scalars(select(ImportBatch.id).where(
        ImportBatch.status.in_(("queued", "running")),
        func.coalesce(ImportBatch.started_at, ImportBatch.queued_at, ImportBatch.created_at)
        <= cutoff).order_by(ImportBatch.id)))


def requeue(batch_id: int) -> None:
    """Mark a batch queued again before it is re-enqueued (the attempts count is kept)."""
    db.session.execute(update(ImportBatch).where(ImportBatch.id == batch_id,
                                                 ImportBatch.status.in_(("queued", "running")))
                       .values(status="queued", queued_at=utcnow()))
    db.session.commit()


def visible_batch(user, batch_id: int) -> ImportBatch | None:
    """Batch ``batch_id`` if ``user`` uploaded it or may see its learner."""
    from dip.core import scope

    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or not (batch.uploaded_by_id == user.id
                             or scope.may_see_learner(user, batch.learner_id)):
        return None
    return batch


def recent_batches(user, limit: int = 10) -> list[ImportBatch]:
    """The latest imports ``user`` uploaded."""
    return list(db.session.scalars(select(ImportBatch).where(ImportBatch.uploaded_by_id == user.id)
                                   .order_by(ImportBatch.id.desc()).limit(limit)))



def retry(batch: ImportBatch) -> None:
    """Queue a failed batch again, with a fresh count of attempts (someone asked for it)."""
    if batch.status == "failed":
        batch.status, batch.attempts, batch.queued_at, batch.error = "queued", 0, utcnow(), None
        db.session.commit()


def reconcile(older_than_minutes: int = 40) -> list[int]:
    """Queue again every batch a lost job or worker left queued or running; return their ids."""
    from dip.queue import enqueue

    ids = stale(older_than_minutes)
    for batch_id in ids:
        requeue(batch_id)
        try:
            enqueue(IMPORT_JOB, batch_id)
        except Exception:  # noqa: BLE001 - run inline and failed: the batch row says why
            log.exception("import batch %s failed again", batch_id)
    return ids
