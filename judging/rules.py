"""Who may do what in judging. Every permission check of this app lives here."""


def is_judge(user) -> bool:
    return user.is_authenticated and user.is_active and user.panel_seats.filter(withdrawn_at__isnull=True).exists()
