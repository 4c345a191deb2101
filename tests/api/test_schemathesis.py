"""Property-based run of every documented operation against the app, in-process over WSGI.

Schemathesis generates valid and invalid requests from /api/schema/ and sends them through the
WSGI application with an editor's token, on a small world with data of both districts. Each
operation gets a few examples per mode, and those with an id in the path also get examples
aimed at a real object, so writes reach the services; a monthly return's workflow steps are also
tried with an approver's token on a submitted form, so approving, unlocking and waiving run for real.
The whole run stays well under a minute.
"""

from datetime import date

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from metrics.models import DataSet
from reports.models import Summary
from tests.factories import OrganisationFactory, monthly_return, value

MAX_EXAMPLES = 10
SKIPPED_PATHS = {"/api/v1/me/token/"}  # rotating or revoking the run's own token; tested in test_auth
APPROVER_RESOURCES = {"monthly-returns"}  # workflow steps an editor may not take


@pytest.fixture
def _keep_test_connection():
    """Requests go straight to the WSGI handler, which closes the database connection after each
    one; that would end the test's transaction (on PostgreSQL), so do what Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(world, parsed_report, settings, tmp_path, _keep_test_connection):
    settings.MEDIA_ROOT = tmp_path
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100000/minute", "anon": "100000/minute"},
    }
    dv = value("households_visited", world.community_a, date(2024, 3, 1), 12, status="draft")
    # Submitted, so that the approver's steps (approve, then unlock, then waive) go through.
    form = monthly_return(world.community_a, DataSet.objects.get(code="organisation"), date(2024, 3, 1), "submitted")
    members = value("party_members", world.community_a, date(2024, 3, 1), 30, status="submitted")
    members.monthly_return = form
    members.save(update_fields=["monthly_return"])
    value("households_visited", world.community_b, date(2024, 3, 1), 99)
    org = OrganisationFactory(name="朱庄社区党支部", region=world.community_a)
    report, mention = parsed_report
    summary = Summary.objects.create(region=world.district_a, period="2024", fingerprint="0" * 64)
    return {
        "summaries": {"id": summary.pk},
        "data-values": {"id": dv.pk},
        "monthly-returns": {"id": form.pk},
        "regions": {"id": world.community_a.pk},
        "organisations": {"id": org.pk},
        "reports": {"id": report.pk},
        "mentions": {"id": mention.pk},
        "indicators": {"code": "households_visited"},
    }


def _run(strategy, headers: dict) -> None:
    @given(case=strategy)
    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    def check(case):
        cache.clear()
        case.call_and_validate(headers=headers, checks=[not_a_server_error, response_schema_conformance])

    check()


def test_no_operation_gives_a_server_error(seeded, editor_a, approver_a, api_key_for):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    headers = {"Authorization": f"Token {api_key_for(editor_a)}"}
    approver = {"Authorization": f"Token {api_key_for(approver_a)}"}
    failures, ran = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in SKIPPED_PATHS:
            continue
        strategies = [
            (operation.as_strategy(mode), headers) for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        ]
        resource = operation.path.split("/")[3]
        real = seeded.get(resource)
        if real and "{" in operation.path:
            strategies.append((operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real), headers))
            if resource in APPROVER_RESOURCES:
                strategies.append((operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real), approver))
        for strategy, caller in strategies:
            ran += 1
            try:
                _run(strategy, caller)
            except Unsatisfiable:
                ran -= 1  # no invalid request exists for an operation without inputs
            except (Exception, BaseExceptionGroup) as exc:  # collect every operation's failure, report them together
                failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert ran > 40
    assert not failures, "\n\n".join(failures)
