"""A user's roles across the apps, for navigation and for where to land after login."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from competitions.rules import is_committee
from judging.rules import is_judge
from submissions.rules import is_agency_member, is_local_admin


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    url_name: str

    @property
    def url(self):
        return reverse(self.url_name)


COMMITTEE = Role("committee", _("Committee"), "committee_dashboard")
LOCAL_ADMIN = Role("local_admin", _("Local admin"), "submissions:local_admin_dashboard")
JUDGE = Role("judge", _("Judge"), "judging:dashboard")
AGENCY = Role("agency", _("Agency"), "submissions:dashboard")


def roles_of(user) -> list[Role]:
    """The user's roles, most powerful first; the first one is where login lands."""
    if not user.is_authenticated:
        return []
    checks = [
        (COMMITTEE, is_committee),
        (LOCAL_ADMIN, is_local_admin),
        (JUDGE, is_judge),
        (AGENCY, is_agency_member),
    ]
    return [role for role, check in checks if check(user)]
