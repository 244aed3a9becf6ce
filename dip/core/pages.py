"""Navigation links and home-page panels that features register for each role.

A feature adds its own links and panels from its ``views.py``; ``base.html`` and the
home page render whatever the current role has, so no feature edits another's templates.
"""
from dataclasses import dataclass
from typing import Callable

from flask import url_for
from markupsafe import Markup


@dataclass(frozen=True)
class NavLink:
    """A link in the top navigation."""

    label: object  # a lazy string
    endpoint: str
    roles: frozenset
    order: int


@dataclass(frozen=True)
class Panel:
    """A section of a role's home page: ``render(user)`` returns HTML or None to skip."""

    render: Callable
    roles: frozenset
    order: int


_nav: list[NavLink] = []
_panels: list[Panel] = []


def nav_link(label, endpoint: str, roles, order: int = 50) -> None:
    """Show ``label`` linking to ``endpoint`` in the navigation for ``roles``."""
    link = NavLink(label, endpoint, frozenset(roles), order)
    if link not in _nav:
        _nav.append(link)
        _nav.sort(key=lambda n: n.order)


def home_panel(roles, order: int = 50):
    """Register the decorated ``render(user)`` function as a home panel for ``roles``."""

    def decorator(render):
        _panels.append(Panel(render, frozenset(roles), order))
        _panels.sort(key=lambda p: p.order)
        return render

    return decorator


def nav_for(user) -> list[tuple[str, str]]:
    """Return (label, url) pairs of the navigation for ``user``."""
    if not user.is_authenticated:
        return []
    return [(str(n.label), url_for(n.endpoint)) for n in _nav if user.role in n.roles]


def panels_for(user) -> list:
    """Return the rendered home panels for ``user``, in order, skipping empty ones."""
    rendered = (p.render(user) for p in _panels if user.role in p.roles)
    # Panels are rendered templates (already escaped), so they are marked safe here.
    return [Markup(html) for html in rendered if html]


_cohort_links: list[NavLink] = []


def cohort_link(label, endpoint: str, roles, order: int = 50) -> None:
    """Show ``label`` on a cohort's page, linking to ``endpoint(cohort_id=…)``, for ``roles``."""
    link = NavLink(label, endpoint, frozenset(roles), order)
    if link not in _cohort_links:
        _cohort_links.append(link)
        _cohort_links.sort(key=lambda n: n.order)


def cohort_links(user) -> list[tuple[str, str]]:
    """(label, endpoint) pairs of the cohort page's links for ``user``."""
    return [(str(n.label), n.endpoint) for n in _cohort_links if user.role in n.roles]
