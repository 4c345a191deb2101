"""Audit log entries for logins, failed logins and logouts."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_save
from django.dispatch import receiver

from portal.models import Profile
from portal.services import audit_record, profile_apply_role


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(user=user, action="login", target=user.username, request=request)


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(user=user, action="logout", target=user.username, request=request)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the username is kept; the password never reaches the log.
    audit_record(user=None, action="login_failed", target=str(credentials.get("username", "")), request=request)


@receiver(post_save, sender=Profile)
def _role_changed(sender, instance: Profile, raw: bool = False, **kwargs):
    # Whoever sets a role (admin site, demo loader, shell), the admin-site rights follow it.
    if not raw:
        profile_apply_role(profile=instance)
