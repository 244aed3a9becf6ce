"""Proposal drafts: the job post, server-side saves with versions, compare, restore, comments.

Every save that changes the text adds a version; a save of unchanged text adds nothing,
so a retried or repeated save never duplicates a version. Learners see their own
proposals, staff those of the learners ``dip.core.scope`` gives them, reviewers none.
"""
import difflib
import re
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from dip.core import scope, words
from dip.core.clock import today, utcnow
from dip.core.errors import ServiceError
from dip.core.memo import built_once
from dip.core.money import AmountError, parse_number
from dip.extensions import db
from dip.modules.portfolio.models import (
    STATUSES, PortfolioItem, Proposal, ProposalComment, ProposalVersion, ReadinessMark,
)

MAX_BODY = 20_000
MAX_BRIEF = 10_000
STATUS_LABELS = {"draft": _l("Draft"), "sent": _l("Sent"), "won": _l("Won"), "lost": _l("Lost")}
SENTENCE_PIECE_RE = re.compile(r"[^.!?\n]*[.!?\n]*\s*")
WORD_PIECE_RE = re.compile(r"\s+|\S+\s*")
MAX_DIFF_WORK = 4_000_000  # words × words: at most about half a second of difflib
INVISIBLE_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def visible_proposals(user, learner_id: int | None = None):
    """A query of the proposals ``user`` may see, most recently changed first."""
    query = select(Proposal).where(Proposal.learner_id.in_(scope.learner_ids(user)))
    if learner_id is not None:
        query = query.where(Proposal.learner_id == learner_id)
    return query.order_by(Proposal.updated_at.desc(), Proposal.id.desc())


def visible_proposal(user, proposal_id: int) -> Proposal | None:
    """Proposal ``proposal_id`` if ``user`` may see it, else None (the view answers 404)."""
    return db.session.scalar(visible_proposals(user).where(Proposal.id == proposal_id))


def parse_budget(amount: str, currency: str) -> tuple[Decimal | None, str]:
    """A budget typed by a person in their language: ``"1,250.50"`` (``"1 250,50"`` in French)
    and ``"usd"`` give ``(Decimal, "USD")``."""
    currency = (currency or "USD").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ServiceError(_l("Write the currency as three letters, e.g. USD."), "budget_currency")
    if not (amount or "").strip():
        return None, currency
    try:  # read the reader's way: "12,50" in French is twelve and a half, never 1,250
        value = parse_number(amount)
    except AmountError:
        raise ServiceError(_l("Write the budget as a number, e.g. 50 or 12.50."),
                           "budget_amount") from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e10"):
        raise ServiceError(_l("Write the budget as a number, e.g. 50 or 12.50."), "budget_amount")
    return value.quantize(Decimal("0.01")), currency


def create_proposal(learner_id: int, job_title: str, client_description: str, budget: str,
                    currency: str, deadline: date | None) -> Proposal:
    """Start a proposal from a pasted job post."""
    job_title = " ".join((job_title or "").split())
    if not job_title:
        raise ServiceError(_l("Paste the job's title."), "job_title")
    description = (client_description or "").strip()
    if not description:
        raise ServiceError(_l("Paste what the client wrote, so the checks can compare."),
                           "client_description")
    amount, currency = parse_budget(budget, currency)
    proposal = Proposal(learner_id=learner_id, job_title=job_title[:200],
                        client_description=description[:MAX_BRIEF], budget_amount=amount,
                        budget_currency=currency, deadline=deadline, body="", status="draft")
    db.session.add(proposal)
    db.session.commit()
    return proposal


def update_job(proposal: Proposal, job_title: str, client_description: str, budget: str,
               currency: str, deadline: date | None) -> None:
    """Correct the job post a proposal answers."""
    job_title = " ".join((job_title or "").split())
    if not job_title:
        raise ServiceError(_l("Paste the job's title."), "job_title")
    amount, currency = parse_budget(budget, currency)
    proposal.job_title, proposal.budget_amount, proposal.budget_currency = (
        job_title[:200], amount, currency)
    proposal.client_description = (client_description or "").strip()[:MAX_BRIEF]
    proposal.deadline = deadline
    proposal.updated_at = utcnow()
    db.session.commit()


