"""One audit trail of the committee's decisions, read from the records each app already keeps.

Every decision is stored by its own app, with who, when and why, in rows that are never edited afterwards
(screening and endorsement decisions, published snapshots and their override rows, award places, the winners'
publication, certificate revocations, answers to objections, reopened score sheets). Reading them into one timeline
here, instead of copying each into a second log table, means the trail cannot drift from the facts it reports and no
app has to remember to write to it. It lives in the project package because only this layer may read every app.
"""

import csv
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models import Award, Certificate, Objection, ShortlistRow, ShortlistSnapshot, WinnersRelease
from judging.enums import SheetAction
from judging.models import SheetEvent
from submissions.models import EndorsementDecision, ScreeningDecision


@dataclass(frozen=True)
class AuditEntry:
    at: datetime
    action: str
    actor: str
    subject: str
    detail: str
    reason: str


def _name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def committee_audit(competition) -> list[AuditEntry]:
    """Every committee decision of the competition, newest first. One query per kind of record."""
    entries = []
    for d in ScreeningDecision.objects.filter(innovation__competition=competition).select_related(
        "innovation", "decided_by"
    ):
        entries.append(
            AuditEntry(d.decided_at, str(_("Screening decision")), _name(d.decided_by), d.innovation.title,
                       d.get_outcome_display(), d.reason)
        )  # fmt: skip
    for d in EndorsementDecision.objects.filter(innovation__competition=competition).select_related(
        "innovation", "decided_by"
    ):
        entries.append(
            AuditEntry(d.decided_at, str(_("Endorsement decision")), _name(d.decided_by), d.innovation.title,
                       d.get_outcome_display(), d.comment)
        )  # fmt: skip
    for s in ShortlistSnapshot.objects.filter(stage__competition=competition).select_related("stage", "published_by"):
        entries.append(
            AuditEntry(s.published_at, str(_("Shortlist published")), _name(s.published_by), s.stage.name,
                       f"{s.get_rule_display()} · SHA-256 {s.content_hash[:16]}…", s.correction_reason)
        )  # fmt: skip
    rows = (
        ShortlistRow.objects.filter(snapshot__stage__competition=competition)
        .exclude(override_reason="")
        .select_related("snapshot__stage", "snapshot__published_by", "innovation")
    )
    for r in rows:
        change = _("added to the list") if r.listed else _("removed from the list")
        entries.append(
            AuditEntry(r.snapshot.published_at, str(_("Manual change to a shortlist")), _name(r.snapshot.published_by),
                       r.innovation.title, f"{r.snapshot.stage.name}: {change}", r.override_reason)
        )  # fmt: skip
    for a in Award.objects.filter(competition=competition).select_related("innovation", "assigned_by", "category"):
        place = a.get_place_display() + (f" · {a.title}" if a.title else "")
        entries.append(
            AuditEntry(a.assigned_at, str(_("Winner place assigned")), _name(a.assigned_by), a.innovation.title,
                       f"{place}{f' ({a.category})' if a.category else ''}", "")
        )  # fmt: skip
    for w in WinnersRelease.objects.filter(competition=competition).select_related("published_by"):
        entries.append(
            AuditEntry(w.published_at, str(_("Winners published")), _name(w.published_by), str(competition), "", "")
        )
    for c in Certificate.objects.filter(competition=competition, revoked_at__isnull=False).select_related("revoked_by"):
        entries.append(
            AuditEntry(c.revoked_at, str(_("Certificate revoked")), _name(c.revoked_by) or str(_("automatic")),
                       c.holder, f"{c.serial} · {c.get_kind_display()}", c.revoked_reason)
        )  # fmt: skip
    for o in Objection.objects.filter(
        snapshot__stage__competition=competition, answered_at__isnull=False
    ).select_related("innovation", "answered_by"):
        entries.append(
            AuditEntry(o.answered_at, str(_("Objection answered")), _name(o.answered_by), o.innovation.title,
                       o.reason, o.answer)
        )  # fmt: skip
    for e in SheetEvent.objects.filter(
        sheet__assignment__stage__competition=competition, action=SheetAction.REOPEN
    ).select_related("actor", "sheet__assignment__innovation", "sheet__assignment__judge"):
        entries.append(
            AuditEntry(e.at, str(_("Score sheet reopened")), _name(e.actor), e.sheet.assignment.innovation.title,
                       _name(e.sheet.assignment.judge), e.reason)
        )  # fmt: skip
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries


def _cell(value) -> str:
    # Text typed by the public (objections) must not run as a formula when the file is opened in a spreadsheet.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def audit_csv(competition, entries) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{competition.slug}.csv"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    writer.writerow([_("When"), _("Action"), _("By"), _("Subject"), _("Detail"), _("Reason")])
    for e in entries:
        when = timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S %Z")
        writer.writerow([_cell(v) for v in (when, e.action, e.actor, e.subject, e.detail, e.reason)])
    return response
