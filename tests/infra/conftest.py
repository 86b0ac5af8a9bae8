"""Template-level fixtures. The assembly is synthesized once per session (tests/conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.infra.template_view import Resources

ROOT = Path(__file__).resolve().parents[2]
ASL_FILE = ROOT / "statemachine" / "jobs.asl.json"
ADMISSION_ASL_FILE = ROOT / "statemachine" / "admission.asl.json"
DELIVERY_ASL_FILE = ROOT / "statemachine" / "delivery.asl.json"
OPENAPI_FILE = ROOT / "api" / "openapi.yaml"


def pytest_collection_modifyitems(items):
    # Keep the template tests on one xdist worker: one read of the assembly, one cfn-lint run.
    for item in items:
        if "tests/infra/" in str(item.fspath):
            item.add_marker(pytest.mark.xdist_group("infra"))


@pytest.fixture(scope="session")
def template(assembly) -> dict[str, Any]:
    return assembly.template


@pytest.fixture(scope="session")
def resources(template) -> Resources:
    return Resources(template)


@pytest.fixture(scope="session")
def context() -> dict[str, Any]:
    return json.loads((ROOT / "cdk.json").read_text())["context"]


@pytest.fixture(scope="session")
def asl_text() -> str:
    return ASL_FILE.read_text()


@pytest.fixture(scope="session")
def asl(asl_text) -> dict[str, Any]:
    return json.loads(asl_text)


@pytest.fixture(scope="session")
def api_body(resources) -> dict[str, Any]:
    """The deployed OpenAPI body, with its Fn::Sub placeholders as the stack filled them."""
    _, api = resources.one("AWS::ApiGateway::RestApi")
    return api["Properties"]["Body"]


@pytest.fixture(scope="session")
def api_spec() -> dict[str, Any]:
    return yaml.safe_load(OPENAPI_FILE.read_text())


@pytest.fixture(scope="session")
def state_machine(resources) -> tuple[str, dict[str, Any]]:
    """The Jobs state machine (logical id pinned by stacks/workflow.py)."""
    return "JobsStateMachine", resources.of_type("AWS::StepFunctions::StateMachine")["JobsStateMachine"]


@pytest.fixture(scope="session")
def admission_machine(resources) -> tuple[str, dict[str, Any]]:
    """The Admission state machine (logical id pinned by stacks/admission.py)."""
    return "AdmissionStateMachine", resources.of_type("AWS::StepFunctions::StateMachine")["AdmissionStateMachine"]


@pytest.fixture(scope="session")
def admission_asl_text() -> str:
    return ADMISSION_ASL_FILE.read_text()


@pytest.fixture(scope="session")
def admission_asl(admission_asl_text) -> dict[str, Any]:
    return json.loads(admission_asl_text)


@pytest.fixture(scope="session")
def delivery_machine(resources) -> tuple[str, dict[str, Any]]:
    """The Delivery state machine (logical id pinned by stacks/delivery.py)."""
    return "DeliveryStateMachine", resources.of_type("AWS::StepFunctions::StateMachine")["DeliveryStateMachine"]


@pytest.fixture(scope="session")
def delivery_asl_text() -> str:
    return DELIVERY_ASL_FILE.read_text()


@pytest.fixture(scope="session")
def delivery_asl(delivery_asl_text) -> dict[str, Any]:
    return json.loads(delivery_asl_text)
