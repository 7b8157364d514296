"""State changes of agencies and innovations. Each function is keyword-only, takes actor=, runs atomically.

Mail goes out with transaction.on_commit, so nobody is told of a change that was rolled back.
"""

import hashlib
from functools import partial

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from competitions.enums import StageKind
from competitions.models import Competition
from submissions import eligibility, emails
from submissions.enums import EndorsementOutcome, InnovationStatus, ScreeningOutcome
from submissions.models import (
    Agency,
    AgencyMembership,
    Answer,
    Attachment,
    EndorsementDecision,
    Innovation,
    ScreeningDecision,
    StageEntry,
)
from submissions.rules import EDITABLE, WITHDRAWABLE

HEADER_FIELDS = [
    "title",
    "category",
    "start_date",
    "innovator",
    "contact_name",
    "contact_phone",
    "contact_email",
    "video_url",
    "replicates",
    "declaration",
]


class Refused(Exception):
    """A state change that the rules do not allow now; `problems` say what must change."""

    def __init__(self, problems):
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def _refuse(message, field=eligibility.NON_FIELD):
    raise Refused([eligibility.Problem(field, str(message))])


def _locked(innovation) -> Innovation:
    # Only the innovation's row: locking the joined competition too would queue every autosave behind a submit.
    return (
        Innovation.objects.select_for_update(of=("self",))
        .select_related("competition", "group", "agency")
        .get(pk=innovation.pk)
    )


def awaiting_screening_status(competition) -> str:
    """What an entry waiting for the committee looks like: endorsed in the two-level chain, submitted otherwise."""
    return InnovationStatus.ENDORSED if competition.uses_endorsement else InnovationStatus.SUBMITTED


# Innovations ---------------------------------------------------------------------------------------------------


@transaction.atomic
def create_innovation(*, agency, competition, group, category, title, actor) -> Innovation:
    """Start a draft for `agency`. Effects: creates the Innovation (status draft). Notifies no one."""
    return Innovation.objects.create(
        competition=competition, agency=agency, group=group, category=category, title=title, created_by=actor
    )


@transaction.atomic
def save_draft(*, innovation, header: dict, answers: dict, actor) -> Innovation:
    """Save whatever the agency typed, even incomplete or over a word limit (nothing typed may be lost).

    Effects: updates the given header fields of the innovation and creates or updates one Answer per given
    question id. Refused when the entry is locked (submitted and not returned). Notifies no one.
    """
    innovation = _locked(innovation)
    if innovation.status not in EDITABLE:
        _refuse(_("This entry has been submitted and is locked; it can be edited only if it is returned."))
    changed = [name for name in HEADER_FIELDS if name in header]
    for name in changed:
        setattr(innovation, name, header[name])
    innovation.save(update_fields=[*changed, "updated_at"])
    valid_questions = set(innovation.group.questions.values_list("pk", flat=True))
    existing = {a.question_id: a for a in innovation.answers.filter(question_id__in=answers.keys())}
    for question_id, text in answers.items():
        if question_id not in valid_questions:
            continue
        answer = existing.get(question_id)
        if answer is None:
            Answer.objects.create(innovation=innovation, question_id=question_id, text=text or "")
        elif answer.text != (text or ""):
            answer.text = text or ""
            answer.save(update_fields=["text", "updated_at"])
    return innovation


def _next_entry_number(competition) -> str:
    """The first free number from the count of numbered entries on (numbers are never reused: normally the count + 1).

    Two or three indexed queries rather than every number of the competition: it runs under the competition's lock.
    """
    prefix = f"{competition.slug.upper()}-{competition.year}-"
    numbered = Innovation.objects.filter(competition=competition, entry_number__startswith=prefix)
    n = numbered.count() + 1
    while numbered.filter(entry_number=f"{prefix}{n:04d}").exists():
        n += 1
    return f"{prefix}{n:04d}"


