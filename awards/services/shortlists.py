"""Shortlists: preview, publication as a frozen snapshot, corrections, objections, advancing to the next stage."""

import hashlib
import json
from contextlib import suppress
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from awards import public_cache, selection
from awards.models import Objection, ShortlistRow, ShortlistSnapshot
from awards.services._common import enqueue_on_commit
from competitions.enums import ShortlistRule
from competitions.models import Category, EntryGroup, Region, Stage
from judging.ranking import FLAG_FEW_SHEETS, rank_stage
from submissions.models import Innovation
from submissions.services import advance_to_stage

QUOTA_BUCKETS = {"category": "category_id", "group": "group_id", "region": "agency__region_id"}
# An unlisted entry this many points or less below the cut-off (or without a score) could still make the list once
# its missing sheets are in: its "too few sheets" flag counts towards the warning before publication.
NEAR_CUTOFF_POINTS = 5


@dataclass
class PreviewRow:
    entry: object  # judging.ranking.RankedEntry
    innovation: Innovation
    computed: bool
    listed: bool


@dataclass
class Preview:
    stage: Stage
    rule: str
    params: dict
    rows: list[PreviewRow]
    cutoff: object
    digest: str  # identifies the ranking and rule the committee saw; publication refuses a different one

    @property
    def listed_count(self):
        return sum(1 for row in self.rows if row.listed)

    def _near_cutoff(self, row) -> bool:
        score = row.entry.score
        return score is None or self.cutoff is None or score >= self.cutoff - NEAR_CUTOFF_POINTS

    @property
    def few_sheets_count(self) -> int:
        """Listed or near-cut-off entries whose judging is incomplete (fewer submitted sheets than the stage asks)."""
        return sum(
            1 for row in self.rows if FLAG_FEW_SHEETS in row.entry.flags and (row.listed or self._near_cutoff(row))
        )

    @property
    def stage_open(self) -> bool:
        """The stage's window has not passed yet: judges may still submit sheets."""
        closes_at = self.stage.closes_at
        return closes_at is not None and timezone.now() < closes_at

    @property
    def needs_confirmation(self) -> bool:
        return bool(self.few_sheets_count) or self.stage_open


def _fmt(value) -> str | None:
    return None if value is None else f"{value:.4f}"


def _buckets(entries, rule, params):
    if rule != ShortlistRule.QUOTA:
        return None
    field = QUOTA_BUCKETS[params["by"]]
    ids = [e.innovation_id for e in entries]
    return dict(Innovation.objects.filter(pk__in=ids).values_list("pk", field))


