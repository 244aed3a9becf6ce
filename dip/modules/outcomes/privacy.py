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
"""
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field

EMPTY: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Part:
    """The people behind one cell: its denominator (for money, whose money is summed) and
    each of its numerators (none for money)."""

    den: frozenset[int]
    nums: tuple[frozenset[int], ...] = ()

    def minus(self, other: "Part") -> "Part":
        """The people of this cell that are not in ``other`` (what a difference reveals)."""
        return Part(self.den - other.den, tuple(a - b for a, b in zip(self.nums, other.nums)))

    def without(self, others: Iterable["Part"]) -> "Part":
        """The people of this cell in none of ``others``."""
        den, nums = set(self.den), [set(n) for n in self.nums]
        for other in others:
            den -= other.den
            for mine, theirs in zip(nums, other.nums):
                mine -= theirs
        return Part(frozenset(den), tuple(frozenset(n) for n in nums))


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
        den = part.den
        if not den:
            return False
        if len(den) < self.threshold:
            return True
        for num in part.nums:
            counted = len(num & den)
            if 0 < counted < self.threshold:
                return True
            if counted in (0, len(den)) and any(
                    0 < len(den & group) < self.threshold for group in self.subgroups):
                return True
        return False

    def small(self, part: Part) -> bool:
        """Primary suppression of a published cell: disclosive, or fewer than ``threshold``
        people including none ("no data" would say the group is empty)."""
        return len(part.den) < self.threshold or self.disclosive(part)


def protect(cells: dict[Hashable, Part], lines: list[Line], rule: Rule,
            hidden: Iterable[Hashable] = ()) -> set[Hashable]:
    """The cells to hide (``hidden`` to begin with): primary, then complementary suppression."""
    hidden = set(hidden) | {key for key, part in cells.items() if rule.small(part)}
    while True:
        known, derived_by = _closure(cells, lines, hidden)
        more = _violations(cells, lines, rule, hidden, known, derived_by)
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
    return (len(cells[key].den), repr(key))


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
        rest = cells[line.parent].without(cells[k] for k in line.children if k in known)
        if rest.den and rule.disclosive(rest):
            culprit = _cheapest(cells, hidden, line.children) or _breaker(
                cells, hidden, derived_by, line.parent)
            if culprit is not None:
                more.add(culprit)
    # Any two known cells, one inside the other: their difference is a group too.
    by_people: dict[frozenset, list] = {}
    for key in known:
        by_people.setdefault(cells[key].den, []).append(key)
    groups = sorted(by_people.items(), key=lambda item: len(item[0]))
    for i, (inner, inner_keys) in enumerate(groups):
        for outer, outer_keys in groups[i + 1:]:
            if len(outer) == len(inner) or not inner <= outer:
                continue
            a, b = inner_keys[0], outer_keys[0]
            if rule.disclosive(cells[b].minus(cells[a])):
                culprit = (_cheapest(cells, hidden, inner_keys)
                           or _cheapest(cells, hidden, outer_keys)
                           or _breaker(cells, hidden, derived_by, a)
                           or _breaker(cells, hidden, derived_by, b))
                if culprit is not None:
                    more.add(culprit)
    return more - hidden
