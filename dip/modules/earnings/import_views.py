"""Statement import pages: upload, column mapping with a preview, status, templates."""
import logging
from functools import wraps

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from dip.core.access import Role, roles
from dip.core.errors import ServiceError
from dip.core.forms import choices
from dip.core.once import once
from dip.modules.earnings import import_mapping as steps, imports, services, statements
from dip.modules.earnings.blueprint import bp
from dip.modules.earnings.forms import ImportForm
from dip.queue import enqueue

log = logging.getLogger("dip.earnings")
LOGGERS = (Role.LEARNER, Role.COORDINATOR, Role.ADMIN)
#: Bodies up to this size reach the view, so a too-large statement gets the import page's own
#: message rather than the generic "file too large" page.
READ_LIMIT = 25 * 1024 * 1024


def _larger_body(view):
    """Let a statement up to READ_LIMIT reach the view (set before ``@once`` reads the form)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        request.max_content_length = READ_LIMIT
        return view(*args, **kwargs)

    return wrapper


def _batch_or_404(batch_id: int):
    batch = imports.visible_batch(current_user, batch_id)
    if batch is None:
        abort(404)
    return batch


def _enqueue(batch) -> None:
    """Queue the import; run inline without Redis (a crash there is already on the batch)."""
    try:
        enqueue(imports.IMPORT_JOB, batch.id)
    except Exception:  # noqa: BLE001 - the batch row holds the reason shown on the status page
        log.exception("inline import of batch %s failed", batch.id)


@bp.route("/earnings/import", methods=["GET", "POST"])
@roles(*LOGGERS)
@_larger_body
@once
def import_statement():
    """Upload a statement: known formats are queued at once, others go to the mapping step."""
    form = ImportForm()
    learners = services.loggable_learners(current_user)
    form.learner.choices = choices((u.id, u.display_name) for u in learners)
    if form.validate_on_submit():
        learner_id = current_user.id if current_user.role == Role.LEARNER else form.learner.data
        upload = request.files.get("file")
        try:
            if learner_id not in {u.id for u in learners}:
                raise ServiceError(_("Choose a learner from the list."), "learner")
            if upload is None or not upload.filename:
                raise ServiceError(_("Choose the statement file."), "file")
            with upload.stream as stream:  # a large upload sits in a temporary file
                data = stream.read()
            batch = imports.start(current_user, learner_id, data, upload.filename,
                                  form.currency.data or None)
        except ServiceError as error:
            getattr(form, error.field or "file").errors.append(str(error.message))
        else:
            if batch.status == "mapping":
                return redirect(url_for("earnings.import_mapping", batch_id=batch.id))
            _enqueue(batch)
            return redirect(url_for("earnings.import_status", batch_id=batch.id))
    return render_template("earnings/import.html", form=form,
                           pick_learner=current_user.role != Role.LEARNER,
                           batches=imports.recent_batches(current_user),
                           max_mb=statements.MAX_BYTES // (1024 * 1024))


@bp.route("/earnings/import/<int:batch_id>")
@roles(*LOGGERS)
def import_status(batch_id: int):
    """Where an import is; refreshes itself (no JavaScript) until it is done or failed."""
    batch = _batch_or_404(batch_id)
    if batch.status == "mapping":
        return redirect(url_for("earnings.import_mapping", batch_id=batch.id))
    return render_template("earnings/import_status.html", batch=batch)


@bp.route("/earnings/import/<int:batch_id>/retry", methods=["POST"])
@roles(*LOGGERS)
@once
def retry_import(batch_id: int):
    """Try a failed import again."""
    batch = _batch_or_404(batch_id)
    if batch.status == "failed":
        imports.retry(batch)
        _enqueue(batch)
    return redirect(url_for("earnings.import_status", batch_id=batch.id))


@bp.route("/earnings/import/<int:batch_id>/mapping", methods=["GET", "POST"])
@roles(*LOGGERS)
@once
def import_mapping(batch_id: int):
    """Say which columns hold what (for a layout we do not know) and how dates are written (when
    the file does not say); see the first rows as they will be read; import."""
    batch = _batch_or_404(batch_id)
    if batch.status != "mapping":
        return redirect(url_for("earnings.import_status", batch_id=batch.id))
    try:
        header, records = steps.header_of(batch)
    except statements.StatementError as error:
        flash(str(error), "error")
        return redirect(url_for("earnings.import_statement"))
    known = statements.detect(header) is not None
    mapping, errors, shown = None, {}, None
    if request.method == "POST":
        values = request.form
        action = values.get("action")
        currency = values.get("default_currency") or None
        try:
            if known:
                order = values.get("date_order") or None
                shown = steps.preview(batch, None, currency, order=order)
                if action == "import":
                    steps.confirm_order(batch, order)
            else:
                mapping = steps.clean_mapping(header, values, records)
                shown = steps.preview(batch, mapping, currency, order=mapping.get("date_order"))
                if action == "import":  # only choices the person has seen on this page
                    steps.clean_mapping(header, values, records, strict=True)
                    steps.confirm_mapping(current_user, batch, mapping, currency)
            if action == "import":
                _enqueue(batch)
                return redirect(url_for("earnings.import_status", batch_id=batch.id))
        except ServiceError as error:
            errors[error.field or "date"] = str(error.message)
    else:
        remembered = None if known else steps.mapping_for(current_user, batch.learner_id, header)
        mapping = dict(remembered.mapping) if remembered else None
        values = steps.form_values(mapping, header, records) if mapping else {}
    return render_template(
        "earnings/import_mapping.html", batch=batch, header=header, known=known,
        fields=steps.MAPPED_FIELDS, optional=steps.OPTIONAL, values=values, errors=errors,
        preview=shown, choices=steps.value_choices(header, records, mapping or {}),
        dates=steps.date_examples(header, records, mapping) if known or mapping else [],
    ), 200 if not errors else 422


@bp.route("/earnings/import/template.csv")
@roles(*LOGGERS)
def template_csv():
    """The platform's own simple statement template, as CSV."""
    return Response(statements.template_csv(), mimetype="text/csv", headers={
        "Content-Disposition": "attachment; filename=earnings-template.csv"})


@bp.route("/earnings/import/template.xlsx")
@roles(*LOGGERS)
def template_xlsx():
    """The platform's own simple statement template, as Excel."""
    return Response(statements.template_xlsx(), headers={
        "Content-Disposition": "attachment; filename=earnings-template.xlsx"},
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
