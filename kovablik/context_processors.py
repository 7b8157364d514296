from django.utils.functional import SimpleLazyObject

from kovablik.roles import AGENCY, JUDGE, request_roles


def navigation(request):
    # Lazy, so pages that never show the navigation (PDFs, JSON) run no role query; evaluated once per request.
    roles = SimpleLazyObject(lambda: request_roles(request))
    return {
        "user_roles": roles,
        # Agencies and judges receive certificates (participation, finalist, winner, appreciation).
        "holds_certificates": SimpleLazyObject(lambda: [r for r in roles if r in (AGENCY, JUDGE)]),
    }
