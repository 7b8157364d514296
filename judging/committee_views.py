"""The committee's judging pages: rubric, panel, assignment, progress, leaderboard, audit, export."""

import functools
import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competitions.models import Category
from competitions.rules import get_competition_for_committee
from judging import export, queries, rules, services
from judging.forms import (
    CopyRubricForm,
    CriterionFormSet,
    ManualAssignmentForm,
    PanelMemberForm,
    ReasonForm,
)
from judging.models import Assignment, Criterion, PanelMember, ScoreSheet, SheetEvent
from judging.ranking import TIE_BREAK_ORDER, judge_totals, rank_stage
from kovablik import caching
from kovablik.compiled import bind
from submissions.models import Innovation

PAGE_SIZE = 100


def _base_url(request):
    return request.build_absolute_uri("/")


@login_required
def hub(request, slug):
    competition = get_competition_for_committee(request.user, slug=slug)
    stages = [s for s in competition.stages.order_by("order") if s.is_scored]
    return render(request, "judging/committee/hub.html", {"competition": competition, "stages": stages})


@login_required
def rubric(request, slug, order):
    stage = rules.get_stage_for_committee(request.user, slug, order)
    locked = services.rubric_locked(stage)
    copy_form = CopyRubricForm(stages=rules.committee_stages(request.user).exclude(pk=stage.pk).order_by("pk"))
    # The levels of every criterion in one query: each form shows its criterion's levels (CriterionForm).
    with_levels = Criterion.objects.prefetch_related("levels")
    formset = CriterionFormSet(instance=stage, prefix="criteria", queryset=with_levels)
    if request.method == "POST" and not locked:
        try:
            if "preset" in request.POST:
                services.apply_preset(stage=stage, actor=request.user)
                messages.success(request, _("The national 2023 proposal weights are in place."))
                return redirect("judging:rubric", slug=slug, order=order)
            if "copy" in request.POST:
                copy_form = CopyRubricForm(
                    request.POST, stages=rules.committee_stages(request.user).exclude(pk=stage.pk)
                )
                if copy_form.is_valid():
                    services.copy_rubric(source=copy_form.cleaned_data["source"], target=stage, actor=request.user)
                    messages.success(request, _("Rubric copied."))
                    return redirect("judging:rubric", slug=slug, order=order)
            else:
                formset = CriterionFormSet(request.POST, instance=stage, prefix="criteria", queryset=with_levels)
                if formset.is_valid():
                    services.save_rubric(stage=stage, formset=formset, actor=request.user)
                    messages.success(request, _("Rubric saved."))
                    return redirect("judging:rubric", slug=slug, order=order)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    elif request.method == "POST":
        messages.error(request, _("The rubric cannot change: judges have already scored with it."))
    return render(
        request,
        "judging/committee/rubric.html",
        {
            "stage": stage,
            "competition": stage.competition,
            "formset": formset,
            "copy_form": copy_form,
            "locked": locked,
            "criteria": stage.criteria.order_by("order"),
        },
    )


