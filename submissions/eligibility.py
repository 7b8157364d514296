"""The checks an innovation must pass to be submitted, each tied to the part of the form that must change.

Times are compared as aware datetimes and shown in the project's zone (Asia/Jakarta), so "closes at 23:59 WIB" means
the same thing to the agency, the server and the committee.
"""

import difflib
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from competitions.enums import GroupKind, StageKind
from submissions.enums import InnovationStatus

NON_FIELD = "__all__"
ATTACHMENTS = "attachments"
# Titles at least this alike (difflib ratio on normalised text) trigger a warning, never a refusal.
SIMILAR_TITLE_RATIO = 0.85


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


def answer_field(question) -> str:
    return f"answer_{question.pk}"


def word_count(text: str) -> int:
    return len((text or "").split())


def first_stage(competition, kind):
    # A list page prefetches competition__stages so that each row's check costs no query of its own.
    prefetched = getattr(competition, "_prefetched_objects_cache", {}).get("stages")
    if prefetched is not None:
        return min((s for s in prefetched if s.kind == kind), key=lambda s: s.order, default=None)
    return competition.stages.filter(kind=kind).order_by("order").first()


def local(dt) -> str:
    return formats.date_format(timezone.localtime(dt), "DATETIME_FORMAT")


def window_problems(innovation, at) -> list[Problem]:
    """A first submission needs the submission window open; a returned entry may come back until screening closes."""
    competition = innovation.competition
    if innovation.status == InnovationStatus.RETURNED:
        screening = first_stage(competition, StageKind.SCREENING)
        if screening and screening.closes_at and at >= screening.closes_at:
            return [
                Problem(
                    NON_FIELD,
                    _("Screening closed on %(date)s: a returned entry can no longer be sent back.")
                    % {"date": local(screening.closes_at)},
                )
            ]
        return []
    stage = first_stage(competition, StageKind.SUBMISSION)
    if stage is None:
        return [Problem(NON_FIELD, _("The committee has not opened submissions for this competition yet."))]
    if stage.opens_at and at < stage.opens_at:
        return [
            Problem(NON_FIELD, _("Submissions open on %(date)s. Save your draft and come back then.")
                    % {"date": local(stage.opens_at)})
        ]  # fmt: skip
    if stage.closes_at and at >= stage.closes_at:
        return [
            Problem(
                NON_FIELD,
                _("The submission deadline passed on %(date)s. Submissions are no longer accepted.")
                % {"date": local(stage.closes_at)},
            )
        ]
    return []


def cap_problems(innovation) -> list[Problem]:
    cap = innovation.group.entry_cap_per_agency
    if not cap:
        return []
    taken = (
        type(innovation)
        .objects.filter(competition=innovation.competition, group=innovation.group, agency=innovation.agency)
        .exclude(status__in=[InnovationStatus.DRAFT, InnovationStatus.WITHDRAWN])
        .exclude(pk=innovation.pk)
        .count()
    )
    if taken >= cap:
        return [
            Problem(
                NON_FIELD,
                _(
                    "Your agency has already submitted %(taken)s entries in the %(group)s group, the most allowed "
                    "(%(cap)s). Withdraw one of them to submit this one."
                )
                % {"taken": taken, "group": innovation.group, "cap": cap},
            )
        ]
    return []


def age_problems(innovation, at) -> list[Problem]:
    months = innovation.group.min_implementation_months
    if innovation.start_date is None:
        return [Problem("start_date", _("Enter the date the innovation started running."))]
    stage = first_stage(innovation.competition, StageKind.SUBMISSION)
    reference = timezone.localdate(stage.closes_at) if stage and stage.closes_at else timezone.localdate(at)
    if innovation.start_date + relativedelta(months=months) > reference:
        delta = relativedelta(reference, innovation.start_date)
        ran = max(delta.years * 12 + delta.months, 0)
        return [
            Problem(
                "start_date",
                _(
                    "The %(group)s group needs an innovation that has run for at least %(months)s months by "
                    "%(date)s; one started on this date will have run for %(ran)s months."
                )
                % {
                    "group": innovation.group,
                    "months": months,
                    "date": formats.date_format(reference, "DATE_FORMAT"),
                    "ran": ran,
                },
            )
        ]
    return []


def content_problems(innovation, questions, answers: dict) -> list[Problem]:
    """Required sections, word limits, the replicated innovation and the declaration."""
    problems = []
    for question in questions:
        text = (answers.get(question.pk) or "").strip()
        words = word_count(text)
        if question.required and not text:
            problems.append(Problem(answer_field(question), _("This section is required.")))
        elif question.word_limit and words > question.word_limit:
            problems.append(
                Problem(
                    answer_field(question),
                    _("This section has %(words)s words; the limit is %(limit)s. Shorten it by %(over)s words.")
                    % {"words": words, "limit": question.word_limit, "over": words - question.word_limit},
                )
            )
    if innovation.group.kind == GroupKind.REPLICATION and not innovation.replicates.strip():
        problems.append(Problem("replicates", _("A replication entry must name the innovation it replicates.")))
    if not innovation.declaration:
        problems.append(Problem("declaration", _("You must declare that the proposal is true to submit it.")))
    return problems


def attachment_problems(innovation, requirements, attachment_counts: dict) -> list[Problem]:
    return [
        Problem(ATTACHMENTS, _("Attach the required document: %(name)s.") % {"name": requirement.name})
        for requirement in requirements
        if requirement.required and not attachment_counts.get(requirement.pk)
    ]


def submission_problems(innovation, at=None) -> list[Problem]:
    """Every reason the innovation cannot be submitted now; an empty list means it can."""
    from django.db.models import Count

    at = at or timezone.now()
    questions = list(innovation.group.questions.order_by("order"))
    answers = dict(innovation.answers.values_list("question_id", "text"))
    requirements = list(innovation.competition.attachment_kinds.order_by("order"))
    counts = dict(
        innovation.attachments.values("requirement_id").annotate(n=Count("pk")).values_list("requirement_id", "n")
    )
    return [
        *window_problems(innovation, at),
        *cap_problems(innovation),
        *age_problems(innovation, at),
        *content_problems(innovation, questions, answers),
        *attachment_problems(innovation, requirements, counts),
    ]


def normalise_title(title: str) -> str:
    return " ".join((title or "").lower().split())


def similar_titles(innovation, limit: int = 3) -> list[tuple[str, str]]:
    """(title, agency) of other entries of the competition whose title is much like this one's: a warning only."""
    mine = normalise_title(innovation.title)
    if not mine:
        return []
    others = (
        type(innovation)
        .objects.filter(competition=innovation.competition)
        .exclude(pk=innovation.pk)
        .exclude(status=InnovationStatus.WITHDRAWN)
        .values_list("title", "agency__name")
    )
    found = []
    # SequenceMatcher caches its second sequence, so ours stays there and the others pass as the first.
    matcher = difflib.SequenceMatcher(b=mine, autojunk=False)
    for title, agency in others:
        matcher.set_seq1(normalise_title(title))
        # The cheap upper bounds first: most titles are dismissed without the full comparison.
        if (
            matcher.real_quick_ratio() >= SIMILAR_TITLE_RATIO
            and matcher.quick_ratio() >= SIMILAR_TITLE_RATIO
            and matcher.ratio() >= SIMILAR_TITLE_RATIO
        ):
            found.append((matcher.ratio(), title, agency))
    found.sort(reverse=True)
    return [(title, agency) for _ratio, title, agency in found[:limit]]
