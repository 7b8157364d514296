"""Administrative screening by the committee: the queue, the per-entry checklist and decision, bulk decisions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competitions.rules import get_competition_for_committee
from submissions import eligibility, queries, services
from submissions.filters import ScreeningFilter
from submissions.forms import BulkScreeningForm, ScreeningForm

PAGE_SIZE = 25


def _queue(competition):
    return queries.attachment_counts(
        competition.innovations.select_related("agency__region", "category", "group")
    ).order_by("submitted_at", "pk")


@login_required
def screening_queue(request, slug):
    competition = get_competition_for_committee(request.user, slug=slug)
    data = request.GET.copy()
    if "status" not in data:
        data["status"] = services.awaiting_screening_status(competition)
    filterset = ScreeningFilter(data, queryset=_queue(competition), competition=competition)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = data.copy()
    query.pop("page", None)
    return render(
        request,
        "submissions/screening_queue.html",
        {
            "competition": competition,
            "filter": filterset,
            "page": page,
            "query": query.urlencode(),
            "bulk_form": BulkScreeningForm(queryset=competition.innovations.none()),
            "awaiting": services.awaiting_screening_status(competition),
        },
    )


def checklist_for(innovation):
    """(key, label, passed) per completeness item, pre-ticked from what the data shows."""
    questions = list(innovation.group.questions.order_by("order"))
    answers = dict(innovation.answers.values_list("question_id", "text"))
    counts = {}
    for attachment in innovation.attachments.all():
        counts[attachment.requirement_id] = counts.get(attachment.requirement_id, 0) + 1
    items = []
    for question in questions:
        text = (answers.get(question.pk) or "").strip()
        within = not question.word_limit or eligibility.word_count(text) <= question.word_limit
        items.append(
            (f"q{question.pk}", _("Section complete and within its limit: %(title)s") % {"title": question.title},
             bool(text) and within)
        )  # fmt: skip
    for requirement in innovation.competition.attachment_kinds.order_by("order"):
        items.append(
            (f"a{requirement.pk}", _("Attachment present: %(name)s") % {"name": requirement.name},
             bool(counts.get(requirement.pk)))
        )  # fmt: skip
    age_ok = not eligibility.age_problems(innovation, innovation.submitted_at)
    items.append(("age", _("Ran long enough before the deadline (start date)"), age_ok))
    items.append(("declaration", _("Truthfulness declaration accepted"), innovation.declaration))
    return items


@login_required
def screening_decide(request, slug, pk):
    competition = get_competition_for_committee(request.user, slug=slug)
    innovation = get_object_or_404(
        queries.with_latest_decisions(competition.innovations.select_related("agency__region", "category", "group")),
        pk=pk,
    )
    checklist = checklist_for(innovation)
    form = ScreeningForm(request.POST or None, checklist=checklist)
    waiting = innovation.status == services.awaiting_screening_status(competition)
    if request.method == "POST" and form.is_valid():
        try:
            services.screen(
                innovation=innovation,
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                checklist=form.checklist_data(),
                actor=request.user,
            )
        except services.Refused as refused:
            form.add_error(None, refused.problems[0].message)
        else:
            messages.success(request, _("Decision recorded; the agency has been told by e-mail with the reason."))
            return redirect("submissions:screening_queue", slug=competition.slug)
    return render(
        request,
        "submissions/screening_decide.html",
        {
            "competition": competition,
            "innovation": innovation,
            "form": form,
            "waiting": waiting,
            "answers": innovation.answers.select_related("question").order_by("question__order"),
            "attachments": innovation.attachments.select_related("requirement"),
            "screenings": innovation.screenings.select_related("decided_by"),
        },
    )


@login_required
@require_POST
def screening_bulk(request, slug):
    """Two steps: the queue posts the selection and decision; a confirmation page posts it again with confirmed=1."""
    competition = get_competition_for_committee(request.user, slug=slug)
    queryset = competition.innovations.filter(status=services.awaiting_screening_status(competition))
    form = BulkScreeningForm(request.POST, queryset=queryset.select_related("agency"))
    if form.is_valid() and form.cleaned_data["confirmed"]:
        try:
            decisions = services.screen_many(
                innovations=form.cleaned_data["innovations"],
                outcome=form.cleaned_data["outcome"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except services.Refused as refused:
            form.add_error(None, refused.problems[0].message)
        else:
            messages.success(request, _("%(n)s decisions recorded; each agency has been told.") % {"n": len(decisions)})
            return redirect("submissions:screening_queue", slug=competition.slug)
    return render(
        request,
        "submissions/screening_bulk_confirm.html",
        {"competition": competition, "form": form},
        status=200 if form.is_valid() else 400,
    )
