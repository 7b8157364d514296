"""Small builders for judging tests: a stage with a rubric, entries, judges and submitted sheets."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from judging import services
from judging.models import Assignment
from tests import factories as f


def make_rubric(stage, specs):
    """specs: [(weight, max_score)] or [(weight, max_score, step)] -> criteria in that order."""
    criteria = []
    for i, spec in enumerate(specs, start=1):
        weight, max_score, *rest = spec
        criteria.append(
            f.CriterionFactory(
                stage=stage,
                order=i,
                code=f"c{i}",
                name=f"Kriteria {i}",
                weight=Decimal(weight),
                max_score=Decimal(max_score),
                step=Decimal(rest[0]) if rest else Decimal(1),
            )
        )
    return criteria


_numbers = itertools.count(1)


def make_entries(stage, count, *, category=None, agency=None, base_time=None):
    base_time = base_time or timezone.now() - datetime.timedelta(days=30)
    innovations = []
    for i in range(count):
        extra = {"category": category} if category is not None else {}
        if agency is not None:
            extra["agency"] = agency
        innovation = f.InnovationFactory(
            competition=stage.competition,
            status="eligible",
            submitted_at=base_time + datetime.timedelta(minutes=i),
            entry_number=f"E-{next(_numbers)}",
            **extra,
        )
        f.StageEntryFactory(innovation=innovation, stage=stage)
        innovations.append(innovation)
    return innovations


def score(stage, judge, innovation, values, *, submit=True, comment=""):
    """Assign (if needed) and fill a sheet with values in criterion order; submit it unless told not to."""
    assignment, _ = Assignment.objects.get_or_create(stage=stage, judge=judge, innovation=innovation)
    sheet = services.sheet_for(assignment)
    criteria = list(stage.criteria.order_by("order"))
    sheet = services.save_sheet(
        sheet=sheet,
        scores={c.pk: v for c, v in zip(criteria, values, strict=True)},
        comment=comment,
        version=None,
        actor=judge,
    )
    if submit:
        sheet = services.submit_sheet(sheet=sheet, actor=judge)
    return sheet
