"""The committee's view of one competition, put together from each app's own summary queries.

It lives in the project package because it is the one place allowed to read every app.
"""

from competitions.models import Competition
from submissions import queries as submission_queries


def committee_panels(competition: Competition) -> dict:
    counts = submission_queries.status_counts(competition)
    return {
        "status_counts": counts,
        "status_total": sum(count for _value, _label, count in counts),
        "stages": list(competition.stages.order_by("order")),
    }
