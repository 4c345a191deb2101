"""Rendered dashboard panels kept in Django's cache (Redis where configured, memory otherwise),
keyed by the data version of the selection, so a repeated view costs a look-up and never shows
a figure older than the data.

The roll-up and tally writers bump the version of every region whose figures they recompute
(the changed region and its ancestors), inside their transaction. Changes the roll-ups do not
cover (organisations and their 换届 dates, campaigns and targets, presets, data sets, indicators,
regions) bump the global version 0, which is in every key, after commit. A news report's own
fields are not watched: the figures it gives reach the panels through the roll-ups, and a title
corrected later shows with the next change. Readers drain pending changes first, so the version
they read is current. Versions live in the database, not the cache: each gunicorn worker has its
own memory cache, and a lost or per-process counter would let a worker serve what another has
already replaced.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from metrics.models import Campaign, CampaignTarget, DashboardPreset, DataSet, DataVersion, Indicator
from regions.models import Organisation, Region

GLOBAL = 0
TIMEOUT = 24 * 3600  # a version that is never read again simply ages out


def versions_bump(region_ids: Iterable[int]) -> None:
    """A new version for each region (inside the writer's transaction).

    Versions are clock readings (or one more, when the clock has not moved on): a database
    restored from a backup, or a test rolled back, never hands out a version that an older cached
    panel was stored under.
    """
    ids = sorted(set(region_ids))
    if not ids:
        return
    now = time.time_ns()
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO metrics_dataversion (region_id, version) VALUES (%s, %s) "
            "ON CONFLICT (region_id) DO UPDATE SET version = CASE "
            "WHEN metrics_dataversion.version >= excluded.version THEN metrics_dataversion.version + 1 "
            "ELSE excluded.version END",
            [(rid, now) for rid in ids],
        )


def selection_version(region: Region) -> str:
    """The version of everything a dashboard of ``region`` shows (one query)."""
    found = dict(DataVersion.objects.filter(region_id__in=[region.pk, GLOBAL]).values_list("region_id", "version"))
    return f"{found.get(GLOBAL, 0)}.{found.get(region.pk, 0)}"


def panels(parts: Iterable[object], render: Callable[[], str]) -> str:
    """The cached HTML for ``parts`` (template, language, role, filters, versions), else render it."""
    key = "dashboard-panels:" + hashlib.sha256(repr(tuple(parts)).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, TIMEOUT)
    return html


@receiver([post_save, post_delete], sender=Organisation, dispatch_uid="panels_organisation")
@receiver([post_save, post_delete], sender=Campaign, dispatch_uid="panels_campaign")
@receiver([post_save, post_delete], sender=CampaignTarget, dispatch_uid="panels_target")
@receiver([post_save, post_delete], sender=DashboardPreset, dispatch_uid="panels_preset")
@receiver([post_save, post_delete], sender=DataSet, dispatch_uid="panels_dataset")
@receiver([post_save, post_delete], sender=Indicator, dispatch_uid="panels_indicator")
@receiver([post_save, post_delete], sender=Region, dispatch_uid="panels_region")
def _outside_the_rollups_changed(raw: bool = False, **kwargs) -> None:
    # After commit, in a statement of its own: bumping inside a long transaction would hold the
    # global row's lock, and every other such save would queue behind it.
    if not raw:
        transaction.on_commit(lambda: versions_bump([GLOBAL]))
