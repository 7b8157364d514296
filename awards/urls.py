from django.urls import include, path

from awards.views import certificates, public

app_name = "awards"

committee_patterns = [
    path("certificates/", certificates.committee_certificates, name="committee_certificates"),
    path("certificates/start/", certificates.start_certificates, name="start_certificates"),
    path("certificates/<int:pk>/revoke/", certificates.revoke, name="revoke"),
    path("jobs/<int:pk>/", certificates.job_status, name="job_status"),
    path("jobs/<int:pk>/retry/", certificates.job_retry, name="job_retry"),
    path("jobs/<int:pk>/download/", certificates.job_download, name="job_download"),
]

urlpatterns = [
    path("results/", public.results_index, name="results"),
    path("verify/", certificates.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", certificates.verify, name="verify"),
    path("certificates/", certificates.my_certificates, name="my_certificates"),
    path("certificates/<int:pk>/download/", certificates.certificate_download, name="certificate_download"),
    path("committee/<slug:slug>/awards/", include(committee_patterns)),
]
