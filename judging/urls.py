from django.urls import path

from judging import committee_views, views

app_name = "judging"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("sheet/<int:pk>/", views.sheet, name="sheet"),
    path("sheet/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("sheet/<int:pk>/attachment/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("sheet/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("c/<slug:slug>/", committee_views.hub, name="hub"),
    path("c/<slug:slug>/<int:order>/rubric/", committee_views.rubric, name="rubric"),
    path("c/<slug:slug>/<int:order>/panel/", committee_views.panel, name="panel"),
    path("c/<slug:slug>/<int:order>/panel/<int:member_pk>/withdraw/", committee_views.withdraw, name="withdraw"),
    path("c/<slug:slug>/<int:order>/assignment/", committee_views.assignment, name="assignment"),
    path("c/<slug:slug>/<int:order>/assignment/<int:assignment_pk>/release/", committee_views.release, name="release"),
    path("c/<slug:slug>/<int:order>/progress/", committee_views.progress, name="progress"),
    path("c/<slug:slug>/<int:order>/sheet/<int:pk>/", committee_views.sheet_detail, name="committee_sheet"),
    path("c/<slug:slug>/<int:order>/leaderboard/", committee_views.leaderboard, name="leaderboard"),
    path("c/<slug:slug>/<int:order>/audit/", committee_views.audit, name="audit"),
    path(
        "c/<slug:slug>/<int:order>/export/ranking.csv",
        committee_views.download,
        {"part": "ranking", "fmt": "csv"},
        name="export_ranking_csv",
    ),
    path(
        "c/<slug:slug>/<int:order>/export/scores.csv",
        committee_views.download,
        {"part": "scores", "fmt": "csv"},
        name="export_scores_csv",
    ),
    path(
        "c/<slug:slug>/<int:order>/export/scores.xlsx",
        committee_views.download,
        {"part": "all", "fmt": "xlsx"},
        name="export_xlsx",
    ),
]
