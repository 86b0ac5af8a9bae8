"""The real admission.asl.json (EXPRESS, run synchronously) in front of the real Jobs state machine."""

import hashlib
import json
import re
import uuid

import pytest
from moto.core.exceptions import AWSError
from moto.stepfunctions.parser.models import StepFunctionsParserBackend


def _user(**overrides) -> dict:
    return {"name": "Ada", "email": f"ada-{uuid.uuid4().hex[:12]}@example.com", **overrides}


def _admitted(response: dict) -> dict:
    assert response["status"] == "SUCCEEDED", response
    return json.loads(response["output"])


def _refused(response: dict) -> tuple[str, str]:
    assert response["status"] == "FAILED", response
    return response["error"], response["cause"]


def _jobs_started(jobs) -> set[str]:
    executions = jobs.client("stepfunctions").list_executions(stateMachineArn=jobs.state_machine_arn)["executions"]
    return {execution["name"] for execution in executions}


def _claim(jobs, job_id: str) -> dict | None:
    table = jobs.stack.table_name("IdempotencyTable")
    return jobs.client("dynamodb").get_item(TableName=table, Key={"pk": {"S": job_id}}, ConsistentRead=True).get("Item")


def test_without_a_key_the_request_id_is_the_job_id(jobs):
    # Given a POST without Idempotency-Key
    request = _user()
    # When it is admitted
    admitted = _admitted(jobs.admit("user", request, request_id="req-plain-1"))
    # Then the job runs under the request id, with the job input unchanged
    assert admitted == {"jobId": "req-plain-1", "status": "RUNNING", "replayed": False}
    job = jobs.wait(jobs.job_arn("req-plain-1"))
    assert job["status"] == "SUCCEEDED", job
    assert json.loads(job["input"])["request"] == request


def test_a_key_names_the_job_by_caller_kind_and_key(jobs):
    admitted = _admitted(jobs.admit("user", _user(), idempotency_key="order-1", api_key_id="caller0001"))
    # Deterministic, within Step Functions' 80-character names, and the shape the status URL accepts.
    expected = "k-" + hashlib.sha256(b"caller0001|user|order-1").hexdigest()
    assert admitted == {"jobId": expected, "status": "RUNNING", "replayed": False}
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,80}", expected)
    claim = _claim(jobs, expected)
    assert int(claim["expiresAt"]["N"]) - int(json.loads(claim["jobInput"]["S"])["submittedEpoch"]) == 24 * 3600


def test_the_same_key_and_body_returns_the_same_job_while_running_and_after_it_finished(jobs):
    # Given a job admitted with a key
    request = _user()
    first = _admitted(jobs.admit("user", request, idempotency_key="retry-me"))

    # When the same POST is replayed at once, and again once the job has finished
    again = _admitted(jobs.admit("user", request, idempotency_key="retry-me"))
    finished = jobs.wait(jobs.job_arn(first["jobId"]))
    late = _admitted(jobs.admit("user", request, idempotency_key="retry-me"))

    # Then each replay names the same job, with its current status, and only one job ever ran
    assert finished["status"] == "SUCCEEDED", finished
    assert again["jobId"] == late["jobId"] == first["jobId"]
    assert again["replayed"] is late["replayed"] is True
    assert late["status"] == "SUCCEEDED"
    executions = jobs.client("stepfunctions").list_executions(stateMachineArn=jobs.state_machine_arn)["executions"]
    assert [e["name"] for e in executions].count(first["jobId"]) == 1


def test_the_same_key_with_another_body_is_refused_and_starts_nothing(jobs):
    first = _admitted(jobs.admit("user", _user(name="Ada"), idempotency_key="shared"))
    before = _jobs_started(jobs)

    error, cause = _refused(jobs.admit("user", _user(name="Grace"), idempotency_key="shared"))

    assert error == "Stepgate.IdempotencyKeyReused"
    assert cause.startswith("Idempotency-Key:")
    assert _jobs_started(jobs) == before
    assert _claim(jobs, first["jobId"]) is not None  # the owner keeps its key


@pytest.mark.parametrize("other", [{"kind": "search"}, {"api_key_id": "caller0002"}])
def test_another_caller_or_kind_never_collides_with_a_key(jobs, other):
    kind = other.get("kind", "user")
    request = _user() if kind == "user" else {"location": "JFK", "pickupAt": "2027-01-02T10:00:00Z",
                                              "dropoffAt": "2027-01-03T10:00:00Z"}
    key = f"common-{uuid.uuid4().hex[:8]}"
    mine = _admitted(jobs.admit("user", _user(), idempotency_key=key))
    theirs = _admitted(jobs.admit(kind, request, idempotency_key=key,
                                  api_key_id=other.get("api_key_id", "apikey0001")))
    assert theirs["jobId"] != mine["jobId"] and theirs["replayed"] is False


