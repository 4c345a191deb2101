"""Users' roles and scope, API tokens, the audit log and in-portal notifications."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Profile(models.Model):
    """Where a user works and what they may do there: their region's whole subtree."""

    class Role(models.TextChoices):
        VIEWER = "viewer", _("领导（查看）")
        EDITOR = "editor", _("填报员")
        APPROVER = "approver", _("审核员")
        ADMIN = "admin", _("管理员")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT)
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices, default=Role.VIEWER)
    phone = models.CharField(_("电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("用户档案")
        verbose_name_plural = _("用户档案")

    def __str__(self) -> str:
        return f"{self.user} · {self.region} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A user's REST API key, kept only as its SHA-256, so a copy of the database holds no credential.

    A plain fast hash is enough: the key is 256 random bits, so there is no dictionary to try and
    a slow password hash would only cost every API request its time.
    """

    PREFIX_LENGTH = 8

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="api_token"
    )
    key_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("令牌前缀"), max_length=PREFIX_LENGTH, editable=False)
    created = models.DateTimeField(_("签发时间"), default=timezone.now)
    last_used = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def generate_key() -> str:
        return secrets.token_urlsafe(32)  # 43 characters

    @staticmethod
    def hash_key(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class AuditEvent(models.Model):
    """A security-relevant act: logins, permission changes, approvals, unlocks, exports."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(_("操作"), max_length=40, db_index=True)
    target = models.CharField(_("对象"), max_length=200, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP 地址"), null=True, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action} {self.target}"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    message = models.CharField(_("内容"), max_length=300)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message
