"""Reads of the accounts part of portal: what names a user before the account may go."""

from __future__ import annotations

from django.db import models


def user_record_counts(*, user) -> dict[str, int]:
    """How many records of each kind name this user (returns, approvals, audit, reports…).

    These are the relations that outlive an account (on_delete=SET_NULL); deleting the user
    would leave them naming nobody, so the admin refuses and offers 停用 instead.
    """
    counts: dict[str, int] = {}
    for rel in type(user)._meta.get_fields(include_hidden=True):
        if not (rel.is_relation and rel.auto_created and not rel.concrete):
            continue
        if getattr(rel, "on_delete", None) is not models.SET_NULL:
            continue
        n = rel.related_model._default_manager.filter(**{rel.field.name: user}).count()
        if n:
            label = str(rel.related_model._meta.verbose_name)
            counts[label] = counts.get(label, 0) + n
    return counts