def submit(*, innovation, actor, at=None) -> Innovation:
    """Submit a draft or a returned entry, after every check of eligibility.submission_problems.

    Effects: sets status submitted and submitted_at, gives the entry a number the first time (<SLUG>-<year>-0001).
    The entry's row is locked for the checks; the competition's row only at the end, for the agency's cap (checked
    again there) and the number, so caps and numbers are decided one submission at a time, even in a last-minute
    surge, while the other checks of concurrent submissions run side by side. Raises Refused with every problem
    otherwise. Notifies the agency with a receipt; in the two-level chain also the local admin, who must endorse it.
    """
    with transaction.atomic():
        innovation = _locked(innovation)
        if innovation.status not in EDITABLE:
            _refuse(_("This entry has already been submitted."))
        problems = eligibility.submission_problems(innovation, at=at)
        if problems:
            raise Refused(problems)
        competition = innovation.competition
        submission_stage = eligibility.first_stage(competition, StageKind.SUBMISSION)
        if submission_stage:
            StageEntry.objects.get_or_create(innovation=innovation, stage=submission_stage)
        # From here to the commit, one submission of the competition at a time: keep it short.
        Competition.objects.select_for_update().filter(pk=competition.pk).exists()
        problems = eligibility.cap_problems(innovation)  # again: an entry may have been submitted meanwhile
        if problems:
            raise Refused(problems)
        if not innovation.entry_number:
            innovation.entry_number = _next_entry_number(competition)
        innovation.status = InnovationStatus.SUBMITTED
        innovation.submitted_at = at or timezone.now()
        innovation.save(update_fields=["entry_number", "status", "submitted_at", "updated_at"])
        transaction.on_commit(partial(_send_receipt, innovation.pk))
    return innovation


def _send_receipt(innovation_id):
    innovation = Innovation.objects.select_related("competition", "agency__local_admin__user").get(pk=innovation_id)
    emails.send("receipt", emails.agency_recipients(innovation.agency), {"innovation": innovation})
    local_admin = innovation.agency.local_admin
    if innovation.competition.uses_endorsement and local_admin:
        emails.send("endorsement_waiting", [local_admin.user.email], {"innovation": innovation})


@transaction.atomic
def withdraw(*, innovation, actor, at=None) -> Innovation:
    """Withdraw a submitted entry, possible until administrative screening closes.

    Effects: sets status withdrawn (the entry number stays, so numbers are never reused). Notifies no one.
    """
    innovation = _locked(innovation)
    at = at or timezone.now()
    if innovation.status not in WITHDRAWABLE:
        _refuse(_("Only a submitted entry can be withdrawn."))
    screening = eligibility.first_stage(innovation.competition, StageKind.SCREENING)
    if screening and screening.closes_at and at >= screening.closes_at:
        _refuse(_("Screening has closed, so the entry can no longer be withdrawn."))
    innovation.status = InnovationStatus.WITHDRAWN
    innovation.save(update_fields=["status", "updated_at"])
    return innovation


# Attachments ---------------------------------------------------------------------------------------------------


@transaction.atomic
def add_attachment(*, innovation, requirement, upload, content_type, actor) -> Attachment:
    """Store a checked upload privately under its sha256 (never its original name).

    Effects: creates an Attachment and writes the file through the default storage. Refused when the entry is
    locked, the kind already has its most files, or the same file is already attached. Notifies no one.
    """
    innovation = _locked(innovation)
    if innovation.status not in EDITABLE:
        _refuse(_("This entry has been submitted and is locked; it can be edited only if it is returned."), "file")
    if requirement.competition_id != innovation.competition_id:
        _refuse(_("This kind of attachment does not belong to the competition."), "requirement")
    if innovation.attachments.filter(requirement=requirement).count() >= requirement.max_files:
        _refuse(
            _("%(name)s takes at most %(n)s file(s). Remove one before adding another.")
            % {"name": requirement.name, "n": requirement.max_files},
            "file",
        )
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    sha = digest.hexdigest()
    if innovation.attachments.filter(sha256=sha).exists():
        _refuse(_("This same file is already attached to the entry."), "file")
    upload.seek(0)
    attachment = Attachment(
        innovation=innovation,
        requirement=requirement,
        original_name=(upload.name or "file")[-255:],
        content_type=content_type,
        size=upload.size,
        sha256=sha,
        uploaded_by=actor,
    )
    attachment.file.save(sha, upload, save=False)
    try:
        attachment.save()
    except Exception:
        # No row, no file: a refused or failed upload leaves nothing behind.
        attachment.file.storage.delete(attachment.file.name)
        raise
    return attachment


@transaction.atomic
def remove_attachment(*, attachment, actor) -> None:
    """Delete an attachment of an editable entry. Effects: deletes the row, then the file once committed."""
    innovation = _locked(attachment.innovation)
    if innovation.status not in EDITABLE:
        _refuse(_("This entry has been submitted and is locked; it can be edited only if it is returned."))
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


# The two-level chain -------------------------------------------------------------------------------------------


