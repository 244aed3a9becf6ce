"""Outcome exports: CSV and XLSX files built by a background job from a ReportRun record."""
import csv
import io
import logging

from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dip.core import uploads
from dip.core.clock import utcnow
from dip.extensions import db
from dip.modules.accounts.models import User
from dip.modules.outcomes import indicators as ind
from dip.modules.outcomes.models import ReportRun
from dip.modules.outcomes.services import choose

log = logging.getLogger("dip.outcomes")
HEADER = ("section", "group", "indicator", "numerator", "denominator", "value", "median")


def definitions() -> list[tuple[str, str, str]]:
    """(key, label, definition) of every indicator, as the definitions page shows them."""
    from dip.modules.outcomes.definitions import DEFINITIONS

    return [(key, str(ind.LABELS[key]), str(DEFINITIONS[key])) for key in ind.KEYS]


def cell_values(cell: ind.Cell) -> tuple:
    """(numerator, denominator, value, median) as exported: suppressed cells carry no number."""
    if cell.no_data:
        return ("", "", "no data", "")
    if cell.suppressed:
        return ("suppressed", "suppressed", "suppressed", "")
    num = f"{cell.num:.2f}" if cell.is_money else cell.num
    median = f"{cell.median}" if cell.median is not None else ""
    return (num, cell.den, f"{cell.value}", median)


def rows(report: ind.Report) -> list[tuple]:
    """The export's data rows: headline, then each dimension's groups."""
    out = [("headline", "all", key, *cell_values(report.headline[key])) for key in ind.KEYS]
    for dimension, groups in report.groups.items():
        for value, cells in groups:
            out += [(dimension, value or "not recorded", key, *cell_values(cells[key]))
                    for key in ind.KEYS]
    return out


def series_rows(series: list[ind.Cell]) -> list[tuple]:
    """(month, learners who earned, average USD) rows; small months suppressed."""
    out = []
    for cell in series:
        if cell.suppressed:
            out.append((cell.month.isoformat()[:7], "suppressed", "suppressed"))
        else:
            out.append((cell.month.isoformat()[:7], cell.den, f"{cell.value}" if cell.den else ""))
    return out


def about(run: ReportRun, choice, made_at) -> list[tuple[str, str]]:
    """The facts every export states: scope, window, threshold, time made."""
    return [("scope", choice.describe().split(",")[0]),
            ("window_start", run.window_start.isoformat()),
            ("window_end", run.window_end.isoformat()),
            ("suppression_threshold", str(run.threshold)),
            ("made_at_utc", made_at.strftime("%Y-%m-%d %H:%M:%S"))]


def build_csv(meta, data, series) -> bytes:
    """One CSV file: the facts as key rows, then the figures, income by month, definitions."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerows(meta)
    writer.writerow([])
    writer.writerow(HEADER)
    writer.writerows(data)
    writer.writerow([])
    writer.writerow(("month", "learners_who_earned", "average_usd"))
    writer.writerows(series)
    writer.writerow([])
    writer.writerow(("indicator", "label", "definition"))
    writer.writerows(definitions())
    return buffer.getvalue().encode("utf-8-sig")  # a BOM so Excel reads UTF-8


def build_xlsx(meta, data, series) -> bytes:
    """A workbook: Indicators, Income by month, Definitions, About."""
    book = Workbook()
    sheets = [("Indicators", HEADER, data),
              ("Income by month", ("month", "learners_who_earned", "average_usd"), series),
              ("Definitions", ("indicator", "label", "definition"), definitions()),
              ("About", ("item", "value"), meta)]
    book.active.title = sheets[0][0]
    for index, (title, header, body) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet(title)
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in body:
            sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def build(run_id: int) -> ReportRun | None:
    """Build the files of ReportRun ``run_id`` (idempotent: a finished run is left alone)."""
    run = db.session.get(ReportRun, run_id)
    if run is None or run.status == "done":
        return run
    run.status, run.error = "running", None
    db.session.commit()
    try:
        user = db.session.get(User, run.requested_by_id)
        choice = choose(user, site_id=run.site_id, cohort_id=run.cohort_id,
                        start=run.window_start.isoformat(), end=run.window_end.isoformat())
        report = ind.report(user, choice.where, choice.window, run.threshold)
        series = ind.monthly_series(user, choice.where, choice.window, run.threshold)
        made_at = utcnow()
        meta, data, months = about(run, choice, made_at), rows(report), series_rows(series)
        name = f"outcomes-{run.id}"
        run.csv_key = uploads.store(uploads.Checked("csv", build_csv(meta, data, months),
                                                    name + ".csv"))
        run.xlsx_key = uploads.store(uploads.Checked("xlsx", build_xlsx(meta, data, months),
                                                     name + ".xlsx"))
        run.status, run.finished_at = "done", made_at
        db.session.commit()
    except Exception as error:  # noqa: BLE001 - the run records any failure for the user
        db.session.rollback()
        log.exception("report run %s failed", run_id)
        run = db.session.get(ReportRun, run_id)
        run.status, run.error = "failed", str(error)[:500]
        db.session.commit()
    return run


def label_of(run: ReportRun) -> str:
    """A human label for a run's status."""
    return {"queued": _("Waiting to start"), "running": _("Being built"), "done": _("Ready"),
            "failed": _("Failed")}.get(run.status, run.status)


def requeue_stale(older_than_minutes: int = 30) -> list[int]:
    """Enqueue again the runs still queued or running after ``older_than_minutes`` (a lost job)."""
    from datetime import timedelta

    from sqlalchemy import select

    from dip.queue import enqueue
    from jobs.reports import build_report

    cutoff = utcnow() - timedelta(minutes=older_than_minutes)
    ids = list(db.session.scalars(select(ReportRun.id).where(
        ReportRun.status.in_(("queued", "running")), ReportRun.created_at < cutoff)))
    for run_id in ids:
        enqueue(build_report, run_id)
    return ids
