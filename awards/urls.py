from django.urls import include, path

from awards.views import certificates, committee, public, winners

app_name = "awards"

committee_patterns = [
    path("", committee.committee_home, name="committee_home"),
    path("stages/<int:stage_id>/shortlist/", committee.shortlist, name="shortlist"),
    path("lists/<int:pk>/", committee.snapshot, name="snapshot"),
    path("lists/<int:pk>/advance/", committee.advance, name="advance"),
    path("objections/<int:pk>/answer/", committee.answer_objection, name="answer_objection"),
    path("winners/", winners.winners, name="winners"),
    path("winners/<int:category_id>/assign/", winners.assign, name="assign_award"),
    path("winners/awards/<int:pk>/remove/", winners.remove, name="remove_award"),
    path("winners/publish/", winners.publish, name="publish_winners"),
    path("ceremony/", winners.ceremony_index, name="ceremony_index"),
    path("ceremony/overall/", winners.ceremony_screen, name="ceremony_overall"),
    path("ceremony/<int:category_id>/", winners.ceremony_screen, name="ceremony"),
    path("leaderboards/start/", winners.start_leaderboard, name="start_leaderboard"),
    path("certificates/", certificates.committee_certificates, name="committee_certificates"),
    path("certificates/start/", certificates.start_certificates, name="start_certificates"),
    path("certificates/<int:pk>/revoke/", certificates.revoke, name="revoke"),
    path("jobs/<int:pk>/", certificates.job_status, name="job_status"),
    path("jobs/<int:pk>/retry/", certificates.job_retry, name="job_retry"),
    path("jobs/<int:pk>/download/", certificates.job_download, name="job_download"),
]

urlpatterns = [
    path("results/", public.results_index, name="results"),
    path("results/<slug:slug>/", public.competition_results, name="competition_results"),
    path("results/<slug:slug>/lists/<int:pk>/", public.snapshot_public, name="snapshot_public"),
    path("results/<slug:slug>/lists/<int:pk>/objection/", public.objection_create, name="objection_create"),
    path("gallery/", public.gallery, name="gallery"),
    path("verify/", certificates.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", certificates.verify, name="verify"),
    path("certificates/", certificates.my_certificates, name="my_certificates"),
    path("certificates/<int:pk>/download/", certificates.certificate_download, name="certificate_download"),
    path("committee/<slug:slug>/awards/", include(committee_patterns)),
]
