"""Complementary suppression over every published cell a reader can reach, as one system.

Statistical offices protect linked tables together rather than one table at a time (tau-argus,
sdcTable's ``protectLinkedTables``): a figure hidden in one table must not come back as a
difference of figures shown in others. Here a *cell* is the set of people behind one figure
(one period, scope and group); a *line* says a parent cell is the sum of its children (a quarter
of its months, a programme of its sites, a group total of its groups). ``protect`` hides:

1. every cell that is itself disclosive (primary suppression: see ``Rule.disclosive``);
2. while any of these holds, the cheapest shown cell that makes it hold (complementary
   suppression), then checks again:
   * a hidden cell can be worked out from a line in which it is the only unknown;
   * what a shown parent leaves once its known children are taken away is disclosive;
   * what a known cell leaves inside any other known cell that contains it is disclosive
     (across periods, scopes and groups of different breakdowns alike).

The checks are exact for sums along one line at a time and for any two nested cells; like
tau-argus's singleton and hypercube methods, they do not solve systems of several lines at once
(an audit by linear programming would). The cost of hiding a cell is the number of people in it,
so small cells go first and headline figures last.

The staff's operational view (any cohort, any window: ``indicators.report``) is protected one
table at a time instead, by ``suppress`` at the end of this module.
"""
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # indicators imports this module
    from dip.modules.outcomes.indicators import Cell

EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Part:
    """The people behind one cell: its denominator (for money, whose money is summed) and
    each of its numerators (none for money); sets of ids, or integers with one bit a person."""

    den: frozenset[int] | int
    nums: tuple[frozenset[int] | int, ...] = ()



@dataclass(frozen=True)
class Line:
    """``parent`` is made of ``children``; ``complete`` when they are all of it (a quarter and
    its three months) rather than part of it (a quarter and only the month sharing its facts)."""

    parent: Hashable
    children: tuple[Hashable, ...]
    complete: bool = True


@dataclass
class Rule:
    """What counts as disclosive: fewer than ``threshold`` people in a group or in a count, and
    a group in which everyone or no one is counted while it holds a smaller group (``subgroups``:
    cohorts, sites, months, the groups of every breakdown) of fewer than ``threshold`` people."""

    threshold: int
    subgroups: list[frozenset[int]] = field(default_factory=list)

    def disclosive(self, part: Part) -> bool:
        """Whether publishing ``part``'s counts would tell something about a small group."""
        index: dict[int, int] = {}
        return _Bits(0, ()).rule(self, index).disclosive(_Bits.encode(part, index))

    def small(self, part: Part) -> bool:
        """Primary suppression of a published cell: disclosive, or fewer than ``threshold``
        people including none ("no data" would say the group is empty)."""
        return len(part.den) < self.threshold or self.disclosive(part)


class _Bits:
    """Sets of people as integers (one bit a person): subset tests and counts in C."""

    def __init__(self, den: int, nums: tuple[int, ...]):
        self.den, self.nums = den, nums

    @staticmethod
    def bit(index: dict[int, int], person: int) -> int:
        if person not in index:
            index[person] = len(index)
        return 1 << index[person]

    @staticmethod
    def set_of(people, index) -> int:
        if isinstance(people, int):  # already a set of bits (published.py builds them so)
            return people
        value = 0
        for person in people:
            value |= _Bits.bit(index, person)
        return value

    @classmethod
    def encode(cls, part: Part, index) -> "_Bits":
        return cls(cls.set_of(part.den, index), tuple(cls.set_of(n, index) for n in part.nums))

    def rule(self, rule: Rule, index) -> "_BitRule":
        return _BitRule(rule.threshold, [self.set_of(g, index) for g in rule.subgroups])


class _BitRule:
    def __init__(self, threshold: int, subgroups: list[int]):
        self.threshold, self.subgroups = threshold, subgroups
        self._holds_small: dict[int, bool] = {}

    def holds_small(self, den: int) -> bool:
        """Whether ``den`` holds a subgroup of 1 to threshold − 1 people (kept per set)."""
        found = self._holds_small.get(den)
        if found is None:
            found = self._holds_small[den] = any(
                0 < (den & group).bit_count() < self.threshold for group in self.subgroups)
        return found

    def disclosive(self, part: _Bits) -> bool:
        den = part.den
        if not den:
            return False
        size = den.bit_count()
        if size < self.threshold:
            return True
        for num in part.nums:
            counted = (num & den).bit_count()
            if 0 < counted < self.threshold:
                return True
            if (counted == 0 or counted == size) and self.holds_small(den):
                return True
        return False

    def small(self, part: _Bits) -> bool:
        return part.den.bit_count() < self.threshold or self.disclosive(part)


def _minus(a: _Bits, b: _Bits) -> _Bits:
    return _Bits(a.den & ~b.den, tuple(x & ~y for x, y in zip(a.nums, b.nums)))


