"""Lessons for learners (and staff, read-only), self-checks, progress grids and schedules.

Everyone signed in may read the curriculum (it holds no personal data, and reviewers may
want to see what is taught); only learners mark lessons done and take self-checks, and what
they see of progress is their own. Trainers, coordinators and admins see the cohorts in scope.
"""
import functools

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale, gettext as _, lazy_gettext as _l, ngettext
from flask_login import current_user
from markupsafe import Markup

from dip.core import pages, scope
from dip.core.access import ALL_ROLES, MANAGERS, STAFF, Role, public, roles
from dip.core.errors import ServiceError
from dip.core.once import once
from dip.extensions import db
from dip.modules.curriculum import content, offline, services
from dip.modules.curriculum.langs import direction
from dip.modules.programs import services as programs
from dip.modules.programs.models import Cohort

bp = Blueprint("curriculum", __name__)

pages.nav_link(_l("Lessons"), "curriculum.index", ALL_ROLES, order=20, more=MANAGERS)
pages.cohort_link(_l("Lesson progress"), "curriculum.progress", STAFF, order=20)
pages.cohort_link(_l("Module schedule"), "curriculum.schedule", STAFF, order=21)


def _lang() -> str:
    return str(get_locale())


def _learner_id() -> int | None:
    return current_user.id if current_user.role == Role.LEARNER else None


def _module(key: str):
    module = services.module_by_key(key)
    if module is None:
        abort(404)
    return module


def _lesson(key: str, slug: str):
    lesson = services.lesson_by_slug(_module(key), slug)
    if lesson is None:
        abort(404)
    return lesson


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not scope.may_see_cohort(current_user, cohort_id):
        abort(404)
    return cohort


def _my_plan() -> dict[int, tuple[int, int]]:
    """The signed-in learner's cohort plan, or the catalogue's for everyone else."""
    profile = programs.profile_of(current_user) if _learner_id() else None
    return services.schedule_of(profile.cohort_id if profile else None)


@functools.lru_cache(maxsize=1024)
def _times(lang: str, lesson_hours: int, practice_hours: int) -> str:
    """A module's lesson and practice time in ``lang`` (the current locale), worded once per
    process: Flask-Babel's plural lookups cost more than the rest of the index page."""
    return (ngettext("%(num)s hour of lessons", "%(num)s hours of lessons", lesson_hours) + " · "
            + ngettext("%(num)s hour of practice", "%(num)s hours of practice", practice_hours))


@functools.lru_cache(maxsize=1024)
def _minutes(lang: str, minutes: int) -> str:
    """``6 minutes`` in ``lang`` (the current locale), with its plural form, worded once."""
    return ngettext("%(num)s minute", "%(num)s minutes", minutes)


@bp.app_template_global()
def module_times(module) -> str:
    """The module's lesson and practice time, in the reader's language."""
    return _times(_lang(), module.lesson_hours, module.practice_hours)


@bp.app_template_global()
def minutes_text(minutes: int) -> str:
    """A number of minutes in the reader's language, with its plural form."""
    return _minutes(_lang(), minutes)


def _kb(size: int) -> str:
    return format_decimal(max(1, round(size / 1024)))


@bp.route("/learn/")
@roles(*ALL_ROLES)
def index():
    """The modules, their weeks and times, and the learner's progress in each."""
    return render_template("curriculum/index.html", modules=services.modules(), plan=_my_plan(),
                           counts=services.module_counts(_learner_id()),
                           learner=_learner_id() is not None)


@bp.route("/learn/<module_key>/")
@roles(*ALL_ROLES)
def module(module_key: str):
    """A module's lessons, with done marks, its weeks and times, and the offline pack's size."""
    mod = _module(module_key)
    learner_id = _learner_id()
    return render_template(
        "curriculum/module.html", module=mod, weeks=_my_plan().get(mod.id),
        done=services.done_ids(learner_id) if learner_id else set(),
        learner=learner_id is not None,
        missing=[l for l in mod.lessons if _lang() not in l.languages],
        pack_kb=_kb(offline.pack_size(mod, _lang(), content.root())))


