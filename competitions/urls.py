from django.urls import path

from competitions import views

app_name = "competitions"
urlpatterns = [
    path("<slug:slug>/", views.detail, name="detail"),
]
