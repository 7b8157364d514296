"""The pages loaded under 20 concurrent connections, who loads them, and what each must show to count as measured.

A page the apps do not (yet) provide is reported as missing, never replaced by another page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass
class Page:
    name: str
    path: str | None = None
    user_id: int | None = None
    expect: bytes | None = None
    missing: str | None = None
    note: str = ""


def _first_url(candidates) -> str | None:
    for name, kwargs, query in candidates:
        try:
            return reverse(name, kwargs=kwargs) + query
        except NoReverseMatch:
            continue
    return None


def pages(national, published: bool) -> list[Page]:
    """The six measured pages for the seeded national competition (see bench.seed.Seeded)."""
    from judging.models import Assignment

    stage_id = national.proposal_stage_id
    judge_id = national.judge_user_ids[0]
    assignment = Assignment.objects.filter(stage_id=stage_id, judge_id=judge_id).order_by("pk").first()
    slug = national.slug
    result = [Page("bare_view", reverse("healthz"), None, b"ok", note="kovablik.views.healthz: the bare Django view")]

    queue = _first_url([("judging:queue", {"stage_id": stage_id}, ""), ("judging:dashboard", {}, "")])
    result.append(
        Page("judge_queue", queue, judge_id, None, note="one judge's queue of 175 assignments")
        if queue
        else Page("judge_queue", missing="judge queue not built")
    )
    scoring = _first_url([("judging:sheet", {"pk": assignment.pk}, ""), ("judging:score", {"pk": assignment.pk}, "")])
    result.append(
        Page("scoring_page", scoring, judge_id, None, note="proposal with 9 sections beside the 10-criterion rubric")
        if scoring
        else Page("scoring_page", missing="scoring page not built")
    )
    small_category = national.category_ids[-1]
    leaderboard = _first_url(
        [("judging:leaderboard", {"slug": slug, "order": 3}, f"?category={small_category}")]  # the proposal stage
    )
    result.append(
        Page(
            "committee_leaderboard",
            leaderboard,
            national.committee_user_id,
            None,
            note="one category of 50 rows, ranked within the national stage of 3,500",
        )
        if leaderboard
        else Page("committee_leaderboard", missing="committee leaderboard not built")
    )
    result.append(
        Page(
            "agency_dashboard",
            reverse("submissions:dashboard"),
            national.member_user_ids[0],
            None,
            note="an agency with 7 entries in a competition of 3,500",
        )
    )
    results_url = _first_url(
        [
            ("awards:competition_results", {"slug": slug}, ""),
            ("awards:results_detail", {"slug": slug}, ""),
            ("awards:competition", {"slug": slug}, ""),
            ("awards:stage_results", {"slug": slug, "stage_id": stage_id}, ""),
        ]
    )
    if results_url and published:
        result.append(Page("public_results", results_url, None, None, note="published Top 99 of 3,500, anonymous"))
    elif results_url:
        result.append(Page("public_results", missing="no shortlist could be published (publish service not built)"))
    else:
        result.append(Page("public_results", missing="public results page of a competition not built"))
    return result
