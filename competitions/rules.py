"""Who may do what with competitions. Every permission check of this app lives here."""

import functools

from django.db import connection
from django.http import Http404
from django.shortcuts import get_object_or_404

from competitions.models import CommitteeMember, Competition, Stage
from kovablik.compiled import bind


def committee_seats(user):
    """Committee memberships of a user (or of OuterRef("pk") in a subquery)."""
    return CommitteeMember.objects.filter(user=user)


def is_committee(user, competition=None) -> bool:
    """A superuser runs every competition; a committee member runs the ones they are a member of."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    members = committee_seats(user)
    if competition is not None:
        members = members.filter(competition=competition)
    return members.exists()


def committee_competitions(user):
    if not user.is_authenticated:
        return Competition.objects.none()
    if user.is_superuser:
        return Competition.objects.all()
    return Competition.objects.filter(committee__user=user).distinct()


def get_competition_for_committee(user, **lookup) -> Competition:
    """The competition the user runs, or 404 for anyone else (outsiders must not learn it exists)."""
    return get_object_or_404(committee_competitions(user), **lookup)


# Values no request has: where the slug, stage order and user id go in the stage lookup compiled once.
_PLACEHOLDER_SLUG = "-placeholder-slug-"
_PLACEHOLDER_ORDER = 32_719  # within the column's range: the ORM finds a negative order matches nothing
_PLACEHOLDER_USER_ID = -7_230_421


@functools.cache
def _committee_stage_sql(vendor: str, superuser: bool) -> tuple[str, tuple, int]:
    """The stage lookup's SQL and parameters, compiled once per process (database vendor, superuser or not), and
    how many of its columns are the stage's (the competition's follow). Building the query with the ORM cost
    more CPU than the database spends answering it (~1 ms a committee page)."""
    stage_fields = [f.attname for f in Stage._meta.concrete_fields]
    competition_fields = [f"competition__{f.attname}" for f in Competition._meta.concrete_fields]
    stages = Stage.objects.filter(competition__slug=_PLACEHOLDER_SLUG, order=_PLACEHOLDER_ORDER)
    if not superuser:
        stages = stages.filter(competition__committee__user_id=_PLACEHOLDER_USER_ID)
    sql, params = stages.order_by().values_list(*stage_fields, *competition_fields).query.sql_with_params()
    return sql, params, len(stage_fields)


def get_stage_for_committee(user, slug, order) -> Stage:
    """The stage `order` of the competition `slug` the user runs, with its competition, or 404; one query.

    Asking get_competition_for_committee and then the competition's stage took two queries (the first one a
    DISTINCT over the committee join). A committee seat is unique per (competition, user), so the join here yields
    at most one row. judging.rules.get_stage_for_committee is this lookup.
    """
    if not user.is_authenticated:
        raise Http404
    sql, params, split = _committee_stage_sql(connection.vendor, user.is_superuser)
    given = {_PLACEHOLDER_SLUG: slug, _PLACEHOLDER_ORDER: int(order), _PLACEHOLDER_USER_ID: user.pk}
    with connection.cursor() as cursor:
        cursor.execute(sql, bind(params, given))
        row = cursor.fetchone()
    if row is None:
        raise Http404
    db = connection.alias
    stage = Stage.from_db(db, [f.attname for f in Stage._meta.concrete_fields], row[:split])
    stage.competition = Competition.from_db(db, [f.attname for f in Competition._meta.concrete_fields], row[split:])
    return stage
