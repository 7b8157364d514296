"""Pages of agency members: dashboard, the proposal form with autosave, attachments, submit, receipt, withdrawal."""

import functools
import hashlib
from datetime import UTC, datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string, select_template
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competitions.enums import StageKind
from competitions.models import Competition, Stage
from kovablik import caching
from kovablik.compiled import bind
from kovablik.roles import AGENCY, request_roles
from submissions import eligibility, queries, rules, services, timeline
from submissions.enums import InnovationStatus
from submissions.forms import AttachmentForm, ProposalForm, StartInnovationForm
from submissions.models import Innovation
from submissions.validators import JPEG, PNG

AWARDS_BADGES = "awards/_innovation_badges.html"
LOCKED = gettext_lazy("This entry has been submitted and is locked; it can be edited only if it is returned.")


def optional_template(name):
    """The awards app may add badges (shortlisted, winner) to our pages; we may not import it, only include it."""
    try:
        select_template([name])
    except Exception:  # TemplateDoesNotExist until the awards app provides it
        return None
    return name


def open_competitions(at=None):
    at = at or timezone.now()
    open_stage = Stage.objects.filter(kind=StageKind.SUBMISSION).filter(
        Q(opens_at__isnull=True) | Q(opens_at__lte=at), Q(closes_at__isnull=True) | Q(closes_at__gt=at)
    )
    return Competition.objects.filter(pk__in=open_stage.values("competition_id")).order_by("-year", "name")


@login_required
def dashboard(request):
    # rules.is_agency_member, asked with the navigation's roles (one query for both).
    if AGENCY not in request_roles(request):
        raise Http404
    agencies = queries.user_agencies(request.user)
    return render(
        request,
        "submissions/dashboard.html",
        {
            "agencies": agencies,
            "innovations_html": _innovation_cards(request, agencies),
            "competitions": _open_competitions_now(),
        },
    )


# A time no stage opens or closes at: where the current time goes in the query compiled once (see below).
_PLACEHOLDER_AT = datetime(1901, 2, 3, 4, 5, 6, tzinfo=UTC)


@functools.cache
def _open_competitions_sql(vendor: str) -> tuple[str, tuple]:
    """open_competitions()' SQL and parameters compiled once per process (and database vendor): its subquery of
    stages with two OR conditions cost 0.5 ms of CPU to build on every dashboard."""
    return open_competitions(_PLACEHOLDER_AT).query.sql_with_params()


def _open_competitions_now() -> list[Competition]:
    """list(open_competitions()), from the SQL compiled once."""
    sql, params = _open_competitions_sql(connection.vendor)
    adapt = connection.ops.adapt_datetimefield_value  # how the placeholder went into the parameters
    placeholder, now = adapt(_PLACEHOLDER_AT), adapt(timezone.now())
    return list(Competition.objects.raw(sql, bind(params, {placeholder: now})))


# The rendered cards are kept this long at most; see _innovation_cards for what may lag by as much.
DASHBOARD_CARDS_SECONDS = 60


def _cards_key(versions) -> str | None:
    """The cards' cache key: the language and every entry's queries.CARD_VERSION_FIELDS.

    None (not cached) when an entry is returned: its next step depends on the clock (the screening window).
    """
    status = queries.CARD_VERSION_FIELDS.index("status")
    if any(row[status] == InnovationStatus.RETURNED for row in versions):
        return None
    return "agency-cards:" + hashlib.sha256(f"{get_language()}|{versions}".encode()).hexdigest()


