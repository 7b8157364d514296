"""Score sheets: drafts, submission, reopening (with the audit trail of every change)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from judging.enums import SheetAction, SheetStatus
from judging.models import Criterion, CriterionScore, ScoreSheet, SheetEvent
from judging.ranking import sheet_total
from judging.services.mail import send_templated_mail


class StaleSheet(Exception):
    """The sheet was saved elsewhere since this copy was loaded (optimistic version check)."""

    def __init__(self, current_version):
        super().__init__(current_version)
        self.current_version = current_version


class SheetLocked(Exception):
    """A submitted sheet cannot be changed until the committee reopens it."""


def _snapshot(sheet) -> dict:
    scores = {
        code: str(value)
        for code, value in sheet.scores.order_by("criterion__order").values_list("criterion__code", "value")
    }
    return {
        "status": sheet.status,
        "comment": sheet.comment,
        "total": None if sheet.total is None else str(sheet.total),
        "scores": scores,
    }


def sheet_for(assignment) -> ScoreSheet:
    """The assignment's sheet, created empty on first use (exactly one per assignment)."""
    sheet, _created = ScoreSheet.objects.get_or_create(assignment=assignment)
    return sheet


def _plain(value) -> str:
    return format(value.normalize(), "f")


def parse_score(criterion, raw) -> Decimal | None:
    """A score given for a criterion, checked against its scale and step; None when left empty."""
    if raw is None or str(raw).strip() == "":
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(_("“%(criterion)s”: enter a number.") % {"criterion": criterion.name}) from None
    if not value.is_finite() or value < criterion.min_score or value > criterion.max_score:
        raise ValidationError(
            _("“%(criterion)s”: the score must be between %(min)s and %(max)s.")
            % {"criterion": criterion.name, "min": _plain(criterion.min_score), "max": _plain(criterion.max_score)}
        )
    if (value - criterion.min_score) % criterion.step != 0:
        raise ValidationError(
            _("“%(criterion)s”: the score must go in steps of %(step)s from %(min)s.")
            % {"criterion": criterion.name, "step": _plain(criterion.step), "min": _plain(criterion.min_score)}
        )
    return value


def _locked_sheet(sheet_id, version):
    sheet = ScoreSheet.objects.select_for_update().select_related("assignment__stage").get(pk=sheet_id)
    if version is not None and sheet.version != int(version):
        raise StaleSheet(sheet.version)
    if sheet.status == SheetStatus.SUBMITTED:
        raise SheetLocked
    if sheet.assignment.released_at is not None:
        raise SheetLocked
    return sheet


@transaction.atomic
def save_sheet(*, sheet, scores: dict, comment: str | None, version: int | None, actor) -> ScoreSheet:
    """Save a draft of a sheet (autosave and the Save button).

    scores maps criterion id -> raw input (empty clears it). Locks the sheet row and checks `version` (the version
    the judge's page loaded) so that two saves never overwrite each other unseen: a stale save raises StaleSheet.
    Effects: upserts CriterionScore rows (with the scale in force), sets the comment, bumps version, records a
    SheetEvent "save" with the values before and after when anything changed. Notifies no one.
    """
    sheet = _locked_sheet(sheet.pk, version)
    criteria = {c.pk: c for c in Criterion.objects.filter(stage=sheet.assignment.stage_id)}
    before = _snapshot(sheet)
    errors = []
    for key, raw in scores.items():
        criterion = criteria.get(int(key))
        if criterion is None:
            continue
        try:
            value = parse_score(criterion, raw)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        if value is None:
            CriterionScore.objects.filter(sheet=sheet, criterion=criterion).delete()
        else:
            CriterionScore.objects.update_or_create(
                sheet=sheet,
                criterion=criterion,
                defaults={"value": value, "scale_min": criterion.min_score, "scale_max": criterion.max_score},
            )
    if errors:
        raise ValidationError(errors)
    if comment is not None:
        sheet.comment = comment
    sheet.version += 1
    sheet.save(update_fields=["comment", "version", "updated_at"])
    after = _snapshot(sheet)
    if after != before:
        SheetEvent.objects.create(sheet=sheet, action=SheetAction.SAVE, actor=actor, before=before, after=after)
    return sheet