def _normalise(body: str) -> str:
    return (body or "").replace("\r\n", "\n").replace("\r", "\n")[:MAX_BODY]


def save_body(proposal: Proposal, body: str, kind: str = "save") -> ProposalVersion | None:
    """Keep ``body`` on the server; a change adds a version. Returns it, or None if unchanged."""
    body = _normalise(body)
    if body == proposal.body:
        return None
    for _attempt in range(3):
        number = (db.session.scalar(select(func.max(ProposalVersion.number)).where(
            ProposalVersion.proposal_id == proposal.id)) or 0) + 1
        version = ProposalVersion(proposal_id=proposal.id, number=number, body=body, kind=kind)
        proposal.body, proposal.updated_at = body, utcnow()
        db.session.add(version)
        try:
            db.session.commit()
        except IntegrityError:  # another save of the same proposal took the number: take the next
            db.session.rollback()
            db.session.refresh(proposal)
            if proposal.body == body:
                return None
            continue
        return version
    raise RuntimeError("could not number the version")


def versions(proposal: Proposal) -> list[ProposalVersion]:
    """Every saved version, newest first."""
    return list(db.session.scalars(select(ProposalVersion).where(
        ProposalVersion.proposal_id == proposal.id).order_by(ProposalVersion.number.desc())))


def version(proposal: Proposal, number: int) -> ProposalVersion | None:
    """Version ``number`` of a proposal."""
    return db.session.scalar(select(ProposalVersion).where(
        ProposalVersion.proposal_id == proposal.id, ProposalVersion.number == number))


def restore(proposal: Proposal, number: int) -> ProposalVersion | None:
    """Make version ``number`` the current text again (as a new version; nothing is lost)."""
    old = version(proposal, number)
    if old is None:
        raise ServiceError(_l("There is no such version."))
    return save_body(proposal, old.body, kind="restore")


def _pieces(pattern: re.Pattern, text: str) -> list[str]:
    """Split ``text`` into pieces that join back into exactly ``text``."""
    return [p for p in pattern.findall(text or "") if p]


def _word_diff(old: str, new: str) -> list[tuple[str, str]]:
    a, b = _pieces(WORD_PIECE_RE, old), _pieces(WORD_PIECE_RE, new)
    if len(a) * len(b) > MAX_DIFF_WORK:  # a full rewrite of a long text: show it as one change
        return [("removed", old), ("added", new)]
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            parts.append(("removed", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            parts.append(("added", "".join(b[j1:j2])))
    return parts


def diff(old: str, new: str) -> dict:
    """A word-by-word comparison: ``parts`` as (``same``/``added``/``removed``, text), and counts.

    Sentences are matched first and words only inside changed sentences: a word-level
    match over a whole text is quadratic (seconds for a long, repetitive proposal).
    """
    a, b = _pieces(SENTENCE_PIECE_RE, old), _pieces(SENTENCE_PIECE_RE, new)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(a[i1:i2])))
        elif op == "delete":
            parts.append(("removed", "".join(a[i1:i2])))
        elif op == "insert":
            parts.append(("added", "".join(b[j1:j2])))
        else:
            parts.extend(_word_diff("".join(a[i1:i2]), "".join(b[j1:j2])))
    added = sum(words.count(text) for op, text in parts if op == "added")
    removed = sum(words.count(text) for op, text in parts if op == "removed")
    return {"parts": parts, "added": added, "removed": removed}


def set_status(proposal: Proposal, status: str) -> None:
    """Mark a proposal draft, sent, won or lost."""
    if status not in STATUSES:
        raise ServiceError(_l("Choose a status from the list."), "status")
    if status != proposal.status:
        proposal.status, proposal.status_changed_at = status, utcnow()
        proposal.updated_at = utcnow()
        db.session.commit()


