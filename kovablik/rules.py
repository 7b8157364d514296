"""Who may use the project-wide pages (security administration). Every such check lives here."""

from competitions.rules import is_committee


def may_unlock_logins(user) -> bool:
    """Committee members, staff of the organiser and superusers see the login lockouts and lift them.

    The lockout page tells a locked-out person to ask the committee, so the committee must be able to act.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or is_committee(user)
