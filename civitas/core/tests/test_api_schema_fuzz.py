"""Schemathesis against /api/v1/openapi.json, in process through the WSGI app.

Every operation gets a few generated requests, valid and invalid, as a visitor and
as a signed-in volunteer; no answer may be a 5xx or disagree with the published
schema (status code, content type, body shape). Bounded so it runs in seconds.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civitas.wsgi import application

MAX_EXAMPLES = 8


@pytest.fixture
def schema(db):
    # The WSGI handler would close the test's connection at the end of each request,
    # and with it the transaction the test runs in; Django's own test client does this too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _operations(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    return operations


@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_api_answers_every_generated_request_within_its_schema(cast, api_token, schema, mode):
    generation_mode = schemathesis.GenerationMode.POSITIVE if mode == "positive" else schemathesis.GenerationMode.NEGATIVE
    volunteer = api_token(cast.volunteer)["HTTP_AUTHORIZATION"]
    strategies = [op.as_strategy(generation_mode=generation_mode) for op in _operations(schema)]
    failures: list[str] = []

    @settings(max_examples=MAX_EXAMPLES * len(strategies), deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(strategies), signed_in=st.booleans())
    def run(case, signed_in):
        headers = {"Authorization": volunteer} if signed_in else {}
        try:
            case.call_and_validate(headers=headers, excluded_checks=_excluded())
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as error:  # collect, so one run reports every broken endpoint
            failures.append(f"{case.method} {case.formatted_path}: {str(error)[:600]}")

    run()
    assert not failures, "\n\n".join(dict.fromkeys(failures))


def _excluded():
    from schemathesis.specs.openapi.checks import (
        ignored_auth,
        positive_data_acceptance,
        use_after_free,
    )

    # ignored_auth and use_after_free replay requests to probe auth and deletion,
    # which these endpoints do not model; positive_data_acceptance expects any valid
    # input to succeed, which a registry with unique names and foreign keys cannot promise.
    return [ignored_auth, positive_data_acceptance, use_after_free]