def _ranking_digest(stage, rule, params, entries, computed) -> str:
    payload = {
        "stage": stage.pk,
        "rule": rule,
        "params": params,
        "entries": [[e.innovation_id, e.rank, _fmt(e.score), e.innovation_id in computed] for e in entries],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def preview_shortlist(*, stage, rule, params, flips=frozenset()) -> Preview:
    """The list the rule would publish now, from the ranking engine, with the manual changes applied. No effects."""
    entries = rank_stage(stage)
    buckets = _buckets(entries, rule, params)
    chosen = selection.select(entries, rule=rule, params=params, buckets=buckets, flips=flips)
    innovations = Innovation.objects.select_related("agency__region", "category", "group").in_bulk(
        [e.innovation_id for e in entries]
    )
    rows = [
        PreviewRow(
            entry=e,
            innovation=innovations[e.innovation_id],
            computed=e.innovation_id in chosen.computed,
            listed=e.innovation_id in chosen.listed,
        )
        for e in entries
    ]
    digest = _ranking_digest(stage, rule, params, entries, chosen.computed)
    return Preview(stage=stage, rule=rule, params=params, rows=rows, cutoff=chosen.cutoff, digest=digest)


def describe_rule(rule, params) -> str:
    """The rule as a sentence, e.g. "Top 20", "pass mark 85", "quota per category: Kesehatan 2". No effects."""
    params = params or {}
    if rule == ShortlistRule.TOP_N:
        return gettext("Top %(n)s") % {"n": params.get("n")}
    if rule == ShortlistRule.PASS_MARK:
        mark = params.get("pass_mark")
        with suppress(InvalidOperation):  # not a number: shown as stored
            mark = number_format(Decimal(str(mark)).normalize())  # "85.00" reads 85, "72.50" reads 72,5
        return gettext("pass mark %(mark)s") % {"mark": mark}
    if rule == ShortlistRule.QUOTA:
        by = params.get("by")
        names = {}
        if by == "category":
            names = {str(c.pk): c.name for c in Category.objects.filter(pk__in=params.get("quotas", {}).keys())}
        elif by == "group":
            names = {
                str(g.pk): str(g.get_kind_display())
                for g in EntryGroup.objects.filter(pk__in=params.get("quotas", {}).keys())
            }
        elif by == "region":
            names = {str(r.pk): r.name for r in Region.objects.filter(pk__in=params.get("quotas", {}).keys())}
        parts = ", ".join(f"{names.get(str(pk), pk)} {count}" for pk, count in sorted(params.get("quotas", {}).items()))
        labels = {"category": gettext("category"), "group": gettext("entry group"), "region": gettext("region")}
        return gettext("quota per %(by)s: %(quotas)s") % {"by": labels.get(by, by), "quotas": parts}
    return str(rule)


def snapshot_payload(snapshot, rows) -> dict:
    """Everything a published list states; its SHA-256 is the snapshot's content hash."""
    return {
        "stage": snapshot.stage_id,
        "rule": snapshot.rule,
        "rule_params": snapshot.rule_params,
        "cutoff": _fmt(snapshot.cutoff_score),
        "published_by": snapshot.published_by_id,
        "published_at": snapshot.published_at.isoformat(),
        "objections_until": snapshot.objections_until.isoformat() if snapshot.objections_until else None,
        "supersedes": snapshot.supersedes.content_hash if snapshot.supersedes_id else None,
        "correction_reason": snapshot.correction_reason,
        "rows": [
            [
                r.innovation_id,
                r.rank,
                _fmt(r.score),
                _fmt(r.raw_mean),
                r.sheets,
                r.tie_break,
                r.listed,
                r.override_reason,
            ]
            # Rows published before the flag existed have it False and keep their hash; a flagged row adds it.
            + (["few_sheets"] if r.few_sheets else [])
            for r in sorted(rows, key=lambda r: r.rank)
        ],
    }


def compute_hash(snapshot, rows=None) -> str:
    rows = list(snapshot.rows.all()) if rows is None else rows
    data = json.dumps(snapshot_payload(snapshot, rows), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


def current_snapshot(stage):
    return stage.snapshots.filter(superseded_by__isnull=True).select_related("stage").first()


def next_stage(stage):
    return Stage.objects.filter(competition_id=stage.competition_id, order__gt=stage.order).order_by("order").first()


@transaction.atomic
def publish_shortlist(
    *,
    stage,
    rule,
    params,
    actor,
    overrides=None,
    objection_days=0,
    expected_digest=None,
    correction_reason="",
    confirm_incomplete=False,
) -> ShortlistSnapshot:
    """Freeze the stage's shortlist as a published snapshot.

    overrides: {innovation id: reason} of entries the committee adds to or removes from the computed list; every
    one needs a reason. A stage that already has a published list needs a correction_reason: the new snapshot
    supersedes the old one, which is kept unchanged.
    Refuses an empty list. While the stage's window is still open, or a listed or near-cut-off entry has fewer
    submitted sheets than the stage asks, refuses unless `confirm_incomplete` (the committee ticked that it checked).
    Effects: locks the stage; ranks it now (refusing if the ranking differs from the preview `expected_digest`);
    creates the ShortlistSnapshot with one ShortlistRow per ranked entry (listed or not) and its content hash;
    opens an objection window of `objection_days`, or with none moves the listed innovations into the next stage
    (submissions.advance_to_stage) and, for a correction, takes the innovations it no longer lists out of it again
    (their assignments there released); enqueues `awards.send_shortlist_emails` to the agencies; invalidates the
    cached public results pages (awards.public_cache), now and on commit.
    """
    overrides = {int(k): (v or "").strip() for k, v in (overrides or {}).items()}
    missing = [pk for pk, reason in overrides.items() if not reason]
    if missing:
        raise ValidationError(_("Every manual change to the computed list needs a reason."))
    stage = Stage.objects.select_for_update(of=("self",)).select_related("competition").get(pk=stage.pk)
    previous = current_snapshot(stage)
    correction_reason = (correction_reason or "").strip()
    if previous is not None and not correction_reason:
        raise ValidationError(_("This stage already has a published list: a correction needs a reason."))
    if previous is None:
        correction_reason = ""
    preview = preview_shortlist(stage=stage, rule=rule, params=params, flips=overrides.keys())
    if expected_digest and preview.digest != expected_digest:
        raise ValidationError(_("The ranking has changed since the preview. Check the new preview and confirm again."))
    if not preview.listed_count:
        raise ValidationError(_("The list is empty: no entry would be on it. Change the rule before publishing."))
    if preview.needs_confirmation and not confirm_incomplete:
        raise ValidationError(
            _("Judging is not complete: confirm that you have checked the list before publishing it anyway.")
        )
    now = timezone.now()
    snapshot = ShortlistSnapshot(
        stage=stage,
        rule=rule,
        rule_params=params,
        cutoff_score=preview.cutoff,
        published_by=actor,
        published_at=now,
        supersedes=previous,
        correction_reason=correction_reason,
        objections_until=now + timedelta(days=objection_days) if objection_days else None,
        content_hash="",
    )
    snapshot.save()
    rows = [
        ShortlistRow(
            snapshot=snapshot,
            innovation_id=row.entry.innovation_id,
            rank=row.entry.rank,
            score=row.entry.score,
            raw_mean=row.entry.raw_mean,
            sheets=row.entry.sheets,
            tie_break=row.entry.tie_break[:200],
            listed=row.listed,
            override_reason=overrides.get(row.entry.innovation_id, ""),
            few_sheets=FLAG_FEW_SHEETS in row.entry.flags,
        )
        for row in preview.rows
    ]
    ShortlistRow.objects.bulk_create(rows)
    snapshot.content_hash = compute_hash(snapshot, rows)
    snapshot.save(update_fields=["content_hash"])
    if not objection_days:
        _advance(snapshot, actor)
    from awards import tasks

    enqueue_on_commit(tasks.send_shortlist_emails, snapshot_id=snapshot.pk)
    public_cache.invalidate()
    return snapshot


def _advance(snapshot, actor):
    target = next_stage(snapshot.stage)
    if target is not None:
        ids = list(snapshot.rows.filter(listed=True).values_list("innovation_id", flat=True))
        advance_to_stage(innovation_ids=ids, stage=target, actor=actor)
        _withdraw_dropped(snapshot, target, set(ids), actor)
    snapshot.advanced_at = timezone.now()
    ShortlistSnapshot.objects.filter(pk=snapshot.pk).update(advanced_at=snapshot.advanced_at)


def _withdraw_dropped(snapshot, target, listed, actor):
    """A correction that no longer lists an innovation an earlier list moved on takes it out of the next stage.

    Its assignments there are released (sheets stay for the audit and stop counting), then its entry is removed.
    Entries only reach the next stage through this stage's lists, so every entry there not on this list is dropped.
    """
    from judging.services.panels import release_assignment
    from submissions.models import StageEntry
    from submissions.services import remove_from_stage

    if snapshot.supersedes_id is None:
        return
    dropped = set(StageEntry.objects.filter(stage=target).values_list("innovation_id", flat=True)) - listed
    if not dropped:
        return
    from judging.models import Assignment

    reason = gettext("No longer on the corrected list of %(stage)s.") % {"stage": snapshot.stage.name}
    for assignment in Assignment.objects.filter(stage=target, innovation_id__in=dropped, released_at__isnull=True):
        release_assignment(assignment=assignment, reason=reason, actor=actor)
    remove_from_stage(innovation_ids=dropped, stage=target, actor=actor)


def open_objections(stage):
    return Objection.objects.filter(snapshot__stage=stage, answered_at__isnull=True)


def advance_blockers(snapshot, at=None) -> list[str]:
    """Why the listed innovations cannot move on yet (empty when they can)."""
    reasons = []
    if not snapshot.is_current:
        reasons.append(_("A correction has superseded this list."))
    if snapshot.advanced_at:
        reasons.append(_("The listed innovations have already moved to the next stage."))
    if snapshot.objections_open(at):
        reasons.append(_("The objection window is still open."))
    if open_objections(snapshot.stage).exists():
        reasons.append(_("Some objections have not been answered."))
    return reasons


@transaction.atomic
def advance_stage(*, snapshot, actor) -> ShortlistSnapshot:
    """Move a published list's innovations into the next stage once its objection window is over.

    Effects: refuses while the window is open or an objection to the stage is unanswered; calls
    submissions.advance_to_stage with the listed innovations; sets advanced_at.
    """
    snapshot = ShortlistSnapshot.objects.select_for_update(of=("self",)).select_related("stage").get(pk=snapshot.pk)
    blockers = advance_blockers(snapshot)
    if blockers:
        raise ValidationError(blockers)
    _advance(snapshot, actor)
    return snapshot


@transaction.atomic
def file_objection(*, snapshot, innovation, name, email, reason, actor=None) -> Objection:
    """Record a public objection to a published list during its window. Effects: creates an Objection."""
    from awards import rules

    snapshot = ShortlistSnapshot.objects.select_related("stage__competition").get(pk=snapshot.pk)
    if not rules.may_object(snapshot):
        raise ValidationError(_("Objections to this list are not accepted now."))
    if not snapshot.rows.filter(innovation=innovation).exists():
        raise ValidationError(_("This innovation is not on the ranked list."))
    return Objection.objects.create(snapshot=snapshot, innovation=innovation, name=name, email=email, reason=reason)


@transaction.atomic
def answer_objection(*, objection, answer, actor) -> Objection:
    """The committee's answer to an objection. Effects: saves it with who and when; e-mails the objector."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("snapshot__stage__competition")
        .get(pk=objection.pk)
    )
    objection.answer = answer.strip()
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save(update_fields=["answer", "answered_by", "answered_at"])
    transaction.on_commit(lambda: _mail_answer(objection))
    return objection


def _send(messages):
    connection = get_connection()
    connection.send_messages(messages)


def _message(name, context, to):
    with translation.override(settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"emails/{name}_subject.txt", context).split())
        body = render_to_string(f"emails/{name}_body.txt", context)
        html = render_to_string(f"emails/{name}_body.html", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    message.attach_alternative(html, "text/html")
    return message


def _mail_answer(objection):
    context = {"objection": objection, "competition": objection.snapshot.stage.competition}
    _send([_message("awards_objection_answer", context, [objection.email])])


def send_shortlist_emails(*, snapshot_id) -> int:
    """E-mail each agency with an entry on the ranked list whether it was listed. Returns messages sent."""
    snapshot = ShortlistSnapshot.objects.select_related("stage__competition").filter(pk=snapshot_id).first()
    if snapshot is None:
        return 0
    rows = snapshot.rows.select_related("innovation__agency").prefetch_related("innovation__agency__memberships__user")
    by_agency = {}
    for row in rows:
        by_agency.setdefault(row.innovation.agency, []).append(row)
    competition = snapshot.stage.competition
    url = settings.SITE_URL + reverse("awards:competition_results", kwargs={"slug": competition.slug})
    messages = []
    for agency, agency_rows in by_agency.items():
        recipients = {agency.email} | {m.user.email for m in agency.memberships.all()}
        recipients = sorted(r for r in recipients if r)
        if not recipients:
            continue
        context = {
            "agency": agency,
            "rows": agency_rows,
            "snapshot": snapshot,
            "stage": snapshot.stage,
            "competition": competition,
            "results_url": url,
        }
        messages.append(_message("awards_shortlist", context, recipients))
    _send(messages)
    return len(messages)
