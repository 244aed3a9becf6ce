"""Navigation links, cohort-page links and home-page panels that features register per role.

A feature adds its own links and panels from its ``views.py``; ``base.html``, the cohort page,
the home page and a person's page render whatever the current role has, so no feature edits
another's templates.
"""
import functools
from dataclasses import dataclass
from typing import Callable

from flask import request, url_for
from flask_babel import get_locale
from markupsafe import Markup


@dataclass(frozen=True)
class Entry:
    """A registered link (``target`` is an endpoint) or panel (``target`` renders HTML)."""

    label: object  # a lazy string, or None for panels
    target: object
    roles: frozenset
    order: int
    more: frozenset = frozenset()  # roles that find this link under "More" (navigation only)


_nav: list[Entry] = []
_cohort_links: list[Entry] = []
_panels: list[Entry] = []
_person_panels: list[Entry] = []


def _register(registry: list[Entry], entry: Entry) -> None:
    if entry not in registry:  # importing a views module twice must not double its links
        registry.append(entry)
        registry.sort(key=lambda e: e.order)
        _nav_bar.cache_clear()


def _for(registry: list[Entry], user) -> list[Entry]:
    if not user.is_authenticated:
        return []
    return [e for e in registry if user.role in e.roles]


def nav_link(label, endpoint: str, roles, order: int = 50, more=()) -> None:
    """Show ``label`` linking to ``endpoint`` in the top navigation for ``roles``; the roles in
    ``more`` find it in the navigation's "More" menu, so every role's bar fits one line."""
    _register(_nav, Entry(label, endpoint, frozenset(roles), order, frozenset(more)))


def cohort_link(label, endpoint: str, roles, order: int = 50) -> None:
    """Show ``label`` on a cohort's page, linking to ``endpoint(cohort_id=…)``, for ``roles``."""
    _register(_cohort_links, Entry(label, endpoint, frozenset(roles), order))


def home_panel(roles, order: int = 50):
    """Register the decorated ``render(user) -> str | None`` as a home panel for ``roles``."""

    def decorator(render: Callable):
        _register(_panels, Entry(None, render, frozenset(roles), order))
        return render

    return decorator


def person_panel(roles, order: int = 50):
    """Register the decorated ``render(viewer, person) -> str | None`` as a panel of a person's
    page (``accounts.user``) shown to ``roles``; it returns None when it has nothing to say."""

    def decorator(render: Callable):
        _register(_person_panels, Entry(None, render, frozenset(roles), order))
        return render

    return decorator


def nav_for(user) -> list[tuple[str, str]]:
    """(label, url) pairs of the navigation for ``user``."""
    return [(str(e.label), url_for(e.target)) for e in _for(_nav, user)]


def nav_bar(user) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """``(bar, more)``: the (label, url) pairs shown in the navigation bar for ``user``, and
    those in its "More" menu."""
    if not user.is_authenticated:
        return (), ()
    return _nav_bar(user.role, str(get_locale()), request.script_root)


@functools.lru_cache(maxsize=64)
def _nav_bar(role, _locale, _root) -> tuple:
    # The same for every page a role opens in one language (and under one mount point):
    # worked out once per process, not with a dozen url_for calls on every view.
    bar, more = [], []
    for e in _nav:
        if role in e.roles:
            (more if role in e.more else bar).append((str(e.label), url_for(e.target)))
    return tuple(bar), tuple(more)


def cohort_links(user) -> list[tuple[str, str]]:
    """(label, endpoint) pairs of the cohort page's links for ``user``."""
    return [(str(e.label), e.target) for e in _for(_cohort_links, user)]


def panels_for(user) -> list[Markup]:
    """The rendered home panels for ``user``, in order, skipping empty ones."""
    rendered = (e.target(user) for e in _for(_panels, user))
    # Panels are rendered templates (already escaped), so they are marked safe here.
    return [Markup(html) for html in rendered if html]


def person_panels(viewer, person) -> list[Markup]:
    """The rendered panels of ``person``'s page for ``viewer``, in order, skipping empty ones."""
    rendered = (e.target(viewer, person) for e in _for(_person_panels, viewer))
    return [Markup(html) for html in rendered if html]
