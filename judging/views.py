"""The judge's workspace: queue, scoring page, autosave, attachments, conflicts."""

import hashlib
import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from judging import queries, rules, services
from judging.enums import SheetStatus
from judging.forms import AgencyConflictForm, ConflictForm, SheetForm, plain
from judging.models import Conflict, ScoreSheet
from kovablik import caching
from kovablik.roles import JUDGE, request_roles
from submissions.models import Attachment
from submissions.rules import EDITABLE

# A page of the queue renders in a few milliseconds; all 175 rows of a national judge took about 45 ms (make bench).
QUEUE_PAGE_SIZE = 25
# How long a rendered page of the queue is kept: its key changes with the judge's every change; this bounds how long
# an agency's new name may take to show.
QUEUE_ROWS_SECONDS = 10 * 60
# How long the scoring page keeps a rendered proposal (its key changes with every edit of the entry anyway).
PROPOSAL_CACHE_SECONDS = 24 * 60 * 60
# How long the scoring page keeps a sheet's rendered rubric (its key changes with every save of the sheet anyway).
RUBRIC_CACHE_SECONDS = 24 * 60 * 60


@login_required
def dashboard(request):
    """The judge's queue, a page at a time, filtered by where each sheet stands (to score, draft, submitted)."""
    if JUDGE not in request_roles(request):  # rules.is_judge, asked with the navigation's roles (one query)
        raise Http404
    stages = queries.judge_stages(request.user)
    counts, version = queries.queue_state(request.user, stages)
    show = request.GET.get("show")
    if show not in queries.QUEUE_STATES:
        show = None
    total = sum(counts.values())
    # Paged by the count the aggregate query gave; the rows' query is built only when their HTML is not cached.
    page = Paginator(range(counts[show] if show else total), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "judging/dashboard.html",
        {
            "page": page,
            "rows_html": _queue_rows_html(request.user, stages, version, show, page),
            "show": show,
            "query": urlencode({"show": show}) if show else "",
            "filters": [
                (None, _("All"), total),
                (queries.TO_SCORE, _("To score"), counts[queries.TO_SCORE]),
                (queries.DRAFT, SheetStatus.DRAFT.label, counts[queries.DRAFT]),
                (queries.SUBMITTED, SheetStatus.SUBMITTED.label, counts[queries.SUBMITTED]),
            ],
            "done": counts[queries.SUBMITTED],
            "total": total,
        },
    )


def _queue_rows_html(judge, stages, version, show, page) -> str:
    """The table rows of a page of the queue, rendered once per version of the queue ("" when it has none).

    Keyed by the version queries.queue_state gave (it changes with every sheet saved, submitted or reopened, every
    assignment given or released and every entry edited) and by the stages' printed fields: a judge sees their
    own changes at once. Only an agency renamed meanwhile may show under its old name, for QUEUE_ROWS_SECONDS.
    On a hit the rows' query does not run: it was the page's costliest, with a correlated count per row.
    """
    printed = [(s.pk, s.name, s.anonymised, s.criteria_count) for s in stages]
    digest = hashlib.sha256(repr((version, printed)).encode()).hexdigest()[:32]
    key = f"judging:queue:{judge.pk}:{show or ''}:{page.number}:{get_language()}:{digest}"
    html = caching.get(key)
    if html is None:
        bottom = (page.number - 1) * QUEUE_PAGE_SIZE
        rows = (
            queries.queue_rows(judge, stages, state=show)[bottom : bottom + QUEUE_PAGE_SIZE] if page.object_list else []
        )
        rows = queries.attach_stages(rows, stages)
        # Translated once and formatted per row: a {% blocktranslate %} in the loop was a third of the rows' rendering.
        criteria_of = _("%(scored)s of %(total)s criteria")
        statuses = dict(SheetStatus.choices)
        not_started = _("Not started")
        for row in rows:
            row["progress"] = criteria_of % {"scored": row["scored"], "total": row["stage"].criteria_count}
            row["status"] = not_started if row["state"] == queries.TO_SCORE else statuses.get(row["sheet_status"], "")
        html = render_to_string("judging/_queue_rows.html", {"assignments": rows}) if rows else ""
        caching.set(key, str(html), QUEUE_ROWS_SECONDS)
    return mark_safe(html)  # our own template's output, stored as rendered


def _attachments(innovation, anonymised):
    items = []
    for n, attachment in enumerate(
        Attachment.objects.filter(innovation=innovation).select_related("requirement"), start=1
    ):
        items.append(
            {
                "pk": attachment.pk,
                "label": f"{attachment.requirement.name} ({n})" if anonymised else attachment.original_name,
                "is_pdf": attachment.content_type == "application/pdf",
                "is_image": attachment.content_type.startswith("image/"),
            }
        )
    return items


