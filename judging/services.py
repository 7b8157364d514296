"""State changes of judging. Each function is keyword-only, takes actor=, runs atomically and lists its effects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from judging import queries
from judging.assignment import plan_assignment
from judging.enums import SheetAction, SheetStatus
from judging.models import (
    Assignment,
    Conflict,
    Criterion,
    CriterionLevel,
    CriterionScore,
    PanelMember,
    ScoreSheet,
    SheetEvent,
)
from judging.ranking import sheet_total


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


# --- Panels, conflicts and assignment ---------------------------------------------------------------------------

EXCLUSION_LABELS = {
    "own_agency": gettext_lazy("from the judge's own agency"),
    "conflict": gettext_lazy("declared conflict of interest"),
    "same_region": gettext_lazy("from the judge's own region"),
}


@dataclass
class Shortfall:
    innovation: object
    missing: int
    eligible: int
    excluded: dict

    @property
    def reason(self) -> str:
        parts = [
            _("%(count)s excluded: %(why)s") % {"count": n, "why": EXCLUSION_LABELS[code]}
            for code, n in sorted(self.excluded.items())
        ]
        return _("Only %(eligible)s eligible judge(s) on the panel%(details)s.") % {
            "eligible": self.eligible,
            "details": ("; " + "; ".join(parts)) if parts else "",
        }


@dataclass
class AssignmentResult:
    created: int = 0
    removed: int = 0
    shortfalls: list = field(default_factory=list)


@transaction.atomic
def auto_assign(*, stage, actor, keep_all: bool = False) -> AssignmentResult:
    """Assign judges automatically so every innovation of the stage has Stage.judges_per_innovation judges.

    Locks the stage row so two runs cannot interleave. Keeps manual assignments and every one whose sheet is
    started or submitted (and, with keep_all, every active assignment); releases assignments that became
    ineligible and are not submitted; deletes unstarted ones otherwise (on a full re-run) and plans the rest with
    judging.assignment (deterministic). Effects: creates/deletes Assignment rows; notifies no one. Returns counts
    and the innovations that cannot get k judges, with the reason.
    """
    from competitions.models import Stage

    Stage.objects.select_for_update().get(pk=stage.pk)
    innovations, panel, eligible, excluded = queries.eligibility(stage)
    active = queries.active_assignments(stage)
    judge_ids = {m.judge_id for m in panel}
    innovation_ids = {i.pk for i in innovations}
    removed = 0
    # Assignments that no longer fit (judge left, innovation withdrawn, conflict) and hold no submitted sheet.
    for assignment in active.exclude(sheet__status=SheetStatus.SUBMITTED).order_by("pk"):
        if (
            assignment.judge_id not in judge_ids
            or assignment.innovation_id not in innovation_ids
            or assignment.judge_id not in eligible.get(assignment.innovation_id, ())
        ):
            _release(assignment, _("No longer eligible when assignment was re-run."))
            removed += 1
    if not keep_all:
        unstarted = active.filter(is_manual=False).exclude(pk__in=queries.started(active).values("pk"))
        removed += unstarted.count()
        ScoreSheet.objects.filter(assignment__in=unstarted).delete()
        unstarted.delete()
    kept = defaultdict(set)
    for judge_id, innovation_id in active.values_list("judge_id", "innovation_id"):
        kept[innovation_id].add(judge_id)
    plan = plan_assignment([i.pk for i in innovations], sorted(judge_ids), stage.judges_per_innovation, eligible, kept)
    created = 0
    for innovation_id, judges in sorted(plan.new.items()):
        for judge_id in judges:
            assignment, made = Assignment.objects.get_or_create(
                stage=stage, judge_id=judge_id, innovation_id=innovation_id, defaults={"assigned_by": actor}
            )
            if not made:  # a released assignment of the same pair comes back
                assignment.released_at = None
                assignment.released_reason = ""
                assignment.assigned_by = actor
                assignment.save(update_fields=["released_at", "released_reason", "assigned_by"])
            created += 1
    by_id = {i.pk: i for i in innovations}
    shortfalls = [
        Shortfall(
            innovation=by_id[pk],
            missing=missing,
            eligible=len(eligible[pk]),
            excluded=dict(excluded[pk]),
        )
        for pk, missing in sorted(plan.short.items())
    ]
    return AssignmentResult(created=created, removed=removed, shortfalls=shortfalls)


def _release(assignment, reason):
    assignment.released_at = timezone.now()
    assignment.released_reason = str(reason)[:300]
    assignment.save(update_fields=["released_at", "released_reason"])


@transaction.atomic
def assign_manually(*, stage, judge, innovation, actor) -> Assignment:
    """Assign one judge to one innovation by hand; refuses an ineligible pair (conflict, own agency, region).

    Effects: creates (or restores) the Assignment, marked manual so an automatic re-run keeps it. Notifies no one.
    """
    _innovations, panel, eligible, _excluded = queries.eligibility(stage)
    if innovation.pk not in eligible:
        raise ValidationError(_("This innovation is not taking part in the stage."))
    if judge.pk not in {m.judge_id for m in panel}:
        raise ValidationError(_("This person is not on the stage's panel."))
    if judge.pk not in eligible[innovation.pk]:
        raise ValidationError(_("This judge may not score this innovation (own agency, region or a conflict)."))
    assignment, made = Assignment.objects.get_or_create(
        stage=stage, judge=judge, innovation=innovation, defaults={"assigned_by": actor, "is_manual": True}
    )
    if not made:
        assignment.released_at = None
        assignment.released_reason = ""
        assignment.assigned_by = actor
        assignment.is_manual = True
        assignment.save(update_fields=["released_at", "released_reason", "assigned_by", "is_manual"])
    return assignment


@transaction.atomic
def release_assignment(*, assignment, reason: str, actor) -> Assignment:
    """Take an innovation away from a judge (committee). A submitted sheet stays for the audit but stops counting.

    Effects: sets released_at and the reason. Notifies no one.
    """
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for removing the assignment."))
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    _release(assignment, reason.strip())
    return assignment


@transaction.atomic
def add_panel_member(
    *, stage, actor, user=None, email="", name="", agency=None, region=None, affiliation="", base_url=""
) -> PanelMember:
    """Put a judge on the stage's panel, creating an account from the e-mail address when none exists.

    Effects: creates the user (no usable password) if needed and the PanelMember (or restores a withdrawn one);
    after commit e-mails the judge an invitation with a link to set their password (new accounts) or to log in.
    """
    from django.contrib.auth import get_user_model

    User = get_user_model()
    created_user = False
    if user is None:
        email = email.strip().lower()
        user = User.objects.filter(email__iexact=email).order_by("pk").first()
        if user is None:
            base = slugify(email.split("@")[0]) or "juri"
            username = base
            n = 1
            while User.objects.filter(username=username).exists():
                n += 1
                username = f"{base}{n}"
            first, _sep, last = (name or "").strip().partition(" ")
            user = User(username=username, email=email, first_name=first[:150], last_name=last[:150])
            user.set_unusable_password()
            user.save()
            created_user = True
    member, made = PanelMember.objects.get_or_create(
        stage=stage,
        judge=user,
        defaults={"agency": agency, "region": region, "affiliation": affiliation},
    )
    if not made:
        member.agency = agency
        member.region = region
        member.affiliation = affiliation
        member.withdrawn_at = None
        member.save(update_fields=["agency", "region", "affiliation", "withdrawn_at"])
    if user.email:
        from judging import tasks

        transaction.on_commit(
            lambda: tasks.send_invitation.delay(member_id=member.pk, new_account=created_user, base_url=base_url)
        )
    return member


def send_invitation(*, member_id, new_account, base_url):
    """E-mail a panel member their invitation (a set-password link for a new account). Changes no data."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    member = PanelMember.objects.select_related("judge", "stage__competition").filter(pk=member_id).first()
    if member is None or not member.judge.email:
        return
    user = member.judge
    if new_account:
        path = reverse(
            "password_reset_confirm",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
    else:
        path = reverse("judging:dashboard")
    _mail(
        "judging_invite",
        user.email,
        {"member": member, "user": user, "link": base_url.rstrip("/") + path, "new_account": new_account},
    )


def _mail(name, to, context):
    from django.conf import settings
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string

    subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject, render_to_string(f"emails/{name}_body.txt", context), settings.DEFAULT_FROM_EMAIL, [to]
    )
    message.attach_alternative(render_to_string(f"emails/{name}_body.html", context), "text/html")
    message.send()


