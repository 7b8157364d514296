"""Who may do what with agencies and innovations. Every permission check of this app lives here."""

from competitions.rules import committee_competitions
from submissions.models import Agency, Innovation


def is_local_admin(user) -> bool:
    return user.is_authenticated and user.is_active and hasattr(user, "local_admin")


def is_agency_member(user) -> bool:
    return user.is_authenticated and user.is_active and user.agency_memberships.exists()


def user_agencies(user):
    if not user.is_authenticated:
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user)


def visible_innovations(user):
    """Innovations the user may see as a participant, local admin or committee member."""
    if not user.is_authenticated or not user.is_active:
        return Innovation.objects.none()
    if user.is_superuser:
        return Innovation.objects.all()
    from django.db.models import Q

    condition = Q(agency__memberships__user=user) | Q(competition__in=committee_competitions(user))
    if is_local_admin(user):
        condition |= Q(agency__local_admin=user.local_admin)
    return Innovation.objects.filter(condition).distinct()
