from django.utils.functional import SimpleLazyObject

from kovablik.roles import roles_of


def navigation(request):
    # Lazy, so pages that never show the navigation (PDFs, JSON) run no role queries.
    return {"user_roles": SimpleLazyObject(lambda: roles_of(request.user))}