def _proposal_html(assignment, innovation, anonymised) -> str:
    """The proposal's text and files as shown beside the rubric, rendered once per version of the entry.

    A judged entry is locked: its sections and files change only with its status, and every such change bumps
    updated_at. Keyed by assignment (the file links carry it), updated_at, anonymisation and language, a page load
    then neither fetches nor renders them. An editable entry (its files change without touching updated_at) and a
    cache that is down are rendered each time.
    """

    def rendered():
        return render_to_string(
            "judging/_sheet_proposal.html",
            {
                "assignment": assignment,
                "innovation": innovation,
                "anonymised": anonymised,
                "answers": innovation.answers.select_related("question").order_by("question__order"),
                "attachments": _attachments(innovation, anonymised),
            },
        )

    if innovation.status in EDITABLE:
        return rendered()
    key = f"judging:proposal:{assignment.pk}:{innovation.updated_at.isoformat()}:{int(anonymised)}:{get_language()}"
    html = caching.get(key)
    if html is None:
        html = rendered()
        caching.set(key, str(html), PROPOSAL_CACHE_SECONDS)
    return mark_safe(html)  # our own template's output, stored as rendered


def _rubric_html(sheet_obj, stage, editable, form=None) -> str:
    """The rubric's fields with the judge's values (and the comment), rendered once per version of the sheet.

    `form` is given when the page shows a posted form (its errors and entries); it is then rendered, never stored.
    Otherwise the key is the sheet and its version, which every save, submit and reopen bumps. The rubric itself is
    fixed once a score of the stage exists (services.rubrics.rubric_locked): only a sheet holding a score is
    stored, so a committee's edit of a still unused rubric is never hidden. A judge sees their own save at once.
    """
    key = None
    if form is None:
        key = f"judging:rubric:{sheet_obj.pk}:{sheet_obj.version}:{int(editable)}:{get_language()}"
        html = caching.get(key)
        if html is not None:
            return mark_safe(html)  # our own template's output, stored as rendered
        scores = dict(sheet_obj.scores.values_list("criterion_id", "value"))
        values = {f"c{cid}": plain(value) for cid, value in scores.items()}
        form = SheetForm(
            initial={**values, "comment": sheet_obj.comment, "version": sheet_obj.version},
            criteria=queries.rubric(stage),
        )
        if not scores:
            key = None
    html = render_to_string("judging/_sheet_rubric.html", {"form": form, "editable": editable, "sheet": sheet_obj})
    if key is not None:
        caching.set(key, str(html), RUBRIC_CACHE_SECONDS)
    return html


@login_required
def sheet(request, pk):
    """The scoring page: the proposal beside the rubric. POST saves the draft or submits."""
    assignment = rules.get_assignment_for_judge(request.user, pk)
    stage = assignment.stage
    sheet_obj = services.sheet_for(assignment)
    assignment.sheet = sheet_obj
    editable = rules.may_edit_sheet(request.user, assignment)
    form = None
    if request.method == "POST":
        if not editable:
            messages.error(request, _("This sheet is submitted and locked."))
            return redirect("judging:sheet", pk=pk)
        criteria = queries.rubric(stage)
        form = SheetForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                sheet_obj = services.save_sheet(
                    sheet=sheet_obj,
                    scores=form.scores(),
                    comment=form.cleaned_data["comment"],
                    version=form.cleaned_data["version"],
                    actor=request.user,
                )
                if "submit" in request.POST:
                    services.submit_sheet(sheet=sheet_obj, actor=request.user)
                    messages.success(request, _("Sheet submitted. Thank you."))
                    _prev, next_id, _pos, _count = queries.queue_neighbours(request.user, assignment)
                    return redirect("judging:sheet", pk=next_id) if next_id else redirect("judging:dashboard")
                messages.success(request, _("Draft saved."))
                return redirect("judging:sheet", pk=pk)
            except services.StaleSheet:
                messages.error(
                    request,
                    _("This sheet was saved in another window meanwhile. Check the values below and save again."),
                )
                return redirect("judging:sheet", pk=pk)
            except services.SheetLocked:
                messages.error(request, _("This sheet is submitted and locked."))
                return redirect("judging:sheet", pk=pk)
            except ValidationError as exc:
                # The draft may have been saved before the submit was refused: carry its new version.
                data = request.POST.copy()
                data["version"] = sheet_obj.version
                form = SheetForm(data, criteria=criteria)
                form.is_valid()
                for message in exc.messages:
                    form.add_error(None, message)
    previous_id, next_id, position, count = queries.queue_neighbours(request.user, assignment)
    innovation = assignment.innovation
    others = []
    if rules.may_see_other_scores(request.user, assignment):
        others = list(
            ScoreSheet.objects.filter(
                assignment__stage=stage,
                assignment__innovation=innovation,
                assignment__released_at__isnull=True,
                status=SheetStatus.SUBMITTED,
            )
            .exclude(assignment__judge=request.user)
            .order_by("pk")
            .values_list("total", flat=True)
        )
    context = {
        "assignment": assignment,
        "stage": stage,
        "innovation": innovation,
        "anonymised": rules.hides_agency(stage),
        "sheet": sheet_obj,
        "rubric": _rubric_html(sheet_obj, stage, editable, form),
        "errors": form.non_field_errors() if form is not None else (),
        "editable": editable,
        "proposal": _proposal_html(assignment, innovation, rules.hides_agency(stage)),
        "previous_id": previous_id,
        "next_id": next_id,
        "position": position,
        "count": count,
        "others": others,
        "conflict_form": ConflictForm() if editable else None,  # the form shows only while the sheet is open
    }
    return render(request, "judging/sheet.html", context)