@transaction.atomic
def submit_sheet(*, sheet, actor, version: int | None = None) -> ScoreSheet:
    """Submit a sheet: every criterion must be scored. The sheet is then locked until the committee reopens it.

    Effects: computes and stores ScoreSheet.total (0-100, 4 decimals, see judging.ranking), sets status "submitted"
    and submitted_at, bumps version, records a SheetEvent "submit". Notifies no one.
    """
    sheet = _locked_sheet(sheet.pk, version)
    criteria = list(Criterion.objects.filter(stage=sheet.assignment.stage_id).order_by("order"))
    given = {s.criterion_id: s for s in sheet.scores.all()}
    missing = [c.name for c in criteria if c.pk not in given]
    if not criteria:
        raise ValidationError(_("This stage has no rubric yet."))
    if missing:
        raise ValidationError(
            _("Score every criterion before submitting. Missing: %(names)s.") % {"names": ", ".join(missing)}
        )
    before = _snapshot(sheet)
    total = sheet_total((c.weight, given[c.pk].value, given[c.pk].scale_max) for c in criteria)
    if total is None:
        raise ValidationError(_("The rubric's weights add up to zero; the committee must fix the rubric."))
    sheet.total = total
    sheet.status = SheetStatus.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.version += 1
    sheet.save(update_fields=["total", "status", "submitted_at", "version", "updated_at"])
    SheetEvent.objects.create(
        sheet=sheet, action=SheetAction.SUBMIT, actor=actor, before=before, after=_snapshot(sheet)
    )
    return sheet


@transaction.atomic
def reopen_sheet(*, sheet, reason: str, actor, base_url: str = "") -> ScoreSheet:
    """Reopen a submitted sheet so the judge can change it (committee only; a reason is required).

    Effects: status "reopened", total cleared (the sheet stops counting in the ranking until submitted again),
    version bumped, SheetEvent "reopen" with the reason; after commit the judge is e-mailed the reason.
    """
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for reopening the sheet."))
    sheet = ScoreSheet.objects.select_for_update().get(pk=sheet.pk)
    if sheet.status != SheetStatus.SUBMITTED:
        raise ValidationError(_("Only a submitted sheet can be reopened."))
    before = _snapshot(sheet)
    sheet.status = SheetStatus.REOPENED
    sheet.total = None
    sheet.version += 1
    sheet.save(update_fields=["status", "total", "version", "updated_at"])
    from judging import tasks

    transaction.on_commit(lambda: tasks.send_reopen_notice.delay(sheet_id=sheet.pk, base_url=base_url))
    SheetEvent.objects.create(
        sheet=sheet,
        action=SheetAction.REOPEN,
        actor=actor,
        reason=reason.strip(),
        before=before,
        after=_snapshot(sheet),
    )
    return sheet


def send_reopen_notice(*, sheet_id, base_url):
    """E-mail the judge that the committee reopened their sheet, with the reason. Changes no data."""
    from django.urls import reverse

    event = (
        SheetEvent.objects.filter(sheet_id=sheet_id, action=SheetAction.REOPEN)
        .select_related("sheet__assignment__judge", "sheet__assignment__stage", "sheet__assignment__innovation")
        .order_by("-at", "-pk")
        .first()
    )
    if event is None or not event.sheet.assignment.judge.email:
        return
    assignment = event.sheet.assignment
    context = {
        "assignment": assignment,
        "reason": event.reason,
        "link": base_url.rstrip("/") + reverse("judging:sheet", args=[assignment.pk]),
    }
    send_templated_mail("judging_reopened", assignment.judge.email, context)
