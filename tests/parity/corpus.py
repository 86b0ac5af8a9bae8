"""The ground-truth corpus: cases under tests/parity/cases/*.yaml, each citing where AWS's answer comes from.

A case is a mapping with:
  id, source (file + test + snapshot key, or doc page), template,
  optional inputs: body, path, querystring, header, context (merged into DEFAULT_CONTEXT),
    stage_variables, request_template (rendered first, with the same inputs: its overrides are
    carried into `template`), integration_body ("echo" = the request template's output),
  expected outcome: expected (exact text) or expected_json (the recorded value was parsed JSON),
    status / headers (responseOverride), request_headers / request_path / request_querystring
    (requestOverride), optional note (e.g. where sources disagree).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from localcloud.vtl import RenderResult, render_template, request_context

CASES_DIR = Path(__file__).parent / "cases"

# The context of the AWS-recorded request in test_apigateway_sqs.py::test_sqs_amz_json_protocol
# (POST /sqs on stage "testing"), with stable stand-ins where the snapshot masks a value.
DEFAULT_CONTEXT = request_context(
    request_id="c6af9ac6-7b61-11e6-9a41-93e8deadbeef", epoch_ms=1795334195123, stage="testing",
    http_method="POST", resource_path="/sqs", path="/testing/sqs", source_ip="192.0.2.1",
    user_agent="python/requests/tests", domain_name="a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
    account_id="111111111111", api_id="a1b2c3d4e5", resource_id="abc123", deployment_id="dep123",
)

_KNOWN_KEYS = {"id", "source", "template", "body", "path", "querystring", "header", "context", "stage_variables",
               "request_template", "integration_body", "expected", "expected_json", "status", "headers",
               "request_headers", "request_path", "request_querystring", "note"}


@dataclass(frozen=True)
class Case:
    family: str
    id: str
    source: str
    template: str
    spec: dict = field(repr=False)

    @property
    def name(self) -> str:
        return f"{self.family}/{self.id}"


@dataclass(frozen=True)
class Outcome:
    output: str
    result: RenderResult
    request_result: RenderResult | None


@lru_cache(maxsize=None)
def load_cases() -> tuple[Case, ...]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for spec in yaml.safe_load(path.read_text()) or []:
            unknown = set(spec) - _KNOWN_KEYS
            if unknown:
                raise ValueError(f"{path.name}: case {spec.get('id')!r} has unknown keys {sorted(unknown)}")
            if not spec.get("source") or "template" not in spec:
                raise ValueError(f"{path.name}: case {spec.get('id')!r} needs a source and a template")
            if ("expected" in spec) == ("expected_json" in spec) and not _expects_overrides_only(spec):
                raise ValueError(f"{path.name}: case {spec['id']!r} needs exactly one of expected / expected_json")
            cases.append(Case(path.stem, spec["id"], spec["source"], spec["template"], spec))
    names = [case.name for case in cases]
    duplicates = {name for name in names if names.count(name) > 1}
    if duplicates:
        raise ValueError(f"duplicate case ids: {sorted(duplicates)}")
    return tuple(cases)


def _expects_overrides_only(spec: dict) -> bool:
    return "expected" not in spec and "expected_json" not in spec and any(
        key in spec for key in ("status", "headers", "request_headers", "request_path", "request_querystring"))


def context_for(spec: dict) -> dict:
    return _merged(DEFAULT_CONTEXT, spec.get("context") or {})


def _merged(base: dict, changes: dict) -> dict:
    merged = dict(base)
    for key, value in changes.items():
        merged[key] = _merged(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) \
            else value
    return merged


def run(case: Case) -> Outcome:
    spec = case.spec
    inputs = {
        "path_params": spec.get("path") or {},
        "query_params": spec.get("querystring") or {},
        "headers": spec.get("header") or {},
        "context": context_for(spec),
        "stage_variables": spec.get("stage_variables") or {},
    }
    body = _text(spec.get("body", ""))
    request_result = None
    if "request_template" in spec:
        request_result = render_template(spec["request_template"], body=body, **inputs)
        body = request_result.output if spec.get("integration_body") == "echo" else \
            _text(spec.get("integration_body", ""))
    result = render_template(case.template, body=body, carried=request_result, **inputs)
    return Outcome(result.output, result, request_result)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def mismatches(case: Case, outcome: Outcome) -> list[str]:
    """What differs from the recorded answer, one line each (empty when the case passes)."""
    spec, result, problems = case.spec, outcome.result, []
    if "expected" in spec and outcome.output != spec["expected"]:
        problems.append(f"output: expected {spec['expected']!r}, got {outcome.output!r}")
    if "expected_json" in spec:
        try:
            parsed = json.loads(outcome.output)
        except ValueError as error:
            problems.append(f"output is not JSON ({error}): {outcome.output!r}")
        else:
            if parsed != spec["expected_json"]:
                problems.append(f"output: expected JSON {spec['expected_json']!r}, got {parsed!r}")
    if "status" in spec and result.status_override != spec["status"]:
        problems.append(f"responseOverride.status: expected {spec['status']!r}, got {result.status_override!r}")
    if "headers" in spec and result.header_overrides != spec["headers"]:
        problems.append(f"responseOverride.header: expected {spec['headers']!r}, got {result.header_overrides!r}")
    request = outcome.request_result or result
    for key, location in (("request_headers", "header"), ("request_path", "path"),
                          ("request_querystring", "querystring")):
        if key in spec and request.request_overrides[location] != spec[key]:
            problems.append(f"requestOverride.{location}: expected {spec[key]!r}, "
                            f"got {request.request_overrides[location]!r}")
    return problems


def describe(case: Case) -> str:
    spec = case.spec
    inputs = {key: spec[key] for key in ("body", "path", "querystring", "header", "context", "stage_variables",
                                          "integration_body") if key in spec}
    lines = [f"case {case.name}", f"source: {case.source}"]
    if "request_template" in spec:
        lines.append(f"request template: {spec['request_template']!r}")
    lines += [f"template: {case.template!r}", f"inputs: {inputs!r}"]
    if spec.get("note"):
        lines.append(f"note: {spec['note']}")
    return "\n".join(lines)