@login_required
@require_POST
def autosave(request, pk):
    """Background save of a draft (static/judging/sheet.js). JSON in and out; 409 when stale or locked."""
    assignment = rules.get_assignment_for_judge(request.user, pk)
    sheet_obj = services.sheet_for(assignment)
    criteria = list(assignment.stage.criteria.order_by("order"))
    form = SheetForm(request.POST, criteria=criteria)
    if not form.is_valid():
        return JsonResponse({"errors": [str(e) for e in form.non_field_errors()]}, status=400)
    try:
        sheet_obj = services.save_sheet(
            sheet=sheet_obj,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            version=form.cleaned_data["version"],
            actor=request.user,
        )
    except services.StaleSheet as exc:
        return JsonResponse(
            {
                "error": _("Saved from another window in the meantime: reload the page to see the latest values."),
                "version": exc.current_version,
            },
            status=409,
        )
    except services.SheetLocked:
        return JsonResponse({"error": _("This sheet is submitted and locked.")}, status=409)
    except ValidationError as exc:
        return JsonResponse({"errors": exc.messages}, status=400)
    return JsonResponse(
        {
            "version": sheet_obj.version,
            "message": _("Draft saved at %(time)s.")
            % {"time": timezone.localtime(sheet_obj.updated_at).strftime("%H:%M:%S")},
        }
    )


@login_required
@require_GET
@xframe_options_sameorigin
def attachment(request, pk, attachment_pk):
    """Stream an attachment of an innovation assigned to the judge (the scoring page shows it in a frame)."""
    assignment = rules.get_assignment_for_judge(request.user, pk)
    item = get_object_or_404(
        Attachment.objects.select_related("requirement"), pk=attachment_pk, innovation=assignment.innovation
    )
    if rules.hides_agency(assignment.stage):
        extension = mimetypes.guess_extension(item.content_type) or ""
        filename = f"{item.requirement.code}-{item.pk}{extension}"
    else:
        filename = item.original_name
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, filename=filename)
    response["Content-Disposition"] = response["Content-Disposition"].replace("attachment", "inline", 1)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def declare_conflict(request, pk):
    """A judge declares a conflict with the innovation of an assignment (or its whole agency)."""
    assignment = rules.get_assignment_for_judge(request.user, pk)
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the conflict of interest."))
        return redirect("judging:sheet", pk=pk)
    scope = form.cleaned_data["scope"]
    services.declare_conflict(
        competition=assignment.stage.competition,
        judge=request.user,
        reason=form.cleaned_data["reason"],
        actor=request.user,
        agency=assignment.innovation.agency if scope == "agency" else None,
        innovation=assignment.innovation if scope == "innovation" else None,
    )
    messages.success(request, _("Conflict of interest recorded. The innovation has been given to another judge."))
    return redirect(reverse("judging:dashboard"))


@login_required
def conflicts(request):
    """The judge's declared conflicts, and a form to declare one with an agency for a whole competition."""
    if not rules.is_judge(request.user):
        raise Http404
    hidden = rules.anonymised_competition_ids(request.user)
    # Listing agencies would tell an anonymised panel who takes part: there, conflicts are declared per innovation.
    competitions = rules.judge_competitions(request.user).exclude(pk__in=hidden)
    form = AgencyConflictForm(request.POST or None, competitions=competitions)
    if request.method == "POST" and form.is_valid():
        services.declare_conflict(
            competition=form.cleaned_data["competition"],
            judge=request.user,
            agency=form.cleaned_data["agency"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
        messages.success(request, _("Conflict of interest recorded. The agency's innovations go to other judges."))
        return redirect("judging:conflicts")
    declared = Conflict.objects.filter(judge=request.user).select_related("competition", "agency", "innovation")
    return render(
        request,
        "judging/conflicts.html",
        {
            "form": form if competitions.exists() else None,
            "declared": declared.order_by("-declared_at"),
            "hidden": hidden,
        },
    )
