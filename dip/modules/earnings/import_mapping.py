"""The import step for a statement the platform cannot read alone: which column holds what,
a choice for every type and status value, and the day/month order when the dates read two ways.

A mapping belongs to its owner (the learner, or the learner's site for staff uploads) and
is applied without asking only to uploads of the person who last confirmed it; anyone else
sees this step pre-filled. Nothing here stores an entry: confirming queues the batch.
"""
import hashlib

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dip.core import uploads
from dip.core.access import Role
from dip.core.clock import today, utcnow
from dip.core.errors import ServiceError
from dip.extensions import db
from dip.modules.earnings import statements
from dip.modules.earnings.models import ColumnMapping, ImportBatch
from dip.modules.earnings.services import clean_currency
from dip.modules.earnings.statements import mapped

MAPPED_FIELDS, OPTIONAL = mapped.COLUMNS, mapped.OPTIONAL


def owner_of(user, learner_id: int) -> tuple[str, int | None, int | None]:
    """Who a mapping made by ``user`` for ``learner_id``'s file belongs to:
    ``(key, learner id, site id)``: the learner for their own files, else the learner's site."""
    from dip.modules.programs.models import Cohort, LearnerProfile

    if user.role == Role.LEARNER:
        return f"learner:{learner_id}", learner_id, None
    site_id = db.session.scalar(select(Cohort.site_id).join(
        LearnerProfile, LearnerProfile.cohort_id == Cohort.id).where(
        LearnerProfile.user_id == learner_id))
    if site_id is None:  # a learner in no cohort: the mapping stays the uploader's own
        return f"staff:{user.id}", None, None
    return f"site:{site_id}", None, site_id


def mapping_for(user, learner_id: int, header) -> ColumnMapping | None:
    """The mapping its owner remembered for files with this header, if any."""
    owner, _learner, _site = owner_of(user, learner_id)
    return db.session.scalar(select(ColumnMapping).where(
        ColumnMapping.signature == statements.header_signature(header),
        ColumnMapping.owner == owner))


def header_of(batch: ImportBatch) -> tuple[list[str], list]:
    """The header and rows of a stored statement."""
    return statements.read_table(uploads.read(batch.file_key), batch.file_name)


def clean_mapping(header, values: dict, records=(), strict: bool = False) -> dict:
    """Column indexes (date and amount required), a choice for every type and status value
    of ``records``, what negative amounts are, and the date order if one was chosen.

    ``strict``: every type and status value must have its choice in ``values`` (they are
    pre-filled with a guess, which the person must have seen before the import runs).
    """
    mapping: dict = {}
    for name in MAPPED_FIELDS:
        raw = values.get(name)
        if raw in (None, "", "-1"):
            continue
        try:
            index = int(raw)
        except (TypeError, ValueError):
            raise ServiceError(_l("Choose a column from the list."), name) from None
        if not 0 <= index < len(header):
            raise ServiceError(_l("Choose a column from the list."), name)
        mapping[name] = index
    if "date" not in mapping:
        raise ServiceError(_l("Say which column holds the date."), "date")
    if "amount" not in mapping:
        raise ServiceError(_l("Say which column holds the amount."), "amount")
    for field, key, allowed, guess in (("type", "types", mapped.TYPE_CHOICES, mapped.guess_type),
                                       ("status", "statuses", mapped.STATUS_CHOICES,
                                        mapped.guess_status)):
        if field in mapping:
            try:
                seen = mapped.seen_values(records, mapping[field])
            except statements.StatementError as error:
                raise ServiceError(str(error), field) from None
            mapping[key] = {}
            for value in seen:
                choice = values.get(choice_field(field, value))
                if strict and choice not in allowed:
                    raise ServiceError(_l("Say for each type and status below whether it "
                                          "counts, then import."), field)
                mapping[key][mapped.value_key(value)] = choice if choice in allowed \
                    else guess(value)
    negatives = values.get("negatives")
    mapping["negatives"] = negatives if negatives in mapped.NEGATIVE_CHOICES else "skip"
    if values.get("date_order") in statements.ORDERS:
        mapping["date_order"] = values["date_order"]
    return mapping


def choice_field(field: str, value: str) -> str:
    """The form field that holds the choice for one type or status value."""
    return f"{field}-" + hashlib.sha256(mapped.value_key(value).encode()).hexdigest()[:12]


