"""Who may do what with agencies and innovations. Every permission check of this app lives here.

An agency member sees and edits only its own agency's innovations; a local admin only those of its region's
agencies; the committee those of the competitions it runs. Anyone else gets a 404 from the get_* helpers.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from competitions.enums import StageKind
from competitions.rules import committee_competitions, is_committee
from submissions.enums import InnovationStatus
from submissions.models import Agency, AgencyMembership, Attachment, Innovation, LocalAdmin

EDITABLE = {InnovationStatus.DRAFT, InnovationStatus.RETURNED}
WITHDRAWABLE = {
    InnovationStatus.SUBMITTED,
    InnovationStatus.ENDORSED,
    InnovationStatus.RETURNED,
    InnovationStatus.ELIGIBLE,
}


def local_admin_seats(user):
    """The local admin row of a user (or of OuterRef("pk") in a subquery)."""
    return LocalAdmin.objects.filter(user=user)


def agency_seats(user):
    """Agency memberships of a user (or of OuterRef("pk") in a subquery)."""
    return AgencyMembership.objects.filter(user=user)


def is_local_admin(user) -> bool:
    return user.is_authenticated and user.is_active and hasattr(user, "local_admin")


def is_agency_member(user) -> bool:
    return user.is_authenticated and user.is_active and agency_seats(user).exists()


def is_any_committee(user) -> bool:
    return is_committee(user)


def user_agencies(user):
    if not user.is_authenticated or not user.is_active:
        return Agency.objects.none()
    return Agency.objects.filter(memberships__user=user)


def _local_admin_agencies_q(local_admin, prefix=""):
    # Its region, the districts inside it (where it may also create agencies), and agencies assigned to it.
    return (
        Q(**{f"{prefix}region": local_admin.region_id})
        | Q(**{f"{prefix}region__parent": local_admin.region_id})
        | Q(**{f"{prefix}local_admin": local_admin})
    )


def local_admin_agencies(user):
    """The agencies a local admin coordinates: those of its region and its districts, and those assigned to it."""
    if not is_local_admin(user):
        return Agency.objects.none()
    return Agency.objects.filter(_local_admin_agencies_q(user.local_admin))


def managed_agencies(user):
    """Agencies the user may edit and invite members to: all for a committee member, a region's for a local admin."""
    if is_any_committee(user):
        return Agency.objects.all()
    return local_admin_agencies(user)


def visible_innovations(user):
    """Innovations the user may see as a participant, local admin or committee member."""
    if not user.is_authenticated or not user.is_active:
        return Innovation.objects.none()
    if user.is_superuser:
        return Innovation.objects.all()
    condition = Q(agency__memberships__user=user) | Q(competition__in=committee_competitions(user))
    if is_local_admin(user):
        condition |= _local_admin_agencies_q(user.local_admin, prefix="agency__")
    return Innovation.objects.filter(pk__in=Innovation.objects.filter(condition).values("pk"))


def own_innovations(user):
    """Innovations of the user's agencies: the ones they may edit, submit and withdraw."""
    return Innovation.objects.filter(agency__in=user_agencies(user))


def get_visible_innovation(user, pk, queryset=None) -> Innovation:
    queryset = visible_innovations(user) if queryset is None else queryset.filter(pk__in=visible_innovations(user))
    return get_object_or_404(queryset, pk=pk)


def get_own_innovation(user, pk) -> Innovation:
    return get_object_or_404(own_innovations(user).select_related("competition", "group", "agency"), pk=pk)


def get_attachment(user, pk) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("innovation").filter(innovation__in=visible_innovations(user)), pk=pk
    )


def is_member_of(user, agency_id) -> bool:
    return user.is_authenticated and user.agency_memberships.filter(agency_id=agency_id).exists()


def can_edit(user, innovation, *, member=None) -> bool:
    """`member`: is_member_of(user, innovation.agency_id) when the caller already asked it (None: ask)."""
    if innovation.status not in EDITABLE:
        return False
    return is_member_of(user, innovation.agency_id) if member is None else member


def can_withdraw(user, innovation, at=None, *, member=None) -> bool:
    """`member` as for can_edit."""
    if innovation.status not in WITHDRAWABLE:
        return False
    if not (is_member_of(user, innovation.agency_id) if member is None else member):
        return False
    screening = innovation.competition.stages.filter(kind=StageKind.SCREENING).order_by("order").first()
    return not (screening and screening.closes_at and (at or timezone.now()) >= screening.closes_at)


def can_endorse(user, innovation) -> bool:
    if not is_local_admin(user) or not innovation.competition.uses_endorsement:
        return False
    return local_admin_agencies(user).filter(pk=innovation.agency_id).exists()


def endorsable_innovations(user):
    """Entries of the local admin's agencies in two-level competitions (any status; views filter further)."""
    if not is_local_admin(user):
        return Innovation.objects.none()
    return Innovation.objects.filter(
        _local_admin_agencies_q(user.local_admin, prefix="agency__"), competition__uses_endorsement=True
    )


def can_screen(user, innovation) -> bool:
    return is_committee(user, innovation.competition)


def get_managed_agency(user, pk) -> Agency:
    return get_object_or_404(managed_agencies(user), pk=pk)


def can_create_agency_in(user, region) -> bool:
    if is_any_committee(user):
        return True
    return is_local_admin(user) and region.pk == user.local_admin.region_id


def get_own_attachment(user, pk) -> Attachment:
    return get_object_or_404(
        Attachment.objects.select_related("innovation").filter(innovation__in=own_innovations(user)), pk=pk
    )