def add_comment(proposal: Proposal, author_id: int, body: str, quote: str = "") -> ProposalComment:
    """A trainer's comment, optionally quoting a passage of the proposal."""
    body = (body or "").strip()
    if not body:
        raise ServiceError(_l("Write your comment."), "body")
    comment = ProposalComment(proposal_id=proposal.id, author_id=author_id, body=body[:5000],
                              quote=(quote or "").strip()[:1000] or None)
    db.session.add(comment)
    db.session.commit()
    return comment


def comments(proposal: Proposal) -> list[ProposalComment]:
    """The comments on a proposal, oldest first."""
    return list(db.session.scalars(select(ProposalComment).where(
        ProposalComment.proposal_id == proposal.id).order_by(ProposalComment.id)))


def mark_seen(proposal: Proposal) -> None:
    """The learner opened the proposal: its comments are no longer new."""
    rows = db.session.scalars(select(ProposalComment).where(
        ProposalComment.proposal_id == proposal.id, ProposalComment.seen_at.is_(None))).all()
    for comment in rows:
        comment.seen_at = utcnow()
    if rows:
        db.session.commit()


def new_comments(learner_id: int, limit: int = 5) -> list[ProposalComment]:
    """Comments on the learner's proposals they have not seen yet, newest first."""
    return list(db.session.scalars(_new_comments(), {"learner_id": learner_id, "limit": limit}))


def _unseen(query, learner):
    """``query`` narrowed to trainer comments on ``learner``'s proposals not seen yet."""
    return (query.join(Proposal, Proposal.id == ProposalComment.proposal_id)
            .where(Proposal.learner_id == learner, ProposalComment.seen_at.is_(None)))


@built_once
def _new_comments():
    return (_unseen(select(ProposalComment), bindparam("learner_id"))
            .order_by(ProposalComment.id.desc()).limit(bindparam("limit"))
            .options(contains_eager(ProposalComment.proposal).load_only(Proposal.job_title)))


def win_rates(learner_ids) -> dict[int, tuple[int, int]]:
    """(won, sent) per learner: of the proposals sent (sent, won or lost), how many were won."""
    rows = db.session.execute(
        select(Proposal.learner_id,
               func.sum(case((Proposal.status == "won", 1), else_=0)),
               func.count())
        .where(Proposal.learner_id.in_(learner_ids), Proposal.status.in_(("sent", "won", "lost")))
        .group_by(Proposal.learner_id)).all()
    return {lid: (int(won or 0), int(total)) for lid, won, total in rows}


def glance(learner_id: int) -> dict:
    """A learner's portfolio at a glance, in one query: items, readiness steps ticked,
    (won, sent) proposals, or None when nothing was sent yet, and how many trainer comments
    they have not seen (the home panel)."""
    items, ticked, won, sent, unseen = db.session.execute(
        _glance(), {"learner_id": learner_id}).one()
    return {"items": items, "ticked": ticked, "rate": (won, sent) if sent else None,
            "unseen": unseen}


@built_once
def _glance():
    def count(*where):
        return select(func.count()).where(*where).scalar_subquery()

    learner = bindparam("learner_id")
    sent_where = (Proposal.learner_id == learner, Proposal.status.in_(("sent", "won", "lost")))
    unseen = _unseen(select(func.count()).select_from(ProposalComment), learner).scalar_subquery()
    return select(count(PortfolioItem.learner_id == learner).label("items"),
                  count(ReadinessMark.learner_id == learner).label("ticked"),
                  count(*sent_where, Proposal.status == "won").label("won"),
                  count(*sent_where).label("sent"), unseen.label("unseen"))


def plain_text(body: str) -> str:
    """Clean text to paste into a platform: no invisible characters, tidy spaces and lines."""
    text = INVISIBLE_RE.sub("", _normalise(body)).replace("\u00a0", " ")
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def earning_prefill(proposal: Proposal) -> dict:
    """The fields of an earnings entry for a won proposal (the learner checks them)."""
    values = {"earned_on": today().isoformat(), "currency": proposal.budget_currency,
              "note": proposal.job_title[:200]}
    if proposal.budget_amount is not None:
        values["amount"] = str(proposal.budget_amount)
    return values
