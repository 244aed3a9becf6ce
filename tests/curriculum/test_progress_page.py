"""The progress grid a trainer reads: lessons grouped under their module's name, each lesson
named on hover and to a screen reader, "behind" counted on each learner's own dates (a late
joiner is not behind on their first day), and a printable view with a table per module."""
import re

from dip.core.access import Role
from dip.extensions import db
from dip.modules.curriculum.sync import sync
from dip.modules.programs.models import LearnerProfile


def _grid(client, auth, world, content_dir, make_user):
    sync(content_dir)
    on_time = make_user(Role.LEARNER, cohort=world["cohort_a"], display_name="Amani On-Time")
    db.session.get(LearnerProfile, on_time.id).enrolled_on = world["cohort_a"].start_date
    db.session.commit()
    auth.login("trainer.a")
    return client.get(f"/cohorts/{world['cohort_a'].id}/progress").get_data(as_text=True)


def test_lessons_are_grouped_and_named(client, auth, world, content_dir, make_user):
    html = _grid(client, auth, world, content_dir, make_user)
    assert re.search(r'<th scope="colgroup" colspan="2"[^>]*>Alpha basics</th>', html)
    assert re.search(r'<th scope="colgroup" colspan="1"[^>]*>Beta skills</th>', html)
    assert '<colgroup span="2"></colgroup><colgroup span="1"></colgroup>' in html
    # The number is short on screen; its title shows on hover, and a screen reader hears it.
    assert 'title="First lesson">1<span class="sr"> First lesson</span></a>' in html
    assert "<h2>Lessons</h2>" not in html  # no separate key to match numbers against


def test_behind_is_counted_on_each_learners_own_dates(client, auth, world, content_dir,
                                                      make_user):
    html = _grid(client, auth, world, content_dir, make_user)
    # Week 5 of the cohort: both alpha lessons are due and not done for the learner on the
    # cohort's dates; the learner who joined today follows their own week 1.
    on_time = html[html.index("Amani On-Time"):]
    assert on_time.index('<td class="num bad">2</td>') < on_time.index("</tr>")
    joiner = html[html.index(world["learner"].display_name):]
    assert "own dates from" in joiner[:joiner.index("</th>")]
    assert joiner.index('<td class="num">0</td>') < joiner.index("</tr>")
    assert "○" not in joiner[:joiner.index("</tr>")]


def test_printable_view_has_a_table_and_a_key_per_module(client, auth, world, content_dir,
                                                         make_user):
    _grid(client, auth, world, content_dir, make_user)
    response = client.get(f"/cohorts/{world['cohort_a'].id}/progress/print")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.count('<section class="module-print">') == 2
    alpha = html[html.index("Alpha basics</h2>"):html.index("Beta skills</h2>")]
    assert re.search(r"<li[^>]*>First lesson</li>", alpha) and "Amani On-Time" in alpha


def test_other_roles_cannot_print_the_grid(client, auth, world, content_dir):
    sync(content_dir)
    for who, status in (("learner.a", 403), ("reviewer.a", 403), ("coord.a", 200)):
        auth.login(who)
        assert client.get(f"/cohorts/{world['cohort_a'].id}/progress/print").status_code == status
        auth.logout()
    auth.login("trainer.a")
    assert client.get(f"/cohorts/{world['cohort_b'].id}/progress/print").status_code == 404
