"""Schemathesis over api/openapi.yaml against the running local cloud: whatever a client sends, never a 5xx.

Every operation gets positive (schema-valid) and negative (schema-violating) requests, generated
deterministically so CI sees the same ones; then hand-made bodies a generator does not reach:
invalid UTF-8 and JSON nested 10,000 levels deep. Each error answer must be a problem document.
The last test checks the volume (at least 1,000 requests) and prints the status histogram.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error

from tests.api.api_spec import OPENAPI_FILE

EXAMPLES_PER_OPERATION = 85  # 9 operations, positive and negative: about 1,150 requests
MIN_REQUESTS = 1_000
# A schema-valid callbackUrl would make the workflow POST to random hosts or local ports: send it to the discard port.
CALLBACK_URL = re.compile(r"^(https://[^\s/?#@]+|http://127\.0\.0\.1(:[0-9]{1,5})?)([/?#][^\s]*)?$")
HARMLESS_CALLBACK = "http://127.0.0.1:9/fuzz"
STATUSES: Counter[int] = Counter()


schema = schemathesis.openapi.from_path(str(OPENAPI_FILE))


@schema.hook("map_body")
def harmless_callbacks(context, body):
    if isinstance(body, dict) and isinstance(body.get("callbackUrl"), str) and CALLBACK_URL.match(body["callbackUrl"]):
        return {**body, "callbackUrl": HARMLESS_CALLBACK}
    return body


def record(status: int, content_type: str, text: str) -> None:
    STATUSES[status] += 1
    if status >= 400:
        assert content_type.startswith("application/problem+json"), text


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate, Phase.shrink])
def test_generated_requests_never_get_a_server_error(case, cloud):
    response = case.call(base_url=cloud.base_url, headers={"x-api-key": cloud.api_key}, timeout=30)
    record(response.status_code, (response.headers.get("content-type") or [""])[0], response.text)
    case.validate_response(response, checks=[not_a_server_error])


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
    record(response.status_code, response.headers.get("Content-Type", ""), response.text)
    assert response.status_code == 400, response.text
    assert response.json()["type"] == "urn:stepgate:problem:validation-error"


def test_the_fuzzer_sent_enough_requests_and_no_server_error(capsys):
    if not STATUSES:
        pytest.skip("runs after the fuzz tests in this file")
    total = sum(STATUSES.values())
    histogram = ", ".join(f"{status}: {count}" for status, count in sorted(STATUSES.items()))
    with capsys.disabled():
        print(f"\nschemathesis + hand-made bodies: {total} requests; status histogram {histogram}")
    assert total >= MIN_REQUESTS
    assert not [status for status in STATUSES if status >= 500]
