"""The complementary-suppression engine on small hand-made systems of cells, and periods."""
from datetime import date

import pytest

from dip.modules.outcomes.periods import BadPeriod, parse_day, parse_period, published
from dip.modules.outcomes.privacy import Line, Part, Rule, protect


def people(start, count):
    return frozenset(range(start, start + count))


def test_a_site_and_a_month_isolate_the_rest_of_the_quarter():
    """Q = Jul (10) + Aug (3): Aug is hidden, so Jul must be too (Q − Jul = Aug)."""
    jul, aug = people(0, 10), people(10, 3)
    cells = {"Q": Part(jul | aug), "Jul": Part(jul), "Aug": Part(aug), "Sep": Part(frozenset())}
    hidden = protect(cells, [Line("Q", ("Jul", "Aug", "Sep"))], Rule(5))
    assert hidden == {"Aug", "Sep", "Jul"}  # the quarter (13) stays


def test_nested_cells_across_axes_are_checked_even_without_a_line():
    """A July women's cell inside the quarter's total leaves 4 people: one of them goes."""
    women, men, later = people(0, 10), people(10, 2), people(20, 2)
    cells = {"Q": Part(women | men | later), "Jul-women": Part(women)}
    hidden = protect(cells, [], Rule(5))
    assert hidden == {"Jul-women"}


def test_a_hidden_cell_alone_unknown_in_a_line_is_worked_out_and_protected():
    total, a, b, c = people(0, 20), people(0, 12), people(12, 5), people(17, 3)
    cells = {"T": Part(total), "a": Part(a), "b": Part(b), "c": Part(c)}
    hidden = protect(cells, [Line("T", ("a", "b", "c"))], Rule(5))
    assert hidden == {"c", "b"}  # b (the cheapest) hides c; a and the total stay


def test_hidden_groups_together_under_the_threshold_are_protected():
    total, a, b, c = people(0, 14), people(0, 12), people(12, 1), people(13, 1)
    cells = {"T": Part(total), "a": Part(a), "b": Part(b), "c": Part(c)}
    hidden = protect(cells, [Line("T", ("a", "b", "c"))], Rule(5))
    assert hidden == {"a", "b", "c"}  # b + c = 2 people would be known from T − a


def test_a_chain_of_lines_is_followed():
    """Programme = A + B; A = women + men. Hiding B's figure must not let A's men come back."""
    a_w, a_m, b = people(0, 10), people(10, 3), people(20, 8)
    cells = {"P": Part(a_w | a_m | b), "A": Part(a_w | a_m), "B": Part(b), "A-w": Part(a_w),
             "A-m": Part(a_m), "P-m": Part(a_m), "B-m": Part(frozenset())}
    lines = [Line("P", ("A", "B")), Line("A", ("A-w", "A-m")), Line("P-m", ("A-m", "B-m"))]
    hidden = protect(cells, lines, Rule(5))
    assert {"A-m", "A-w", "B-m", "P-m"} <= hidden
    assert "P" not in hidden


def test_everyone_or_no_one_discloses_a_small_subgroup():
    group, small = people(0, 7), people(4, 3)
    rule = Rule(5, [small])
    assert rule.disclosive(Part(group, (group,)))             # 7 of 7
    assert rule.disclosive(Part(group, (frozenset(),)))       # 0 of 7
    assert not rule.disclosive(Part(group, (people(0, 6),)))  # 6 of 7: not everyone
    assert not Rule(5, [people(0, 5)]).disclosive(Part(group, (group,)))  # subgroups ≥ 5 only
    assert rule.disclosive(Part(people(0, 9), (people(0, 2),)))  # two people counted


def test_an_incomplete_line_never_recovers_the_parent():
    """A quarter and the one month sharing its income months: the rest is never published."""
    sep, rest = people(0, 10), people(10, 3)
    cells = {"Q": Part(sep | rest), "Sep": Part(sep)}
    hidden = protect(cells, [Line("Q", ("Sep",), complete=False)], Rule(5))
    assert hidden == {"Sep"}


def test_periods_parse_and_refuse_clearly():
    assert parse_period("2026-Q3").months == [date(2026, 7, 1), date(2026, 8, 1),
                                              date(2026, 9, 1)]
    assert parse_period("2026-09").income_months() == [date(2026, 7, 1), date(2026, 8, 1),
                                                       date(2026, 9, 1)]
    assert parse_period("2026-Q3").income_months() == parse_period("2026-09").income_months()
    assert parse_period("2026-Q1").previous().code == "2025-Q4"
    for bad in ("2026-13", "2026-Q0", "9999-01", "1900-Q1", "", "2026/09", "2026-9"):
        with pytest.raises(BadPeriod):
            parse_period(bad)
    for bad in ("1900-01-01", "9999-12-31", "2026-13-40", "2026-02-30", "yesterday"):
        with pytest.raises(BadPeriod):
            parse_day(bad, date(2026, 1, 1))
    codes = [p.code for p in published(date(2026, 11, 28), date(2026, 7, 20))]
    assert codes[:2] == ["2026-10", "2026-09"] and "2026-Q3" in codes and "2026-Q4" not in codes
    assert "2026-11" not in codes  # the month is not over


@pytest.mark.parametrize("lang, label", [("en", "Sep\u2009–\u2009Nov 2026"),
                                         ("fr", "sept.–nov. 2026")])
def test_income_months_are_named_in_the_readers_language(app, lang, label):
    from dip.modules.earnings.income import months_label

    with app.test_request_context(f"/?lang={lang}"):
        from flask import session

        session["lang"] = lang
        assert months_label([date(2026, 9, 1), date(2026, 10, 1), date(2026, 11, 1)]) == label
