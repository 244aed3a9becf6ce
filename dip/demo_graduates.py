"""The demo's finished earlier cohort, "Dzaleka 2025": twelve graduates, their work, classes,
certificates (one revoked and issued again) and what they earned since, so certificates,
signed credentials and the outcome dashboards all have something true to show.

``flask dip demo`` calls ``load()`` after the main demo; running it twice changes nothing.
"""
import io
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from dip.core.access import Role
from dip.core.clock import today
from dip.extensions import db

COHORT = "Dzaleka 2025"
START = date(2025, 2, 3)
#: username, name, language, gender, age band, country of origin
GRADUATES = [
    ("graduate01", "Alain Mugisha", "fr", "male", "25-34", "RW"),
    ("graduate02", "Bernadette Kabura", "fr", "female", "25-34", "BI"),
    ("graduate03", "Christian Lubala", "fr", "male", "18-24", "CD"),
    ("graduate04", "Dorcas Nabintu", "sw", "female", "18-24", "CD"),
    ("graduate05", "Emmanuel Niyongabo", "fr", "male", "35-44", "BI"),
    ("graduate06", "Fatuma Hassan", "sw", "female", "25-34", "SO"),
    ("graduate07", "Gloire Bisimwa", "fr", "male", "18-24", "CD"),
    ("graduate08", "Halima Yusuf", "ar", "female", "25-34", "SD"),
    ("graduate09", "Innocent Hakizimana", "fr", "male", "25-34", "RW"),
    ("graduate10", "Jeanne Uwimana", "fr", "female", "35-44", "RW"),
    ("graduate11", "Kassim Abdullahi", "en", "male", "18-24", "SO"),
    ("graduate12", "Lydia Achol", "en", "female", "25-34", "SS"),
]
#: Missed too many classes to complete (the rule asks 80%): no certificate.
NOT_COMPLETED = {"graduate11", "graduate12"}
#: First issued with a misspelt name, revoked, then issued again.
REISSUED = ("graduate05", "Emanuel Niyongabo")
EARNERS = 9  # graduate01 … graduate09 found paid work after the course
WORK = [("upwork", "translation", "USD", (30, 140), "Lumière Édition"),
        ("fiverr", "transcription", "USD", (15, 60), "PodNest"),
        ("upwork", "data_entry", "USD", (20, 90), "Open Data Lab"),
        ("local", "design", "MWK", (20000, 80000), "Tumaini Festival"),
        ("local", "data_entry", "MWK", (15000, 60000), "Dzaleka Cooperative")]


def load(password: str) -> tuple:
    """Create the cohort, its graduates and their history once; return (cohort, graduates)."""
    from dip.modules.accounts.services import create_user, get_by_username
    from dip.modules.programs import services as programs

    site = programs.site_by_name("Dzaleka")
    cohort = programs.cohort_by_name(COHORT, site) or programs.create_cohort(site, COHORT, START)
    trainer = get_by_username("trainer")
    if trainer is not None:
        programs.place(trainer, cohort=cohort)  # the same trainer taught this cohort
    graduates = []
    for username, name, lang, gender, age, country in GRADUATES:
        user = get_by_username(username)
        if user is None:
            user, _ = create_user(username, name, Role.LEARNER, password=password, language=lang,
                                  must_change_password=False)
            programs.place(user, cohort=cohort)
            programs.enrol(user, cohort, gender=gender, age_band=age, country_of_origin=country,
                           enrolled_on=cohort.start_date)
        graduates.append(user)
    db.session.commit()
    if not _already_loaded(cohort):
        _history(cohort, graduates, trainer, get_by_username("coordinator"))
    return cohort, graduates


def _already_loaded(cohort) -> bool:
    from dip.modules.assignments.models import ClassSession

    return bool(db.session.scalar(select(func.count()).select_from(ClassSession)
                                  .where(ClassSession.cohort_id == cohort.id)))


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


def _history(cohort, graduates, trainer, coordinator) -> None:
    rnd = random.Random(2025)
    _surveys(graduates, rnd, "baseline")
    _classes(cohort, graduates, trainer, rnd)
    _work(cohort, graduates, trainer, rnd)
    _certificates(cohort, graduates, coordinator)
    _surveys(graduates[:11], rnd, "endline")  # one graduate never answered the endline
    _earnings(cohort, graduates[:EARNERS], coordinator, rnd)


def _classes(cohort, graduates, trainer, rnd) -> None:
    """A class every Wednesday of the six months; most came, two missed too many."""
    from dip.modules.assignments import completion

    day = cohort.start_date + timedelta(days=(2 - cohort.start_date.weekday()) % 7)
    while day <= cohort.end_date:
        marks = {}
        for user in graduates:
            if user.username in NOT_COMPLETED:
                marks[user.id] = rnd.choice(["present", "absent", "absent", "late", "present"])
            else:
                marks[user.id] = rnd.choices(["present", "late", "absent", "excused"],
                                             weights=[85, 6, 5, 4])[0]
        completion.take_attendance(cohort.id, day, marks, trainer.id)
        day += timedelta(days=7)


