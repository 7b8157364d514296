from django.urls import path

from submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("start/<slug:slug>/", views.start_innovation, name="start"),
    path("innovations/<int:pk>/", views.innovation_detail, name="innovation"),
    path("innovations/<int:pk>/edit/", views.edit_innovation, name="edit"),
    path("innovations/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("innovations/<int:pk>/attachments/", views.upload_attachment, name="upload"),
    path("innovations/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("innovations/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("attachments/<int:pk>/", views.download_attachment, name="attachment"),
    path("attachments/<int:pk>/delete/", views.delete_attachment, name="delete_attachment"),
    path("local-admin/", views.local_admin_dashboard, name="local_admin_dashboard"),
    path("innovations/<int:pk>/endorse/", views.endorse, name="endorse"),
    path("innovations/<int:pk>/remind/", views.remind, name="remind"),
    path("committee/<slug:slug>/endorsements/", views.endorsement_waiting, name="endorsement_waiting"),
    path("committee/<slug:slug>/screening/", views.screening_queue, name="screening_queue"),
    path("committee/<slug:slug>/screening/bulk/", views.screening_bulk, name="screening_bulk"),
    path("committee/<slug:slug>/screening/<int:pk>/", views.screening_decide, name="screening_decide"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/new/", views.agency_create, name="agency_create"),
    path("agencies/import/", views.agency_import, name="agency_import"),
    path("agencies/<int:pk>/edit/", views.agency_edit, name="agency_edit"),
    path("agencies/<int:pk>/invite/", views.agency_invite, name="agency_invite"),
    path("invitation/<uidb64>/<token>/", views.AcceptInvitationView.as_view(), name="accept_invitation"),
    path("invitation/done/", views.invitation_done, name="invitation_done"),
]