def test_a_malformed_key_is_refused_before_anything_is_written(jobs):
    before = _jobs_started(jobs)
    error, cause = _refused(jobs.admit("user", _user(), malformed_key=True))
    assert error == "Stepgate.IdempotencyKeyMalformed"
    assert "1-128 characters" in cause
    assert _jobs_started(jobs) == before


def test_an_expired_key_cannot_start_a_second_job_and_is_released(jobs):
    # Given a key whose record has expired (Step Functions still holds the job's name for 90 days)
    request = _user()
    first = _admitted(jobs.admit("user", request, idempotency_key="old-key"))
    table = jobs.stack.table_name("IdempotencyTable")
    jobs.client("dynamodb").update_item(TableName=table, Key={"pk": {"S": first["jobId"]}},
                                        UpdateExpression="SET expiresAt = :past",
                                        ExpressionAttributeValues={":past": {"N": "1"}})

    # When the key is used again
    error, _ = _refused(jobs.admit("user", _user(), idempotency_key="old-key"))

    # Then it is refused as expired, and the record taken over for the attempt is released again
    assert error == "Stepgate.IdempotencyKeyExpired"
    assert _claim(jobs, first["jobId"]) is None


def test_a_claimed_key_whose_job_never_started_is_started_by_the_replay(jobs):
    # Given a claim whose owner failed to start the job (e.g. throttled after the put)
    request = _user()
    job_id = "k-" + hashlib.sha256(b"apikey0001|user|orphan").hexdigest()
    job_input = {"kind": "user", "submittedAt": "2026-11-22T10:00:00Z", "submittedEpoch": 1795341600,
                 "request": request}
    body_hash = hashlib.sha256(json.dumps(request, separators=(",", ":")).encode()).hexdigest()
    jobs.client("dynamodb").put_item(TableName=jobs.stack.table_name("IdempotencyTable"), Item={
        "pk": {"S": job_id}, "bodyHash": {"S": body_hash}, "jobInput": {"S": json.dumps(job_input)},
        "createdAt": {"S": "2026-11-22T10:00:00Z"}, "expiresAt": {"N": "4102444800"}})

    # When the client retries with the same key and body
    admitted = _admitted(jobs.admit("user", request, idempotency_key="orphan"))

    # Then the job starts now, with the input the owner stored
    assert admitted == {"jobId": job_id, "status": "RUNNING", "replayed": True}
    job = jobs.wait(jobs.job_arn(job_id))
    assert job["status"] == "SUCCEEDED", job
    assert json.loads(job["input"]) == job_input


class ExecutionLimitExceeded(AWSError):
    TYPE = "ExecutionLimitExceeded"
    STATUS = 400


def test_a_job_that_could_not_start_releases_its_key_for_the_retry(jobs, monkeypatch):
    # Given Step Functions refusing the next start (too many running executions)
    original = StepFunctionsParserBackend.start_execution
    refusals = []

    def refuse_once(self, state_machine_arn, *args, **kwargs):
        # Only a start of a job: jobs still finishing from earlier tests start Delivery runs meanwhile.
        if not refusals and state_machine_arn == jobs.state_machine_arn:
            refusals.append(args)
            raise ExecutionLimitExceeded("Maximum number of running executions reached")
        return original(self, state_machine_arn, *args, **kwargs)

    monkeypatch.setattr(StepFunctionsParserBackend, "start_execution", refuse_once)
    request = _user()

    # When a keyed POST is admitted, and then retried with the same key and body
    error, cause = _refused(jobs.admit("user", request, idempotency_key="busy-then-free"))
    job_id = "k-" + hashlib.sha256(b"apikey0001|user|busy-then-free").hexdigest()
    released = _claim(jobs, job_id)
    retried = _admitted(jobs.admit("user", request, idempotency_key="busy-then-free"))

    # Then the first is told to come back (429 in the API), nothing holds the key, and the retry starts the job
    assert error == "Stepgate.TooManyJobs" and "Maximum number of running executions" in cause
    assert released is None
    assert retried == {"jobId": job_id, "status": "RUNNING", "replayed": False}
    assert jobs.wait(jobs.job_arn(job_id))["status"] == "SUCCEEDED"
