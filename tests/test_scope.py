"""The one place that scopes personal data: each role sees exactly its own people."""
import pytest

from dip.core import scope
from dip.extensions import db


def _ids(query):
    return set(db.session.scalars(query))


@pytest.mark.parametrize("who,learners", [
    ("learner", {"learner"}),
    ("trainer", {"learner"}),
    ("coordinator", {"learner"}),
    ("reviewer", set()),
    ("admin", {"learner", "other_learner"}),
])
def test_learners_in_scope(world, who, learners):
    assert _ids(scope.learner_ids(world[who])) == {world[n].id for n in learners}


@pytest.mark.parametrize("who,cohorts", [
    ("learner", {"cohort_a"}), ("trainer", {"cohort_a"}), ("coordinator", {"cohort_a"}),
    ("reviewer", {"cohort_a"}), ("admin", {"cohort_a", "cohort_b"}),
])
def test_cohorts_in_scope(world, who, cohorts):
    assert _ids(scope.cohort_ids(world[who])) == {world[n].id for n in cohorts}


def test_reviewer_may_open_no_personal_record(world):
    reviewer = world["reviewer"]
    assert not scope.may_see_learner(reviewer, world["learner"].id)
    assert _ids(scope.user_ids(reviewer)) == set()


def test_learner_sees_only_themself(world):
    learner = world["learner"]
    assert scope.may_see_learner(learner, learner.id)
    assert not scope.may_see_learner(learner, world["other_learner"].id)


def test_coordinator_manages_staff_of_their_sites_only(world):
    staff = _ids(scope.staff_ids(world["coordinator"]))
    assert world["trainer"].id in staff and world["coordinator"].id in staff
    assert world["admin"].id not in staff
