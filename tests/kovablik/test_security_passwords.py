"""Password rules hold where people choose passwords: the change form refuses weak ones and accepts a strong one."""

import pytest
from django.urls import reverse

from tests import factories as f


@pytest.mark.parametrize(
    "weak",
    ["pendek1", "1234567890123", "password123", "qwertyuiop", "anggota-kesehatan"],
    ids=["too short", "all digits", "common", "common keyboard", "like the username"],
)
def test_password_change_refuses_weak_password(client, db, weak):
    user = f.UserFactory(username="anggota-kesehatan", email="anggota.kesehatan@example.go.id")
    client.force_login(user)

    response = client.post(
        reverse("password_change"), {"old_password": f.PASSWORD, "new_password1": weak, "new_password2": weak}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]
    user.refresh_from_db()
    assert user.check_password(f.PASSWORD)


def test_password_change_accepts_strong_password(client, db):
    user = f.UserFactory(username="anggota")
    client.force_login(user)
    strong = "Sembilan-Belas-Kabupaten-7"

    response = client.post(
        reverse("password_change"), {"old_password": f.PASSWORD, "new_password1": strong, "new_password2": strong}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(strong)
