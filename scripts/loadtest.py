"""Load test: 50 street and community staff mixing dashboards, monthly-return saves and report submissions.

One file, three uses (scripts/loadtest.sh runs them in order against gunicorn + PostgreSQL + Redis + a
real Celery worker):

    python scripts/loadtest.py setup --users 50 --out RUN_DIR      # Django: one editor per region
    locust -f scripts/loadtest.py --headless -u 50 -t 60s --host URL  # the load (LOADTEST_RUN_DIR=RUN_DIR)
    python scripts/loadtest.py verify --run RUN_DIR                 # Django: nothing lost, p95 per page

Each simulated user owns one region's 组织建设 form for the current month, so every value it saved
last must be in the database afterwards; every report it submitted must end 已解析.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Yali-ceshi-2026!"  # noqa: S105 - throwaway accounts in the throwaway loadtest database
DATASET = "organisation"
PAGE_TYPES = (
    "login_page",
    "login",
    "dashboard",
    "return_form",
    "return_save",
    "report_form",
    "report_submit",
    "report_detail",
    "report_list",
)


def _django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- setup ---------------------------------------------------------------------------------------


def setup(users: int, out: Path) -> None:
    _django()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from metrics.periods import Period
    from portal.models import Profile
    from regions.models import Region

    month = Period.containing(timezone.localdate()).start
    regions = list(
        Region.objects.filter(level__in=[Region.Level.STREET, Region.Level.COMMUNITY]).order_by("level", "path")
    )
    if len(regions) < users:
        sys.exit(f"only {len(regions)} streets and communities for {users} users; load the demo first")
    User = get_user_model()
    rows = []
    for i, region in enumerate(regions[:users]):
        user, _ = User.objects.get_or_create(username=f"load{i:03d}")
        user.set_password(PASSWORD)
        user.save()
        Profile.objects.update_or_create(user=user, defaults={"region": region, "role": Profile.Role.EDITOR})
        rows.append({"username": user.username, "region": region.pk, "name": region.name})
    out.mkdir(parents=True, exist_ok=True)
    (out / "users.json").write_text(json.dumps({"month": f"{month:%Y-%m}", "users": rows}, ensure_ascii=False))
    print(f"{len(rows)} load users, month {month:%Y-%m}, in {out / 'users.json'}")


# --- verify --------------------------------------------------------------------------------------


def verify(run: Path, wait: float) -> int:
    _django()
    from metrics.models import DataValue
    from metrics.periods import MONTH
    from reports.models import Report

    plan = json.loads((run / "users.json").read_text())
    month = date.fromisoformat(plan["month"] + "-01")
    results = [json.loads(p.read_text()) for p in sorted(run.glob("result-*.json"))]
    if not results:
        print("no results from locust")
        return 1
    stats = json.loads((run / "stats.json").read_text())
    problems: list[str] = []

    # Server errors, counted by the users themselves on every response.
    server_errors = sum(r["server_errors"] for r in results)
    if server_errors:
        problems.append(f"{server_errors} server errors (5xx)")
        for r in results:
            problems.extend(f"  {e}" for e in r["error_samples"][:5])

    # Every value a user saved last is what the database holds.
    expected = {}
    for r in results:
        for region, values in r["saved"].items():
            expected[int(region)] = values
    stored: dict[int, dict[str, str]] = {}
    rows = DataValue.objects.filter(
        region_id__in=expected, period_type=MONTH, period_start=month, monthly_return__dataset__code=DATASET
    ).values_list("region_id", "indicator__code", "value")
    for region, code, value in rows:
        stored.setdefault(region, {})[code] = f"{value.normalize():f}"
    missing = [
        (region, code, value, stored.get(region, {}).get(code))
        for region, values in expected.items()
        for code, value in values.items()
        if stored.get(region, {}).get(code) != value
    ]
    saves = sum(r["saves"] for r in results)
    if missing:
        problems.append(f"{len(missing)} saved values not in the database, e.g. {missing[:3]}")

    # Every report accepted (302 to its page) exists, and the worker parses each one.
    submitted = [pk for r in results for pk in r["reports"]]
    deadline = time.monotonic() + wait
    while True:
        statuses = dict(Report.objects.filter(pk__in=submitted).values_list("pk", "status"))
        waiting = [pk for pk in submitted if statuses.get(pk) in ("pending", "parsing")]
        if not waiting or time.monotonic() > deadline:
            break
        time.sleep(1)
    drained_after = wait - max(0.0, deadline - time.monotonic())
    lost = [pk for pk in submitted if pk not in statuses]
    unparsed = [(pk, statuses.get(pk)) for pk in submitted if statuses.get(pk) != "parsed"]
    if lost:
        problems.append(f"{len(lost)} submitted reports missing from the database")
    if unparsed:
        problems.append(f"{len(unparsed)} reports not parsed: {unparsed[:5]}")

    print()
    print(f"{'page type':<16}{'requests':>10}{'failures':>10}{'median ms':>11}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name in PAGE_TYPES:
        s = stats["pages"].get(name)
        if s:
            print(
                f"{name:<16}{s['requests']:>10}{s['failures']:>10}{s['median']:>11.0f}{s['p95']:>9.0f}"
                f"{s['p99']:>9.0f}{s['max']:>9.0f}"
            )
    total = stats["total"]
    print(
        f"{'all':<16}{total['requests']:>10}{total['failures']:>10}{total['median']:>11.0f}{total['p95']:>9.0f}"
        f"{total['p99']:>9.0f}{total['max']:>9.0f}"
    )
    print(
        f"\n{stats['users']} users for {stats['seconds']:.0f} s: "
        f"{total['requests'] / stats['seconds']:.1f} requests/s; "
        f"server errors {server_errors}; saves {saves} ({len(expected)} forms, {len(missing)} values missing); "
        f"reports {len(submitted)} submitted, {len(submitted) - len(unparsed)} parsed "
        f"(queue drained {drained_after:.0f} s after the load)"
    )
    _steady_state(run)
    if problems:
        print("\nFAILED:\n" + "\n".join(problems))
        return 1
    print("\nOK: zero server errors, nothing lost")
    return 0


def _steady_state(run: Path) -> None:
    """The same table for the requests started after the last user had logged in: the first
    seconds hash 50 passwords (PBKDF2, about half a CPU-second each), which every page then waits
    behind on two cores."""
    path = run / "requests.json"
    if not path.exists():
        return
    data = json.loads(path.read_text())
    if not data["logged_in"]:
        return
    since = max(data["logged_in"])
    by_page: dict[str, list[float]] = {}
    for start, name, ms in data["requests"]:
        if start >= since:
            by_page.setdefault(name, []).append(ms)
    if not by_page:
        return

    def pct(values: list[float], share: float) -> float:
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]

    first = min(start for start, _, _ in data["requests"])
    print(f"\nafter the last login ({since - first:.0f} s into the run):")
    print(f"{'page type':<16}{'requests':>10}{'median ms':>11}{'p95 ms':>9}{'max ms':>9}")
    for name in PAGE_TYPES:
        if name in by_page:
            v = by_page[name]
            print(f"{name:<16}{len(v):>10}{pct(v, 0.5):>11.0f}{pct(v, 0.95):>9.0f}{max(v):>9.0f}")
    every = [ms for v in by_page.values() for ms in v]
    print(f"{'all':<16}{len(every):>10}{pct(every, 0.5):>11.0f}{pct(every, 0.95):>9.0f}{max(every):>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("setup")
    s.add_argument("--users", type=int, default=50)
    s.add_argument("--out", type=Path, required=True)
    v = sub.add_parser("verify")
    v.add_argument("--run", type=Path, required=True)
    v.add_argument("--wait", type=float, default=180, help="seconds to wait for the worker to drain")
    args = parser.parse_args()
    if args.command == "setup":
        setup(args.users, args.out)
    else:
        sys.exit(verify(args.run, args.wait))


# --- locust --------------------------------------------------------------------------------------

if __name__ == "__main__":
    main()
else:
    from locust import HttpUser, between, events, task

    RUN = Path(os.environ["LOADTEST_RUN_DIR"])
    _plan = json.loads((RUN / "users.json").read_text())
    _free = list(_plan["users"])
    _users: list[PortalUser] = []
    _started = [time.monotonic()]
    _requests: list[tuple[float, str, float]] = []  # (start, page type, ms), for the steady-state table
    _logged_in: list[float] = []  # when each user's login POST came back
    VERSION = re.compile(r'name="version" value="(\d+)"')

    @events.test_start.add_listener
    def _on_start(environment, **kwargs):
        _started[0] = time.monotonic()

    @events.request.add_listener
    def _on_request(name, response_time, start_time=None, **kwargs):
        _requests.append((start_time or time.time() - response_time / 1000, name, response_time))

    @events.test_stop.add_listener
    def _on_stop(environment, **kwargs):
        seconds = time.monotonic() - _started[0]

        def summary(entry) -> dict:
            return {
                "requests": entry.num_requests,
                "failures": entry.num_failures,
                "median": entry.median_response_time or 0,
                "p95": entry.get_response_time_percentile(0.95) or 0,
                "p99": entry.get_response_time_percentile(0.99) or 0,
                "max": entry.max_response_time or 0,
            }

        pages = {name: summary(entry) for (name, _method), entry in environment.stats.entries.items()}
        stats = {"users": len(_users), "seconds": seconds, "pages": pages, "total": summary(environment.stats.total)}
        (RUN / "stats.json").write_text(json.dumps(stats))
        (RUN / "requests.json").write_text(json.dumps({"logged_in": _logged_in, "requests": _requests}))
        for user in _users:
            (RUN / f"result-{user.account['username']}.json").write_text(
                json.dumps(
                    {
                        "saved": {str(user.account["region"]): user.saved},
                        "saves": user.saves,
                        "reports": user.reports,
                        "server_errors": user.server_errors,
                        "error_samples": user.error_samples,
                    }
                )
            )

    class PortalUser(HttpUser):
        """A street or community staff member at work: looks at figures, fills the month, sends news."""

        wait_time = between(0.5, 1.5)

        def on_start(self) -> None:
            self.account = _free.pop(0)
            _users.append(self)
            self.region = self.account["region"]
            self.form = f"/returns/{self.region}/{DATASET}/{_plan['month']}/"
            self.saved: dict[str, str] = {}
            self.saves = 0
            self.reports: list[int] = []
            self.server_errors = 0
            self.error_samples: list[str] = []
            self.version = None
            self.rng = random.Random(self.account["username"])
            self._get("/accounts/login/", "login_page")
            self._post(
                "/accounts/login/",
                "login",
                {"username": self.account["username"], "password": PASSWORD},
                expect=(302,),
            )
            _logged_in.append(time.time())

        # -- helpers --

        def _check(self, response, name: str, expect) -> None:
            if response.status_code >= 500:
                self.server_errors += 1
                self.error_samples.append(f"{name} {response.request.method} {response.url} -> {response.status_code}")
            if response.status_code in expect:
                response.success()
            else:
                response.failure(f"{response.status_code}")

        def _get(self, url: str, name: str, expect=(200,)):
            with self.client.get(url, name=name, catch_response=True, allow_redirects=False) as response:
                self._check(response, name, expect)
                return response

        def _post(self, url: str, name: str, data: dict, expect=(200,), headers=None):
            data = {**data, "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")}
            headers = {"Referer": self.host + url, **(headers or {})}
            with self.client.post(
                url, data=data, headers=headers, name=name, catch_response=True, allow_redirects=False
            ) as response:
                self._check(response, name, expect)
                return response

        # -- tasks --

        @task(5)
        def dashboard(self) -> None:
            self._get("/dashboard/", "dashboard")
            if self.rng.random() < 0.5:
                self._get(f"/dashboard/?region={self.region}", "dashboard")

        @task(4)
        def save_month(self) -> None:
            if self.version is None or self.rng.random() < 0.2:
                page = self._get(self.form, "return_form")
                match = VERSION.search(page.text or "")
                if not match:
                    return
                self.version = int(match.group(1))
            members = self.rng.randint(50, 900)
            values = {
                "party_orgs": str(self.rng.randint(1, 12)),
                "party_members": str(members),
                "full_members": str(members - self.rng.randint(0, 20)),
                "service_centers": str(self.rng.randint(1, 3)),
            }
            response = self._post(
                self.form + "save/",
                "return_save",
                {"version": self.version, **{f"v_{k}": v for k, v in values.items()}},
                headers={"Accept": "application/json"},
                expect=(200,),
            )
            if response.status_code == 200:
                self.version = response.json()["version"]
                self.saved = values
                self.saves += 1
            else:
                self.version = None

        @task(1)
        def submit_report(self) -> None:
            n = len(self.reports) + 1
            visited, solved = self.rng.randint(100, 900), self.rng.randint(10, 90)
            text = (
                f"{self.account['name']}党组织本月开展入户走访活动，走访群众{visited}户，"
                f"现场解决问题{solved}个。（{self.account['username']} 第{n}篇，{time.time_ns()}）\n"
                f"全年共发展党员{self.rng.randint(3, 30)}名，带动{self.rng.randint(2, 9)}千名群众积极参与。"
            )
            self._get("/reports/new/", "report_form")
            response = self._post(
                "/reports/new/",
                "report_submit",
                {
                    "title": f"压测报道 {self.account['username']} #{n}",
                    "source_kind": "newspaper",
                    "source_name": "压测日报",
                    "published": "2026-01-15",
                    "region": self.region,
                    "text": text,
                },
                expect=(302,),
            )
            match = re.search(r"/reports/(\d+)/", response.headers.get("Location", ""))
            if response.status_code == 302 and match:
                self.reports.append(int(match.group(1)))
                self._get(f"/reports/{match.group(1)}/", "report_detail")

        @task(1)
        def report_list(self) -> None:
            self._get("/reports/", "report_list")
