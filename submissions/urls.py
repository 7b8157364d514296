from django.urls import path

from submissions import views

app_name = "submissions"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("local-admin/", views.local_admin_dashboard, name="local_admin_dashboard"),
    path("innovations/<int:pk>/", views.innovation_detail, name="innovation"),
]
