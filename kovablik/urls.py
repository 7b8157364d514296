from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kovablik import security_views, views
from kovablik.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("language/<str:code>/", views.switch_language, name="switch_language"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("security/lockouts/", security_views.lockouts, name="security_lockouts"),
    path("security/lockouts/<int:pk>/unlock/", security_views.unlock, name="security_unlock"),
    path("committee/", views.committee_dashboard, name="committee_dashboard"),
    path("committee/<slug:slug>/", views.committee_competition, name="committee_competition"),
    path("committee/<slug:slug>/audit/", views.committee_audit, name="committee_audit"),
    path("competitions/", include("competitions.urls")),
    path("agency/", include("submissions.urls")),
    path("judging/", include("judging.urls")),
    path("", include("awards.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT / "public")
