"""Portfolio items, the public page and the freelance profile readiness checklist.

Proposal drafts live in ``proposals.py``. Scoping: a learner sees their own items; staff
see the non-private items of the learners ``dip.core.scope`` gives them; reviewers nothing.
"""
import re
import secrets

from flask_babel import lazy_gettext as _l, ngettext
from sqlalchemy import func, select

from dip.core import scope, uploads
from dip.core.access import Role
from dip.core.clock import utcnow
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.portfolio.models import (
    READINESS, SAMPLE_KINDS, VISIBILITY, PortfolioItem, PublicProfile, ReadinessMark,
)

MAX_TEXT = 20_000
MAX_TAGS = 10
SKILLS = {
    "translation": _l("Translation"), "transcription": _l("Transcription"),
    "data_entry": _l("Data entry"), "writing": _l("Writing"), "proofreading": _l("Proofreading"),
    "word_processing": _l("Word processing"), "spreadsheets": _l("Spreadsheets"),
    "image_editing": _l("Image editing"), "web_research": _l("Web research"),
    "web_scraping": _l("Web scraping"), "virtual_assistance": _l("Virtual assistance"),
    "customer_support": _l("Customer support"), "social_media": _l("Social media"),
}
VISIBILITY_LABELS = {"private": _l("Only me"), "cohort": _l("My trainers"),
                     "public": _l("Public (on my public page)")}
READINESS_LABELS = {
    "account": _l("Account created on a freelancing platform"),
    "photo": _l("A professional photo"),
    "title": _l("A clear professional title"),
    "overview": _l("Overview written"),
    "portfolio": _l("At least three portfolio items"),
    "rate": _l("Hourly rate or fixed prices set"),
    "languages": _l("Languages listed with their level"),
    "identity": _l("Identity verified"),
}


# ---- items ----

def visible_items(user, learner_id: int | None = None):
    """A query of the items ``user`` may see (optionally of one learner), newest first."""
    query = select(PortfolioItem).where(PortfolioItem.learner_id.in_(scope.learner_ids(user)))
    # Private means private, even to staff, and even to whoever redeemed a staff-issued
    # reset code for this account (held back for a while after a reset).
    if user.role != Role.LEARNER or scope.private_on_hold(user):
        query = query.where(PortfolioItem.visibility != "private")
    if learner_id is not None:
        query = query.where(PortfolioItem.learner_id == learner_id)
    return query.order_by(PortfolioItem.updated_at.desc(), PortfolioItem.id.desc())


def items_of(user, learner_id: int | None = None) -> list[PortfolioItem]:
    """The items ``user`` may see (a learner: their own)."""
    return list(db.session.scalars(visible_items(user, learner_id)))


def visible_item(user, item_id: int) -> PortfolioItem | None:
    """Item ``item_id`` if ``user`` may see it, else None (the view answers 404)."""
    return db.session.scalar(visible_items(user).where(PortfolioItem.id == item_id))


def own_item(user, item_id: int) -> PortfolioItem | None:
    """Item ``item_id`` if it is ``user``'s own (only its owner edits it; a private one not
    while a reset holds private items back)."""
    query = select(PortfolioItem).where(
        PortfolioItem.id == item_id, PortfolioItem.learner_id == user.id)
    if scope.private_on_hold(user):
        query = query.where(PortfolioItem.visibility != "private")
    return db.session.scalar(query)


def parse_tags(text: str) -> list[str]:
    """The learner's own tags from comma-separated text: trimmed, distinct, at most ten."""
    tags: dict[str, None] = {}
    for raw in re.split(r"[,;،؛\n]", text or ""):  # Arabic keyboards type ، and ؛
        tag = " ".join(raw.split())[:30]
        if tag and tag.lower() not in {t.lower() for t in tags}:
            tags.setdefault(tag, None)
    if len(tags) > MAX_TAGS:
        raise ServiceError(ngettext("At most %(num)s tag.", "At most %(num)s tags.", MAX_TAGS),
                           "tags")
    return list(tags)


