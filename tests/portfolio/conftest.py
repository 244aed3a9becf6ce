"""Fixtures of the portfolio tests: a cohort with two learners, items and proposals."""
import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from dip.core.access import Role
from tests.conftest import form

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(world, make_user):
    """``world`` plus a second learner in cohort A."""
    w = dict(world)
    w["learner2"] = make_user(Role.LEARNER, cohort=w["cohort_a"], username="learner.a2")
    return w


@pytest.fixture
def make_item(app):
    """Create a portfolio item for a learner through the service."""
    from dip.modules.portfolio import services

    def make(learner, title="Letter translation", visibility="private", **values):
        data = {"title": title, "client_need": "A school letter in English",
                "what_i_did": "Translated it from French", "skills": ["translation"],
                "tags": "French, English", "sample_text": "Dear parents, ...",
                "visibility": visibility}
        data.update(values)
        return services.save_item(learner.id, data)

    return make


@pytest.fixture
def make_proposal(app):
    """Create a proposal for a learner through the service."""
    from dip.modules.portfolio import proposals

    def make(learner, title="Translate a school website", deadline=None, body=None,
             description="We need our school website translated from French to English. "
                         "About 2000 words, accurate and friendly tone."):
        proposal = proposals.create_proposal(learner.id, title, description, "50", "USD",
                                             deadline)
        if body is not None:
            proposals.save_body(proposal, body)
        return proposal

    return make


def multipart(client, url, fields: dict, file: tuple[bytes, str] | None = None):
    """POST a multipart form (with a one-time token) encoded in memory."""
    body = form(fields)
    if file is not None:
        body["file"] = FileStorage(io.BytesIO(file[0]), filename=file[1])
    boundary, payload = encode_multipart(body)
    return client.post(url, data=payload, content_type=f"multipart/form-data; boundary={boundary}")


from tests.assignments.conftest import browser_page  # noqa: E402,F401 - the Chromium fixture