def _lesson_page(module_key: str, slug: str) -> dict:
    """What a lesson's page and its self-check's page both show: the text in the reader's
    language (else English, ``tl``/``td`` saying which), the reader's done mark and last
    self-check try (learners only), and the lessons on either side."""
    item = _lesson(module_key, slug)
    shown, text = services.lesson_text(item, _lang())
    learner_id = _learner_id()
    previous, following = services.neighbours(item)
    return {"lesson": item, "module": item.module, "text": text, "tl": shown,
            "td": direction(shown), "learner": learner_id is not None,
            "done": learner_id is not None and item.id in services.done_ids(learner_id),
            "attempt": services.latest_attempt(learner_id, item.id) if learner_id else None,
            "previous": previous, "following": following}


@bp.route("/learn/<module_key>/<slug>")
@roles(*ALL_ROLES)
def lesson(module_key: str, slug: str):
    """A lesson: what you will learn, the body, a link to its self-check and "mark as done"."""
    page = _lesson_page(module_key, slug)
    text, shown = page["text"], page["tl"]
    return render_template("curriculum/lesson.html", **page, toc=offline.toc(text["toc"]),
                           body=offline.localise(text["html"], _lang(), shown))


@bp.route("/learn/<module_key>/<slug>/check")
@roles(*ALL_ROLES)
def selfcheck(module_key: str, slug: str):
    """A lesson's self-check on a page of its own: the questions, and once a learner has
    tried, what was right, what was wrong and why (staff see the answers, to teach from).

    Apart from the lesson so that reading a lesson does not bring its questions and the
    review of the last try (1-2 KB compressed, 30-70 ms over 2G, on every view), and checking
    answers does not bring the whole lesson back.
    """
    page = _lesson_page(module_key, slug)
    attempt, item = page["attempt"], page["lesson"]
    return render_template(
        "curriculum/selfcheck.html", **page,
        review=services.review(item, _lang(), attempt) if attempt else None,
        attempts=services.attempt_count(current_user.id, item.id) if attempt else 0)


@bp.route("/learn/<module_key>/<slug>/check", methods=["POST"])
@roles(Role.LEARNER)
@once
def check(module_key: str, slug: str):
    """Grade the self-check on the server; its page then shows what was wrong and why."""
    item = _lesson(module_key, slug)
    answers = {k[1:]: v for k, v in request.form.items() if k.startswith("q")}
    try:
        attempt = services.grade(current_user.id, item, _lang(), answers)
    except ServiceError as error:
        flash(str(error.message), "error")
    else:
        flash(ngettext("Self-check: %(score)s of %(num)s right.",
                       "Self-check: %(score)s of %(num)s right.", attempt.total,
                       score=attempt.score), "success")
    return redirect(url_for("curriculum.selfcheck", module_key=module_key, slug=slug))


@bp.route("/learn/<module_key>/<slug>/done", methods=["POST"])
@roles(Role.LEARNER)
@once
def done(module_key: str, slug: str):
    """Mark the lesson done and go on to the next one."""
    item = _lesson(module_key, slug)
    services.mark_done(current_user.id, item)
    flash(_("Lesson marked as done. Well done!"), "success")
    _previous, following = services.neighbours(item)
    return redirect(url_for("curriculum.lesson", module_key=module_key, slug=following.slug)
                    if following else url_for("curriculum.module", module_key=module_key))


@bp.route("/learn/<module_key>/offline")
@roles(*ALL_ROLES)
def offline_pack(module_key: str):
    """The whole module as one HTML file to save and read without a connection."""
    mod = _module(module_key)
    response = Response(offline.pack(mod, _lang(), content.root()), mimetype="text/html")
    response.headers["Content-Disposition"] = f"attachment; filename=dip-{mod.key}-{_lang()}.html"
    # The file carries its own styles and images; it may load nothing else.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
    return response


