"""WebSocket push, workflow side: the Subscribe machine and Delivery's Push branch, run by moto's interpreter,
posting through @connections to connections registered as the local WebSocket server registers them."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from botocore.config import Config

from tests.workflow.subscribers import Subscribers
from tests.workflow.test_state_transitions import MAX_STATES_WITHOUT_CALLBACK, request_for

TERMINAL_KEY = "$terminal"


@pytest.fixture(scope="module")
def subscribers():
    fake = Subscribers()
    yield fake
    fake.close()


def subscribe(jobs, connection_id: str, job_ids, invalid_field: str | None = None) -> dict:
    """StartSyncExecution of Subscribe with the input the route's template builds (tests/api covers the template)."""
    import boto3

    sfn = boto3.client("stepfunctions", region_name=jobs.region, config=Config(inject_host_prefix=False))
    answer = sfn.start_sync_execution(
        stateMachineArn=jobs.stack.state_machine_arn("SubscribeStateMachine"),
        input=json.dumps({"connectionId": connection_id, "requestEpoch": int(time.time()),
                          "jobIds": None if invalid_field else job_ids, "invalidField": invalid_field}))
    assert answer["status"] == "SUCCEEDED", answer
    return answer


def wait_for(socket, predicate, timeout: float = 20.0) -> list[dict]:
    deadline = time.monotonic() + timeout
    while not predicate(events := socket.events()):
        assert time.monotonic() < deadline, f"still waiting; received {events}"
        time.sleep(0.02)
    return events


def has_terminal(events) -> bool:
    return any(event["type"] == "terminal" for event in events)


def all_four(job_id: str):
    """validated, working, saved and terminal: two Delivery runs, which may finish in either order."""
    return lambda events: len([e for e in events if e.get("jobId") == job_id and e["type"] != "error"]) >= 4


def subscription(jobs, job_id: str, connection_id: str) -> dict | None:
    table = jobs.stack.table_name("SubscriptionsTable")
    return jobs.client("dynamodb").get_item(TableName=table, ConsistentRead=True,
                                            Key={"jobId": {"S": job_id}, "connectionId": {"S": connection_id}}).get("Item")


def test_an_invalid_subscription_gets_an_error_event_naming_jobids(jobs, subscribers):
    connection_id, socket = subscribers.connect()
    subscribe(jobs, connection_id, None, invalid_field="jobIds")
    [event] = socket.events()
    assert event["type"] == "error" and event["error"]["field"] == "jobIds" and event["error"]["status"] == 400


def test_an_unknown_job_is_acknowledged_then_answered_not_found_and_the_subscription_kept_2_hours(jobs, subscribers):
    connection_id, socket = subscribers.connect()
    job_id = f"unknown-{uuid.uuid4().hex[:8]}"
    subscribe(jobs, connection_id, [job_id])
    assert socket.events() == [
        {"type": "subscribed", "jobIds": [job_id]},
        {"type": "error", "jobId": job_id, "error": {"type": "urn:stepgate:problem:not-found", "title": "Not Found",
                                                     "status": 404, "detail": "No job with this id."}},
    ]
    item = subscription(jobs, job_id, connection_id)
    assert abs(int(item["expiresAt"]["N"]) - (time.time() + 7200)) < 60


@pytest.mark.parametrize("kind", ["search", "user"])
def test_a_subscriber_gets_each_step_then_the_terminal_event_and_the_job_enters_no_more_states(jobs, subscribers,
                                                                                                  kind):
    # Given a subscriber to a job id before the job starts (the job id is the execution name)
    connection_id, socket = subscribers.connect()
    job_id = f"pushed-{uuid.uuid4().hex[:12]}"
    subscribe(jobs, connection_id, [job_id])

    # When the job runs to success
    execution = jobs.start(kind, request_for(jobs, kind), name=job_id)
    result = jobs.wait(execution)
    assert result["status"] == "SUCCEEDED"
    events = wait_for(socket, all_four(job_id))

    # Then it saw validated, working, saved and the terminal event, each naming the job and its kind: in order
    # within each Delivery run (validated+working, then saved+terminal); the two runs may interleave
    pushed = [event for event in events if event.get("jobId") == job_id and event["type"] != "error"]
    steps = [e.get("step", e["type"]) for e in pushed]
    assert sorted(steps) == sorted(["validated", "working", "saved", "terminal"])
    assert steps.index("validated") < steps.index("working") and steps.index("saved") < steps.index("terminal")
    assert all(e["kind"] == kind for e in pushed)
    assert all(e["status"] == "RUNNING" and e["at"].endswith("Z") for e in pushed if e["type"] == "progress")
    [terminal] = [e for e in pushed if e["type"] == "terminal"]
    output = json.loads(result["output"])
    assert terminal["status"] == "SUCCEEDED" and terminal["finishedAt"] == output["finish"]["finishedAt"]
    assert terminal["resultUrl"].startswith("/v1/")
    # and a subscriber costs the job no state transition
    assert len(jobs.entered_states(execution)) <= MAX_STATES_WITHOUT_CALLBACK


