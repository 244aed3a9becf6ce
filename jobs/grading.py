"""Grading-aid jobs: ids in, a service call."""
from dip.modules.assignments import checks


def check_submission(submission_id: int) -> None:
    """Check the uploaded file of Submission ``submission_id`` and store its checklist."""
    checks.check_submission(submission_id)
