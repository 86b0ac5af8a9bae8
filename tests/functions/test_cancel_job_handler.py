"""cancel_job handler: DELETE /jobs/{jobId} against moto, whose executions stay RUNNING (interpreter off)."""

import json

import boto3
import pytest
from moto.core.config import default_user_config

from cancel_job.app import handler
from stepgate_jobs.users import user_id_for_job

TABLES = {"OFFERS_TABLE_NAME": ("offers", "jobId"), "LABELS_TABLE_NAME": ("labels", "jobId"),
          "USERS_TABLE_NAME": ("users", "pk"), "JOBS_TABLE_NAME": ("jobs", "jobId")}


@pytest.fixture
def jobs(aws, monkeypatch):
    """Start a job of a kind (a RUNNING execution named by its job id) on a moto Jobs state machine."""
    # Interpreter off, whatever an earlier in-process moto server was configured with: executions stay RUNNING.
    monkeypatch.setitem(default_user_config, "stepfunctions", {"execute_state_machine": False})
    dynamodb = boto3.client("dynamodb")
    for variable, (table, key) in TABLES.items():
        monkeypatch.setenv(variable, table)
        dynamodb.create_table(TableName=table, BillingMode="PAY_PER_REQUEST",
                              KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}])
    sfn = boto3.client("stepfunctions")
    arn = sfn.create_state_machine(name="Jobs", roleArn="arn:aws:iam::123456789012:role/jobs", definition=json.dumps(
        {"StartAt": "Work", "States": {"Work": {"Type": "Pass", "End": True}}}))["stateMachineArn"]
    monkeypatch.setenv("JOBS_STATE_MACHINE_ARN", arn)
    monkeypatch.setenv("CANCELLATION_RETENTION_SECONDS", "3600")

    def start(job_id: str, kind: str = "search") -> str:
        return sfn.start_execution(stateMachineArn=arn, name=job_id,
                                   input=json.dumps({"kind": kind, "request": {}}))["executionArn"]

    return start


def cancel(load_event, lambda_context, job_id: str) -> dict:
    event = load_event("cancel_job")
    event["pathParameters"] = {"jobId": job_id}
    return handler(event, lambda_context)


def item(table: str, key: dict) -> dict | None:
    return boto3.client("dynamodb").get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")


def test_a_running_search_is_tombstoned_recorded_and_stopped(jobs, load_event, lambda_context):
    # Given a running search
    execution = jobs("job-1")

    # When it is cancelled
    response = cancel(load_event, lambda_context, "job-1")

    # Then the answer is 202 pointing at the status, the execution is ABORTED,
    # a tombstone holds the offers' place and the cancel is recorded
    assert response["statusCode"] == 202
    body = json.loads(response["body"])
    assert body["status"] == "ABORTED" and response["headers"]["Location"] == body["statusUrl"] == "/v1/jobs/job-1"
    assert response["body"] == json.dumps(body, separators=(",", ":"))  # compact, like template bodies
    assert boto3.client("stepfunctions").describe_execution(executionArn=execution)["status"] == "ABORTED"
    tombstone = item("offers", {"jobId": {"S": "job-1"}})
    assert tombstone["cancelledAt"]["S"] == body["cancelledAt"] and "offers" not in tombstone
    assert int(tombstone["purgeAt"]["N"]) > 0
    record = item("jobs", {"jobId": {"S": "job-1"}})
    assert record["status"]["S"] == "ABORTED" and record["error"]["S"] == "JobCancelled"
    assert "c0ffee00-0000-4000-8000-000000000001" in record["cause"]["S"] and record["kind"]["S"] == "search"


def test_a_running_user_job_tombstones_the_user_it_would_create(jobs, load_event, lambda_context):
    jobs("job-user", kind="user")
    assert cancel(load_event, lambda_context, "job-user")["statusCode"] == 202
    tombstone = item("users", {"pk": {"S": f"USER#{user_id_for_job('job-user')}"}})
    assert tombstone["jobId"]["S"] == "job-user" and "cancelledAt" in tombstone and "email" not in tombstone


def test_a_finished_job_is_a_409_problem(jobs, load_event, lambda_context):
    # Given a job that already ended (here: cancelled once)
    jobs("job-2")
    assert cancel(load_event, lambda_context, "job-2")["statusCode"] == 202

    # When it is cancelled again, the answer is a conflict naming its status
    response = cancel(load_event, lambda_context, "job-2")
    body = json.loads(response["body"])
    assert response["statusCode"] == 409 and response["headers"]["Content-Type"] == "application/problem+json"
    assert body["type"] == "urn:stepgate:problem:conflict" and "ABORTED" in body["detail"]


def test_a_job_whose_result_is_already_stored_is_a_409_and_keeps_running(jobs, load_event, lambda_context):
    # Given a running recognition that has already stored its labels
    execution = jobs("job-3", kind="recognition")
    boto3.client("dynamodb").put_item(TableName="labels", Item={"jobId": {"S": "job-3"}, "result": {"S": "{}"}})

    # When it is cancelled
    response = cancel(load_event, lambda_context, "job-3")

    # Then it is too late: 409, the result is untouched and the execution is not stopped
    assert response["statusCode"] == 409
    assert item("labels", {"jobId": {"S": "job-3"}})["result"]["S"] == "{}"
    assert boto3.client("stepfunctions").describe_execution(executionArn=execution)["status"] == "RUNNING"


@pytest.mark.parametrize("job_id", ["never-started", "Other:job", "x" * 81, "a/b"])
def test_an_unknown_or_malformed_job_is_a_404_problem(jobs, load_event, lambda_context, job_id):
    response = cancel(load_event, lambda_context, job_id)
    assert response["statusCode"] == 404
    problem = json.loads(response["body"])
    # The status endpoint's words, and never the raw id (it may hold NUL bytes or markup)
    assert (problem["type"], problem["detail"]) == ("urn:stepgate:problem:not-found", "No job with this id.")


def test_a_throttled_stop_is_429_with_retry_after_and_a_retry_completes_it(jobs, load_event, lambda_context):
    from localcloud.moto_changes.api_quotas import install_api_quotas, uninstall_api_quotas

    # Given a running user job and Step Functions refusing every StopExecution for rate
    execution = jobs("job-throttled", kind="user")
    install_api_quotas("states:StopExecution=0/0")
    try:
        # When it is cancelled
        response = cancel(load_event, lambda_context, "job-throttled")
    finally:
        uninstall_api_quotas()

    # Then the client is told to come back, not that the server failed
    assert response["statusCode"] == 429
    assert response["headers"]["Retry-After"] == "2"
    assert json.loads(response["body"])["type"] == "urn:stepgate:problem:throttled"
    # And the retry, once Step Functions has capacity, finds its own tombstone and completes the cancel
    assert cancel(load_event, lambda_context, "job-throttled")["statusCode"] == 202
    assert boto3.client("stepfunctions").describe_execution(executionArn=execution)["status"] == "ABORTED"
