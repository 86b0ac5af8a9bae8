"""CreateStateMachine / UpdateStateMachine refuse an invalid definition with `InvalidDefinition`, as AWS does.

moto only runs its ASL parser, which accepts a `Next` or `StartAt` naming no state and a machine
with no terminal state, and answers what it does refuse without an error code. AWS answers
HTTP 400 `InvalidDefinition` with the message
`Invalid State Machine Definition: '<CODE>: <what> at <where>'` (LocalStack's snapshots recorded
on AWS, e.g. tests/aws/services/stepfunctions/v2/scenarios/test_base_scenarios.snapshot.json:
"SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /"), several findings joined by
", ". The codes are the ones the Step Functions API reference lists for definition diagnostics
(ValidateStateMachineDefinitionDiagnostic): INVALID_JSON_DESCRIPTION, SCHEMA_VALIDATION_FAILED,
MISSING_TRANSITION_TARGET ("Next" names no known state), MISSING_END_STATE (no terminal state).
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.exceptions import AWSError
from moto.stepfunctions.parser import api as parser_api
from moto.stepfunctions.parser.models import StepFunctionsParserBackend

from localcloud.moto_changes.stepfunctions.caches import parsed_program

_ORIGINAL_VALIDATE = StepFunctionsParserBackend.__dict__["_validate_definition"]


class InvalidDefinition(AWSError):
    TYPE = "InvalidDefinition"
    STATUS = 400


def definition_errors(definition: str) -> list[str]:
    """AWS-style findings for `definition`; empty when the structure is sound."""
    try:
        document = json.loads(definition)
    except (TypeError, ValueError) as exc:
        return [f"INVALID_JSON_DESCRIPTION: {exc}"]
    if not isinstance(document, dict):
        return ["SCHEMA_VALIDATION_FAILED: Expected an object at /"]
    return _scope_errors(document, "")


def _scope_errors(scope: dict[str, Any], where: str) -> list[str]:
    """One States block (the machine, a Parallel branch or a Map's processor) with its own names."""
    missing = [field for field in ("StartAt", "States") if field not in scope]
    if missing:
        return [f"SCHEMA_VALIDATION_FAILED: These fields are required: [{', '.join(missing)}] at {where or '/'}"]
    states = scope["States"]
    if not isinstance(states, dict) or not states:
        return [f"SCHEMA_VALIDATION_FAILED: The field 'States' should be a non-empty object at {where}/States"]
    errors = []
    if scope["StartAt"] not in states:
        errors.append(f"MISSING_TRANSITION_TARGET: Missing 'Next' target: {scope['StartAt']} at {where}/StartAt")
    has_terminal = False
    for name, state in states.items():
        at = f"{where}/States/{name}"
        if not isinstance(state, dict):
            continue  # the ASL parser reports malformed states
        has_terminal |= state.get("Type") in ("Succeed", "Fail") or state.get("End") is True
        errors += [f"MISSING_TRANSITION_TARGET: Missing 'Next' target: {target} at {location}"
                   for target, location in _transitions(state, at) if target not in states]
        for index, branch in enumerate(state.get("Branches") or []):
            if isinstance(branch, dict):
                errors += _scope_errors(branch, f"{at}/Branches[{index}]")
        for field in ("ItemProcessor", "Iterator"):
            if isinstance(state.get(field), dict):
                errors += _scope_errors(state[field], f"{at}/{field}")
    if not has_terminal:
        errors.append(f"MISSING_END_STATE: Workflow has no terminal state at {where or '/'}")
    return errors


def _transitions(state: dict[str, Any], at: str) -> list[tuple[str, str]]:
    """Every state name this state can move to, with where the name is written."""
    found = [(state["Next"], f"{at}/Next")] if "Next" in state else []
    if "Default" in state:
        found.append((state["Default"], f"{at}/Default"))
    for field in ("Choices", "Catch"):
        for index, rule in enumerate(state.get(field) or []):
            if isinstance(rule, dict) and "Next" in rule:
                found.append((rule["Next"], f"{at}/{field}[{index}]/Next"))
    return found


def _validate_definition(definition: str) -> None:
    errors = definition_errors(definition)
    if errors:
        raise InvalidDefinition(f"Invalid State Machine Definition: '{', '.join(errors)}'")
    try:
        parsed_program(definition)  # the parse every execution of it will use, made once here
    except Exception:  # noqa: BLE001 - moto's own check, which parses again, words the refusal
        try:
            _ORIGINAL_VALIDATE.__func__(definition=definition)
        except parser_api.InvalidDefinition as exc:  # moto raises it without an error code on the wire
            raise InvalidDefinition(f"Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: {exc}'") from None
        raise


def install_definition_validation() -> None:
    StepFunctionsParserBackend._validate_definition = staticmethod(_validate_definition)


def uninstall_definition_validation() -> None:
    StepFunctionsParserBackend._validate_definition = _ORIGINAL_VALIDATE
