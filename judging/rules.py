"""Who may do what in judging. Every permission check of this app lives here.

- A judge sees only the innovations assigned to them (active assignment, active panel seat); anything else is a 404.
- A judge never sees another judge's scores, unless the stage allows it and the judge has submitted their own sheet
  for that innovation.
- In an anonymised stage the judge's pages never show the agency (name, e-mail, file names): views use
  `hides_agency` to decide.
- The committee (competitions.rules.is_committee) sees everything of its competitions.
"""

import functools

from django.contrib.auth import get_user_model
from django.db import connection
from django.http import Http404

from competitions import rules as competitions_rules
from competitions.models import Stage
from competitions.rules import committee_competitions
from judging.enums import SheetStatus
from judging.models import Assignment, PanelMember
from kovablik.compiled import bind
from submissions.enums import InnovationStatus


def judge_seats(user):
    """Active panel seats of a user (or of OuterRef("pk") in a subquery)."""
    return PanelMember.objects.filter(judge=user, withdrawn_at__isnull=True)


def is_judge(user) -> bool:
    return user.is_authenticated and user.is_active and judge_seats(user).exists()


def judge_assignments(user):
    """The user's active assignments on stages where their panel seat is active."""
    if not user.is_authenticated or not user.is_active:
        return Assignment.objects.none()
    seats = judge_seats(user).values("stage_id")
    return Assignment.objects.filter(judge=user, released_at__isnull=True, stage_id__in=seats).exclude(
        innovation__status=InnovationStatus.WITHDRAWN
    )


# Ids no row has: where the user's and the assignment's ids go in the assignment lookup compiled once.
_PLACEHOLDER_USER_ID = -7_230_423
_PLACEHOLDER_ASSIGNMENT_ID = -7_230_424


def _assignment_parts():
    """(model, path from the assignment, attribute set on the parent) of what the judge's pages read."""
    from competitions.models import Category
    from submissions.models import Agency, Innovation

    return [
        (Assignment, "", None),
        (Stage, "stage__", "stage"),
        (Innovation, "innovation__", "innovation"),
        (Agency, "innovation__agency__", "agency"),
        (Category, "innovation__category__", "category"),
    ]


@functools.cache
def _assignment_lookup(alias: str):
    """The lookup's SQL, parameters and compiler (for the database's value converters), compiled once per process.

    Building the query (seat subquery, withdrawn entries excluded, four joins) through the ORM cost ~1 ms of CPU on
    every scoring page and autosave, several times what the database spends answering it (national bench data).
    """
    user = get_user_model()(pk=_PLACEHOLDER_USER_ID, is_active=True)
    columns = [f"{path}{f.attname}" for model, path, _attr in _assignment_parts() for f in model._meta.concrete_fields]
    query = judge_assignments(user).filter(pk=_PLACEHOLDER_ASSIGNMENT_ID).order_by().values_list(*columns).query
    compiler = query.get_compiler(alias)
    sql, params = compiler.as_sql()
    return sql, params, compiler


def get_assignment_for_judge(user, pk) -> Assignment:
    """The user's active assignment `pk` (active seat, entry not withdrawn) with its stage and entry, or 404.

    One query, as select_related("stage", "innovation__agency", "innovation__category") would run, without the
    stage's competition, which no judge page shows (its join cost PostgreSQL a quarter of a millisecond of planning).
    """
    if not user.is_authenticated or not user.is_active:
        raise Http404
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    sql, params, compiler = _assignment_lookup(connection.alias)
    given = {_PLACEHOLDER_USER_ID: user.pk, _PLACEHOLDER_ASSIGNMENT_ID: pk}
    with connection.cursor() as cursor:
        cursor.execute(sql, bind(params, given))
        rows = cursor.fetchall()
    if not rows:
        raise Http404
    (row,) = compiler.results_iter(results=[rows])  # the database's converters (dates, decimals) applied
    objects, start = {}, 0
    for model, _path, attr in _assignment_parts():
        names = [f.attname for f in model._meta.concrete_fields]
        values = row[start : start + len(names)]
        start += len(names)
        objects[attr] = None if values[0] is None else model.from_db(connection.alias, names, values)
    assignment, innovation = objects[None], objects["innovation"]
    assignment.stage, assignment.innovation = objects["stage"], innovation
    innovation.agency, innovation.category = objects["agency"], objects["category"]
    return assignment


def judge_stages(user):
    return Stage.objects.filter(panel__judge=user, panel__withdrawn_at__isnull=True)


def judge_competitions(user):
    from competitions.models import Competition

    return Competition.objects.filter(stages__in=judge_stages(user)).distinct().order_by("-year", "name")


def anonymised_competition_ids(user) -> set[int]:
    """Competitions where one of the judge's stages hides agencies: no agency name may reach the judge there."""
    return set(judge_stages(user).filter(anonymised=True).values_list("competition_id", flat=True))


def hides_agency(stage) -> bool:
    return stage.anonymised


def may_see_other_scores(user, assignment) -> bool:
    """After submitting their own sheet, and only where the stage allows it."""
    if not assignment.stage.judges_see_others_after_submit:
        return False
    sheet = getattr(assignment, "sheet", None)
    return sheet is not None and sheet.status == SheetStatus.SUBMITTED


def may_edit_sheet(user, assignment) -> bool:
    sheet = getattr(assignment, "sheet", None)
    return (
        assignment.judge_id == user.pk
        and assignment.released_at is None
        and (sheet is None or sheet.status != SheetStatus.SUBMITTED)
    )


def get_stage_for_committee(user, slug, order) -> Stage:
    """The stage of a competition the user runs, with its competition, or 404: competitions.rules' lookup, one
    query from SQL compiled once, where asking for the competition and then its stage took two."""
    return competitions_rules.get_stage_for_committee(user, slug, order)


def committee_stages(user):
    return Stage.objects.filter(competition__in=committee_competitions(user))
