"""The demo's running cohort, "Cohort 1", as it looks in week 6 of a real course.

Twenty learners at their own pace through the lessons due so far (a few ahead, a few behind,
one who joined in week 4 and follows her own dates), two classes a week with attendance taken,
the first assignments sent (some graded, some returned with a comment, some waiting in the
grading queue, one CV and one budget sent early so the file preview has something to show),
baseline surveys, and the first freelance earnings with the kwacha's rate for every month they
fall in (one payment in shillings waits for its rate, to show the notice). ``flask dip demo`` calls ``load()``; each part is done once, so running it twice
changes nothing. The finished cohort "Dzaleka 2025" is ``dip/demo_graduates.py``.
"""
import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from dip.core.access import Role
from dip.core.clock import today
from dip.extensions import db

#: name, interface language, gender, age band, country of origin (learner01 … learner20)
LEARNERS = [
    ("Amani Kabila", "fr", "male", "25-34", "CD"), ("Beatrice Niyonzima", "fr", "female", "18-24", "BI"),
    ("Claude Habimana", "fr", "male", "25-34", "RW"), ("Divine Uwase", "rw", "female", "18-24", "RW"),
    ("Esperance Mukamana", "sw", "female", "35-44", "RW"), ("Faustin Ndayishimiye", "fr", "male", "18-24", "BI"),
    ("Grace Mapendo", "sw", "female", "25-34", "CD"), ("Hassan Abdi", "en", "male", "25-34", "SO"),
    ("Imani Bahati", "sw", "female", "18-24", "CD"), ("Jean-Paul Irakoze", "fr", "male", "35-44", "BI"),
    ("Kahindo Masika", "fr", "female", "25-34", "CD"), ("Lucie Ingabire", "fr", "female", "18-24", "RW"),
    ("Moses Lokwang", "en", "male", "25-34", "SS"), ("Nadia Umutoni", "fr", "female", "25-34", "RW"),
    ("Olivier Nshimirimana", "rn", "male", "18-24", "BI"), ("Patience Furaha", "sw", "female", "45+", "CD"),
    ("Rachel Akech", "en", "female", "18-24", "SS"), ("Samuel Tesfaye", "en", "male", "25-34", "ET"),
    ("Tumaini Baraka", "sw", "male", "18-24", "CD"), ("Yasmin Omar", "ar", "female", "25-34", "SD"),
]
WEEKS_IN = 5  # the cohort started five weeks ago: this is its week 6
LATE_JOINER = "learner20"  # joined in week 4: her own dates (programs.plans)
LATE_WEEKS = 3
#: How much of the work due so far each learner has done (most keep up; two fall behind;
#: two are ahead): 1.0 = everything due, more = into the next lessons.
PACE = [1.0, 1.0, 0.9, 1.2, 1.0, 0.5, 1.0, 0.9, 1.0, 1.3, 1.0, 0.8, 1.0, 0.4, 1.0, 0.9, 1.0, 1.1,
        0.8, 1.0]
CLASS_DAYS = (1, 3)  # Tuesday and Thursday
KWACHA_PER_USD = Decimal("0.000577")  # 1 USD = 1,733 MWK
WAITING_FOR_RATE = 7  # learner08's one entry in shillings waits for its rate (the only one)