def _innovation_cards(request, agencies) -> str:
    """The "Your innovations" cards, rendered once per version of the entries (queries.card_versions).

    One query (compiled once) tells whether the cards kept are current; the entries themselves, with their
    competitions' stages and badges, are fetched only to render them again.
    What the entries' own rows do not show may lag by DASHBOARD_CARDS_SECONDS at most: a badge of a newly
    published list or of the winners, a submission deadline or a competition, group or category name edited by
    the committee. Anything the agency does (edit, submit, withdraw) and every decision on an entry shows at once.
    """
    key = _cards_key(queries.card_versions(request.user))
    html = caching.get(key) if key else None
    if html is not None:
        return html
    innovations = list(
        queries.with_latest_decisions(
            # rules.own_innovations(request.user), by the agencies just loaded: no subquery for the database to plan.
            Innovation.objects.filter(agency__in=agencies),
            fields=("screening_outcome", "screening_reason", "endorsement_comment"),  # what the page prints
        )
        .select_related("competition", "category", "group", "stage_reached")
        .order_by(*queries.DASHBOARD_ORDER)
    )
    # The competitions' stages serve the deadline and, for a returned entry, the screening window
    # (eligibility.first_stage reads them prefetched). Fetched for one instance per competition and without the
    # stages' default order (a join to the competition): prefetching through every entry cost 0.5 ms more.
    competitions = {}
    for innovation in innovations:
        innovation.competition = competitions.setdefault(innovation.competition_id, innovation.competition)
    prefetch_related_objects(list(competitions.values()), Prefetch("stages", queryset=Stage.objects.order_by("order")))
    for innovation in innovations:
        submission = eligibility.first_stage(innovation.competition, StageKind.SUBMISSION)
        innovation.deadline = submission.closes_at if submission else None
        innovation.steps = timeline.steps(innovation)
        innovation.next_action = timeline.next_action(innovation)
        innovation.editable = innovation.status in rules.EDITABLE
    html = render_to_string(
        "submissions/_dashboard_innovations.html",
        {"innovations": innovations, "badges_template": optional_template(AWARDS_BADGES)},
        request=request,
    )
    if key:
        caching.set(key, html, DASHBOARD_CARDS_SECONDS)
    return html


