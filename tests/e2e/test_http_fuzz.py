"""Schemathesis over api/openapi.yaml against the running local cloud: whatever a client sends, never a 5xx.

Every operation gets positive (schema-valid) and negative (schema-violating) requests, generated
deterministically so CI sees the same ones; then hand-made bodies a generator does not reach:
invalid UTF-8 and JSON nested 10,000 levels deep. Each error answer must be a problem document.
The generated run checks its volume (at least 1,000 requests), prints its status histogram
(`pytest -s` shows it) and waits for every job it started to reach a terminal state.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from tests.api.api_spec import OPENAPI_FILE

EXAMPLES_PER_OPERATION = 70  # per mode: 9 operations x 2 modes x 70 is at most 1,260 requests
MIN_GENERATED_REQUESTS = 1_000
# A schema-valid callbackUrl would make the workflow POST to random hosts or local ports: send it to the discard port.
CALLBACK_URL = re.compile(r"^(https://[^\s/?#@]+|http://127\.0\.0\.1(:[0-9]{1,5})?)([/?#][^\s]*)?$")
HARMLESS_CALLBACK = "http://127.0.0.1:9/fuzz"

schema = schemathesis.openapi.from_path(str(OPENAPI_FILE))


@schema.hook("map_body")
def harmless_callbacks(context, body):
    if isinstance(body, dict) and isinstance(body.get("callbackUrl"), str) and CALLBACK_URL.match(body["callbackUrl"]):
        return {**body, "callbackUrl": HARMLESS_CALLBACK}
    return body


def assert_problem_if_error(status: int, content_type: str, text: str) -> None:
    if status >= 400:
        assert content_type.startswith("application/problem+json"), text


@pytest.mark.local_only("about 1,200 generated requests: beyond a stage's usage-plan throttle and daily quota, "
                        "and the users they create are kept")
def test_generated_requests_never_get_a_server_error(cloud):
    # Given positive and negative requests generated from every operation of the contract
    statuses: Counter[int] = Counter()
    unsatisfiable: list[str] = []
    started: list[str] = []
    for operation in (result.ok() for result in schema.get_all_operations()):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(mode, hooks=schema.hooks, headers={"x-api-key": cloud.api_key})

            @given(case=strategy)
            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                      suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
            def send(case):
                # When each is sent to the local cloud
                response = case.call(base_url=cloud.base_url, timeout=30)
                statuses[response.status_code] += 1
                if response.status_code == 202 and case.method == "POST":
                    started.append(response.json()["statusUrl"])

                # Then none is a server error, and every error is a problem document
                case.validate_response(response, checks=[not_a_server_error])
                assert_problem_if_error(response.status_code, (response.headers.get("content-type") or [""])[0],
                                        response.text)

            try:
                send()
            except Unsatisfiable:
                # Nothing in this operation can be made schema-invalid (e.g. an unconstrained path parameter).
                assert mode is GenerationMode.NEGATIVE, operation.label
                unsatisfiable.append(operation.label)

    total = sum(statuses.values())
    print(f"\nschemathesis: {total} requests; status histogram "
          + ", ".join(f"{status}: {count}" for status, count in sorted(statuses.items()))
          + f"; no negative case for {unsatisfiable or 'none'}")
    assert total >= MIN_GENERATED_REQUESTS and not [status for status in statuses if status >= 500]

    # And every job a generated request started reaches a terminal state (which also drains them before later tests)
    for status_url in started:
        cloud.poll(status_url, timeout=120)
    print(f"{len(started)} jobs started by generated requests, all terminal")


BAD_BODIES = {
    "invalid UTF-8": b'{"name": "\xff\xfe", "email": "\xc3\x28@example.com"}',
    "nested 10,000 deep (arrays)": b"[" * 10_000 + b"]" * 10_000,
    "nested 10,000 deep (objects)": b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    "nested 10,000 deep in a field": b'{"location": ' + b"[" * 10_000 + b"]" * 10_000 + b"}",
}


@pytest.mark.parametrize("path", ["/searches", "/recognitions", "/users"])
@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_hand_made_bodies_are_invalid_body_problems(cloud, path, body):
    response = cloud.request("POST", path, data=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "urn:stepgate:problem:validation-error"
