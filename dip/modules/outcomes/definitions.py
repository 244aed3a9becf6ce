"""What each indicator means, word for word as it is computed (shown on the definitions page
and in every export)."""
from flask_babel import lazy_gettext as _l

#: Who is counted at all, for every indicator.
POPULATION = _l(
    "Learners counted: for a site or the whole programme, every learner enrolled in a cohort "
    "that ended in the period (its last day falls in the month or quarter), so a quarter is "
    "exactly its three months; for a cohort (staff only), all its learners. A period is read "
    "from its last day, or from today if it has not ended yet (the reference day).")

#: The one window rule of every income and self-employment figure.
WINDOW = _l(
    "Income months: the last three complete calendar months on or before the reference day "
    "(for a quarter, its own three months). Every income figure and self-employment use these "
    "same months, and the page and the files name them.")

DEFINITIONS = {
    "completion": _l(
        "Learners who met their cohort's completion rule (every required assignment passed and "
        "enough attendance, as the cohort sets it) divided by the learners enrolled. A cohort "
        "that has not ended shows “in progress”."),
    "certified": _l(
        "Learners holding a valid certificate of their cohort (issued and not revoked) divided "
        "by the learners enrolled."),
    "raised_income": _l(
        "Learners whose average monthly net income over the income months (months without "
        "earnings count as zero) is above their baseline monthly income, divided by the learners "
        "with income data (any recorded monthly income up to the end of those months)."),
    "raised_income_all": _l(
        "The same learners whose income rose, divided by every learner enrolled (those without "
        "income data count as not raised)."),
    "earnings": _l(
        "The mean and the median of that three-month average, in US dollars, net of platform "
        "fees, over the earners only: learners whose three-month average is above zero. The "
        "numerator is the sum of their averages, the denominator how many they are."),
    "earnings_all": _l(
        "The same sum divided by every learner enrolled: learners who earned nothing count as "
        "zero."),
    "self_employed": _l(
        "Learners with earnings in the income months, or who answered yes to self-employment "
        "in the endline survey, divided by the learners enrolled."),
    "integrated": _l(
        "Learners who answered yes to feeling more integrated because of their digital skills in "
        "the endline survey, divided by the learners who answered the endline survey."),
    "daily_use": _l(
        "Learners who answered that they use digital skills daily in work and personal life in the "
        "endline survey, divided by the learners who answered the endline survey."),
}

SUPPRESSION = _l(
    "Privacy: a figure reads “suppressed” when it counts fewer than %(n)s people (none "
    "included), in its denominator or its numerator, or when it is 0%% or 100%% of a group "
    "holding a smaller group (a cohort, a site, a month or a group of a breakdown) of fewer than "
    "%(n)s people. Reviewers read fixed scopes (the programme, a site) and periods (whole months "
    "and quarters); every figure they can reach on the page and in the files is protected "
    "together: a figure is suppressed too when what it leaves inside another reachable figure "
    "(a quarter and its months, the programme and its sites, a total and its groups, any two "
    "figures one inside the other) would be such a small group, or when a suppressed figure "
    "could be worked out from the others.")

MONTHLY = _l(
    "Income by month: for each of the twelve months up to the end of the period, the average "
    "net monthly income in US dollars of the learners counted who earned in that month, and "
    "how many they were.")

WAITING = _l(
    "Money waiting for an exchange rate is not converted at a guessed rate: it is left out of "
    "the income figures, and the page and the files say how many entries wait and in which "
    "months.")