@transaction.atomic
def decide_endorsement(*, innovation, outcome, comment, actor) -> EndorsementDecision:
    """The local admin endorses a submitted entry to the committee or returns it with comments.

    Effects: records an EndorsementDecision; status becomes endorsed or returned. Notifies the agency by e-mail
    when returned (with the comment) and when endorsed.
    """
    innovation = _locked(innovation)
    if not innovation.competition.uses_endorsement:
        _refuse(_("This competition does not use endorsement by a local admin."))
    if innovation.status != InnovationStatus.SUBMITTED:
        _refuse(_("Only a submitted entry that waits for endorsement can be decided."))
    comment = (comment or "").strip()
    if outcome == EndorsementOutcome.RETURNED and not comment:
        _refuse(_("Say what the agency must change."), "comment")
    decision = EndorsementDecision.objects.create(
        innovation=innovation, outcome=outcome, comment=comment, decided_by=actor
    )
    innovation.status = (
        InnovationStatus.ENDORSED if outcome == EndorsementOutcome.ENDORSED else InnovationStatus.RETURNED
    )
    innovation.save(update_fields=["status", "updated_at"])
    transaction.on_commit(partial(_send_endorsement, decision.pk))
    return decision


def _send_endorsement(decision_id):
    decision = EndorsementDecision.objects.select_related("innovation__agency", "innovation__competition").get(
        pk=decision_id
    )
    emails.send(
        "endorsement_decision",
        emails.agency_recipients(decision.innovation.agency),
        {"innovation": decision.innovation, "decision": decision},
    )


def send_endorsement_reminder(*, innovation, actor) -> bool:
    """Remind the local admin that an entry waits for endorsement. Effects: one e-mail; changes no data."""
    innovation = Innovation.objects.select_related("agency__local_admin__user", "competition").get(pk=innovation.pk)
    if innovation.status != InnovationStatus.SUBMITTED or not innovation.competition.uses_endorsement:
        return False
    recipients = []
    if innovation.agency.local_admin:
        recipients.append(innovation.agency.local_admin.user.email)
    else:
        from submissions.models import LocalAdmin

        recipients += [la.user.email for la in LocalAdmin.objects.filter(region=innovation.agency.region_id)]
    return emails.send("endorsement_reminder", recipients, {"innovation": innovation, "sender": actor})


# Administrative screening --------------------------------------------------------------------------------------


def first_scored_stage(competition):
    return competition.stages.filter(kind__in=StageKind.scored()).order_by("order").first()


@transaction.atomic
def screen(*, innovation, outcome, reason, actor, checklist=None) -> ScreeningDecision:
    """The committee's screening decision, always with a reason.

    Effects: records a ScreeningDecision (with the completeness checklist); status becomes eligible, ineligible or
    returned. An eligible entry enters the competition's first scored stage (advance_to_stage) so judges can be
    assigned. E-mails the decision and its reason to the agency.
    """
    innovation = _locked(innovation)
    reason = (reason or "").strip()
    if not reason:
        _refuse(_("Give the reason for the decision: the agency receives it."), "reason")
    if innovation.status != awaiting_screening_status(innovation.competition):
        _refuse(_("%(title)s does not wait for screening.") % {"title": innovation.title})
    decision = ScreeningDecision.objects.create(
        innovation=innovation, outcome=outcome, reason=reason, checklist=checklist or {}, decided_by=actor
    )
    innovation.status = {
        ScreeningOutcome.ELIGIBLE: InnovationStatus.ELIGIBLE,
        ScreeningOutcome.INELIGIBLE: InnovationStatus.INELIGIBLE,
        ScreeningOutcome.RETURNED: InnovationStatus.RETURNED,
    }[outcome]
    innovation.save(update_fields=["status", "updated_at"])
    if outcome == ScreeningOutcome.ELIGIBLE:
        stage = first_scored_stage(innovation.competition)
        if stage:
            advance_to_stage(innovation_ids=[innovation.pk], stage=stage, actor=actor)
    transaction.on_commit(partial(_send_screening, decision.pk))
    return decision


@transaction.atomic
def screen_many(*, innovations, outcome, reason, actor) -> list[ScreeningDecision]:
    """Bulk screening: the same decision and reason for each entry, all or nothing (see screen for effects)."""
    return [screen(innovation=i, outcome=outcome, reason=reason, actor=actor) for i in innovations]


def _send_screening(decision_id):
    decision = ScreeningDecision.objects.select_related("innovation__agency", "innovation__competition").get(
        pk=decision_id
    )
    emails.send(
        "screening_decision",
        emails.agency_recipients(decision.innovation.agency),
        {"innovation": decision.innovation, "decision": decision},
    )


