"""The demo's finished cohort "Dzaleka 2025": graduates, certificates (one revoked and issued
again), classes, surveys and earnings, loaded once however often `flask dip demo` runs."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dip.cli import DEMO_PASSWORD
from dip.core.clock import today
from dip.extensions import db
from tests.assignments.credential_helpers import offline_verify

pytestmark = pytest.mark.slow


def _counts() -> dict:
    from dip.modules.assignments.models import Certificate, ClassSession, Submission
    from dip.modules.earnings.models import EarningEntry, ExchangeRate
    from dip.modules.outcomes.models import SurveyResponse

    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Certificate, ClassSession, Submission, EarningEntry, ExchangeRate,
                          SurveyResponse)}


def test_the_demo_loads_a_finished_certified_cohort_once(app, client, runner):
    from dip.modules.accounts.models import User
    from dip.modules.assignments.models import Certificate
    from dip.modules.assignments.services import sync_assignments
    from dip.modules.curriculum.content import CONTENT_ROOT
    from dip.modules.curriculum.sync import sync
    from dip.modules.earnings.models import MonthlyIncome
    from dip.modules.outcomes.models import SurveyResponse
    from dip.modules.programs.models import Cohort, LearnerProfile

    sync(CONTENT_ROOT)
    sync_assignments(CONTENT_ROOT)
    result = runner.invoke(args=["dip", "demo"])
    assert result.exit_code == 0, result.output
    assert "graduate01 … graduate12" in result.output
    first = _counts()
    assert runner.invoke(args=["dip", "demo"]).exit_code == 0
    assert _counts() == first  # idempotent

    cohort = db.session.scalar(select(Cohort).where(Cohort.name == "Dzaleka 2025"))
    assert cohort.end_date < today()  # a cohort that ended
    graduates = {u.username: u for u in db.session.scalars(
        select(User).join(LearnerProfile, LearnerProfile.user_id == User.id)
        .where(LearnerProfile.cohort_id == cohort.id))}
    assert sorted(graduates) == [f"graduate{i:02d}" for i in range(1, 13)]
    certs = list(db.session.scalars(select(Certificate).where(Certificate.cohort_id == cohort.id)))
    valid = {c.learner_id for c in certs if c.revoked_at is None}
    revoked = [c for c in certs if c.revoked_at is not None]
    assert len(valid) == 10 and len(revoked) == 1  # most certified, one revoked (and reissued)
    assert revoked[0].learner_id in valid
    ids = [u.id for u in graduates.values()]
    endlines = db.session.scalar(select(func.count()).select_from(SurveyResponse).where(
        SurveyResponse.kind == "endline", SurveyResponse.learner_id.in_(ids)))
    assert endlines == 11
    last_three = (today().replace(day=1) - timedelta(days=85)).replace(day=1)
    earning_recently = db.session.scalar(select(func.count(func.distinct(MonthlyIncome.learner_id)))
                                         .where(MonthlyIncome.learner_id.in_(ids),
                                                MonthlyIncome.month >= last_three))
    assert earning_recently >= 5  # enough for the outcome dashboards to show, not suppress

    # A graduate signs in, finds the certificate and downloads a credential that verifies.
    client.post("/login", data={"username": "graduate01", "password": DEMO_PASSWORD})
    home = client.get("/?lang=en").get_data(as_text=True)  # graduate01 reads French
    assert "Your certificate" in home
    mine = next(c for c in certs if c.learner_id == graduates["graduate01"].id)
    page = client.get(f"/certificates/{mine.id}").get_data(as_text=True)
    assert "Alain Mugisha" in page and '<svg viewBox' in page
    token = client.get(f"/verify/{mine.code}/credential.jwt").get_data(as_text=True)
    _header, claims = offline_verify(token, client.get("/.well-known/jwks.json").get_data(
        as_text=True))
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == "Alain Mugisha"
    assert claims["validFrom"] == "2025-08-10T00:00:00Z"
    html = client.get(f"/verify/{revoked[0].code}").get_data(as_text=True)
    assert "Revoked" in html and "Aug 19, 2025" in html