def test_a_subscription_after_the_job_ended_gets_the_terminal_event_at_once(jobs, subscribers):
    result = jobs.run("user", request_for(jobs, "user"))
    job_id = result["name"]
    table = jobs.stack.table_name("SubscriptionsTable")
    deadline = time.monotonic() + 20
    while not subscription(jobs, job_id, TERMINAL_KEY):  # Delivery runs apart from the job
        assert time.monotonic() < deadline, f"no stored terminal event in {table}"
        time.sleep(0.02)

    connection_id, socket = subscribers.connect()
    subscribe(jobs, connection_id, [job_id])
    subscribed, terminal = socket.events()
    assert subscribed == {"type": "subscribed", "jobIds": [job_id]}
    assert terminal["type"] == "terminal" and terminal["jobId"] == job_id and terminal["status"] == "SUCCEEDED"
    assert terminal["finishedAt"] == json.loads(result["output"])["finish"]["finishedAt"]


def test_a_gone_subscriber_neither_fails_nor_holds_the_job_and_its_subscription_is_dropped(jobs, subscribers):
    # Given a subscriber that disconnects before the job runs, and one that stays
    gone_id, gone_socket = subscribers.connect()
    staying_id, staying_socket = subscribers.connect()
    job_id = f"gone-{uuid.uuid4().hex[:12]}"
    subscribe(jobs, gone_id, [job_id])
    subscribe(jobs, staying_id, [job_id])
    subscribers.disconnect(gone_id)

    # When the job runs
    result = jobs.run("user", request_for(jobs, "user"), name=job_id)

    # Then it succeeded, the other subscriber got everything, and the gone one's subscription was deleted (410)
    assert result["status"] == "SUCCEEDED"
    assert sorted(e.get("step", e["type"]) for e in wait_for(staying_socket, all_four(job_id))
                  if e.get("jobId") == job_id and e["type"] != "error") == ["saved", "terminal", "validated", "working"]
    deadline = time.monotonic() + 20
    while subscription(jobs, job_id, gone_id):
        assert time.monotonic() < deadline, "the gone connection's subscription was not dropped"
        time.sleep(0.02)
    assert subscription(jobs, job_id, staying_id) is not None
    assert not has_terminal(gone_socket.events())


def test_a_cancelled_job_reads_aborted_with_the_cancel_report(jobs, subscribers):
    # Given a job stopped the way cancel_job stops it (a {cause, finishedAt} report)
    job_id = f"stopped-{uuid.uuid4().hex[:12]}"
    execution = jobs.start("search", request_for(jobs, "search"), name=job_id)
    report = {"cause": "Cancelled by the client at 2026-12-03T08:00:00Z (request r-1).",
              "finishedAt": "2026-12-03T08:00:00Z"}
    jobs.client("stepfunctions").stop_execution(executionArn=execution, error="JobCancelled",
                                                cause=json.dumps(report))
    assert jobs.wait(execution)["status"] == "ABORTED"

    # When someone subscribes to it
    connection_id, socket = subscribers.connect()
    subscribe(jobs, connection_id, [job_id])

    # Then the terminal event is the status document's: ABORTED, job-cancelled, the report's time and cause
    terminal = wait_for(socket, has_terminal)[-1]
    assert terminal == {"type": "terminal", "jobId": job_id, "kind": "search", "status": "ABORTED",
                        "finishedAt": report["finishedAt"],
                        "error": {"type": "urn:stepgate:problem:job-cancelled", "title": "Job cancelled",
                                  "status": 409, "detail": report["cause"]}}


def test_a_delivery_nobody_subscribed_to_stores_the_terminal_event_and_enters_no_map(jobs):
    # Given a terminal event for a job nobody subscribed to (most jobs)
    job_id = str(uuid.uuid4())
    event = {"type": "terminal", "jobId": job_id, "status": "SUCCEEDED", "finishedAt": "2026-12-03T00:00:00Z"}
    delivery = jobs.client("stepfunctions").start_execution(
        stateMachineArn=jobs.stack.state_machine_arn("DeliveryStateMachine"),
        input=json.dumps({"jobId": job_id, "callbackUrl": None, "recordExpiresEpoch": int(time.time()) + 3600,
                          "event": event}))["executionArn"]

    # When its Delivery run ends
    assert jobs.wait(delivery)["status"] == "SUCCEEDED"

    # Then the event is stored for later subscribers, and the run skipped the Map of events over nobody
    assert json.loads(subscription(jobs, job_id, TERMINAL_KEY)["event"]["S"]) == event
    entered = jobs.entered_states(delivery)
    assert entered[-3:] == ["FindSubscribers", "AnySubscribers", "NobodyToTell"], entered
    assert "PostEachEvent" not in entered