def load(password: str) -> tuple:
    """Create the site, Cohort 1, staff and learners (signing in with ``password``), and their
    first five weeks, once; return (site, cohort)."""
    from dip.modules.accounts.services import create_user, get_by_username
    from dip.modules.programs import services as programs

    site = programs.site_by_name("Dzaleka") or programs.create_site(
        "Dzaleka", "MW", "MWK", "Africa/Blantyre")
    cohort = programs.cohort_by_name("Cohort 1", site) or programs.create_cohort(
        site, "Cohort 1", today() - timedelta(weeks=WEEKS_IN))
    people = [
        ("admin", "Admin", Role.ADMIN, "en", None),
        ("coordinator", "Chikondi Banda", Role.COORDINATOR, "en", None),
        ("trainer", "Esther Kanyinda", Role.TRAINER, "fr", None),
        ("reviewer", "Reviewer (UNHCR)", Role.REVIEWER, "en", None),
    ] + [(f"learner{i:02d}", name, Role.LEARNER, lang, (gender, age, country))
         for i, (name, lang, gender, age, country) in enumerate(LEARNERS, start=1)]
    for username, name, role, lang, profile in people:
        if get_by_username(username) is None:
            user, _ = create_user(username, name, role, password=password, language=lang,
                                  must_change_password=False)
            programs.place(user, cohort=cohort, site=site)
            if profile:
                joined = cohort.start_date + timedelta(
                    weeks=LATE_WEEKS if username == LATE_JOINER else 0)
                programs.enrol(user, cohort, gender=profile[0], age_band=profile[1],
                               country_of_origin=profile[2], enrolled_on=joined)
    db.session.commit()
    learners = [get_by_username(f"learner{i:02d}") for i in range(1, len(LEARNERS) + 1)]
    trainer, coordinator = get_by_username("trainer"), get_by_username("coordinator")
    _surveys(learners)
    _attendance(cohort, learners, trainer)
    _lessons(cohort, learners)
    _work(cohort, learners, trainer)
    _earnings(cohort, learners, coordinator)
    return site, cohort


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour))


def _rnd(part: str) -> random.Random:
    """The same choices every time, whatever part ran before."""
    return random.Random(f"dip-demo-{part}")


def _surveys(learners) -> None:
    """Baseline surveys of the first 15 learners (the others have not answered yet)."""
    from dip.modules.outcomes.services import save_survey, survey_of

    rnd = _rnd("surveys")
    for user in learners[:15]:
        answers = {"daily_use": rnd.choice(["never", "rarely", "rarely", "weekly"]),
                   "confidence": rnd.choice([1, 1, 2, 2, 3]),
                   "integrated": rnd.choice(["no", "somewhat"]),
                   "self_employed": False, "income_change": "none"}
        if survey_of(user.id, "baseline") is None:
            save_survey(user.id, "baseline", answers)


def _attendance(cohort, learners, trainer) -> None:
    """Tuesday and Thursday classes since the start, up to yesterday; two learners often
    miss class, and the late joiner is marked from the week she joined."""
    from dip.modules.assignments import completion
    from dip.modules.programs.models import LearnerProfile

    if completion.sessions_of(cohort.id):
        return
    rnd = _rnd("attendance")
    joined = {u.id: db.session.get(LearnerProfile, u.id).enrolled_on for u in learners}
    day = cohort.start_date
    while day < today():
        if day.weekday() in CLASS_DAYS:
            marks = {}
            for n, user in enumerate(learners):
                if day < joined[user.id]:
                    continue
                weights = [55, 10, 30, 5] if PACE[n] < 0.6 else [85, 6, 5, 4]
                marks[user.id] = rnd.choices(["present", "late", "absent", "excused"],
                                             weights=weights)[0]
            completion.take_attendance(cohort.id, day, marks, trainer.id)
        day += timedelta(days=1)


def _answers(questions: list[dict], wrong: int, rnd: random.Random) -> list[int]:
    """A learner's choices on a self-check with ``wrong`` of them wrong (the review they see
    then agrees with their score: each question answered, right or wrong)."""
    missed = set(rnd.sample(range(len(questions)), min(wrong, len(questions))))
    return [rnd.choice([i for i in range(len(q["options"])) if i != q["answer"]])
            if n in missed else q["answer"] for n, q in enumerate(questions)]


