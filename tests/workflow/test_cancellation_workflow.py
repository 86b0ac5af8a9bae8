"""Cancelling jobs on the real Jobs state machine: nothing a cancelled job computes is ever stored or served."""

import json
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest
from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication

from stepgate_jobs.cancellation import cancel_job, execution_cause
from stepgate_jobs.dynamodb_cancellations import DynamoDBCancellationStore
from stepgate_jobs.sfn_executions import StepFunctionsExecutions
from stepgate_jobs.users import user_id_for_job


def _in_days(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _search() -> dict:
    return {"location": "JFK", "pickupAt": _in_days(1), "dropoffAt": _in_days(3)}


def _cancel(jobs, job_id: str) -> dict:
    """DELETE /jobs/{jobId} as API Gateway's proxy integration invokes the cancel function."""
    event = {"resource": "/jobs/{jobId}", "path": f"/jobs/{job_id}", "httpMethod": "DELETE",
             "pathParameters": {"jobId": job_id}, "headers": {}, "requestContext": {
                 "stage": "v1", "requestId": f"cancel-{job_id}", "resourcePath": "/jobs/{jobId}",
                 "httpMethod": "DELETE"}}
    reply = jobs.client("lambda").invoke(FunctionName=jobs.stack.function("cancel_job").name,
                                         Payload=json.dumps(event).encode())
    return json.loads(reply["Payload"].read())


def _cancel_while_a_worker_runs(jobs, job_id: str):
    """The cancel function's code, called directly: the in-process runtime runs one handler at a time,
    so invoking the cancel Lambda would wait for the busy worker."""
    store = DynamoDBCancellationStore(*(jobs.stack.table_name(t) for t in
                                        ("OffersTable", "LabelsTable", "UsersTable", "JobsTable")))
    return cancel_job(job_id, StepFunctionsExecutions(jobs.state_machine_arn), store, int(time.time()),
                      3600, f"cancel-{job_id}")


def _item(jobs, table_prefix: str, key: dict) -> dict | None:
    return jobs.client("dynamodb").get_item(TableName=jobs.stack.table_name(table_prefix), Key=key,
                                            ConsistentRead=True).get("Item")


class _HeldWorker:
    """The search worker's invocation, held before it returns to the workflow until the test lets it go:
    the job is in flight for as long as the test needs, however busy the machine."""

    def __init__(self, runtime, function_name: str):
        self._runtime, self._function_name = runtime, function_name
        self.computed, self.release, self.returned = threading.Event(), threading.Event(), threading.Event()

    def invoke(self, spec, event):
        invocation = self._runtime.invoke(spec, event)
        if spec.name == self._function_name:
            self.computed.set()
            self.release.wait(timeout=120)  # bounded: a broken test must not hang the session
            self.returned.set()
        return invocation

    def __getattr__(self, name):
        return getattr(self._runtime, name)


def _interpreter_ended(monkeypatch, execution: str) -> threading.Event:
    """Set when moto's interpreter thread for `execution` has run to its end (whatever it did after a stop)."""
    ended, original = threading.Event(), BaseExecutionWorkerCommunication.terminated

    def terminated(self):
        original(self)
        if self.execution.exec_arn == execution:
            ended.set()

    monkeypatch.setattr(BaseExecutionWorkerCommunication, "terminated", terminated)
    return ended


def test_a_search_cancelled_mid_flight_is_aborted_and_never_stores_offers(jobs, monkeypatch):
    # Given a search whose worker has priced the offers but not yet returned them to the workflow
    worker = _HeldWorker(jobs.hook.runtime, jobs.stack.function("search_worker").name)
    monkeypatch.setattr(jobs.hook, "runtime", worker)
    job_id = f"job-{time.monotonic_ns()}"
    execution = jobs.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{job_id}"
    interpreter_ended = _interpreter_ended(monkeypatch, execution)
    assert jobs.start("search", _search(), name=job_id) == execution
    # (the in-process runtime's environment switch is over once the handler has returned)
    assert worker.computed.wait(timeout=60), f"the search worker never ran: {jobs.entered_states(execution)}"

    # When it is cancelled
    record = _cancel_while_a_worker_runs(jobs, job_id)

    # Then the job reads ABORTED as soon as the cancel returns, with the cancel's error and cause
    assert record.error == "JobCancelled" and record.kind == "search"
    described = jobs.client("stepfunctions").describe_execution(executionArn=execution)
    assert described["status"] == "ABORTED"
    assert described["error"] == "JobCancelled" and described["cause"] == execution_cause(record)
    # the cause is the {cause, finishedAt} report the status template reads the finish time from
    assert json.loads(described["cause"]) == {"cause": record.cause, "finishedAt": record.cancelled_at}

    # And after the worker's in-flight invocation has returned and the interpreter has run to its end,
    # no offers were stored: only the tombstone
    worker.release.set()
    assert worker.returned.wait(timeout=60) and interpreter_ended.wait(timeout=60), "the interpreter never ended"
    assert "SaveOffers" not in jobs.entered_states(execution)
    tombstone = _item(jobs, "OffersTable", {"jobId": {"S": job_id}})
    assert "cancelledAt" in tombstone and "offers" not in tombstone
    record = _item(jobs, "JobsTable", {"jobId": {"S": job_id}})
    assert record["status"]["S"] == "ABORTED" and record["error"]["S"] == "JobCancelled"

    # And cancelling it again is a conflict
    assert _cancel(jobs, job_id)["statusCode"] == 409


def test_a_tombstone_written_before_the_result_stops_the_search_in_its_cancelled_state(jobs):
    # Given a search whose cancel has written its tombstone but not yet stopped the execution
    # (written before the start: the in-process runtime switches the process-wide environment while it runs)
    job_id = f"search-{time.monotonic_ns()}"
    jobs.client("dynamodb").put_item(TableName=jobs.stack.table_name("OffersTable"), Item={
        "jobId": {"S": job_id}, "cancelledAt": {"S": "2026-11-22T08:00:00Z"}, "purgeAt": {"N": "2000000000"}})

    # When the search runs and finishes its work
    execution = jobs.start("search", _search(), name=job_id)
    result = jobs.wait(execution)

    # Then its conditional write refuses to replace the tombstone and the job ends as cancelled
    assert result["status"] == "FAILED" and result["error"] == "JobCancelled"
    assert jobs.entered_states(execution)[-4:] == ["SaveOffers", "Cancelled", "FailCancelled", "JobFailed"]
    # with the report the status template reads: when the job ended, as the context object gave it
    report = json.loads(result["cause"])
    assert report["cause"] == "The job was cancelled before it could store its result."
    assert datetime.fromisoformat(report["finishedAt"].replace("Z", "+00:00")) <= datetime.now(timezone.utc)
    assert "offers" not in _item(jobs, "OffersTable", {"jobId": {"S": job_id}})


def test_a_tombstoned_user_is_never_created_and_its_email_stays_free(jobs):
    # Given a create-user job whose user slot already holds a cancel's tombstone
    job_id = f"user-job-{time.monotonic_ns()}"
    jobs.client("dynamodb").put_item(TableName=jobs.stack.table_name("UsersTable"), Item={
        "pk": {"S": f"USER#{user_id_for_job(job_id)}"}, "jobId": {"S": job_id},
        "cancelledAt": {"S": "2026-11-22T08:00:00Z"}, "purgeAt": {"N": "2000000000"}})

    # When the job runs
    result = jobs.run("user", {"name": "Grace", "email": "grace@example.com"}, name=job_id)

    # Then it ends as cancelled (not UserAlreadyExists), without writing the user or claiming the email
    assert result["status"] == "FAILED" and result["error"] == "JobCancelled", result
    assert jobs.entered_states(result["executionArn"])[-4:] == ["CreateUser", "Cancelled", "FailCancelled", "JobFailed"]
    assert _item(jobs, "UsersTable", {"pk": {"S": "EMAIL#grace@example.com"}}) is None


@pytest.mark.parametrize("job_id", ["never-started", "bad:id"])
def test_cancelling_an_unknown_job_is_a_404(jobs, job_id):
    assert _cancel(jobs, job_id)["statusCode"] == 404