def save_item(learner_id: int, values: dict, file: tuple[bytes, str] | None = None,
              item: PortfolioItem | None = None) -> PortfolioItem:
    """Create (or update ``item``) from ``values``; a file goes through the upload checks.

    ``values``: title, client_need, what_i_did, skills (keys), tags (text), sample_text,
    visibility, remove_file (bool).
    """
    title = (values.get("title") or "").strip()
    if not title:
        raise ServiceError(_l("Give the item a title."), "title")
    visibility = values.get("visibility") or "private"
    if visibility not in VISIBILITY:
        raise ServiceError(_l("Choose who may see it."), "visibility")
    skills = [s for s in values.get("skills") or [] if s in SKILLS]
    tags = parse_tags(values.get("tags") or "")
    checked = None
    if file and file[0]:
        checked = uploads.check(file[0], file[1], set(SAMPLE_KINDS))
    sample = (values.get("sample_text") or "").strip()[:MAX_TEXT] or None
    keeps_file = item is not None and item.file_key and not values.get("remove_file")
    if sample is None and checked is None and not keeps_file:
        raise ServiceError(_l("Add a sample: upload a file or paste a text."), "sample_text")
    if item is None:
        item = PortfolioItem(learner_id=learner_id)
        db.session.add(item)
    old_key = item.file_key
    item.title, item.visibility, item.skills, item.tags = title[:200], visibility, skills, tags
    item.client_need = (values.get("client_need") or "").strip()[:MAX_TEXT]
    item.what_i_did = (values.get("what_i_did") or "").strip()[:MAX_TEXT]
    item.sample_text = sample
    if checked is not None:
        item.file_key, item.file_kind, item.file_name = (
            uploads.store(checked), checked.kind, checked.filename)
    elif not keeps_file:
        item.file_key = item.file_kind = item.file_name = None
    item.updated_at = utcnow()
    db.session.commit()
    if old_key and old_key != item.file_key:
        _discard(old_key)
    return item


def _discard(key: str) -> None:
    """Delete a stored sample file: each item owns its own copy, so nothing else needs it."""
    try:
        uploads.path_of(key).unlink(missing_ok=True)
    except (OSError, ValueError):  # a file already gone or a bad key must not fail the request
        pass


def delete_item(item: PortfolioItem) -> None:
    """Remove an item and its sample file (a copy of its own, so a submission keeps its file)."""
    key = item.file_key
    db.session.delete(item)
    db.session.commit()
    if key:
        _discard(key)


def item_from_submission(learner_id: int, submission_id: int) -> PortfolioItem:
    """Turn one of the learner's graded, passed submissions into a private item, in one step.

    Idempotent: a second call for the same submission returns the item already made.
    """
    from dip.modules.assignments.services import graded_for_portfolio

    existing = db.session.scalar(select(PortfolioItem).where(
        PortfolioItem.learner_id == learner_id, PortfolioItem.from_submission_id == submission_id))
    if existing is not None:
        return existing
    work = next((w for w in graded_for_portfolio(learner_id)
                 if w["submission_id"] == submission_id), None)
    if work is None:
        raise ServiceError(_l("That work is not graded and passed, so it cannot be added."))
    item = PortfolioItem(learner_id=learner_id, title=work["assignment_title"][:200],
                         client_need="", what_i_did="", skills=[], tags=[],
                         sample_text=(work["text"] or "")[:MAX_TEXT] or None,
                         visibility="private", from_submission_id=submission_id)
    if work["file_key"]:
        # A copy of its own, so the item and the graded submission never share a file.
        data = uploads.read(work["file_key"])
        checked = uploads.Checked(kind=work["file_kind"], data=data,
                                  filename=work["file_name"] or f"sample.{work['file_kind']}")
        item.file_key, item.file_kind, item.file_name = (
            uploads.store(checked), checked.kind, checked.filename)
    db.session.add(item)
    db.session.commit()
    return item


def offered_work(learner_id: int) -> list[dict]:
    """Graded, passed work not yet in the learner's portfolio."""
    from dip.modules.assignments.services import graded_for_portfolio

    used = set(db.session.scalars(select(PortfolioItem.from_submission_id).where(
        PortfolioItem.learner_id == learner_id, PortfolioItem.from_submission_id.is_not(None))))
    return [w for w in graded_for_portfolio(learner_id) if w["submission_id"] not in used]


