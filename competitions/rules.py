"""Who may do what with competitions. Every permission check of this app lives here."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from competitions.models import CommitteeMember, Competition, Stage


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


def get_stage_for_committee(user, slug, order):
    """The stage `order` of the competition `slug` the user runs, with its competition, or 404; one query.

    judging.rules.get_stage_for_committee asks for the competition, then its stage: two queries (the first one a
    DISTINCT over the committee join). A committee seat is unique per (competition, user), so the join here yields
    at most one row.
    """
    if not user.is_authenticated:
        raise Http404
    stages = Stage.objects.select_related("competition").filter(competition__slug=slug, order=order)
    if not user.is_superuser:
        stages = stages.filter(competition__committee__user=user)
    return get_object_or_404(stages)
