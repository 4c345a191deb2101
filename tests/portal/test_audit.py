"""Logins, failed logins and permission changes land in the audit log."""

from django.urls import reverse

from portal.models import AuditEvent, Profile
from tests.factories import PASSWORD


def test_login_and_failed_login_are_audited_without_the_password(world, client, editor_a):
    client.post(reverse("login"), {"username": "editor_a", "password": "wrong-password"})
    client.post(reverse("login"), {"username": "editor_a", "password": PASSWORD})
    actions = list(AuditEvent.objects.order_by("at", "id").values_list("action", "target"))
    assert ("login_failed", "editor_a") in actions and ("login", "editor_a") in actions
    assert not AuditEvent.objects.filter(detail__icontains="wrong-password").exists()


def test_district_admin_manages_only_own_users(world, client_for, editor_a, editor_b):
    from tests.factories import make_user

    admin_a = make_user(world.district_a, Profile.Role.ADMIN, "admin_a")
    admin_a.is_staff = True
    admin_a.save()
    from django.contrib.auth.models import Permission

    admin_a.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client = client_for(admin_a)
    listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "editor_a" in listing and "editor_b" not in listing
    assert client.get(reverse("admin:auth_user_change", args=[editor_b.pk])).status_code in (302, 404)


def test_making_someone_an_administrator_gives_them_their_subtree_in_the_admin(world, client_for, editor_b):
    from regions.models import Organisation
    from tests.factories import make_user

    admin_a = make_user(world.district_a, Profile.Role.ADMIN, "admin_a2")
    admin_a.refresh_from_db()
    assert admin_a.is_staff and admin_a.groups.filter(name="区级管理员").exists()
    client = client_for(admin_a)
    page = client.get(reverse("admin:regions_organisation_add")).content.decode()
    assert "朱庄社区" in page and "景园社区" not in page  # region choices are the own subtree only
    response = client.post(
        reverse("admin:regions_organisation_add"),
        {
            "name": "景园社区党支部",
            "kind": "branch",
            "category": "community",
            "region": world.community_b.pk,
            "member_count": 10,
        },
    )
    assert response.status_code == 200 and not Organisation.objects.filter(name="景园社区党支部").exists()
    client.post(
        reverse("admin:regions_organisation_add"),
        {
            "name": "朱庄社区党支部",
            "kind": "branch",
            "category": "community",
            "region": world.community_a.pk,
            "member_count": 10,
        },
    )
    assert Organisation.objects.filter(name="朱庄社区党支部", region=world.community_a).exists()
    # Demoted again: the admin site is gone.
    admin_a.profile.role = Profile.Role.EDITOR
    admin_a.profile.save()
    admin_a.refresh_from_db()
    assert not admin_a.is_staff