# ---- the public page ----

def profile_of(learner) -> PublicProfile:
    """The learner's public page settings (new and unsaved until first changed)."""
    profile = db.session.get(PublicProfile, learner.id)
    if profile is None:
        profile = PublicProfile(learner_id=learner.id, shown_name=learner.display_name,
                                headline="", about="", token=None)
    return profile


def save_profile(profile: PublicProfile, shown_name: str, headline: str, about: str) -> None:
    """Update what the public page shows."""
    shown_name = " ".join((shown_name or "").split())
    if not shown_name:
        raise ServiceError(_l("Give the name clients should see."), "shown_name")
    profile.shown_name, profile.headline = shown_name[:80], " ".join((headline or "").split())[:200]
    profile.about = (about or "").strip()[:2000]
    profile.updated_at = utcnow()
    db.session.add(profile)
    db.session.commit()


def new_link(profile: PublicProfile) -> str:
    """Give the public page a new unguessable address; any older address stops working."""
    profile.token = secrets.token_urlsafe(24)
    profile.updated_at = utcnow()
    db.session.add(profile)
    db.session.commit()
    return profile.token


def revoke_link(profile: PublicProfile) -> None:
    """Close the public page: its address answers 404 from now on."""
    profile.token = None
    profile.updated_at = utcnow()
    db.session.add(profile)
    db.session.commit()


def public_page(token: str) -> tuple[PublicProfile, list[PortfolioItem], list[str]] | None:
    """The profile, public items and skills behind ``token``, or None if no such page."""
    if not token or len(token) > 64:
        return None
    profile = db.session.scalar(select(PublicProfile).where(PublicProfile.token == token))
    if profile is None:
        return None
    items = list(db.session.scalars(select(PortfolioItem).where(
        PortfolioItem.learner_id == profile.learner_id, PortfolioItem.visibility == "public")
        .order_by(PortfolioItem.updated_at.desc(), PortfolioItem.id.desc())))
    skills: dict[str, None] = {}
    for item in items:
        for s in item.skills:
            skills.setdefault(str(SKILLS.get(s, s)), None)
        for t in item.tags:
            skills.setdefault(t, None)
    return profile, items, list(skills)


# ---- readiness ----

def marks_of(learner_ids) -> dict[int, dict[str, ReadinessMark]]:
    """Readiness marks by learner and step."""
    out: dict[int, dict[str, ReadinessMark]] = {}
    for mark in db.session.scalars(select(ReadinessMark).where(
            ReadinessMark.learner_id.in_(learner_ids))):
        out.setdefault(mark.learner_id, {})[mark.step] = mark
    return out


def tick(learner_id: int, steps: list[str]) -> None:
    """Set the learner's ticked steps to ``steps``: new ticks added, unticked ones removed.

    Unticking a step also drops a trainer's confirmation of it (it is no longer claimed).
    """
    wanted = {s for s in steps if s in READINESS}
    current = marks_of([learner_id]).get(learner_id, {})
    for step, mark in current.items():
        if step not in wanted:
            db.session.delete(mark)
    for step in wanted - set(current):
        db.session.add(ReadinessMark(learner_id=learner_id, step=step))
    db.session.commit()


def confirm(trainer_id: int, learner_id: int, steps: list[str]) -> int:
    """A trainer confirms ticked steps they checked (e.g. saw the profile); returns how many."""
    count = 0
    for step, mark in marks_of([learner_id]).get(learner_id, {}).items():
        if step in steps and mark.confirmed_at is None:
            mark.confirmed_by_id, mark.confirmed_at = trainer_id, utcnow()
            count += 1
        elif step not in steps and mark.confirmed_at is not None:
            mark.confirmed_by_id = mark.confirmed_at = None
    db.session.commit()
    return count


def item_counts(learner_ids) -> dict[int, int]:
    """How many portfolio items each learner has (of any visibility: a count reveals no content)."""
    return dict(db.session.execute(select(PortfolioItem.learner_id, func.count()).where(
        PortfolioItem.learner_id.in_(learner_ids)).group_by(PortfolioItem.learner_id)).all())