def value_choices(header, records, mapping: dict) -> dict[str, list[tuple[str, str, str]]]:
    """For the mapping step: ``{"type"|"status": [(value, form field, chosen)]}``."""
    out = {}
    for field, key, guess in (("type", "types", mapped.guess_type),
                              ("status", "statuses", mapped.guess_status)):
        if mapping.get(field) is None:
            continue
        try:
            seen = mapped.seen_values(records, mapping[field])
        except statements.StatementError:
            seen = []
        chosen = mapping.get(key) or {}
        out[field] = [(v, choice_field(field, v), chosen.get(mapped.value_key(v)) or guess(v))
                      for v in seen]
    return out


def date_examples(header, records, mapping: dict | None) -> list[dict]:
    """Two dates of the file, each read day-first and month-first, when the person must say."""
    out = []
    # Asked whatever was answered before, so the answer stays on the page until it is sent.
    unanswered = dict(mapping, date_order=None) if mapping else None
    for text in statements.date_question(header, records, unanswered):
        try:
            out.append({"text": text, "dmy": statements.parse_date(text, "dmy"),
                        "mdy": statements.parse_date(text, "mdy")})
        except ValueError:  # 31/04 is no date either way: no example
            continue
    return out


def preview(batch: ImportBatch, mapping: dict | None, currency: str | None = None,
            limit: int = 5, order: str | None = None):
    """The first rows as they will be read with ``mapping`` (None: the file's known layout)."""
    if currency:
        currency = clean_currency(currency, "default_currency")
    try:
        return statements.preview(uploads.read(batch.file_key), batch.file_name, mapping,
                                  limit=limit, default_currency=currency or batch.default_currency,
                                  today=today(), order=order)
    except statements.DateOrderNeeded as error:
        raise ServiceError(str(error), "date_order") from None
    except statements.StatementError as error:
        raise ServiceError(str(error), "date") from None


def confirm_order(batch: ImportBatch, order: str | None) -> ImportBatch:
    """A known layout whose dates read two ways: keep the person's answer and queue the batch."""
    if batch.status != "mapping":
        return batch
    if order not in statements.ORDERS:
        raise ServiceError(_l("Say how the dates in this file are written: day first or "
                              "month first."), "date_order")
    batch.date_order, batch.status, batch.queued_at = order, "queued", utcnow()
    db.session.commit()
    return batch


def confirm_mapping(user, batch: ImportBatch, mapping: dict, currency: str | None) -> ImportBatch:
    """Remember ``mapping`` (with its currency) for its owner and this header; queue the batch."""
    if batch.status != "mapping":
        return batch
    header, records = header_of(batch)
    if currency:
        batch.default_currency = clean_currency(currency, "default_currency")
    if "currency" not in mapping and not batch.default_currency:
        raise ServiceError(_l("The file has no currency column: choose the currency of its "
                              "amounts."), "default_currency")
    if "date_order" not in mapping and statements.date_question(header, records, mapping):
        raise ServiceError(_l("Say how the dates in this file are written: day first or "
                              "month first."), "date_order")
    mapping = dict(mapping, default_currency=batch.default_currency)
    owner, learner_id, site_id = owner_of(user, batch.learner_id)
    signature = statements.header_signature(header)
    row = db.session.scalar(select(ColumnMapping).where(ColumnMapping.signature == signature,
                                                        ColumnMapping.owner == owner))
    if row is None:
        row = ColumnMapping(signature=signature, owner=owner, owner_learner_id=learner_id,
                            owner_site_id=site_id, header=list(header))
        db.session.add(row)
    row.mapping, row.updated_by_id, row.updated_at = mapping, user.id, utcnow()
    batch.mapping, batch.status, batch.queued_at = mapping, "queued", utcnow()
    db.session.commit()
    return batch


def form_values(mapping: dict, header, records) -> dict:
    """A remembered mapping as the step's form values, shown for this person to confirm."""
    values = {f: str(mapping[f]) for f in MAPPED_FIELDS if mapping.get(f) is not None}
    for choices in value_choices(header, records, mapping).values():
        values.update({name: chosen for _value, name, chosen in choices})
    for key in ("negatives", "date_order", "default_currency"):
        if mapping.get(key):
            values[key] = mapping[key]
    return values
