"""Reporting periods: the published ones (whole months and calendar quarters) and the checks on
any date a reader types, so a bad date answers a clear message instead of a server error."""
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date, format_skeleton
from flask_babel import get_locale, lazy_gettext as _l

from dip.core.months import add_months, month_end, month_of  # noqa: F401 - read from here too
from dip.modules.earnings.income import last_complete_months, months_label  # noqa: F401

#: Dates outside these years are refused (no cohort ran before 2000; 9999 overflows).
FIRST_YEAR, LAST_YEAR = 2000, 2100


class BadPeriod(ValueError):
    """A period or date a reader asked for is malformed or out of range (``message`` says why)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def parse_day(value: str | None, default: date) -> date:
    """A date typed as YYYY-MM-DD (empty: ``default``); BadPeriod when malformed or out of range."""
    if not value:
        return default
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise BadPeriod(_l("“%(value)s” is not a date. Write it as YYYY-MM-DD, for example "
                           "2026-09-30.", value=value[:20])) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise BadPeriod(_l("Choose a date between %(first)s and %(last)s.",
                           first=FIRST_YEAR, last=LAST_YEAR))
    return day


@dataclass(frozen=True)
class Period:
    """A published reporting period: one whole month, or one calendar quarter."""

    kind: str          # "month" or "quarter"
    start: date        # first day
    end: date          # last day

    @property
    def code(self) -> str:
        """How the period is written in addresses and files: 2026-09 or 2026-Q3."""
        if self.kind == "month":
            return self.start.strftime("%Y-%m")
        return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"

    @property
    def months(self) -> list[date]:
        """Firsts of the months the period covers."""
        return [add_months(self.start, k) for k in range(3 if self.kind == "quarter" else 1)]

    @property
    def quarter(self) -> "Period":
        """The calendar quarter holding this period (itself for a quarter)."""
        first = self.start.replace(month=(self.start.month - 1) // 3 * 3 + 1)
        return Period("quarter", first, month_end(add_months(first, 2)))

    def members(self) -> list["Period"]:
        """The quarter and its three months: every published period sharing people with this one."""
        quarter = self.quarter
        return [quarter] + [month_period(m) for m in quarter.months]

    def income_months(self) -> list[date]:
        """The last three complete months of the period (its own months for a quarter)."""
        return last_complete_months(self.end)

    def previous(self) -> "Period":
        """The period of the same kind just before this one."""
        if self.kind == "month":
            return month_period(add_months(self.start, -1))
        return month_period(add_months(self.start, -3)).quarter

    def label(self) -> str:
        """The period in the reader's language: "Sep 2026" or "Q3 2026"."""
        if self.kind == "month":
            return format_skeleton("yMMM", self.start, locale=get_locale())
        return format_date(self.start, "QQQ y", locale=get_locale())


def month_period(month: date) -> Period:
    """The period of one whole month."""
    first = month_of(month)
    return Period("month", first, month_end(first))


def parse_period(value: str | None) -> Period:
    """``2026-09`` (a month) or ``2026-Q3`` (a quarter); BadPeriod otherwise."""
    text = (value or "").strip().upper()
    year, _sep, rest = text.partition("-")
    if year.isdigit() and len(year) == 4 and FIRST_YEAR <= int(year) <= LAST_YEAR:
        if rest[:1] == "Q" and rest[1:] in ("1", "2", "3", "4"):
            first = date(int(year), (int(rest[1:]) - 1) * 3 + 1, 1)
            return Period("quarter", first, month_end(add_months(first, 2)))
        if rest.isdigit() and len(rest) == 2 and 1 <= int(rest) <= 12:
            return month_period(date(int(year), int(rest), 1))
    raise BadPeriod(_l("Choose a month (2026-09) or a quarter (2026-Q3) between %(first)s and "
                       "%(last)s.", first=FIRST_YEAR, last=LAST_YEAR))


def latest_quarter(on: date) -> Period:
    """The last calendar quarter that has ended by ``on``."""
    this_quarter = month_period(on).quarter
    if this_quarter.end < on:  # pragma: no cover - on is never past its own quarter
        return this_quarter
    return month_period(add_months(this_quarter.start, -1)).quarter


def published(on: date, first: date | None) -> list[Period]:
    """Complete quarters and months from ``first``'s quarter up to ``on``, newest first."""
    if first is None:
        return []
    out, month = [], month_period(first).quarter.start
    last = month_of(on)
    while month < last:
        period = month_period(month)
        if month.month % 3 == 1 and period.quarter.end < on:
            out.append(period.quarter)
        out.append(period)
        month = add_months(month, 1)
    return list(reversed(out))