def _lessons(cohort, learners) -> None:
    """Lessons done at each learner's pace on their own dates, with self-check scores."""
    from dip.modules.curriculum import services as curriculum
    from dip.modules.curriculum.models import LessonCompletion, SelfCheckAttempt
    from dip.modules.programs import plans
    from dip.modules.programs.models import LearnerProfile

    ids = [u.id for u in learners]
    if db.session.scalar(select(func.count()).select_from(LessonCompletion)
                         .where(LessonCompletion.learner_id.in_(ids))):
        return
    items = curriculum.lessons()
    if not items:
        return  # the curriculum is not loaded: `flask dip curriculum sync` first
    due = curriculum.due_weeks(curriculum.schedule_of(cohort.id), items)
    ordered = sorted(items, key=lambda lesson: due[lesson.id])
    questions = {lesson.id: curriculum.lesson_text(lesson, "en")[1].get("selfcheck") or []
                 for lesson in items}
    rnd = _rnd("lessons")
    for n, user in enumerate(learners):
        profile = db.session.get(LearnerProfile, user.id)
        week = plans.week(profile) or 0
        start = plans.plan_start(profile)
        done_so_far = sum(1 for lesson in ordered if due[lesson.id] < week)
        count = min(len(ordered), round(done_so_far * PACE[n]))
        for k, lesson in enumerate(ordered[:count]):
            at = _at(min(start + timedelta(days=int(k * 7 * max(week - 1, 1) / max(count, 1))),
                         today() - timedelta(days=1)), 9 + k % 8)
            db.session.add(LessonCompletion(learner_id=user.id, lesson_id=lesson.id, at=at))
            if questions[lesson.id]:
                answers = _answers(questions[lesson.id], rnd.choice([0, 0, 0, 1, 1, 2]), rnd)
                db.session.add(SelfCheckAttempt(
                    learner_id=user.id, lesson_id=lesson.id, answers=answers, at=at,
                    score=sum(a == q["answer"] for a, q in zip(answers, questions[lesson.id])),
                    total=len(answers)))
    db.session.commit()


def _files() -> dict[str, tuple[bytes, str]]:
    """A screenshot, an early CV and an early budget, made like a learner's."""
    from dip import demo_graduates

    files = demo_graduates._files()
    return {"png": (files["png"][0], "my-folders.png"), "docx": (files["docx"][0], "CV Amani.docx"),
            "xlsx": (files["xlsx"][0], "budget-november.xlsx")}


def _work(cohort, learners, trainer) -> None:
    """The work sent so far and its state: the week-4 folder screenshot (most graded, two
    returned with a comment, some waiting, three not sent), the week-6 introduction (some
    sent early) and a CV and a budget sent weeks ahead, so the queue shows every kind."""
    from dip.modules.assignments import services
    from dip.modules.assignments.models import Assignment, Submission

    ids = [u.id for u in learners]
    if db.session.scalar(select(func.count()).select_from(Submission)
                         .where(Submission.learner_id.in_(ids))):
        return
    by_key = {a.key: a for a in db.session.scalars(select(Assignment).where(
        Assignment.active, Assignment.cohort_id.is_(None)))}
    folder, intro = by_key.get("organise-your-files"), by_key.get("introduce-yourself")
    cv, budget = by_key.get("cv-docx"), by_key.get("monthly-budget-xlsx")
    files = _files()
    rnd = _rnd("work")
    start = cohort.start_date
    sent = []  # (submission, what happens to it)

    def send(assignment, user, days, **answer):
        sub = services.submit(assignment, user.id, **answer)
        sub.submitted_at = _at(start + timedelta(days=days), 8 + len(sent) % 9)
        return sub

    if folder is not None:
        for n, user in enumerate(learners[:19]):
            if n in (5, 13, 18):  # two behind, one not yet: the folder is overdue for them
                continue
            sub = send(folder, user, 22 + n % 6, file=files["png"])
            fate = "returned" if n in (2, 11) else "waiting" if n in (15, 16, 17) else "graded"
            sent.append((sub, fate))
    if intro is not None:
        text = ("Hello, my name is %s. I am a new freelancer in Dzaleka. I translate between "
                "French, Swahili and English, and I type documents quickly and carefully. Last "
                "month I translated a letter for a neighbour and typed a price list for a shop. "
                "I answer messages the same day and I deliver on time. Could you tell me the "
                "length of your document and the day you need it? Thank you, and I hope we "
                "can work together.")
        for n in (0, 3, 9, 17, 7, 12):
            sub = send(intro, learners[n], 32 + n % 3, text=text % learners[n].display_name)
            sent.append((sub, "graded" if n in (3, 9) else "waiting"))
    if cv is not None:
        sent.append((send(cv, learners[0], 33, file=files["docx"]), "waiting"))
    if budget is not None:
        sent.append((send(budget, learners[9], 34, file=files["xlsx"]), "waiting"))
    db.session.commit()
    for sub, fate in sent:
        if sub.checks_status == "queued":
            from dip.modules.assignments import checks

            checks.check_submission(sub.id)  # the grading aid a worker would run
        if fate == "waiting":
            continue
        rubric = sub.assignment.rubric
        if fate == "returned":
            services.grade(sub, trainer.id, [None] * len(rubric),
                           "Good start. Your screenshot does not show the Clients folder: "
                           "make it, put one file in it, and send a new screenshot.",
                           returned=True)
        else:
            points = [int(c["points"]) - rnd.choice([0, 0, 1]) for c in rubric]
            services.grade(sub, trainer.id, points, rnd.choice(
                ["Well done: clear and complete.", "Good work. Check your spelling next time.",
                 "Very good. Keep your folder names short."]), returned=False)
        sub.graded_at = sub.submitted_at + timedelta(days=2, hours=3)
    db.session.commit()


