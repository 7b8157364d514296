"""Who may use the project-wide pages (security administration). Every such check lives here."""


def may_unlock_logins(user) -> bool:
    """Staff of the organiser and superusers see the login lockouts and lift them."""
    return user.is_authenticated and user.is_active and (user.is_staff or user.is_superuser)
