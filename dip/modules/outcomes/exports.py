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
from dip.modules.outcomes.services import choose, figures, period_of

log = logging.getLogger("dip.outcomes")
#: Units are in the names: a count of people, US dollars, or a percentage; every figure a number.
HEADER = ("section", "group", "indicator", "status", "numerator_people", "numerator_usd",
          "denominator_people", "value_percent", "value_usd", "median_usd")
SERIES_HEADER = ("month", "learners_who_earned", "average_usd")
SUPPRESSED = "suppressed"


def definitions(choice, report) -> list[tuple[str, str]]:
    """(item, definition): who is counted, the months used, every indicator, the income by
    month, money waiting for a rate and the suppression rule, as the definitions page says."""
    from flask import current_app

    from dip.modules.outcomes import definitions as defs

    months = ", ".join(m.isoformat()[:7] for m in report.income_months)
    out = [("learners_counted", str(defs.POPULATION)),
           ("income_months", f"{months}. {defs.WINDOW}")]
    out += [(key, f"{ind.LABELS[key]}: {defs.DEFINITIONS[key]}") for key in ind.KEYS]
    threshold = current_app.config["SUPPRESSION_THRESHOLD"]
    out += [("income_by_month", str(defs.MONTHLY)), ("waiting_for_rate", str(defs.WAITING)),
            ("suppression", str(defs.SUPPRESSION) % {"n": threshold})]
    return out


def cell_values(cell: ind.Cell) -> tuple:
    """(status, numerator people, numerator USD, denominator, percent, USD, median USD):
    numbers as numbers; a hidden figure carries the word "suppressed", never a number."""
    if cell.in_progress:
        return ("in progress", "", "", cell.den, "", "", "")
    if cell.suppressed:
        return (SUPPRESSED,) * 7
    if cell.is_money:
        return ("shown", "", float(cell.num), cell.den,
                "", float(cell.value) if cell.value is not None else "",
                float(cell.median) if cell.median is not None else "")
    return ("shown", cell.num, "", cell.den, float(cell.value), "", "")


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
        month = cell.month.isoformat()[:7]
        if cell.suppressed:
            out.append((month, SUPPRESSED, SUPPRESSED))
        else:
            out.append((month, cell.den, float(cell.value) if cell.value is not None else ""))
    return out


def about(run: ReportRun, choice, report, made_at) -> list[tuple[str, object]]:
    """The facts every export states: scope, period, months, threshold, waiting money, time."""
    waiting, months = report.waiting
    facts = [("scope", choice.describe().split(",")[0])]
    if choice.period is not None:
        facts.append(("period", choice.period.code))
    facts += [("window_start", run.window_start.isoformat()),
              ("window_end", run.window_end.isoformat()),
              ("income_months", ", ".join(m.isoformat()[:7] for m in report.income_months)),
              ("learners_counted", SUPPRESSED if report.learners_suppressed
               or report.learners < run.threshold else report.learners),
              ("entries_waiting_for_rate", waiting),
              ("months_waiting_for_rate", ", ".join(m.isoformat()[:7] for m in months)),
              ("suppression_threshold", run.threshold),
              ("made_at_utc", made_at.strftime("%Y-%m-%d %H:%M:%S"))]
    return facts


def build_csv(meta, data, series, terms) -> bytes:
    """One CSV file: the facts as key rows, then the figures, income by month, definitions."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerows(meta)
    writer.writerow([])
    writer.writerow(HEADER)
    writer.writerows(data)
    writer.writerow([])
    writer.writerow(SERIES_HEADER)
    writer.writerows(series)
    writer.writerow([])
    writer.writerow(("item", "definition"))
    writer.writerows(terms)
    return buffer.getvalue().encode("utf-8-sig")  # a BOM so Excel reads UTF-8


def build_xlsx(meta, data, series, terms) -> bytes:
    """A workbook: Indicators, Income by month, Definitions, About."""
    book = Workbook()
    sheets = [("Indicators", HEADER, data),
              ("Income by month", SERIES_HEADER, series),
              ("Definitions", ("item", "definition"), terms),
              ("About", ("item", "value"), meta)]
    book.active.title = sheets[0][0]
    for index, (title, header, body) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet(title)
        sheet.append(list(header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in body:
            sheet.append([None if value == "" else value for value in row])
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
        period = period_of(run.window_start, run.window_end)
        if period is not None and run.cohort_id is None:
            choice = choose(user, site_id=run.site_id, period=period.code)
        else:
            choice = choose(user, site_id=run.site_id, cohort_id=run.cohort_id,
                            start=run.window_start.isoformat(), end=run.window_end.isoformat())
        report, series = figures(user, choice, run.threshold)
        made_at = utcnow()
        meta, data, months = about(run, choice, report, made_at), rows(report), series_rows(series)
        terms = definitions(choice, report)
        name = f"outcomes-{run.id}"
        run.csv_key = uploads.store(uploads.Checked("csv", build_csv(meta, data, months, terms),
                                                    name + ".csv"))
        run.xlsx_key = uploads.store(uploads.Checked("xlsx", build_xlsx(meta, data, months, terms),
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


def stale_runs(older_than_minutes: int = 30) -> list[int]:
    """Runs still queued or running after ``older_than_minutes``: their job was lost (the CLI
    queues them again; a feature never imports ``jobs/``)."""
    from datetime import timedelta

    from sqlalchemy import select

    cutoff = utcnow() - timedelta(minutes=older_than_minutes)
    return list(db.session.scalars(select(ReportRun.id).where(
        ReportRun.status.in_(("queued", "running")), ReportRun.created_at < cutoff)))
