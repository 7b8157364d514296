"""Who may see and do what with results, certificates and the ceremony. Every permission check of this app."""

from django.db.models import Q
from django.shortcuts import get_object_or_404

from awards.enums import CertificateKind
from awards.models import Certificate, GenerationJob, ShortlistSnapshot
from competitions.models import Competition
from competitions.rules import committee_competitions, get_competition_for_committee, is_committee
from submissions.rules import user_agencies

__all__ = ["get_competition_for_committee", "is_committee"]


# --- the public ----------------------------------------------------------------------------------------------


def public_competitions():
    return Competition.objects.filter(is_public=True)


def get_public_competition(slug) -> Competition:
    return get_object_or_404(public_competitions().select_related("winners_release"), slug=slug)


def public_snapshots():
    """Published shortlists of public competitions (every snapshot is published by definition)."""
    return ShortlistSnapshot.objects.filter(stage__competition__is_public=True)


def winners_are_public(competition) -> bool:
    return competition.is_public and hasattr(competition, "winners_release")


def verifiable_certificates():
    """Certificates anyone may verify: a winner's only once the winners are public (no spoiler before the ceremony)."""
    return Certificate.objects.filter(
        ~Q(kind=CertificateKind.WINNER) | Q(competition__winners_release__isnull=False)
    ).select_related("competition", "innovation", "stage", "award")


def certificates_with_code(code):
    """The verifiable certificate with this code: codes are issued in upper case, one typed in lower case matches."""
    return verifiable_certificates().filter(Q(code=code) | Q(code=code.upper()))


def may_object(snapshot, at=None) -> bool:
    return snapshot.stage.competition.is_public and snapshot.is_current and snapshot.objections_open(at)


# --- certificates --------------------------------------------------------------------------------------------


def downloadable_certificates(user):
    """Certificates the user may download: all of the competitions they run, their agencies' own, their own."""
    if not user.is_authenticated or not user.is_active:
        return Certificate.objects.none()
    own_agency = Q(innovation__agency__in=user_agencies(user)) & (
        ~Q(kind=CertificateKind.WINNER) | Q(competition__winners_release__isnull=False)
    )
    condition = Q(competition__in=committee_competitions(user)) | own_agency | Q(judge=user)
    return Certificate.objects.filter(condition).exclude(file="").distinct()


def get_certificate_for_download(user, pk) -> Certificate:
    return get_object_or_404(downloadable_certificates(user), pk=pk)


def get_job_for_committee(user, competition, pk) -> GenerationJob:
    return get_object_or_404(GenerationJob.objects.filter(competition=competition), pk=pk)


def get_snapshot_for_committee(competition, pk) -> ShortlistSnapshot:
    return get_object_or_404(
        ShortlistSnapshot.objects.filter(stage__competition=competition).select_related("stage", "published_by"),
        pk=pk,
    )
