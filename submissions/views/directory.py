"""The agency directory: the committee manages every agency, a local admin those of its region."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from submissions import imports, rules, services
from submissions.filters import AgencyFilter
from submissions.forms import AgencyForm, AgencyImportForm, InviteForm, local_admins_for, regions_for

PAGE_SIZE = 50
SESSION_KEY = "submissions_agency_import"


def _require_manager(user):
    if not (rules.is_any_committee(user) or rules.is_local_admin(user)):
        raise Http404


@login_required
def agency_list(request):
    _require_manager(request.user)
    queryset = (
        rules.managed_agencies(request.user)
        .select_related("region", "local_admin__user")
        .annotate(n_members=Count("memberships", distinct=True))
        .order_by("name", "pk")
    )
    filterset = AgencyFilter(request.GET or None, queryset=queryset)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "submissions/agency_list.html", {"filter": filterset, "page": page, "query": query.urlencode()}
    )


def _agency_form(request, instance=None):
    return AgencyForm(
        request.POST or None,
        instance=instance,
        regions=regions_for(request.user),
        local_admins=local_admins_for(request.user),
    )


@login_required
def agency_create(request):
    _require_manager(request.user)
    form = _agency_form(request)
    if request.method == "POST" and form.is_valid():
        agency = form.save(commit=False)
        if rules.is_local_admin(request.user) and not rules.is_any_committee(request.user):
            agency.local_admin = request.user.local_admin
        services.save_agency(agency=agency, actor=request.user)
        messages.success(request, _("Agency %(name)s created.") % {"name": agency.name})
        return redirect("submissions:agencies")
    return render(request, "submissions/agency_form.html", {"form": form, "agency": None})


@login_required
def agency_edit(request, pk):
    agency = rules.get_managed_agency(request.user, pk)
    form = _agency_form(request, instance=agency)
    if request.method == "POST" and form.is_valid():
        services.save_agency(agency=form.save(commit=False), actor=request.user)
        messages.success(request, _("Agency %(name)s saved.") % {"name": agency.name})
        return redirect("submissions:agencies")
    members = agency.memberships.select_related("user").order_by("user__email")
    return render(
        request,
        "submissions/agency_form.html",
        {"form": form, "agency": agency, "members": members, "invite_form": InviteForm()},
    )


@login_required
def agency_invite(request, pk):
    agency = rules.get_managed_agency(request.user, pk)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invite_member(
                agency=agency,
                email=form.cleaned_data["email"],
                is_contact=form.cleaned_data["is_contact"],
                actor=request.user,
            )
        except services.Refused as refused:
            form.add_error("email", refused.problems[0].message)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": membership.user.email})
            return redirect("submissions:agency_edit", pk=agency.pk)
    return render(request, "submissions/agency_invite.html", {"form": form, "agency": agency})


@login_required
def agency_import(request):
    """Upload -> preview with per-row errors -> confirm. Only rows without errors are created."""
    _require_manager(request.user)
    local_admin = None
    if rules.is_local_admin(request.user) and not rules.is_any_committee(request.user):
        local_admin = request.user.local_admin
    form = AgencyImportForm()
    rows = None
    if request.method == "POST" and request.POST.get("action") == "confirm":
        preview = request.session.pop(SESSION_KEY, None)
        if not preview:
            messages.error(request, _("The preview has expired. Upload the file again."))
            return redirect("submissions:agency_import")
        allowed = set(regions_for(request.user).values_list("pk", flat=True))
        good = [r for r in preview if not r["errors"] and r["region_id"] in allowed]
        created = services.import_agencies(rows=good, actor=request.user, local_admin=local_admin)
        messages.success(request, _("%(n)s agencies imported.") % {"n": len(created)})
        return redirect("submissions:agencies")
    if request.method == "POST":
        form = AgencyImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                rows = imports.parse(form.cleaned_data["file"], regions_for(request.user))
            except imports.ImportRefused as error:
                form.add_error("file", str(error))
            else:
                request.session[SESSION_KEY] = [{**r, "errors": [str(e) for e in r["errors"]]} for r in rows]
    return render(
        request,
        "submissions/agency_import.html",
        {
            "form": form,
            "rows": rows,
            "good": sum(1 for r in rows or [] if not r["errors"]),
            "bad": sum(1 for r in rows or [] if r["errors"]),
        },
    )


class AcceptInvitationView(auth_views.PasswordResetConfirmView):
    """The one-time link of an invitation: Django's reset token, which dies once the password is set."""

    template_name = "submissions/invitation_accept.html"
    success_url = reverse_lazy("submissions:invitation_done")
    post_reset_login = True
    # Setting the password proves the person holds the link; log them in with the plain model backend.
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    title = gettext_lazy("Set your password")


def invitation_done(request):
    messages.success(request, _("Your password is set. Welcome!"))
    return redirect("home")