def _files() -> dict[str, tuple[bytes, str]]:
    """One small real file of each kind the curriculum's file assignments accept."""
    import docx
    import openpyxl
    import segno

    document = docx.Document()
    document.add_heading("Curriculum vitae", level=1)
    document.add_paragraph("Translator and data-entry freelancer: French, Swahili, English. " * 8)
    for skill in ("Translation", "Spreadsheets", "Transcription"):
        document.add_paragraph(skill, style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Skill", "Level"
    word = io.BytesIO()
    document.save(word)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Item", "Cost (MWK)"])
    for item, cost in (("Data bundle", 5000), ("Printing", 1500), ("Transport", 3000)):
        sheet.append([item, cost])
    sheet["B5"], sheet["C5"] = "=SUM(B2:B4)", '=IF(B5>8000,"over","within")'
    excel = io.BytesIO()
    book.save(excel)
    picture = io.BytesIO()
    segno.make("My folders: Documents, CV, Clients").save(picture, kind="png", scale=4)
    return {"docx": (word.getvalue(), "cv.docx"), "xlsx": (excel.getvalue(), "budget.xlsx"),
            "png": (picture.getvalue(), "folders.png")}


def _work(cohort, graduates, trainer, rnd) -> None:
    """Every required assignment handed in and graded (passing) during the six months."""
    from dip.modules.assignments import checks, services
    from dip.modules.assignments.models import Assignment

    required = list(db.session.scalars(select(Assignment).where(
        Assignment.active, Assignment.required,
        (Assignment.cohort_id.is_(None)) | (Assignment.cohort_id == cohort.id))
        .order_by(Assignment.due_week, Assignment.id)))
    files = _files() if any(a.kind == "file" for a in required) else {}
    for user in graduates:
        for assignment in required:
            due = cohort.start_date + timedelta(weeks=min(assignment.due_week or 20, 25))
            if assignment.kind == "file":
                kind = next(k for k in ("docx", "xlsx", "png") if k in assignment.accept)
                sub = services.submit(assignment, user.id, file=files[kind])
                if sub.checks_status == "queued":
                    checks.check_submission(sub.id)  # the grading aid a worker would run
            elif assignment.kind == "link":
                sub = services.submit(assignment, user.id, link="https://example.org/portfolio")
            else:
                sub = services.submit(assignment, user.id, text=(
                    "Hello, my name is %s. I translate French, Swahili and English, and I "
                    "deliver on time." % user.display_name))
            # Well above the pass mark: full points, or one off where a criterion has many.
            points = [int(c["points"]) - (rnd.choice([0, 0, 1]) if int(c["points"]) >= 4 else 0)
                      for c in assignment.rubric]
            services.grade(sub, trainer.id, points, rnd.choice(["Good work.", "Clear and complete.",
                                                               "Well done, keep practising."]),
                           returned=False)
            sub.submitted_at, sub.graded_at = _at(due - timedelta(days=2)), _at(due, 15)
    db.session.commit()


def _certificates(cohort, graduates, coordinator) -> None:
    """Certificates for those who completed, a week after the end; one revoked and reissued."""
    from dip.modules.assignments import completion

    issued_on = cohort.end_date + timedelta(days=7)
    done = completion.completed_learner_ids([cohort.id])
    for user in graduates:
        if user.id not in done:
            continue
        if user.username == REISSUED[0]:
            wrong = completion.issue_certificate(cohort, user.id, coordinator.id)
            wrong.shown_name, wrong.issued_on = REISSUED[1], issued_on
            db.session.commit()
            completion.revoke_certificate(wrong, "Issued with a misspelt name; issued again.")
            wrong.revoked_at = _at(issued_on + timedelta(days=9))
            db.session.commit()
        cert = completion.issue_certificate(cohort, user.id, coordinator.id)
        cert.issued_on = issued_on + timedelta(days=10 if user.username == REISSUED[0] else 0)
    db.session.commit()


def _surveys(graduates, rnd, kind: str) -> None:
    from dip.modules.outcomes.services import save_survey

    for n, user in enumerate(graduates):
        if kind == "baseline":
            answers = {"daily_use": rnd.choice(["never", "rarely", "rarely", "weekly"]),
                       "confidence": rnd.choice([1, 1, 2, 2, 3]),
                       "integrated": rnd.choice(["no", "somewhat"]),
                       "self_employed": False, "income_change": "none"}
        else:
            earner = n < EARNERS
            answers = {"daily_use": rnd.choice(["daily", "daily", "weekly"]),
                       "confidence": rnd.choice([3, 4, 4, 5]),
                       "integrated": rnd.choice(["yes", "yes", "somewhat"] if earner
                                                else ["somewhat", "no"]),
                       "self_employed": earner,
                       "income_change": "higher" if earner else rnd.choice(["same", "none"])}
        save_survey(user.id, kind, answers)


def _earnings(cohort, earners, coordinator, rnd) -> None:
    """Freelance income from the fourth month of the course to last month, growing a little;
    kwacha rates for every month, so every entry converts to dollars."""
    from dip.modules.earnings import rates, services as earnings

    month = cohort.start_date.replace(day=1)
    this_month = today().replace(day=1)
    while month <= this_month:
        rates.set_rate(coordinator, "MWK", month, Decimal("0.000577"),  # 1 USD = 1,733 MWK
                       cohort.site_id)
        month = (month + timedelta(days=32)).replace(day=1)
    first = cohort.start_date.replace(day=1) + timedelta(days=95)
    for n, user in enumerate(earners):
        month, growth = first.replace(day=1), Decimal(1)
        while month < this_month:
            if rnd.random() < 0.7 - n * 0.03:
                for _entry in range(rnd.choice([1, 1, 2])):
                    platform, kind, currency, (low, high), client = rnd.choice(WORK)
                    earnings.log_entry(coordinator, user.id, {
                        "earned_on": month + timedelta(days=rnd.randint(0, 27)),
                        "amount": (Decimal(rnd.randint(low, high)) * growth).quantize(Decimal(1)),
                        "currency": currency, "platform": platform, "kind": kind,
                        "client": client})
            growth += Decimal("0.04")
            month = (month + timedelta(days=32)).replace(day=1)
