"""The Jobs state machine as deployed: statemachine/jobs.asl.json, inline, fully substituted, wired.

The structural checks (transitions, catches, timeouts) cover the admission ASL too."""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest

from tests.infra.template_view import PLACEHOLDER, as_list

# docs/ARCHITECTURE.md, "Workflow substitutions".
SUBSTITUTION_KEYS = {
    "ValidateJobFunctionArn", "SearchWorkerFunctionArn", "LabelWorkerFunctionArn", "CreateUserFunctionArn",
    "DescribeFailureFunctionArn", "DeliveryStateMachineArn", "ApiStageName",
    "OffersTableName", "LabelsTableName", "JobsTableName", "ResultTtlSeconds", "ExpiredResultGraceSeconds",
}


def state_maps(definition: dict[str, Any], where: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """(location, {"StartAt", "States"}) for the top level and every nested Parallel branch / Map processor."""
    yield where or "<top>", definition
    for name, state in definition["States"].items():
        for i, branch in enumerate(state.get("Branches", [])):
            yield from state_maps(branch, f"{where}{name}.Branches[{i}].")
        for key in ("ItemProcessor", "Iterator"):
            if key in state:
                yield from state_maps(state[key], f"{where}{name}.{key}.")


def transitions(state: dict[str, Any]) -> Iterator[str]:
    if "Next" in state:
        yield state["Next"]
    if "Default" in state:
        yield state["Default"]
    for choice in state.get("Choices", []):
        yield choice["Next"]
    for catcher in state.get("Catch", []):
        yield catcher["Next"]


def test_state_machine_is_standard_with_the_definition_inline(state_machine, asl_text):
    # Given the synthesized template
    _, resource = state_machine
    props = resource["Properties"]
    # Then the ASL file is the definition, verbatim and inline (cfn-lint and the local cloud read it)
    assert props["StateMachineType"] == "STANDARD"
    assert "DefinitionS3Location" not in props
    assert props["DefinitionString"] == asl_text


def test_every_placeholder_is_substituted_and_no_substitution_is_unused(state_machine, asl_text):
    _, resource = state_machine
    placeholders = set(PLACEHOLDER.findall(asl_text))
    substitutions = set(resource["Properties"]["DefinitionSubstitutions"])
    assert placeholders == substitutions
    assert substitutions == SUBSTITUTION_KEYS


def test_result_ttl_substitution_follows_context(state_machine, context):
    _, resource = state_machine
    assert resource["Properties"]["DefinitionSubstitutions"]["ResultTtlSeconds"] == str(context["resultTtlMinutes"] * 60)


@pytest.mark.parametrize("definition", ["asl", "admission_asl", "delivery_asl"])
def test_every_transition_targets_an_existing_state_and_every_state_is_reachable(definition, request):
    for where, states_map in state_maps(request.getfixturevalue(definition)):
        states = states_map["States"]
        assert states_map["StartAt"] in states, f"{where}: StartAt {states_map['StartAt']!r} is not a state"
        for name, state in states.items():
            for target in transitions(state):
                assert target in states, f"{where}{name}: transition to missing state {target!r}"
            ends = state["Type"] in {"Choice", "Succeed", "Fail"} or state.get("End") is True
            assert ends or "Next" in state, f"{where}{name}: neither Next nor End"
        reachable, frontier = set(), [states_map["StartAt"]]
        while frontier:
            name = frontier.pop()
            if name not in reachable:
                reachable.add(name)
                frontier.extend(transitions(states[name]))
        assert reachable == set(states), f"{where}: unreachable states {sorted(set(states) - reachable)}"


@pytest.mark.parametrize("definition", ["asl", "admission_asl", "delivery_asl"])
def test_every_task_catches_its_failures(definition, request):
    for where, states_map in state_maps(request.getfixturevalue(definition)):
        for name, state in states_map["States"].items():
            if state["Type"] == "Task":
                caught = {error for c in state.get("Catch", []) for error in c["ErrorEquals"]}
                assert "States.ALL" in caught, f"{where}{name}: a Task without a States.ALL Catch"


def test_workflow_runs_within_a_bounded_time(asl, admission_asl):
    # A STANDARD execution otherwise may run for a year, holding its job RUNNING.
    assert 0 < asl["TimeoutSeconds"] <= 3600
    # The admission answers an HTTP request: it must end before API Gateway's 29 s integration timeout.
    assert 0 < admission_asl["TimeoutSeconds"] < 29


def test_logging_and_tracing(state_machine, resources):
    _, resource = state_machine
    props = resource["Properties"]
    assert props["TracingConfiguration"] == {"Enabled": True}
    logging = props["LoggingConfiguration"]
    assert logging["Level"] in {"ALL", "ERROR"} and logging["IncludeExecutionData"] is True
    log_group = logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    assert resources.props(log_group)["RetentionInDays"] > 0


def test_role_invokes_exactly_the_substituted_functions_and_writes_exactly_the_substituted_tables(state_machine, resources):
    _, resource = state_machine
    substitutions = resource["Properties"]["DefinitionSubstitutions"]
    role_id = resource["Properties"]["RoleArn"]["Fn::GetAtt"][0]
    statements = resources.statements_of_role(role_id)

    invoked = [r for s in statements if "lambda:InvokeFunction" in as_list(s["Action"]) for r in as_list(s["Resource"])]
    functions = [v for k, v in substitutions.items() if k.endswith("FunctionArn")]
    assert sorted(map(str, invoked)) == sorted(map(str, functions))
    assert all(s["Action"] == "lambda:InvokeFunction" for s in statements if "lambda:InvokeFunction" in as_list(s["Action"]))

    written = {r["Fn::GetAtt"][0] for s in statements if as_list(s["Action"]) == ["dynamodb:PutItem"] for r in as_list(s["Resource"])}
    tables = {v["Ref"] for k, v in substitutions.items() if k.endswith("TableName")}
    assert written == tables
    assert not any(re.match(r"dynamodb:(?!PutItem$)", a) for s in statements for a in as_list(s["Action"]))


def test_the_job_starts_delivery_without_waiting_and_only_delivery(asl, state_machine, delivery_machine, resources):
    # Issue 9 §3b: no .sync, so the job is terminal as soon as its result is stored
    starts = {name: state for name, state in asl["States"].items()
              if state.get("Resource", "").startswith("arn:aws:states:::states:")}
    assert set(starts) == {"AnnounceWorking", "StartDelivery", "StartFailureDelivery"}
    for state in starts.values():
        assert state["Resource"] == "arn:aws:states:::states:startExecution"
        assert state["Parameters"]["StateMachineArn"] == "${DeliveryStateMachineArn}"
        assert state["Catch"][-1]["ErrorEquals"] == ["States.ALL"]  # a lost delivery never fails the job
    _, resource = state_machine
    delivery_id, _ = delivery_machine
    assert resource["Properties"]["DefinitionSubstitutions"]["DeliveryStateMachineArn"] == {"Ref": delivery_id}
    statements = resources.statements_of_role(resource["Properties"]["RoleArn"]["Fn::GetAtt"][0])
    states_actions = [(a, s["Resource"]) for s in statements for a in as_list(s["Action"]) if a.startswith("states:")]
    assert states_actions == [("states:StartExecution", {"Ref": delivery_id})]
