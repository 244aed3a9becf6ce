"""Grading-aid jobs: ids in, a service call."""


def check_submission(submission_id: int) -> None:
    """Check the uploaded file of Submission ``submission_id`` and store its checklist."""
    from dip.modules.assignments.checks import check_submission as run

    run(submission_id)
