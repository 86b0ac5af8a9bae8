"""Signed callbacks from the real Delivery workflow, which the real Jobs workflow starts without waiting.

The job's status never waits for its receiver: the outcome is recorded in JobsTable (read by
GET /jobs/{jobId}/callback), pending while the receiver is retried, then delivered or failed.
"""

import json
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.callback_receiver import CallbackReceiver
from tests.workflow.test_state_transitions import MAX_STATES_WITHOUT_CALLBACK, entered_states_of_success, request_for


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def signing_secret(jobs) -> str:
    [arn] = [arn for logical, arn in jobs.stack.secrets.items() if logical.startswith("WorkersCallbackSigningSecret")]
    return "whsec_" + jobs.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"]


def callback_record(jobs, job_id: str) -> dict | None:
    """The outcome the Delivery workflow recorded, as {status, attempts, lastHttpStatus} (None: nothing yet)."""
    item = jobs.client("dynamodb").get_item(TableName=jobs.stack.table_name("JobsTable"),
                                            Key={"jobId": {"S": job_id}}, ConsistentRead=True).get("Item", {})
    return json.loads(item["callback"]["S"]) if "callback" in item else None


def settled_callback(jobs, job_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while (record := callback_record(jobs, job_id)) is None or record["status"] == "pending":
        assert time.monotonic() < deadline, f"callback of {job_id} still {record}"
        time.sleep(0.02)
    return record


def _job_id(result: dict) -> str:
    return result["executionArn"].rsplit(":", 1)[1]


def test_a_receiver_failing_twice_gets_the_success_event_on_the_third_attempt(jobs, signing_secret):
    with CallbackReceiver(signing_secret, failures=2) as receiver:
        # Given a user job with a callbackUrl whose receiver answers 503 twice
        # When the job runs
        result = jobs.run("user", {"name": "Ada", "email": "ada.callback@example.com", "callbackUrl": receiver.url})
        record = settled_callback(jobs, _job_id(result))

    # Then every attempt carried the same verifiable terminal event, the third was acknowledged, the outcome
    # is recorded apart from the job, and the job's output no longer carries it
    assert result["status"] == "SUCCEEDED", result
    output = json.loads(result["output"])
    assert "callback" not in output
    assert record == {"status": "delivered", "attempts": 3, "lastHttpStatus": 204}
    assert [d.answered for d in receiver.deliveries] == [503, 503, 204]
    assert all(d.verification_error is None for d in receiver.deliveries)
    event = receiver.deliveries[-1].event
    assert event == {"type": "terminal", "jobId": output["jobId"], "kind": "user", "status": "SUCCEEDED",
                     "finishedAt": output["finish"]["finishedAt"], "resultUrl": f"/v1/users/{output['userId']}"}
    assert {d.headers["webhook-id"] for d in receiver.deliveries} == {f"msg_{output['jobId']}"}


def test_a_failed_job_calls_back_with_the_problem_its_status_shows(jobs, signing_secret):
    with CallbackReceiver(signing_secret) as receiver:
        # Given a search that breaks a business rule, with a callbackUrl
        request = {"location": "JFK", "pickupAt": _in_days(3), "dropoffAt": _in_days(1), "callbackUrl": receiver.url}

        # When it runs
        result = jobs.run("search", request)
        record = settled_callback(jobs, _job_id(result))

    # Then the receiver got the FAILED event with the problem (status and field too), and the job fails with
    # its own error and a report that no longer holds the callback
    [delivery] = receiver.deliveries
    assert delivery.verification_error is None
    event = delivery.event
    assert event["type"] == "terminal" and event["status"] == "FAILED" and event["kind"] == "search"
    assert event["error"]["type"] == "urn:stepgate:problem:validation-error"
    assert event["error"]["status"] == 422 and event["error"]["field"] == "dropoffAt"
    assert event["error"]["detail"].startswith("dropoffAt: ")
    assert "resultUrl" not in event
    assert result["status"] == "FAILED" and result["error"] == "ValidationError"
    report = json.loads(result["cause"])
    assert event["finishedAt"] == report["finishedAt"] and "callback" not in report
    assert record == {"status": "delivered", "attempts": 1, "lastHttpStatus": 204}


def test_a_receiver_that_never_acknowledges_neither_holds_nor_fails_the_job(jobs, signing_secret):
    hold = threading.Event()
    with CallbackReceiver(signing_secret, failures=100, hold=hold) as receiver:
        # Given a receiver that answers 503, slowly
        result = jobs.run("user", {"name": "Bo", "email": "bo.callback@example.com", "callbackUrl": receiver.url})
        job_id = _job_id(result)

        # Then the job is SUCCEEDED while its first delivery is still in flight, which reads as pending
        assert result["status"] == "SUCCEEDED", result
        deadline = time.monotonic() + 10
        while callback_record(jobs, job_id) is None:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert callback_record(jobs, job_id) == {"status": "pending", "attempts": 0, "lastHttpStatus": None}

        # And after a bounded number of attempts the callback is recorded failed
        hold.set()
        record = settled_callback(jobs, job_id)
    assert record == {"status": "failed", "attempts": 6, "lastHttpStatus": 503}
    assert len(receiver.deliveries) == 6


def test_a_plain_http_callback_url_fails_validation_and_is_never_contacted(jobs):
    # Given an http URL to a public host (only http://127.0.0.1 is let through, and only locally)
    # When the job runs / Then it fails naming callbackUrl, and the callback is failed without an attempt
    result = jobs.run("user", {"name": "Cy", "email": "cy@example.com", "callbackUrl": "http://hooks.example.com/x"})
    assert result["status"] == "FAILED" and result["error"] == "ValidationError"
    report = json.loads(result["cause"])
    assert json.loads(report["cause"])["errorMessage"].startswith("callbackUrl: ")
    assert settled_callback(jobs, _job_id(result)) == {"status": "failed", "attempts": 0, "lastHttpStatus": None}


def test_a_job_without_callback_records_no_callback(jobs):
    # When a job without callbackUrl succeeds / Then Delivery ran with its terminal event (its Callback branch
    # chose NoCallback; the other run carries the progress events) and nothing is recorded: GET
    # /jobs/{jobId}/callback answers 404
    result = jobs.run("user", request_for(jobs, "user"))
    assert result["status"] == "SUCCEEDED"
    job_id = _job_id(result)
    delivery_arn = jobs.stack.state_machine_arn("DeliveryStateMachine")
    sfn = jobs.client("stepfunctions")
    deadline = time.monotonic() + 10
    while not (runs := [e for e in sfn.list_executions(stateMachineArn=delivery_arn)["executions"]
                        if e["status"] == "SUCCEEDED"
                        and (delivered := json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"]))
                        ["jobId"] == job_id and delivered["event"]["type"] == "terminal"]):
        assert time.monotonic() < deadline, "no Delivery execution for the job"
        time.sleep(0.05)
    assert len(runs) == 1
    assert callback_record(jobs, job_id) is None


@pytest.mark.parametrize("kind", ["search", "recognition", "user"])
def test_a_callback_adds_no_state_to_the_job(jobs, signing_secret, kind):
    with CallbackReceiver(signing_secret) as receiver:
        # When a job succeeds with a callbackUrl whose receiver answers at once
        entered, output = entered_states_of_success(jobs, kind, {**request_for(jobs, kind), "callbackUrl": receiver.url})
        record = settled_callback(jobs, output["jobId"])

    # Then it entered the same states as without one (delivery runs in its own workflow), and the event
    # carried the same instant as the output
    assert len(entered) == MAX_STATES_WITHOUT_CALLBACK and "StartDelivery" in entered
    assert record["status"] == "delivered"
    [delivery] = receiver.deliveries
    assert delivery.event["finishedAt"] == output["finish"]["finishedAt"]


def test_a_duplicate_delivery_never_turns_delivered_back_into_pending(jobs, signing_secret):
    hold = threading.Event()
    with CallbackReceiver(signing_secret, hold=hold) as receiver:
        # Given a job whose callback was delivered
        hold.set()
        result = jobs.run("user", {**request_for(jobs, "user"), "callbackUrl": receiver.url})
        job_id = _job_id(result)
        assert settled_callback(jobs, job_id)["status"] == "delivered"

        # When Delivery runs again with the same input (EXPRESS is at-least-once) and its POST is in flight
        hold.clear()
        sfn = jobs.client("stepfunctions")
        delivery_arn = jobs.stack.state_machine_arn("DeliveryStateMachine")
        inputs = [sfn.describe_execution(executionArn=e["executionArn"])["input"]
                  for e in sfn.list_executions(stateMachineArn=delivery_arn)["executions"]]
        [terminal] = [i for i in inputs if json.loads(i)["jobId"] == job_id and json.loads(i)["event"]["type"] == "terminal"]
        again = sfn.start_execution(stateMachineArn=delivery_arn, name=f"again-{job_id}", input=terminal)
        deadline = time.monotonic() + 10
        while "DeliverCallback" not in jobs.entered_states(again["executionArn"]):
            assert time.monotonic() < deadline
            time.sleep(0.02)

        # Then the recorded outcome still reads delivered (the pending write was refused), and the duplicate
        # delivers again under the same webhook-id, which receivers deduplicate on
        assert callback_record(jobs, job_id)["status"] == "delivered"
        hold.set()
        jobs.wait(again["executionArn"])
    assert callback_record(jobs, job_id) == {"status": "delivered", "attempts": 1, "lastHttpStatus": 204}
    assert [d.headers["webhook-id"] for d in receiver.deliveries] == [f"msg_{job_id}"] * 2
