"""What each indicator means, word for word as it is computed (shown on the definitions page
and in every export)."""
from flask_babel import lazy_gettext as _l

#: Who is counted at all, for every indicator.
POPULATION = _l(
    "Learners counted: every learner enrolled in a cohort of the chosen scope. For a site or the "
    "whole program, the cohorts that ran during the window (started on or before its last day and "
    "ended on or after its first day); for a cohort, all its learners. The window is judged from "
    "its last day, or from today if it has not ended yet (the reference day).")

DEFINITIONS = {
    "completion": _l(
        "Learners who met their cohort's completion rule (every required assignment passed and "
        "enough attendance, as the cohort sets it) divided by the learners enrolled."),
    "raised_income": _l(
        "Learners whose average monthly income over the last three complete calendar months "
        "before the reference day (months without earnings count as zero) is above their baseline "
        "monthly income, divided by the learners with income data (any recorded monthly income up "
        "to the end of those three months)."),
    "earnings": _l(
        "The mean and the median of that three-month average, in US dollars, over the learners "
        "whose three-month average is above zero. The numerator is the sum of their averages, the "
        "denominator how many they are."),
    "self_employed": _l(
        "Learners with earnings in the last 90 days up to the reference day, or who answered yes "
        "to self-employment in the endline survey, divided by the learners enrolled."),
    "integrated": _l(
        "Learners who answered yes to feeling more integrated because of their digital skills in "
        "the endline survey, divided by the learners who answered the endline survey."),
    "daily_use": _l(
        "Learners who answered that they use digital skills daily in work and personal life in the "
        "endline survey, divided by the learners who answered the endline survey."),
}

SUPPRESSION = _l(
    "Privacy: a figure is hidden (shown as suppressed) when it counts fewer than %(n)s people, in "
    "its denominator or in its numerator. When exactly one group of a breakdown is hidden, "
    "the next smallest group is hidden too, so the hidden one cannot be worked out from the "
    "total and the other groups.")

MONTHLY = _l(
    "Income by month: the average of the monthly income in US dollars of the learners counted who "
    "earned in that month, and how many they were.")