def _earnings(cohort, learners, coordinator) -> None:
    """The kwacha's rate for every month from the cohort's start to this one (no month left
    waiting), then the first freelance earnings of seven learners, and one learner's payment
    in shillings that waits for its rate, once."""
    from dip.modules.earnings import rates, services as earnings
    from dip.modules.earnings.models import EarningEntry

    month = cohort.start_date.replace(day=1)
    while month <= today():  # Dzaleka's own rate, set by its coordinator; "same" when it is there
        rates.set_rate(coordinator, "MWK", month, KWACHA_PER_USD, cohort.site_id)
        month = (month + timedelta(days=32)).replace(day=1)
    ids = [u.id for u in learners]
    if db.session.scalar(select(func.count()).select_from(EarningEntry)
                         .where(EarningEntry.learner_id.in_(ids))):
        return
    rnd = _rnd("earnings")
    work = [("upwork", "translation", "USD", (25, 90), "Lumière Édition"),
            ("fiverr", "transcription", "USD", (10, 40), "PodNest"),
            ("local", "data_entry", "MWK", (15000, 60000), "Dzaleka Cooperative"),
            ("local", "design", "MWK", (20000, 45000), "Tumaini Festival")]
    for user in learners[:7]:  # the first learners to earn, in the weeks since the start
        for _n in range(rnd.randint(1, 3)):
            platform, kind, currency, (low, high), client = rnd.choice(work)
            day = cohort.start_date + timedelta(
                days=rnd.randint(14, max(14, (today() - cohort.start_date).days)))
            earnings.log_entry(coordinator, user.id, {
                "earned_on": min(day, today()), "amount": Decimal(rnd.randint(low, high)),
                "currency": currency, "platform": platform, "kind": kind, "client": client})
    # One payment waits for its rate, so the notice and the coordinator's "missing rates" have
    # something to show: learner08 typed a Kenyan client's M-Pesa payment in shillings, and
    # nobody has set a shilling rate at Dzaleka yet. Only this one: everyone else sees dollars.
    earnings.log_entry(learners[WAITING_FOR_RATE], learners[WAITING_FOR_RATE].id, {
        "earned_on": today() - timedelta(days=3), "amount": Decimal("2600"), "currency": "KES",
        "platform": "local", "kind": "transcription", "client": "Nairobi Radio Sauti",
        "note": "Paid by M-Pesa"})
