"""Audit log entries for logins, failed logins and logouts."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from portal.models import AuditEvent, Profile
from portal.services import profile_apply_role


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    AuditEvent.objects.create(user=user, action="login", target=user.username, ip_address=client_ip(request))


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        AuditEvent.objects.create(user=user, action="logout", target=user.username, ip_address=client_ip(request))


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the username is kept; the password never reaches the log.
    AuditEvent.objects.create(
        action="login_failed", target=str(credentials.get("username", ""))[:200], ip_address=client_ip(request)
    )


@receiver(post_save, sender=Profile)
def _role_changed(sender, instance: Profile, raw: bool = False, **kwargs):
    # Whoever sets a role (admin site, demo loader, shell), the admin-site rights follow it.
    if not raw:
        profile_apply_role(profile=instance)
