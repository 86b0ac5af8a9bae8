"""Each state's outcome as the console colours it, read from execution histories AWS recorded.

The histories are LocalStack's snapshots recorded against AWS (repository localstack/localstack, under
tests/aws/services/stepfunctions/v2/; event types, ids, previousEventId,
state names and errors, as recorded; timestamps and payloads left out), so the rules are checked
against what Step Functions really writes, not against our own interpreter.
"""

import pytest

from localcloud.console.outcomes import execution_status, state_outcomes


def _events(*rows):
    """(id, previousEventId, type, state name or None, error or None) → history events."""
    events = []
    for event_id, previous, kind, name, error in rows:
        event = {"id": event_id, "previousEventId": previous, "type": kind, "timestamp": f"t{event_id}"}
        if kind.endswith("StateEntered"):
            event["stateEnteredEventDetails"] = {"name": name, "input": f'{{"in":{event_id}}}'}
        elif kind.endswith("StateExited"):
            event["stateExitedEventDetails"] = {"name": name, "output": f'{{"out":{event_id}}}'}
        elif error:
            event[kind[0].lower() + kind[1:] + "EventDetails"] = {"error": error, "cause": f"cause of {error}"}
        events.append(event)
    return events


# error_handling/test_task_service_lambda.snapshot.json, test_raise_exception_catch (recorded 28-11-2024)
CAUGHT = _events(
    (1, 0, "ExecutionStarted", None, None), (2, 0, "TaskStateEntered", "Start", None),
    (3, 2, "TaskScheduled", None, None), (4, 3, "TaskStarted", None, None),
    (5, 4, "TaskFailed", None, "Exception"), (6, 5, "TaskStateExited", "Start", None),
    (7, 6, "PassStateEntered", "EndWithStateTaskFailedHandler", None),
    (8, 7, "PassStateExited", "EndWithStateTaskFailedHandler", None), (9, 8, "ExecutionSucceeded", None, None))
# error_handling/test_task_service_lambda.snapshot.json, test_raise_exception (recorded 28-11-2024)
UNCAUGHT = _events(
    (1, 0, "ExecutionStarted", None, None), (2, 0, "TaskStateEntered", "Start", None),
    (3, 2, "TaskScheduled", None, None), (4, 3, "TaskStarted", None, None),
    (5, 4, "TaskFailed", None, "Exception"), (6, 5, "ExecutionFailed", None, "Exception"))
# scenarios/test_base_scenarios.snapshot.json, test_lambda_invoke_with_retry_base (recorded 24-10-2023):
# three retries, then the fourth failure is caught
RETRIED_THEN_CAUGHT = _events(
    (1, 0, "ExecutionStarted", None, None), (2, 0, "TaskStateEntered", "InvokeLambdaWithRetry", None),
    *[row for attempt in range(4) for row in (
        (3 + 3 * attempt, 2 + 3 * attempt, "LambdaFunctionScheduled", None, None),
        (4 + 3 * attempt, 3 + 3 * attempt, "LambdaFunctionStarted", None, None),
        (5 + 3 * attempt, 4 + 3 * attempt, "LambdaFunctionFailed", None, "Exception"))],
    (15, 14, "TaskStateExited", "InvokeLambdaWithRetry", None), (16, 15, "PassStateEntered", "HandleError", None),
    (17, 16, "PassStateExited", "HandleError", None), (18, 17, "ExecutionSucceeded", None, None))
# scenarios/test_base_scenarios.snapshot.json, test_parallel_state_catch (recorded 16-12-2023):
# ParallelStateFailed follows the branch's Fail state, yet it is the Parallel's own failure
PARALLEL_CAUGHT = _events(
    (1, 0, "ExecutionStarted", None, None), (2, 0, "ParallelStateEntered", "ParallelState", None),
    (3, 2, "ParallelStateStarted", None, None), (4, 3, "FailStateEntered", "Branch1", None),
    (5, 4, "ParallelStateFailed", None, "FailureType"), (6, 5, "ParallelStateExited", "ParallelState", None),
    (7, 6, "PassStateEntered", "FinalCaught", None), (8, 7, "PassStateExited", "FinalCaught", None),
    (9, 8, "ExecutionSucceeded", None, None))
# scenarios/test_base_scenarios.snapshot.json, test_parallel_state_fail (recorded 16-12-2023)
PARALLEL_FAILED = _events(
    (1, 0, "ExecutionStarted", None, None), (2, 0, "ParallelStateEntered", "ParallelState", None),
    (3, 2, "ParallelStateStarted", None, None), (4, 3, "FailStateEntered", "Branch1", None),
    (5, 4, "ParallelStateFailed", None, "FailureType"), (6, 5, "ExecutionFailed", None, "FailureType"))


@pytest.mark.parametrize(("events", "types", "expected"), [
    (CAUGHT, {"Start": "Task", "EndWithStateTaskFailedHandler": "Pass"},
     {"Start": ("caught", 0), "EndWithStateTaskFailedHandler": ("succeeded", 0)}),
    (UNCAUGHT, {"Start": "Task"}, {"Start": ("failed", 0)}),
    (RETRIED_THEN_CAUGHT, {"InvokeLambdaWithRetry": "Task", "HandleError": "Pass", "Unused": "Succeed"},
     {"InvokeLambdaWithRetry": ("caught", 3), "HandleError": ("succeeded", 0), "Unused": ("not-reached", 0)}),
    (PARALLEL_CAUGHT, {"ParallelState": "Parallel", "Branch1": "Fail", "Branch2": "Pass", "FinalCaught": "Pass"},
     {"ParallelState": ("caught", 0), "Branch1": ("failed", 0), "Branch2": ("not-reached", 0),
      "FinalCaught": ("succeeded", 0)}),
    (PARALLEL_FAILED, {"ParallelState": "Parallel", "Branch1": "Fail"},
     {"ParallelState": ("failed", 0), "Branch1": ("failed", 0)}),
], ids=["caught", "uncaught", "retried-then-caught", "parallel-caught", "parallel-failed"])
def test_outcomes_of_histories_aws_recorded(events, types, expected):
    outcomes = state_outcomes(events, types)
    assert {name: (o["status"], o["retries"]) for name, o in outcomes.items()} == expected


def test_a_caught_state_keeps_its_error_and_its_input_and_output():
    outcome = state_outcomes(CAUGHT, {"Start": "Task", "EndWithStateTaskFailedHandler": "Pass"})["Start"]
    assert (outcome["error"], outcome["cause"]) == ("Exception", "cause of Exception")
    assert (outcome["input"], outcome["output"]) == ('{"in":2}', '{"out":6}')
    assert outcome["eventIds"] == [2, 3, 4, 5, 6]


def test_a_state_in_flight_is_running_and_the_rest_not_reached():
    # Given the first four events of the caught history: the task failed, no Catch decided yet
    running = CAUGHT[:4]
    outcomes = state_outcomes(running, {"Start": "Task", "EndWithStateTaskFailedHandler": "Pass"})
    assert execution_status(running) == "RUNNING"
    assert outcomes["Start"]["status"] == "running"
    assert outcomes["EndWithStateTaskFailedHandler"]["status"] == "not-reached"


def test_a_state_stopped_by_stop_execution_is_cancelled():
    # Given a task in flight when the execution was aborted (StopExecution)
    aborted = CAUGHT[:4] + _events((5, 4, "ExecutionAborted", None, None))
    assert execution_status(aborted) == "ABORTED"
    assert state_outcomes(aborted, {"Start": "Task"})["Start"]["status"] == "cancelled"