@transaction.atomic
def advance_to_stage(*, innovation_ids, stage, actor) -> int:
    """Move the given innovations into `stage` (called when a shortlist is published).

    Effects: creates a StageEntry per innovation (once: re-running is harmless) and sets
    Innovation.stage_reached to `stage` where it is earlier. Notifies no one (the publisher e-mails).
    Returns how many innovations entered the stage for the first time.
    """
    locked = _lock_entries(innovation_ids, stage.competition)
    existing = set(
        StageEntry.objects.filter(stage=stage, innovation_id__in=locked).values_list("innovation_id", flat=True)
    )
    new = [StageEntry(innovation_id=pk, stage=stage) for pk in locked if pk not in existing]
    StageEntry.objects.bulk_create(new)
    Innovation.objects.filter(pk__in=locked).exclude(stage_reached__order__gte=stage.order).update(stage_reached=stage)
    return len(new)


def remove_from_stage(*, innovation_ids, stage, actor) -> int:
    """Take innovations out of `stage` again (a corrected shortlist no longer lists them).

    Effects: deletes their StageEntry in `stage`; sets Innovation.stage_reached back to the latest stage they still
    have an entry in (None when none). Judging in `stage` is the caller's to release first. Notifies no one.
    Returns how many entries were removed.
    """
    locked = _lock_entries(innovation_ids, stage.competition)
    removed, _ = StageEntry.objects.filter(stage=stage, innovation_id__in=locked).delete()
    latest = StageEntry.objects.filter(innovation=OuterRef("pk")).order_by("-stage__order").values("stage_id")[:1]
    Innovation.objects.filter(pk__in=locked, stage_reached=stage).update(stage_reached_id=Subquery(latest))
    return removed


def _lock_entries(innovation_ids, competition) -> list[int]:
    """Lock the given innovations of `competition` (in id order, so concurrent callers cannot deadlock); their ids.

    Only the ids: PostgreSQL refuses FOR UPDATE on the outer join that a nullable stage_reached filter needs, so the
    callers update through a plain queryset afterwards.
    """
    return list(
        Innovation.objects.select_for_update()
        .filter(pk__in=list(innovation_ids), competition=competition)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


# Agencies and their members ------------------------------------------------------------------------------------


@transaction.atomic
def save_agency(*, agency, actor) -> Agency:
    """Create or update an agency (the form has checked the fields and the actor's scope). Notifies no one."""
    agency.full_clean()
    agency.save()
    return agency


@transaction.atomic
def import_agencies(*, rows, actor, local_admin=None) -> list[Agency]:
    """Create the agencies of an import preview; rows are dicts of name, kind, region_id, email.

    Effects: creates one Agency per row (linked to `local_admin` when a local admin imports). A row whose agency
    already exists (same name and region) is skipped, so confirming twice creates nothing twice. Notifies no one.
    """
    created = []
    for row in rows:
        if Agency.objects.filter(name=row["name"], region_id=row["region_id"]).exists():
            continue
        created.append(
            Agency.objects.create(
                name=row["name"],
                kind=row["kind"],
                region_id=row["region_id"],
                email=row.get("email") or "",
                local_admin=local_admin,
            )
        )
    return created


@transaction.atomic
def invite_member(*, agency, email, actor, is_contact=False) -> AgencyMembership:
    """Give a person access to an agency and e-mail them a one-time link to set their password.

    Effects: creates the user (username = e-mail, no usable password) if none has that e-mail, and the membership.
    The link is Django's password-reset token, which stops working once the password is set. E-mails the person.
    """
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        if User.objects.filter(username__iexact=email).exists():
            _refuse(_("An account with this user name already exists."), "email")
        user = User(username=email, email=email)
        user.set_unusable_password()
        user.save()
    if not user.is_active:
        _refuse(_("This account is deactivated; ask the administrator to reactivate it."), "email")
    membership, _created = AgencyMembership.objects.get_or_create(
        agency=agency, user=user, defaults={"is_contact": is_contact}
    )
    transaction.on_commit(partial(_send_invitation, membership.pk))
    return membership


def invitation_link(user) -> str:
    from django.conf import settings

    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return settings.SITE_URL + reverse("submissions:accept_invitation", kwargs={"uidb64": uid, "token": token})


def _send_invitation(membership_id):
    membership = AgencyMembership.objects.select_related("user", "agency").get(pk=membership_id)
    user = membership.user
    emails.send(
        "invitation",
        [user.email],
        {
            "agency": membership.agency,
            "user": user,
            "link": invitation_link(user) if not user.has_usable_password() else None,
        },
    )
