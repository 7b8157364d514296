"""Winners: places assigned by the committee from the final ranking, then published."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards import public_cache
from awards.enums import Place
from awards.models import Award, WinnersRelease
from competitions.models import Competition


def _check_open(competition):
    if WinnersRelease.objects.filter(competition=competition).exists():
        raise ValidationError(_("The winners have been published and can no longer be changed."))


@transaction.atomic
def assign_award(*, competition, innovation, place, actor, title="", category=None) -> Award:
    """Give an innovation a place (Juara I-III, Harapan I-III) in its category, or a special award.

    Effects: creates an Award; refuses once the winners are published, for an innovation of another competition,
    a special award without a title, or a place already given in that category (or a second place to one entry).
    """
    Competition.objects.select_for_update().get(pk=competition.pk)
    _check_open(competition)
    if innovation.competition_id != competition.pk:
        raise ValidationError(_("This innovation is not in this competition."))
    if place == Place.SPECIAL and not title.strip():
        raise ValidationError(_("A special award needs a title."))
    try:
        with transaction.atomic():
            return Award.objects.create(
                competition=competition,
                category=category,
                innovation=innovation,
                place=place,
                title=title.strip(),
                assigned_by=actor,
            )
    except IntegrityError as error:
        raise ValidationError(_("This place is already given, or this entry already has a place.")) from error


@transaction.atomic
def remove_award(*, award, actor):
    """Take back an award before the winners are published. Effects: deletes the Award."""
    _check_open(award.competition)
    if award.certificates.exists():
        raise ValidationError(_("A certificate has been issued for this award; revoke it instead."))
    award.delete()


@transaction.atomic
def publish_winners(*, competition, actor) -> WinnersRelease:
    """Make the winners public (results page, gallery, winner certificates' verification); final afterwards.

    Effects: creates the competition's WinnersRelease; invalidates the cached public results pages
    (awards.public_cache), now and on commit; refuses if there is no award or it exists already.
    """
    Competition.objects.select_for_update().get(pk=competition.pk)
    _check_open(competition)
    if not Award.objects.filter(competition=competition).exists():
        raise ValidationError(_("Assign at least one place first."))
    release = WinnersRelease.objects.create(competition=competition, published_by=actor, published_at=timezone.now())
    public_cache.invalidate()
    return release
