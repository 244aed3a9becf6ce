"""Fixtures for the earnings tests: statements to upload and a quick way to log entries."""
from datetime import date
from decimal import Decimal

import pytest

from dip.core.access import Role

UPWORK_HEADER = ("Date,Transaction ID,Transaction type,Transaction summary,Transaction summary details,"
                 "Description 1,Description 2,Description 3,Agency team,Freelancer,Client team,"
                 "Account name,PO,Ref ID,Amount $,Amount in local currency,Currency,"
                 "Current balance $,Payment method")


def upwork_csv(rows: int, start: int = 1, day: date = date(2026, 3, 3)) -> bytes:
    """An Upwork transaction history with ``rows`` hourly earnings of $10.00 + n cents."""
    lines = [UPWORK_HEADER]
    when = day.strftime("%b %-d, %Y")
    for i in range(start, start + rows):
        amount = f"{10 + i % 100}.{i % 100:02d}"
        lines.append(f'"{when}",{900000 + i},Hourly,Invoice for work {i},,,,,,Me,Acme Ltd,Me,,'
                     f'{800000 + i},{amount},,USD,{amount},')
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def upwork():
    """Build an Upwork CSV statement."""
    return upwork_csv


@pytest.fixture
def people(world, make_user):
    """The shared world, plus a second learner at the coordinator's site."""
    world["learner2"] = make_user(Role.LEARNER, cohort=world["cohort_a"], username="learner.a2")
    return world


@pytest.fixture
def log(app):
    """Log an entry through the service: ``log(user, learner, amount, currency, day)``."""
    from dip.modules.earnings import services

    def make(user, learner=None, amount="10.00", currency="USD", day=None, **extra):
        values = {"earned_on": day or date.today(), "amount": Decimal(amount),
                  "currency": currency, "platform": "upwork", "kind": "translation", **extra}
        return services.log_entry(user, (learner or user).id, values)

    return make