@transaction.atomic
def withdraw_judge(*, member, reason: str, actor) -> AssignmentResult:
    """A judge leaves the stage's panel mid-stage.

    Effects: sets PanelMember.withdrawn_at; releases the judge's assignments whose sheet is not submitted (submitted
    sheets keep counting); re-runs the assignment keeping every other assignment, so each innovation keeps k.
    """
    member = PanelMember.objects.select_for_update().get(pk=member.pk)
    member.withdrawn_at = timezone.now()
    member.save(update_fields=["withdrawn_at"])
    for assignment in (
        queries.active_assignments(member.stage)
        .filter(judge=member.judge_id)
        .exclude(sheet__status=SheetStatus.SUBMITTED)
    ):
        _release(assignment, reason or _("The judge withdrew from the panel."))
    return auto_assign(stage=member.stage, actor=actor, keep_all=True)


@transaction.atomic
def declare_conflict(*, competition, judge, reason: str, actor, agency=None, innovation=None) -> Conflict:
    """A judge declares a conflict of interest with an agency or one innovation (for the whole competition).

    Effects: creates the Conflict; releases the judge's affected assignments in every stage of the competition,
    submitted ones included (a conflicted score must not count); re-runs the assignment of each affected stage
    keeping every other assignment, so each innovation keeps k judges. Notifies no one.
    """
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the conflict of interest."))
    if (agency is None) == (innovation is None):
        raise ValidationError(_("Choose either an agency or one innovation."))
    conflict, _created = Conflict.objects.get_or_create(
        competition=competition,
        judge=judge,
        agency=agency,
        innovation=innovation,
        defaults={"reason": reason.strip()},
    )
    affected = Assignment.objects.filter(stage__competition=competition, judge=judge, released_at__isnull=True)
    affected = (
        affected.filter(innovation__agency=agency) if agency is not None else affected.filter(innovation=innovation)
    )
    stages = set()
    for assignment in affected.select_related("stage"):
        _release(assignment, _("Conflict of interest declared: %(reason)s") % {"reason": reason.strip()})
        stages.add(assignment.stage)
    for stage in sorted(stages, key=lambda s: s.order):
        auto_assign(stage=stage, actor=actor, keep_all=True)
    return conflict


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


def send_reminders(*, stage, actor, base_url="") -> int:
    """E-mail every active judge of the stage who still has sheets to submit. Returns how many are e-mailed.

    Effects: enqueues one reminder task per judge after commit. Changes no data.
    """
    from judging import tasks

    members = [m for m in queries.open_sheet_judges(stage) if m.judge.email]
    for member in members:
        transaction.on_commit(lambda pk=member.pk: tasks.send_reminder.delay(member_id=pk, base_url=base_url))
    return len(members)


def send_reminder(*, member_id, base_url):
    """E-mail one judge how many sheets of the stage they still have to submit (none: no e-mail)."""
    from django.urls import reverse

    member = queries.open_sheet_judges_qs().filter(pk=member_id).select_related("stage__competition").first()
    if member is None or not member.judge.email or not member.open_count:
        return
    context = {
        "member": member,
        "stage": member.stage,
        "open_count": member.open_count,
        "link": base_url.rstrip("/") + reverse("judging:dashboard"),
    }
    _mail("judging_reminder", member.judge.email, context)


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
    _mail("judging_reopened", assignment.judge.email, context)