@login_required
def panel(request, slug, order):
    stage = rules.get_stage_for_committee(request.user, slug, order)
    form = PanelMemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = services.add_panel_member(
            stage=stage,
            actor=request.user,
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            agency=form.cleaned_data["agency"],
            region=form.cleaned_data["region"],
            affiliation=form.cleaned_data["affiliation"],
            base_url=_base_url(request),
        )
        messages.success(request, _("%(judge)s is on the panel and has been e-mailed.") % {"judge": member.judge.email})
        return redirect("judging:panel", slug=slug, order=order)
    members = (
        PanelMember.objects.filter(stage=stage)
        .select_related("judge", "agency", "region")
        .order_by("withdrawn_at", "judge__last_name", "judge__username")
    )
    conflicts = stage.competition.conflicts.select_related("judge", "agency", "innovation").order_by("-declared_at")
    return render(
        request,
        "judging/committee/panel.html",
        {
            "stage": stage,
            "competition": stage.competition,
            "form": form,
            "members": members,
            "conflicts": conflicts,
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def withdraw(request, slug, order, member_pk):
    stage = rules.get_stage_for_committee(request.user, slug, order)
    member = get_object_or_404(PanelMember, stage=stage, pk=member_pk, withdrawn_at__isnull=True)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the withdrawal."))
        return redirect("judging:panel", slug=slug, order=order)
    result = services.withdraw_judge(member=member, reason=form.cleaned_data["reason"], actor=request.user)
    _report(request, result)
    return redirect("judging:panel", slug=slug, order=order)


def _report(request, result):
    messages.info(
        request,
        _("%(created)s assignments made, %(removed)s removed.")
        % {"created": result.created, "removed": result.removed},
    )
    for short in result.shortfalls:
        messages.warning(
            request,
            _("%(entry)s “%(title)s” lacks %(missing)s judge(s): %(reason)s")
            % {
                "entry": short.innovation.entry_number or "",
                "title": short.innovation.title,
                "missing": short.missing,
                "reason": short.reason,
            },
        )


@login_required
def assignment(request, slug, order):
    stage = rules.get_stage_for_committee(request.user, slug, order)
    panel_judges = stage.panel.filter(withdrawn_at__isnull=True).values("judge_id")
    from django.contrib.auth import get_user_model

    manual = ManualAssignmentForm(
        request.POST if "manual" in request.POST else None,
        judges=get_user_model().objects.filter(pk__in=panel_judges).order_by("last_name", "username"),
        innovations=queries.stage_innovations(stage).order_by("entry_number", "pk"),
    )
    if request.method == "POST":
        if "auto" in request.POST:
            _report(request, services.auto_assign(stage=stage, actor=request.user))
            return redirect("judging:assignment", slug=slug, order=order)
        if "manual" in request.POST and manual.is_valid():
            try:
                services.assign_manually(
                    stage=stage,
                    judge=manual.cleaned_data["judge"],
                    innovation=manual.cleaned_data["innovation"],
                    actor=request.user,
                )
                messages.success(request, _("Assignment made."))
                return redirect("judging:assignment", slug=slug, order=order)
            except ValidationError as exc:
                manual.add_error(None, exc)
    page = Paginator(
        queries.stage_innovations(stage).select_related("agency").order_by("entry_number", "pk"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    innovations = list(page.object_list)
    by_innovation = {}
    for a in (
        queries.active_assignments(stage)
        .filter(innovation__in=[i.pk for i in innovations])
        .select_related("judge", "sheet")
        .order_by("judge__username")
    ):
        by_innovation.setdefault(a.innovation_id, []).append(a)
    rows = [(i, by_innovation.get(i.pk, [])) for i in innovations]
    return render(
        request,
        "judging/committee/assignment.html",
        {
            "stage": stage,
            "competition": stage.competition,
            "rows": rows,
            "page": page,
            "manual": manual,
            "reason_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def release(request, slug, order, assignment_pk):
    stage = rules.get_stage_for_committee(request.user, slug, order)
    target = get_object_or_404(Assignment, stage=stage, pk=assignment_pk, released_at__isnull=True)
    form = ReasonForm(request.POST)
    if form.is_valid():
        services.release_assignment(assignment=target, reason=form.cleaned_data["reason"], actor=request.user)
        messages.success(request, _("Assignment removed."))
    else:
        messages.error(request, _("Give the reason for removing the assignment."))
    return redirect("judging:assignment", slug=slug, order=order)


@login_required
def progress(request, slug, order):
    stage = rules.get_stage_for_committee(request.user, slug, order)
    if request.method == "POST":
        sent = services.send_reminders(stage=stage, actor=request.user, base_url=_base_url(request))
        messages.success(request, _("Reminders sent to %(count)s judge(s).") % {"count": sent})
        return redirect("judging:progress", slug=slug, order=order)
    innovations = queries.stage_innovations(stage).select_related("agency").order_by("entry_number", "pk")
    page = Paginator(innovations, PAGE_SIZE).get_page(request.GET.get("page"))
    cells = queries.progress_cells(stage, [innovation.pk for innovation in page.object_list])
    members = list(queries.active_panel(stage).order_by("judge__last_name", "judge__first_name", "judge__username"))
    submitted, total = queries.progress_totals(stage)
    rows = []
    for innovation in page.object_list:
        row = []
        for member in members:
            a = cells.get((member.judge_id, innovation.pk))
            sheet = getattr(a, "sheet", None) if a else None
            row.append({"assignment": a, "sheet": sheet, "scored": a.scored if a else 0})
        rows.append((innovation, row))
    return render(
        request,
        "judging/committee/progress.html",
        {
            "stage": stage,
            "competition": stage.competition,
            "members": members,
            "rows": rows,
            "page": page,
            "submitted": submitted,
            "total": total,
        },
    )


@login_required
def sheet_detail(request, slug, order, pk):
    stage = rules.get_stage_for_committee(request.user, slug, order)
    sheet = get_object_or_404(
        ScoreSheet.objects.select_related("assignment__judge", "assignment__innovation__agency"),
        pk=pk,
        assignment__stage=stage,
    )
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reopen_sheet(
                sheet=sheet, reason=form.cleaned_data["reason"], actor=request.user, base_url=_base_url(request)
            )
            messages.success(request, _("Sheet reopened; the judge can change it and submit again."))
            return redirect("judging:committee_sheet", slug=slug, order=order, pk=pk)
        except ValidationError as exc:
            form.add_error(None, exc)
    return render(
        request,
        "judging/committee/sheet.html",
        {
            "stage": stage,
            "competition": stage.competition,
            "sheet": sheet,
            "form": form,
            "scores": sheet.scores.select_related("criterion").order_by("criterion__order"),
            "events": sheet.events.select_related("actor"),
        },
    )


LEADERBOARD_PAGE_SIZE = 50
# A rendered leaderboard page is kept until the ranking changes (see _ranking_version); names and titles shown
# beside the scores may lag by at most this long.
LEADERBOARD_CACHE_SECONDS = 300


def _ranking_version_sql() -> str:
    from judging.models import EntryTally
    from submissions.models import StageEntry

    tally, entry = (connection.ops.quote_name(m._meta.db_table) for m in (EntryTally, StageEntry))
    # The models' table names, quoted; the stage id is a parameter.
    return (
        f'SELECT (SELECT MAX("updated_at") FROM {tally} WHERE "stage_id" = %s),'  # noqa: S608
        f' (SELECT COUNT(*) FROM {tally} WHERE "stage_id" = %s),'
        f' (SELECT COUNT(*) FROM {entry} WHERE "stage_id" = %s),'
        f' (SELECT MAX("entered_at") FROM {entry} WHERE "stage_id" = %s)'
    )


def _ranking_version(stage) -> str:
    """Changes whenever the stage's ranking can: a tally refreshed or rebuilt, an entry added or removed (or one
    swapped for another), or the stage's ranking settings edited. One query, as plain SQL: building it with the
    ORM (subqueries) cost more CPU than the database spends answering it."""
    with connection.cursor() as cursor:
        cursor.execute(_ranking_version_sql(), [stage.pk] * 4)
        last, tallied, entered, newest_entry = cursor.fetchone()
    settings = (stage.aggregation, stage.trim_fraction, stage.min_sheets, stage.disagreement_threshold)
    # str(): a datetime on PostgreSQL, its text on SQLite; either only has to change when the tallies do.
    # The newest entry's time as well as the count: a corrected list may take one entry out and put another in.
    return f"{last if last is not None else '-'}|{tallied}|{entered}|{newest_entry}|{settings}"


def _leaderboard_table(stage, category, page_number) -> str:
    """The ranked rows of one page with the judges' totals, and the pager, rendered."""
    entries = rank_stage(stage, category=category)
    # 50 rows a page: the ranking is computed for the whole stage (or category), the page's rows are dressed.
    page = Paginator(entries, LEADERBOARD_PAGE_SIZE).get_page(page_number)
    shown = [e.innovation_id for e in page.object_list]
    innovations = Innovation.objects.select_related("agency", "category").in_bulk(shown)
    totals = judge_totals(stage, shown)
    judge_ids = sorted({j for per_judge in totals.values() for j in per_judge})
    from django.contrib.auth import get_user_model

    judges = get_user_model().objects.in_bulk(judge_ids)
    rows = [
        {
            "entry": e,
            "innovation": innovations[e.innovation_id],
            "totals": [(judges[j], t) for j, t in sorted(totals.get(e.innovation_id, {}).items())],
        }
        for e in page.object_list
    ]
    return render_to_string(
        "judging/committee/_leaderboard_table.html",
        {
            "stage": stage,
            "rows": rows,
            "page": page,
            "pager_query": f"category={category.pk}&" if category else "",
        },
    )


# A competition id no request has: where the id goes in the categories query compiled once.
_PLACEHOLDER_COMPETITION_ID = -7_230_423


@functools.cache
def _categories_sql(vendor: str) -> tuple[str, tuple]:
    query = Category.objects.filter(competition_id=_PLACEHOLDER_COMPETITION_ID).order_by("order", "name").query
    return query.sql_with_params()


def _categories(competition_id) -> list[Category]:
    """The competition's categories in their order, from SQL compiled once per process (0.3 ms less CPU)."""
    sql, params = _categories_sql(connection.vendor)
    return list(Category.objects.raw(sql, bind(params, {_PLACEHOLDER_COMPETITION_ID: competition_id})))


# The stage's breadcrumb and page links (judging/committee/_nav.html: eleven URLs reversed), rendered once per
# process for what they print; a few hundred at most (stages x languages), emptied if ever more.
_NAVS = {}


def _stage_nav(stage) -> str:
    competition = stage.competition
    key = (competition.slug, str(competition), stage.order, stage.name, get_language())
    nav = _NAVS.get(key)
    if nav is None:
        if len(_NAVS) >= 512:
            _NAVS.clear()
        nav = _NAVS[key] = render_to_string("judging/committee/_nav.html", {"competition": competition, "stage": stage})
    return nav


@login_required
def leaderboard(request, slug, order):
    stage = rules.get_stage_for_committee(request.user, slug, order)
    categories = _categories(stage.competition_id)
    category = None
    chosen = request.GET.get("category", "")
    if chosen:
        category = next((c for c in categories if chosen.isdigit() and c.pk == int(chosen)), None)
        if category is None:
            raise Http404
    page_number = request.GET.get("page", "1")
    page_number = page_number if page_number.isdigit() else "1"
    version = _ranking_version(stage)
    key = (
        "leaderboard:"
        + hashlib.sha256(f"{stage.pk}|{chosen}|{page_number}|{get_language()}|{version}".encode()).hexdigest()
    )
    table = caching.get(key)
    if table is None:
        table = _leaderboard_table(stage, category, page_number)
        caching.set(key, table, LEADERBOARD_CACHE_SECONDS)
    return render(
        request,
        "judging/committee/leaderboard.html",
        {
            "nav": _stage_nav(stage),
            "stage": stage,
            "competition": stage.competition,
            "table": table,
            "categories": categories,
            "category": category,
            "tie_break_order": TIE_BREAK_ORDER,
        },
    )


@login_required
def audit(request, slug, order):
    stage = rules.get_stage_for_committee(request.user, slug, order)
    events = (
        SheetEvent.objects.filter(sheet__assignment__stage=stage)
        .select_related("actor", "sheet__assignment__judge", "sheet__assignment__innovation")
        .order_by("-at", "-pk")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "judging/committee/audit.html", {"stage": stage, "competition": stage.competition, "page": page}
    )


@login_required
def download(request, slug, order, part, fmt):
    stage = rules.get_stage_for_committee(request.user, slug, order)
    name = f"{stage.competition.slug}-stage{stage.order}-{part}"
    if fmt == "xlsx":
        response = HttpResponse(
            export.to_xlsx(stage),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stage.competition.slug}-stage{stage.order}.xlsx"'
        return response
    table = export.scores_table(stage) if part == "scores" else export.ranking_table(stage)
    response = HttpResponse(export.to_csv(*table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
