"""The admin as staff first meet it: branded Undersigned, and without the plumbing (lock-outs,
authenticator devices, task results) unless they are a superuser."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

pytestmark = pytest.mark.django_db

PLUMBING_CHANGELISTS = (
    "admin:axes_accessattempt_changelist",
    "admin:otp_totp_totpdevice_changelist",
    "admin:django_tasks_database_dbtaskresult_changelist",
)


@pytest.fixture
def moderator_with_every_permission(client):
    """A staff member (not a superuser) whose group, carelessly, grants everything."""
    user = get_user_model().objects.create_user("moderator", "m@example.org", "pw", is_staff=True)
    user.user_permissions.set(Permission.objects.all())
    client.force_login(user)
    return client


def test_admin_is_branded_undersigned(staff_client):
    page = staff_client.get(reverse("admin:index")).content.decode()

    assert "<title>Organizers’ desk | Undersigned</title>" in page
    assert '<a href="/admin/">Undersigned</a>' in page
    assert "Django administration" not in page


def test_staff_who_are_not_superusers_do_not_see_the_plumbing(moderator_with_every_permission):
    client = moderator_with_every_permission
    index = client.get(reverse("admin:index"))

    listed = {app["app_label"] for app in index.context["app_list"]}
    assert listed == {"auth", "letters", "signatures"}
    for name in PLUMBING_CHANGELISTS:
        assert client.get(reverse(name)).status_code == 403


def test_superusers_still_reach_the_plumbing(staff_client):
    index = staff_client.get(reverse("admin:index"))

    listed = {app["app_label"] for app in index.context["app_list"]}
    assert {"axes", "otp_totp", "django_tasks_database"} <= listed
    for name in PLUMBING_CHANGELISTS:
        assert staff_client.get(reverse(name)).status_code == 200
