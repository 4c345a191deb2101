"""Generate a city of the requested size on the configured database and time its dashboard.

    python manage.py bench_dashboard --regions 13400 --indicators 24 --months 24

builds one city (10 districts, streets of 10 communities; every community reports every
indicator every month), loads the values with COPY on PostgreSQL (bulk_create elsewhere), builds
the roll-ups, then renders the city's dashboard repeatedly and prints the p50/p95 of its queries
and of the whole page (the panel cache emptied before each run; then the same from the cache), and
the rows PostgreSQL reads for one page and for each of its sections.
``--reuse`` times an existing bench city without generating it again.
"""

from __future__ import annotations

import random
import statistics
import time
from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max
from django.http import QueryDict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from metrics.aggregation import rollups_rebuild
from metrics.catalogue import sync_catalogue
from metrics.dashboard import SECTIONS, dashboard_filter, dashboard_params, dashboard_section
from metrics.models import DataSet, DataValue, Indicator, MonthlyReturn
from metrics.periods import Period
from metrics.querystats import rows_read
from metrics.tallies import tallies_rebuild
from portal.models import Profile
from regions.models import Organisation, Region, StarDefinition, StarRating

CITY = "基准测试市"
DISTRICTS = 10
COMMUNITIES_PER_STREET = 10
BENCH_USER = "bench_leader"


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


