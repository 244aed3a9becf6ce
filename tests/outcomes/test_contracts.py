"""The indicators read the other features through their contracts, when those are present."""
from datetime import date
from decimal import Decimal

import pytest

from dip.core.access import Role
from dip.modules.outcomes import indicators as ind
from dip.modules.outcomes.indicators import Scope, Window


def test_completion_comes_from_the_assignments_completion_rule(world, make_user):
    completion = pytest.importorskip("dip.modules.assignments.completion")
    cohort = world["cohort_a"]
    learners = [world["learner"]] + [make_user(Role.LEARNER, cohort=cohort) for _ in range(5)]
    # No required assignment; the default rule asks for 80% attendance: five came, one did not.
    marks = {u.id: "present" for u in learners[:5]} | {learners[5].id: "absent"}
    completion.take_attendance(cohort.id, date.today(), marks, world["trainer"].id)
    window = Window(cohort.start_date, cohort.end_date)
    cell = ind.report(world["admin"], Scope(cohort_id=cohort.id), window, 5).headline["completion"]
    assert (cell.num, cell.den, cell.value) == (5, 6, Decimal("83.3"))


def test_certified_comes_from_valid_certificates_of_the_assignments_feature(world, make_user):
    from dip.extensions import db
    from dip.modules.assignments import completion

    cohort = world["cohort_a"]
    learners = [world["learner"]] + [make_user(Role.LEARNER, cohort=cohort) for _ in range(5)]
    marks = {u.id: "present" for u in learners}
    completion.take_attendance(cohort.id, date.today(), marks, world["trainer"].id)
    certificates = [completion.issue_certificate(cohort, u.id, world["coordinator"].id)
                    for u in learners]
    completion.revoke_certificate(certificates[0], "issued by mistake")
    db.session.commit()
    assert completion.certified_learner_ids([cohort.id]) == {u.id for u in learners[1:]}
    window = Window(cohort.start_date, cohort.end_date)
    cell = ind.report(world["admin"], Scope(cohort_id=cohort.id), window, 5).headline["certified"]
    assert (cell.num, cell.den) == (5, 6)