def _without(a: _Bits, others) -> _Bits:
    den, nums = a.den, list(a.nums)
    for other in others:
        den &= ~other.den
        nums = [x & ~y for x, y in zip(nums, other.nums)]
    return _Bits(den, tuple(nums))


def protect(cells: dict[Hashable, Part], lines: list[Line], rule: Rule,
            hidden: Iterable[Hashable] = ()) -> set[Hashable]:
    """The cells to hide (``hidden`` to begin with): primary, then complementary suppression."""
    index: dict[int, int] = {}
    bits = {key: _Bits.encode(part, index) for key, part in cells.items()}
    bit_rule = _Bits(0, ()).rule(rule, index)
    hidden = set(hidden) | {key for key, part in bits.items() if bit_rule.small(part)}
    while True:
        known, derived_by = _closure(bits, lines, hidden)
        more = _violations(bits, lines, bit_rule, hidden, known, derived_by)
        if not more:
            return hidden
        hidden |= more


def _closure(cells, lines, hidden):
    """Cells a reader knows: the shown ones, and any hidden one alone unknown in a whole line."""
    known = {key for key in cells if key not in hidden}
    derived_by: dict[Hashable, Line] = {}
    changed = True
    while changed:
        changed = False
        for line in lines:
            if not line.complete:
                continue
            unknown = [k for k in (line.parent, *line.children) if k not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                derived_by[unknown[0]] = line
                changed = True
    return known, derived_by


def _cost(cells, key) -> tuple:
    return (cells[key].den.bit_count(), repr(key))


def _cheapest(cells, hidden, candidates) -> Hashable | None:
    shown = [k for k in candidates if k not in hidden and k in cells]
    return min(shown, key=lambda k: _cost(cells, k)) if shown else None


def _breaker(cells, hidden, derived_by, key) -> Hashable | None:
    """A shown cell whose hiding stops ``key`` being known: itself, or one of its line."""
    if key not in hidden:
        return key
    line = derived_by.get(key)
    if line is None:
        return None
    return _cheapest(cells, hidden, [k for k in (line.parent, *line.children) if k != key])


def _violations(cells, lines, rule, hidden, known, derived_by) -> set:
    more: set = set()
    for key, line in derived_by.items():  # a hidden cell worked out from its line
        if rule.small(cells[key]):
            culprit = _breaker(cells, hidden, derived_by, key)
            if culprit is not None:
                more.add(culprit)
    for line in lines:  # what a known parent leaves beside its known children
        if line.parent not in known:
            continue
        rest = _without(cells[line.parent], (cells[k] for k in line.children if k in known))
        if rest.den and rule.disclosive(rest):
            culprit = _cheapest(cells, hidden, line.children) or _breaker(
                cells, hidden, derived_by, line.parent)
            if culprit is not None:
                more.add(culprit)
    # Any two known cells, one inside the other: their difference is a group too.
    by_people: dict[int, list] = {}
    for key in known:
        by_people.setdefault(cells[key].den, []).append(key)
    groups = sorted(by_people.items(), key=lambda item: item[0].bit_count())
    sizes = [den.bit_count() for den, _keys in groups]
    for i, (inner, inner_keys) in enumerate(groups):
        for j in range(i + 1, len(groups)):
            outer, outer_keys = groups[j]
            if sizes[j] == sizes[i] or inner & ~outer:
                continue
            a, b = inner_keys[0], outer_keys[0]
            if rule.disclosive(_minus(cells[b], cells[a])):
                culprit = (_cheapest(cells, hidden, inner_keys)
                           or _cheapest(cells, hidden, outer_keys)
                           or _breaker(cells, hidden, derived_by, a)
                           or _breaker(cells, hidden, derived_by, b))
                if culprit is not None:
                    more.add(culprit)
    return more - hidden


# ---- one table at a time: the staff's operational view (``indicators.report``) ----

def is_small(cell: "Cell", threshold: int) -> bool:
    """Primary suppression: fewer than ``threshold`` people in the group (none included: "no
    data" would say the group is empty) or in the count."""
    if cell.den < threshold:
        return True
    return not cell.is_money and 0 < cell.num < threshold


def suppress(total: "Cell", siblings: list["Cell"], threshold: int) -> None:
    """Hide small cells and, where one hidden cell could be worked out, a second one.

    ``siblings`` partition ``total`` (the groups of one dimension). The hidden siblings
    together are the total minus the shown ones; while they are fewer than ``threshold``
    people, the next smallest shown sibling is hidden as well.
    """
    total.suppressed = total.suppressed or is_small(total, threshold)
    for cell in siblings:
        cell.suppressed = cell.suppressed or is_small(cell, threshold)
    hidden = [c for c in siblings if c.suppressed]
    if total.suppressed or not hidden or sum(c.den for c in hidden) >= threshold:
        return
    shown = sorted((c for c in siblings if not c.suppressed),
                   key=lambda c: (c.people, c.num))
    if shown:
        shown[0].suppressed = shown[0].secondary = True
