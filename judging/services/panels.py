"""Panels, invitations, conflicts of interest, assignment and reminders."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from judging import queries
from judging.assignment import plan_assignment
from judging.enums import SheetStatus
from judging.models import Assignment, Conflict, PanelMember, ScoreSheet
from judging.services.mail import send_templated_mail

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
    pairs = [(judge_id, innovation_id) for innovation_id, judges in sorted(plan.new.items()) for judge_id in judges]
    # A released assignment of a planned pair comes back (saved, so its tally is refreshed); the rest are inserted
    # together: a get_or_create per pair cost four queries each (17,500 pairs on a national stage).
    released = {
        (a.judge_id, a.innovation_id): a for a in Assignment.objects.filter(stage=stage, released_at__isnull=False)
    }
    for pair in pairs:
        assignment = released.get(pair)
        if assignment is not None:
            assignment.released_at = None
            assignment.released_reason = ""
            assignment.assigned_by = actor
            assignment.save(update_fields=["released_at", "released_reason", "assigned_by"])
    Assignment.objects.bulk_create(
        [
            Assignment(stage=stage, judge_id=judge_id, innovation_id=innovation_id, assigned_by=actor)
            for judge_id, innovation_id in pairs
            if (judge_id, innovation_id) not in released
        ],
        batch_size=1000,
        # A committee member may assign the same pair by hand while this runs (assign_manually takes no stage
        # lock): that row already says what the plan wanted, so it is kept rather than failing the whole run.
        ignore_conflicts=True,
    )
    created = len(pairs)
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
    send_templated_mail(
        "judging_invite",
        user.email,
        {"member": member, "user": user, "link": base_url.rstrip("/") + path, "new_account": new_account},
    )


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
    send_templated_mail("judging_reminder", member.judge.email, context)
