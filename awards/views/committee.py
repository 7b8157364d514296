from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from awards import queries, rules
from awards.forms import AnswerForm, PublishForm, ShortlistRuleForm
from awards.models import Objection
from awards.services import shortlists as service
from competitions.models import Category, EntryGroup, Region, Stage


@login_required
def committee_home(request, slug):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    return render(
        request,
        "awards/committee_home.html",
        {"competition": competition, "stages": queries.stages_with_snapshots(competition)},
    )


def _rule_form(data, stage):
    buckets = {
        "category": [(c.pk, c.name) for c in Category.objects.filter(competition=stage.competition)],
        "group": [(g.pk, g.get_kind_display()) for g in EntryGroup.objects.filter(competition=stage.competition)],
        "region": [
            (r.pk, r.name)
            for r in Region.objects.filter(agencies__innovations__stage_entries__stage=stage)
            .distinct()
            .order_by("name")
        ],
    }
    initial = {"rule": "top_n", "top_n": stage.shortlist_size, "pass_mark": stage.pass_mark}
    return ShortlistRuleForm(data or None, buckets=buckets, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def shortlist(request, slug, stage_id):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    stage = get_object_or_404(Stage, competition=competition, pk=stage_id)
    rule_form = _rule_form(request.GET if "rule" in request.GET else None, stage)
    current = service.current_snapshot(stage)
    publish_form = None
    preview = None
    flips = set()
    reasons = {}
    if rule_form.is_valid():
        rule, params = rule_form.cleaned_data["rule"], rule_form.rule_params()
        if request.method == "POST":
            flips = {int(pk) for pk in request.POST.getlist("flip") if pk.isdigit()}
            reasons = {pk: request.POST.get(f"reason_{pk}", "") for pk in flips}
        preview = service.preview_shortlist(stage=stage, rule=rule, params=params, flips=flips)
        publish_form = PublishForm(
            request.POST or None,
            initial={"objection_days": stage.objection_days},
            needs_confirmation=preview.needs_confirmation,
        )
        if request.method == "POST" and publish_form.is_valid():
            try:
                snapshot = service.publish_shortlist(
                    stage=stage,
                    rule=rule,
                    params=params,
                    actor=request.user,
                    overrides=reasons,
                    objection_days=publish_form.cleaned_data["objection_days"],
                    expected_digest=request.POST.get("digest", ""),
                    correction_reason=publish_form.cleaned_data["correction_reason"],
                    confirm_incomplete=publish_form.cleaned_data.get("confirm_incomplete", False),
                )
            except ValidationError as error:
                for message in error.messages:
                    publish_form.add_error(None, message)
                preview = service.preview_shortlist(stage=stage, rule=rule, params=params, flips=flips)
            else:
                messages.success(request, _("The list has been published."))
                return redirect("awards:snapshot", slug=competition.slug, pk=snapshot.pk)
        for row in preview.rows:
            row.reason = reasons.get(row.innovation.pk, "")
    return render(
        request,
        "awards/shortlist.html",
        {
            "competition": competition,
            "stage": stage,
            "rule_form": rule_form,
            "publish_form": publish_form,
            "preview": preview,
            "current": current,
            "flips": flips,
            "reasons": reasons,
        },
    )


@login_required
def snapshot(request, slug, pk):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    snapshot = rules.get_snapshot_for_committee(competition, pk)
    rows = snapshot.rows.select_related("innovation__agency", "innovation__category").order_by("rank")
    return render(
        request,
        "awards/snapshot.html",
        {
            "competition": competition,
            "snapshot": snapshot,
            "rows": rows,
            "hash_ok": service.compute_hash(snapshot) == snapshot.content_hash,
            "objections": snapshot.objections.select_related("innovation", "answered_by"),
            "blockers": service.advance_blockers(snapshot),
            "next_stage": service.next_stage(snapshot.stage),
            "answer_form": AnswerForm(),
        },
    )


@login_required
@require_POST
def advance(request, slug, pk):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    snapshot = rules.get_snapshot_for_committee(competition, pk)
    try:
        service.advance_stage(snapshot=snapshot, actor=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The listed innovations have moved to the next stage."))
    return redirect("awards:snapshot", slug=competition.slug, pk=snapshot.pk)


@login_required
@require_POST
def answer_objection(request, slug, pk):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    objection = get_object_or_404(Objection, snapshot__stage__competition=competition, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        service.answer_objection(objection=objection, answer=form.cleaned_data["answer"], actor=request.user)
        messages.success(request, _("The answer has been saved and sent."))
    else:
        messages.error(request, _("Write an answer first."))
    return redirect("awards:snapshot", slug=competition.slug, pk=objection.snapshot_id)
