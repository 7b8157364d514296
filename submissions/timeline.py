"""The status timeline an agency sees, and the one thing it must do next, derived from the innovation's state."""

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions.eligibility import window_problems
from submissions.enums import InnovationStatus as S


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # done, current, todo, failed


def steps(innovation) -> list[Step]:
    chain = innovation.competition.uses_endorsement
    status = innovation.status
    order = [S.DRAFT, S.SUBMITTED, *([S.ENDORSED] if chain else []), S.ELIGIBLE]
    labels = {
        S.DRAFT: _("Draft"),
        S.SUBMITTED: _("Submitted"),
        S.ENDORSED: _("Endorsed by the local admin"),
        S.ELIGIBLE: _("Eligible after screening"),
    }
    if status in (S.RETURNED, S.INELIGIBLE, S.WITHDRAWN):
        # Show how far it got, then the state that stopped it.
        reached = S.SUBMITTED
        if status == S.INELIGIBLE or (status == S.RETURNED and getattr(innovation, "screening_outcome", None)):
            reached = order[-2]
        cut = order.index(reached) + 1
        result = [Step(labels[s], "done") for s in order[:cut]]
        failed = {
            S.RETURNED: _("Returned for revision"),
            S.INELIGIBLE: _("Ineligible"),
            S.WITHDRAWN: _("Withdrawn"),
        }[status]
        return [*result, Step(failed, "failed")]
    index = order.index(status)
    states = ["done"] * index + ["current"] + ["todo"] * (len(order) - index - 1)
    result = [Step(labels[s], state) for s, state in zip(order, states, strict=True)]
    if status == S.ELIGIBLE and innovation.stage_reached_id:
        result[-1] = Step(labels[S.ELIGIBLE], "done")
        result.append(Step(_("In stage: %(stage)s") % {"stage": innovation.stage_reached.name}, "current"))
    return result


def next_action(innovation) -> str:
    status = innovation.status
    if status == S.DRAFT:
        return _("Complete every section and the attachments, accept the declaration, then submit.")
    if status == S.SUBMITTED and innovation.competition.uses_endorsement:
        return _("Nothing to do: your local admin reviews the entry and forwards it to the committee.")
    if status in (S.SUBMITTED, S.ENDORSED):
        return _("Nothing to do: the committee checks the entry for completeness.")
    if status == S.RETURNED:
        if window_problems(innovation, timezone.now()):
            return _("Screening has closed, so the returned entry can no longer be sent back; the reason is below.")
        return _("Revise the entry as the comment asks, then submit it again.")
    if status == S.ELIGIBLE:
        return _("Nothing to do: the judges evaluate the entry. Results are published on the results page.")
    if status == S.INELIGIBLE:
        return _("The entry did not pass administrative screening; the reason is below.")
    return _("The entry was withdrawn.")
