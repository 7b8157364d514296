from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from awards import rules
from awards.enums import JobKind, JobStatus
from awards.forms import RevokeForm, VerifyLookupForm
from awards.models import Certificate, GenerationJob
from awards.services import certificates as service


@login_required
@require_GET
def committee_certificates(request, slug):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    jobs = GenerationJob.objects.filter(competition=competition, kind=JobKind.CERTIFICATES)[:5]
    page = Paginator(
        Certificate.objects.filter(competition=competition)
        .select_related("innovation", "stage")
        .order_by("kind", "serial"),
        50,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "awards/committee_certificates.html",
        {
            "competition": competition,
            "jobs": jobs,
            "latest": jobs[0] if jobs else None,
            "page": page,
            "counts": service.certificate_counts(competition),
            "revoke_form": RevokeForm(),
        },
    )


@login_required
@require_POST
def start_certificates(request, slug):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    service.start_certificate_batch(competition=competition, actor=request.user)
    messages.success(request, _("Certificate generation has started."))
    return redirect("awards:committee_certificates", slug=competition.slug)


def _job_payload(job):
    percent = job.percent if job.status == JobStatus.DONE else min(job.percent, 99)
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "total": job.total,
        "done": job.done,
        "failed": job.failed,
        "percent": 100 if job.status == JobStatus.DONE else percent,
        "download_url": reverse("awards:job_download", kwargs={"slug": job.competition.slug, "pk": job.pk})
        if job.status == JobStatus.DONE and job.result
        else "",
    }


@login_required
@require_GET
def job_status(request, slug, pk):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    job = rules.get_job_for_committee(request.user, competition, pk)
    return JsonResponse(_job_payload(job))


@login_required
@require_POST
def job_retry(request, slug, pk):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    job = rules.get_job_for_committee(request.user, competition, pk)
    count = service.retry_failed_items(job=job, actor=request.user)
    messages.info(request, _("%(count)s file(s) are being made again.") % {"count": count})
    return redirect("awards:committee_certificates", slug=competition.slug)


@login_required
@require_GET
def job_download(request, slug, pk):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    job = rules.get_job_for_committee(request.user, competition, pk)
    if job.status != JobStatus.DONE or not job.result:
        raise Http404
    extension = "zip" if job.kind == JobKind.CERTIFICATES else "pdf"
    filename = f"{competition.slug}-{job.kind}-{job.pk}.{extension}"
    return FileResponse(job.result.open("rb"), as_attachment=True, filename=filename)


@login_required
@require_POST
def revoke(request, slug, pk):
    competition = rules.get_competition_for_committee(request.user, slug=slug)
    certificate = get_object_or_404(Certificate, competition=competition, pk=pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        service.revoke_certificate(certificate=certificate, reason=form.cleaned_data["reason"], actor=request.user)
        messages.success(request, _("Certificate %(serial)s has been revoked.") % {"serial": certificate.serial})
    else:
        messages.error(request, _("Give a reason for the revocation."))
    return redirect("awards:committee_certificates", slug=competition.slug)


@login_required
@require_GET
def my_certificates(request):
    certificates = (
        rules.downloadable_certificates(request.user)
        .select_related("competition", "innovation")
        .order_by("-competition__year", "competition__name", "kind", "serial")
    )
    return render(request, "awards/my_certificates.html", {"certificates": certificates})


@login_required
@require_GET
def certificate_download(request, pk):
    certificate = rules.get_certificate_for_download(request.user, pk)
    return FileResponse(certificate.file.open("rb"), as_attachment=True, filename=f"{certificate.serial}.pdf")


@require_GET
def verify_lookup(request):
    form = VerifyLookupForm(request.GET or None)
    if form.is_valid():
        code = form.cleaned_data["code"]
        found = rules.certificates_with_code(code).first()
        if found is not None:
            return redirect("awards:verify", code=found.code)
        form.add_error("code", _("No certificate has this code; check it and try again."))
    return render(request, "awards/verify_lookup.html", {"form": form})


@require_GET
def verify(request, code):
    certificate = get_object_or_404(rules.certificates_with_code(code))
    return render(request, "awards/verify.html", {"certificate": certificate})