@login_required
def start_innovation(request, slug):
    if not rules.is_agency_member(request.user):
        raise Http404
    competition = get_object_or_404(open_competitions(), slug=slug)
    form = StartInnovationForm(
        request.POST or None, competition=competition, agencies=rules.user_agencies(request.user)
    )
    if request.method == "POST" and form.is_valid():
        innovation = services.create_innovation(competition=competition, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Draft created. Fill in the sections; your text is saved as you type."))
        return redirect("submissions:edit", pk=innovation.pk)
    return render(request, "submissions/start.html", {"competition": competition, "form": form})


@login_required
def innovation_detail(request, pk):
    innovation = rules.get_visible_innovation(
        request.user,
        pk,
        queries.with_latest_decisions(Innovation.objects.all()).select_related(
            "competition", "agency", "category", "group", "stage_reached"
        ),
    )
    answers = innovation.answers.select_related("question").order_by("question__order")
    member = rules.is_member_of(request.user, innovation.agency_id)  # asked once for the three uses below
    return render(
        request,
        "submissions/innovation_detail.html",
        {
            "innovation": innovation,
            "answers": answers,
            "attachments": innovation.attachments.select_related("requirement"),
            "steps": timeline.steps(innovation),
            "next_action": timeline.next_action(innovation),
            "endorsements": innovation.endorsements.select_related("decided_by"),
            "screenings": innovation.screenings.all(),
            "is_member": member,
            "can_edit": rules.can_edit(request.user, innovation, member=member),
            "can_withdraw": rules.can_withdraw(request.user, innovation, member=member),
            "can_endorse": rules.can_endorse(request.user, innovation)
            and innovation.status == InnovationStatus.SUBMITTED,
            "can_screen": rules.can_screen(request.user, innovation),
            "badges_template": optional_template(AWARDS_BADGES),
        },
    )


def _proposal_form(request, innovation, data=None):
    questions = list(innovation.group.questions.order_by("order"))
    answers = dict(innovation.answers.values_list("question_id", "text"))
    return ProposalForm(data, innovation=innovation, questions=questions, answers=answers)


def _edit_context(innovation, form, attachment_form=None):
    requirements = list(innovation.competition.attachment_kinds.order_by("order"))
    attachments = list(innovation.attachments.select_related("requirement"))
    for requirement in requirements:
        requirement.files = [a for a in attachments if a.requirement_id == requirement.pk]
    stage = eligibility.first_stage(innovation.competition, StageKind.SUBMISSION)
    return {
        "innovation": innovation,
        "form": form,
        "attachment_form": attachment_form or AttachmentForm(innovation=innovation),
        "requirements": requirements,
        "image_types": (JPEG, PNG),
        "similar": eligibility.similar_titles(innovation),
        "deadline": stage.closes_at if stage else None,
        "saved_at": innovation.updated_at,
    }


@login_required
def edit_innovation(request, pk):
    innovation = rules.get_own_innovation(request.user, pk)
    if innovation.status not in rules.EDITABLE:
        messages.info(request, LOCKED)
        return redirect(innovation)
    form = _proposal_form(request, innovation, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        form.is_valid()
        try:
            innovation = services.save_draft(
                innovation=innovation, header=form.valid_header(), answers=form.valid_answers(), actor=request.user
            )
        except services.Refused:  # submitted from another tab meanwhile
            messages.info(request, LOCKED)
            return redirect(innovation)
        if request.POST.get("action") == "submit" and not form.errors:
            try:
                services.submit(innovation=innovation, actor=request.user)
            except services.Refused as refused:
                form.add_problems(refused.problems)
            else:
                messages.success(request, _("Your entry has been submitted. A receipt has been sent by e-mail."))
                return redirect("submissions:receipt", pk=innovation.pk)
        if not form.has_problems():
            messages.success(request, _("Draft saved."))
            return redirect("submissions:edit", pk=innovation.pk)
        status = 400 if request.POST.get("action") != "submit" else 422
    return render(request, "submissions/edit.html", _edit_context(innovation, form), status=status)


@login_required
@require_POST
def autosave(request, pk):
    innovation = rules.get_own_innovation(request.user, pk)
    if innovation.status not in rules.EDITABLE:
        return JsonResponse({"saved": False, "message": str(LOCKED)}, status=409)
    form = _proposal_form(request, innovation, request.POST)
    form.is_valid()
    try:
        innovation = services.save_draft(
            innovation=innovation, header=form.valid_header(), answers=form.valid_answers(), actor=request.user
        )
    except services.Refused:  # submitted from another tab meanwhile
        return JsonResponse({"saved": False, "message": str(LOCKED)}, status=409)
    return JsonResponse(
        {
            "saved": True,
            "saved_at": timezone.localtime(innovation.updated_at).strftime("%H:%M:%S"),
            "errors": {field: [str(e) for e in errors] for field, errors in form.errors.items()},
        }
    )


@login_required
def upload_attachment(request, pk):
    innovation = rules.get_own_innovation(request.user, pk)
    if innovation.status not in rules.EDITABLE:
        messages.error(request, LOCKED)
        return redirect(innovation)
    if request.method != "POST":
        return redirect("submissions:edit", pk=innovation.pk)
    attachment_form = AttachmentForm(request.POST, request.FILES, innovation=innovation)
    if attachment_form.is_valid():
        try:
            services.add_attachment(
                innovation=innovation,
                requirement=attachment_form.cleaned_data["requirement"],
                upload=attachment_form.cleaned_data["file"],
                content_type=attachment_form.content_type,
                actor=request.user,
            )
        except services.Refused as refused:
            for problem in refused.problems:
                attachment_form.add_error("file" if problem.field == "file" else None, problem.message)
        else:
            messages.success(request, _("Attachment uploaded."))
            return redirect(f"{innovation.get_absolute_url()}edit/#attachments")
    form = _proposal_form(request, innovation)
    return render(request, "submissions/edit.html", _edit_context(innovation, form, attachment_form), status=400)


@login_required
@require_POST
def delete_attachment(request, pk):
    attachment = rules.get_own_attachment(request.user, pk)
    try:
        services.remove_attachment(attachment=attachment, actor=request.user)
    except services.Refused as refused:
        messages.error(request, refused.problems[0].message)
        return redirect(attachment.innovation)
    messages.success(request, _("Attachment removed."))
    return redirect(f"{attachment.innovation.get_absolute_url()}edit/#attachments")


@login_required
def download_attachment(request, pk):
    attachment = rules.get_attachment(request.user, pk)
    inline = request.GET.get("preview") == "1" and attachment.content_type in (JPEG, PNG)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=not inline, filename=attachment.original_name
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def receipt(request, pk):
    innovation = get_object_or_404(
        rules.own_innovations(request.user).select_related("competition", "agency", "category", "group"), pk=pk
    )
    if not innovation.entry_number:
        raise Http404
    return render(request, "submissions/receipt.html", {"innovation": innovation})


@login_required
def withdraw(request, pk):
    innovation = rules.get_own_innovation(request.user, pk)
    if not rules.can_withdraw(request.user, innovation):
        messages.error(request, _("This entry can no longer be withdrawn."))
        return redirect(innovation)
    if request.method == "POST":
        try:
            services.withdraw(innovation=innovation, actor=request.user)
        except services.Refused as refused:
            messages.error(request, refused.problems[0].message)
        else:
            messages.success(request, _("The entry has been withdrawn."))
        return redirect("submissions:dashboard")
    return render(request, "submissions/withdraw.html", {"innovation": innovation})
