"""How many table rows a set of queries makes PostgreSQL read: the measure behind "a page costs
the same whatever the size of the data" (bench_dashboard and the rows-read tests).

Each SELECT is run again under ``EXPLAIN (ANALYZE, FORMAT JSON)`` and the rows of every table
scan are added up, those its filter threw away included (a scan that reads 100 000 rows to keep
ten has read 100 000). Only PostgreSQL says this; elsewhere the answer is None.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connection

SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Tid Scan"}


def _scanned(plan: dict) -> int:
    own = 0
    if plan.get("Node Type") in SCANS:
        per_loop = (
            plan.get("Actual Rows", 0)
            + plan.get("Rows Removed by Filter", 0)
            + plan.get("Rows Removed by Index Recheck", 0)
        )
        own = round(per_loop * plan.get("Actual Loops", 1))
    return own + sum(_scanned(child) for child in plan.get("Plans", ()))


def rows_read(queries: Iterable[dict], *, as_if_large: bool = False) -> int | None:
    """Rows read by the SELECTs among ``queries`` (as captured by CaptureQueriesContext).

    ``as_if_large`` plans as for big tables (no sequential scans where an index serves), so a
    test's few rows show what a city's millions would cost rather than what the planner picks
    for a table of one page.
    """
    if connection.vendor != "postgresql":
        return None
    total = 0
    with connection.cursor() as cursor:
        if as_if_large:
            cursor.execute("SET enable_seqscan = off")
        try:
            total = _explain_all(cursor, queries)
        finally:
            if as_if_large:
                cursor.execute("RESET enable_seqscan")
    return total


def _explain_all(cursor, queries: Iterable[dict]) -> int:
    total = 0
    for query in queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        (result,) = cursor.fetchone()
        plan = (json.loads(result) if isinstance(result, str) else result)[0]["Plan"]
        total += _scanned(plan)
    return total
