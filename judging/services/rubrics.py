"""Rubrics: criteria with weights, scales and level descriptors; the national preset; copying."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from judging.models import Criterion, CriterionLevel, CriterionScore


def rubric_locked(stage) -> bool:
    """A rubric cannot change once a sheet of the stage has a score: totals would no longer mean the same."""
    return CriterionScore.objects.filter(criterion__stage=stage).exists()


@transaction.atomic
def save_rubric(*, stage, formset, actor) -> list[Criterion]:
    """Save the committee's edit of a stage's rubric (a valid judging.forms.CriterionFormSet) and its level texts.

    Effects: creates, changes and deletes Criterion rows, replaces each criterion's CriterionLevel rows. Refused
    once scores exist (the totals already stored would no longer match the rubric).
    """
    if rubric_locked(stage):
        raise ValidationError(_("The rubric cannot change: judges have already scored with it."))
    saved = formset.save()
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        if form in formset.deleted_forms or not form.instance.pk:
            continue
        CriterionLevel.objects.filter(criterion=form.instance).delete()
        CriterionLevel.objects.bulk_create(
            [
                CriterionLevel(criterion=form.instance, score=score, descriptor=text)
                for score, text in form.cleaned_data.get("levels_text", [])
            ]
        )
    return saved


NATIONAL_2023_PROPOSAL = [
    ("background", gettext_lazy("Background and goals"), 10),
    ("novelty", gettext_lazy("Novelty"), 15),
    ("implementation", gettext_lazy("Implementation"), 5),
    ("significance", gettext_lazy("Significance"), 30),
    ("adaptability", gettext_lazy("Adaptability"), 20),
    ("resources", gettext_lazy("Resources"), 5),
    ("sustainability", gettext_lazy("Sustainability"), 15),
]


@transaction.atomic
def apply_preset(*, stage, actor) -> list[Criterion]:
    """Replace the stage's rubric with the national 2023 proposal weights (scores 0-100 in steps of 1).

    Effects: deletes the stage's criteria and creates the seven preset ones. Refused once scores exist.
    """
    if rubric_locked(stage):
        raise ValidationError(_("The rubric cannot change: judges have already scored with it."))
    stage.criteria.all().delete()
    return [
        Criterion.objects.create(
            stage=stage, order=n, code=code, name=str(name), weight=Decimal(weight), max_score=Decimal(100)
        )
        for n, (code, name, weight) in enumerate(NATIONAL_2023_PROPOSAL, start=1)
    ]


@transaction.atomic
def copy_rubric(*, source, target, actor) -> list[Criterion]:
    """Replace the target stage's rubric with a copy of the source stage's (criteria and level descriptors).

    Effects: deletes the target's criteria, creates copies. Refused once the target has scores.
    """
    if source.pk == target.pk:
        raise ValidationError(_("Choose another stage to copy from."))
    if rubric_locked(target):
        raise ValidationError(_("The rubric cannot change: judges have already scored with it."))
    target.criteria.all().delete()
    copies = []
    for criterion in source.criteria.prefetch_related("levels").order_by("order"):
        copy = Criterion.objects.create(
            stage=target,
            order=criterion.order,
            code=criterion.code,
            name=criterion.name,
            guidance=criterion.guidance,
            weight=criterion.weight,
            min_score=criterion.min_score,
            max_score=criterion.max_score,
            step=criterion.step,
        )
        CriterionLevel.objects.bulk_create(
            [CriterionLevel(criterion=copy, score=lv.score, descriptor=lv.descriptor) for lv in criterion.levels.all()]
        )
        copies.append(copy)
    return copies