@bp.route("/learn/<module_key>/media/<name>")
@roles(*ALL_ROLES)
def media(module_key: str, name: str):
    """A lesson picture: a drawing in one language (``<name>.<lang>.svg``, checked and
    labelled at sync) or a photo from the module's images folder."""
    from flask import send_from_directory

    mod = _module(module_key)
    if name.endswith(".svg"):
        drawing = services.picture(mod, name)
        if drawing is None:
            abort(404)
        response = Response(drawing.svg, mimetype="image/svg+xml")
        if request.args.get("v") == drawing.fingerprint:
            # The URL changes with the drawing, and a drawing holds no personal data: a
            # learner on a paid mobile connection downloads it once a year at most.
            response.cache_control.public = True
            response.cache_control.max_age = 31536000
            response.cache_control.immutable = True
        # Opened on its own, a drawing may load nothing and run nothing.
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; "
            "sandbox")
        return response
    folder = content.root() / mod.key / "images"
    if "/" in name or content.image_size(folder / name) is None:
        abort(404)
    return send_from_directory(folder, name, max_age=86400)


@bp.route("/practice/market-prices")
@public
def practice():
    """The web-scraping workshop's practice page (open, so a learner's script can fetch it)."""
    page = (content.root() / "web-scraping" / "practice.html").read_text(encoding="utf-8")
    # Curriculum content, reviewed like code: served as written.
    return render_template("curriculum/practice.html", page=Markup(page))


@bp.route("/cohorts/<int:cohort_id>/progress")
@roles(*STAFF)
def progress(cohort_id: int):
    """Learners × lessons: done marks and best self-check scores."""
    cohort = _cohort(cohort_id)
    return render_template("curriculum/progress.html", cohort=cohort,
                           grid=services.progress_grid(current_user, cohort))


@bp.route("/cohorts/<int:cohort_id>/progress/print")
@roles(*STAFF)
def progress_print(cohort_id: int):
    """The progress grid for paper: a table per module, its lessons named beneath it."""
    cohort = _cohort(cohort_id)
    return render_template("curriculum/progress_print.html", cohort=cohort,
                           grid=services.progress_grid(current_user, cohort))


@bp.route("/cohorts/<int:cohort_id>/schedule", methods=["GET", "POST"])
@roles(*STAFF)
@once
def schedule(cohort_id: int):
    """The cohort's plan: which modules in which weeks (trainers and coordinators edit it)."""
    cohort = _cohort(cohort_id)
    mods = services.modules()
    plan = services.schedule_of(cohort.id)
    error = None
    if request.method == "POST":
        try:
            weeks = {m.id: (int(request.form.get(f"start-{m.id}", "")),
                            int(request.form.get(f"end-{m.id}", ""))) for m in mods}
        except ValueError:
            error = _("Write each week as a number from 1 to 26.")
        else:
            try:
                services.save_schedule(cohort, weeks)
            except ServiceError as exc:
                error = str(exc.message)
            else:
                flash(_("Schedule saved."), "success")
                return redirect(url_for("curriculum.schedule", cohort_id=cohort.id))
        plan = {m.id: (request.form.get(f"start-{m.id}", ""), request.form.get(f"end-{m.id}", ""))
                for m in mods}
    return render_template("curriculum/schedule.html", cohort=cohort, modules=mods, plan=plan,
                           error=error, week=programs.week_of(cohort)), 400 if error else 200


@pages.home_panel({Role.LEARNER}, order=5)
def learner_next_step(user):
    """The home's first panel: one link to the learner's next lesson, and how they stand."""
    plan = services.learner_plan(user)
    if plan is None or not plan["total"]:
        return None
    return render_template("curriculum/_panel.html", plan=plan)
