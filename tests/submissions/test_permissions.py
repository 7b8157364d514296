"""Every submissions page x every role: insiders get the page, outsiders a 404 (anonymous: the login page)."""

import pytest
from django.urls import reverse

from submissions import services
from submissions.enums import InnovationStatus
from tests import factories as f
from tests.submissions.conftest import jpeg_bytes, upload

pytestmark = pytest.mark.django_db

ROLES = ["committee", "local_admin", "agency_member", "other_agency_member", "judge", "anonymous"]


@pytest.fixture
def world(setup, competition, complete, agency_member, photo_requirement):
    competition.uses_endorsement = True
    competition.save()
    photo = services.add_attachment(
        innovation=complete,
        requirement=photo_requirement,
        upload=upload("foto.jpg", jpeg_bytes()),
        content_type="image/jpeg",
        actor=agency_member,
    )
    submitted = services.submit(innovation=complete, actor=agency_member)
    draft = f.InnovationFactory(
        competition=competition, group=setup["group"], category=setup["category"], agency=complete.agency
    )
    draft_photo = services.add_attachment(
        innovation=draft,
        requirement=photo_requirement,
        upload=upload("foto2.jpg", jpeg_bytes((20, 20))),
        content_type="image/jpeg",
        actor=agency_member,
    )
    return {"submitted": submitted, "draft": draft, "photo": photo, "draft_photo": draft_photo}


def page(name, w, competition, agency):
    s, d = w["submitted"].pk, w["draft"].pk
    slug = competition.slug
    pages = {
        "dashboard": ("get", reverse("submissions:dashboard")),
        "start": ("get", reverse("submissions:start", args=[slug])),
        "detail": ("get", reverse("submissions:innovation", args=[s])),
        "edit": ("get", reverse("submissions:edit", args=[d])),
        "autosave": ("post", reverse("submissions:autosave", args=[d])),
        "upload": ("get", reverse("submissions:upload", args=[d])),
        "receipt": ("get", reverse("submissions:receipt", args=[s])),
        "withdraw": ("get", reverse("submissions:withdraw", args=[s])),
        "download": ("get", reverse("submissions:attachment", args=[w["photo"].pk])),
        "delete_attachment": ("post", reverse("submissions:delete_attachment", args=[w["draft_photo"].pk])),
        "local_admin": ("get", reverse("submissions:local_admin_dashboard")),
        "endorse": ("get", reverse("submissions:endorse", args=[s])),
        "remind": ("post", reverse("submissions:remind", args=[s])),
        "endorsement_waiting": ("get", reverse("submissions:endorsement_waiting", args=[slug])),
        "screening_queue": ("get", reverse("submissions:screening_queue", args=[slug])),
        "screening_decide": ("get", reverse("submissions:screening_decide", args=[slug, s])),
        "screening_bulk": ("post", reverse("submissions:screening_bulk", args=[slug])),
        "agencies": ("get", reverse("submissions:agencies")),
        "agency_create": ("get", reverse("submissions:agency_create")),
        "agency_import": ("get", reverse("submissions:agency_import")),
        "agency_edit": ("get", reverse("submissions:agency_edit", args=[agency.pk])),
        "agency_invite": ("get", reverse("submissions:agency_invite", args=[agency.pk])),
    }
    return pages[name]


# Who may open each page; everybody else gets 404.
ALLOWED = {
    "dashboard": {"agency_member", "other_agency_member"},
    "start": {"agency_member", "other_agency_member"},
    "detail": {"committee", "local_admin", "agency_member"},
    "edit": {"agency_member"},
    "autosave": {"agency_member"},
    "upload": {"agency_member"},
    "receipt": {"agency_member"},
    "withdraw": {"agency_member"},
    "download": {"committee", "local_admin", "agency_member"},
    "delete_attachment": {"agency_member"},
    "local_admin": {"local_admin"},
    "endorse": {"local_admin"},
    "remind": {"committee"},
    "endorsement_waiting": {"committee"},
    "screening_queue": {"committee"},
    "screening_decide": {"committee"},
    "screening_bulk": {"committee"},
    "agencies": {"committee", "local_admin"},
    "agency_create": {"committee", "local_admin"},
    "agency_import": {"committee", "local_admin"},
    "agency_edit": {"committee", "local_admin"},
    "agency_invite": {"committee", "local_admin"},
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_page_access_by_role(name, role, request, client, world, competition, agency):
    user = request.getfixturevalue(role)
    if role != "anonymous":
        client.force_login(user)
    method, url = page(name, world, competition, agency)
    response = getattr(client, method)(url)
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif role in ALLOWED[name]:
        assert response.status_code in (200, 302, 400), response.status_code
    else:
        assert response.status_code == 404


def test_download_serves_the_stored_bytes_privately(client, world, committee):
    client.force_login(committee)
    response = client.get(reverse("submissions:attachment", args=[world["photo"].pk]))
    assert b"".join(response.streaming_content) == jpeg_bytes()
    assert response["Content-Type"] == "image/jpeg"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"


def test_stored_file_name_is_the_hash_not_the_upload_name(world):
    assert world["photo"].file.name.endswith(world["photo"].sha256)
    assert "foto" not in world["photo"].file.name


def test_local_admin_of_another_region_gets_404(client, world, other_region):
    other = f.LocalAdminFactory(user=f.UserFactory(username="admin_lain"), region=other_region).user
    client.force_login(other)
    assert client.get(reverse("submissions:innovation", args=[world["submitted"].pk])).status_code == 404
    assert client.get(reverse("submissions:endorse", args=[world["submitted"].pk])).status_code == 404
    assert client.get(reverse("submissions:attachment", args=[world["photo"].pk])).status_code == 404
    assert client.get(reverse("submissions:agency_edit", args=[world["submitted"].agency_id])).status_code == 404


def test_committee_of_another_competition_gets_404(client, world):
    stranger = f.CommitteeMemberFactory(user=f.UserFactory(username="panitia_lain")).user
    client.force_login(stranger)
    slug = world["submitted"].competition.slug
    assert client.get(reverse("submissions:screening_queue", args=[slug])).status_code == 404
    assert client.get(reverse("submissions:innovation", args=[world["submitted"].pk])).status_code == 404
    assert client.get(reverse("submissions:attachment", args=[world["photo"].pk])).status_code == 404


def test_other_member_cannot_submit_or_autosave(client, world, other_agency_member):
    client.force_login(other_agency_member)
    draft = world["draft"]
    response = client.post(reverse("submissions:edit", args=[draft.pk]), {"action": "submit", "title": "Dibajak"})
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.title != "Dibajak"
    assert draft.status == InnovationStatus.DRAFT


def test_local_admin_sees_agencies_of_its_districts(client, local_admin, region, other_region):
    from competitions.models import Region

    district = Region.objects.create(name="Kecamatan Bugul Kidul", kind="district", parent=region)
    inside = f.AgencyFactory(name="Kelurahan Tapaan", region=district)
    outside = f.AgencyFactory(name="Dinas Luar", region=other_region)
    client.force_login(local_admin)
    page = client.get(reverse("submissions:agencies")).content.decode()
    assert inside.name in page
    assert outside.name not in page