class Command(BaseCommand):
    help = "生成指定规模的数据并测量根区域数据看板的查询与页面耗时（p50/p95）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--regions", type=int, default=1350, help="区域总数（约）")
        parser.add_argument("--indicators", type=int, default=24, help="指标数")
        parser.add_argument("--months", type=int, default=24, help="月份数")
        parser.add_argument("--runs", type=int, default=30, help="计时的页面渲染次数")
        parser.add_argument("--reuse", action="store_true", help="沿用已生成的基准城市，只计时")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **opts) -> None:
        city = Region.objects.filter(name=CITY, parent__isnull=True).first()
        if city and not opts["reuse"]:
            raise CommandError(f"“{CITY}”已存在：加 --reuse 只计时，或换一个空数据库。")
        if not city:
            if opts["reuse"]:
                raise CommandError(f"没有“{CITY}”，去掉 --reuse 先生成数据。")
            city = self._generate(opts)
        self._measure(city, opts["runs"])

    # --- generation ------------------------------------------------------------------------

    def _generate(self, opts) -> Region:
        rng = random.Random(opts["seed"])
        started = time.monotonic()
        sync_catalogue()
        indicators = self._indicators(opts["indicators"])
        streets_per_district = max(
            1, round((opts["regions"] - 1 - DISTRICTS) / (DISTRICTS * (1 + COMMUNITIES_PER_STREET)))
        )
        with transaction.atomic():
            city = Region.objects.create(name=CITY, level=Region.Level.CITY)
            districts = self._children(city, DISTRICTS, "区", Region.Level.DISTRICT)
            streets = [
                s
                for d in districts
                for s in self._children(d, streets_per_district, "街道", Region.Level.STREET, prefix=d.name)
            ]
            communities = [
                c
                for s in streets
                for c in self._children(s, COMMUNITIES_PER_STREET, "社区", Region.Level.COMMUNITY, prefix=s.name)
            ]
        regions = 1 + len(districts) + len(streets) + len(communities)
        last = Period.containing(timezone.localdate()).previous()
        months = [last.start]
        for _ in range(opts["months"] - 1):
            months.append(Period.containing(months[-1]).previous().start)
        months.reverse()
        total = len(communities) * len(indicators) * len(months)
        self.stdout.write(f"{regions} regions, {len(communities)} communities, {total} values to load…")
        self._load_values(rng, communities, indicators, months)
        self._load_structure(rng, streets, communities, months)
        loaded = time.monotonic()
        self.stdout.write(f"loaded in {loaded - started:.0f}s; building roll-ups…")
        written = rollups_rebuild() + tallies_rebuild()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")  # fresh statistics for every bulk-loaded table
        self.stdout.write(f"{written} roll-up rows in {time.monotonic() - loaded:.0f}s")
        return city

    def _indicators(self, count: int) -> list[Indicator]:
        plain = list(Indicator.objects.exclude(time_aggregation="ratio").order_by("order"))
        for i in range(len(plain), count):
            ind, _ = Indicator.objects.get_or_create(
                code=f"bench_{i}",
                defaults=dict(
                    name=f"基准指标{i}",
                    unit="个",
                    category="service",
                    time_aggregation="sum",
                    region_aggregation="sum",
                    order=100 + i,
                ),
            )
            plain.append(ind)
        return plain[:count]

    def _children(self, parent: Region, count: int, suffix: str, level: str, prefix: str = "") -> list[Region]:
        rows = [
            Region(name=f"{prefix}{i + 1}{suffix}", level=level, parent=parent, path=f"{parent.path}{i + 1:05d}.")
            for i in range(count)
        ]
        return Region.objects.bulk_create(rows, batch_size=5000)

    def _load_values(self, rng, communities, indicators, months) -> None:
        now = timezone.now()
        base = {
            ind.pk: (rng.uniform(1, 200) if ind.time_aggregation != "latest" else rng.uniform(20, 300))
            for ind in indicators
        }

        def rows():
            for community in communities:
                size = rng.uniform(0.5, 2)
                for ind in indicators:
                    mean = base[ind.pk] * size
                    for idx, month in enumerate(months):
                        recent = idx >= len(months) - 2
                        status = "submitted" if recent and rng.random() < 0.5 else "approved"
                        source = "report" if rng.random() < 0.005 else "return"
                        value = int(mean * rng.uniform(0.6, 1.4))
                        yield ind.pk, community.pk, "month", month, Decimal(value), source, status, "", now

        columns = "indicator_id, region_id, period_type, period_start, value, source, status, comment, updated_at"
        if connection.vendor == "postgresql":
            # The roll-ups are rebuilt in full afterwards; per-row change records would only slow the load.
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE metrics_datavalue DISABLE TRIGGER USER")
            try:
                sql = f"COPY metrics_datavalue ({columns}) FROM STDIN"
                with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                    for i, row in enumerate(rows()):
                        copy.write_row(row)
                        if i and i % 1_000_000 == 0:
                            self.stdout.write(f"  {i} values")
            finally:
                with connection.cursor() as cursor:
                    cursor.execute("ALTER TABLE metrics_datavalue ENABLE TRIGGER USER")
        else:
            batch = []
            for row in rows():
                batch.append(
                    DataValue(
                        indicator_id=row[0],
                        region_id=row[1],
                        period_type=row[2],
                        period_start=row[3],
                        value=row[4],
                        source=row[5],
                        status=row[6],
                        updated_at=row[8],
                    )
                )
                if len(batch) >= 20_000:
                    DataValue.objects.bulk_create(batch)
                    batch = []
            DataValue.objects.bulk_create(batch)

    def _load_structure(self, rng, streets, communities, months) -> None:
        """Organisations with 换届 dates and “五星” ratings, and the last months' returns."""
        today = timezone.localdate()
        orgs = [
            Organisation(
                name=f"{c.name}党支部",
                kind="branch",
                category="community",
                region=c,
                member_count=rng.randint(20, 200),
                last_election=date(today.year - 3, 1, 1),
                next_election_due=date.fromordinal(today.toordinal() + rng.randint(-60, 900)),
            )
            for c in communities
        ]
        orgs = Organisation.objects.bulk_create(orgs, batch_size=5000)
        stars = list(StarDefinition.objects.filter(scheme="urban"))
        ratings = [
            StarRating(organisation=o, year=y, star=s, status="awarded" if rng.random() < 0.6 else "not_awarded")
            for o in orgs
            for y in (today.year - 1, today.year)
            for s in stars
        ]
        StarRating.objects.bulk_create(ratings, batch_size=10_000)
        datasets = [d for d in DataSet.objects.all() if "community" in d.levels]
        statuses = ["draft", "submitted", "returned", "approved"]
        returns = [
            MonthlyReturn(region=c, dataset=d, month=m, status=rng.choice(statuses))
            for c in communities
            for d in datasets
            for m in months[-3:]
        ]
        MonthlyReturn.objects.bulk_create(returns, batch_size=10_000)

    # --- measurement ------------------------------------------------------------------------

    def _get(self, client: Client, url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")

    def _measure(self, city: Region, runs: int) -> None:
        user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
        Profile.objects.update_or_create(user=user, defaults={"region": city, "role": Profile.Role.VIEWER})
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        values = DataValue.objects.filter(region__path__startswith=city.path).count()
        horizon = DataValue.objects.aggregate(m=Max("period_start"))["m"]
        url = f"/dashboard/?region={city.pk}"
        for _ in range(3):  # warm caches and connections
            self._get(client, url)
        pages, sql_totals, queries, counts = [], [], [], []
        for _ in range(runs):
            cache.clear()  # every panel computed: the cost of a page whose data just changed
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                self._get(client, url)
                pages.append((time.perf_counter() - started) * 1000)
            times = [float(q["time"]) * 1000 for q in ctx.captured_queries]
            queries += times
            sql_totals.append(sum(times))
            counts.append(len(times))
        slowest = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:3]
        self.stdout.write(
            f"\n{connection.vendor}: {values} values in the city, newest month {horizon:%Y-%m}, "
            f"{counts[-1]} queries per page, {runs} runs at {timezone.localtime():%Y-%m-%d %H:%M}\n"
            f"  page         p50 {_percentile(pages, 0.5):7.1f} ms   p95 {_percentile(pages, 0.95):7.1f} ms\n"
            f"  SQL per page p50 {_percentile(sql_totals, 0.5):7.1f} ms   p95 {_percentile(sql_totals, 0.95):7.1f} ms\n"
            f"  one query    p50 {_percentile(queries, 0.5):7.2f} ms   p95 {_percentile(queries, 0.95):7.2f} ms\n"
            f"  slowest queries of the last run:"
        )
        for q in slowest:
            self.stdout.write(f"    {float(q['time']) * 1000:6.1f} ms  {q['sql'][:160]}")
        self.stdout.write(f"  ({statistics.mean(pages):.1f} ms mean page)")
        cached = []
        for _ in range(runs):
            started = time.perf_counter()
            self._get(client, url)
            cached.append((time.perf_counter() - started) * 1000)
        self.stdout.write(
            f"  page, panels cached p50 {_percentile(cached, 0.5):7.1f} ms   p95 {_percentile(cached, 0.95):7.1f} ms"
        )
        self._rows_read(client, url, user, city)

    def _rows_read(self, client: Client, url: str, user, city: Region) -> None:
        """Rows the database reads for one page, and for each section alone (PostgreSQL only)."""
        if connection.vendor != "postgresql":
            self.stdout.write("  rows read: counted on PostgreSQL only")
            return
        cache.clear()  # the page computed, not its cached panels
        with CaptureQueriesContext(connection) as ctx:
            self._get(client, url)
        per_section = []
        filterset = dashboard_filter(user=user, data=QueryDict(), region=city)
        params = dashboard_params(user=user, region=city, filterset=filterset)
        for key in SECTIONS:
            with CaptureQueriesContext(connection) as section:
                dashboard_section(user=user, params=params, filterset=filterset, key=key)
            per_section.append(f"{key} {rows_read(section.captured_queries)}")
        self.stdout.write(f"  rows read per page {rows_read(ctx.captured_queries)}: {', '.join(per_section)}")
