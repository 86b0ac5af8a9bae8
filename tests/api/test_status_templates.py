"""GET /jobs/{jobId}: DescribeExecution turned into the job status document.

Times are never computed here: they are ISO strings the workflow recorded (the output's finishedAt and
expiresAt, or the {cause, finishedAt} report a failure's cause carries); DescribeExecution's epoch
startDate/stopDate are ignored.
"""

import json

import pytest

from stepgate_jobs.callbacks import job_error
from stepgate_jobs.cancellation import CancellationRecord, execution_cause
from stepgate_jobs.job_problems import JOB_PROBLEM_TYPES, job_problem
from tests.api.api_spec import PLACEHOLDER_VALUES, integration
from tests.api.templates import render_request, render_response

EVENTS_URL = PLACEHOLDER_VALUES["EventsUrl"]

PATH = "/jobs/{jobId}"
FINISHED_AT = "2026-11-22T07:56:40.123Z"  # $$.State.EnteredTime's format


def describe(status: str, kind: str = "search", request: dict | None = None, **fields) -> dict:
    execution_input = {"kind": kind, "submittedAt": "2026-11-22T07:56:35Z", "submittedEpoch": 1795334195,
                       "request": request or {}}
    # startDate/stopDate are epoch numbers on the wire: present, and deliberately unused by the template.
    return {"executionArn": "arn", "name": "job-1", "status": status, "startDate": 1795334195.1,
            "input": json.dumps(execution_input), **fields}


def status_of(description: dict):
    result = render_response(PATH, "get", "default", description)
    return result, json.loads(result.output)


def lambda_cause(error_type: str, message: str) -> str:
    return json.dumps({"errorMessage": message, "errorType": error_type, "requestId": "r",
                       "stackTrace": ["  File \"app.py\", line 1\n"]})


def report(cause: str, **extra) -> str:
    """The cause the Jobs workflow's ReportFailure state writes."""
    return json.dumps({"cause": cause, "finishedAt": FINISHED_AT, **extra}, separators=(",", ":"))


def test_a_valid_job_id_addresses_only_the_jobs_state_machine():
    request = json.loads(render_request(PATH, "get", path_params={"jobId": "job-1"}).output)
    assert request == {"executionArn": "arn:aws:states:us-east-1:123456789012:execution:Jobs:job-1"}


@pytest.mark.parametrize("job_id", ["Other:job-1", "a/b", "x" * 81, "", "job'1"])
def test_a_malformed_job_id_becomes_an_invalid_arn(job_id):
    request = json.loads(render_request(PATH, "get", path_params={"jobId": job_id}).output)
    assert request["executionArn"].endswith(":execution:Jobs:")


def test_running_is_200_with_retry_after():
    result, document = status_of(describe("RUNNING", stopDate=None))
    # A search 0 s old (describe() was submitted at the request's second): the fresh tier, its supplier's latency
    assert result.status_override is None and result.header_overrides == {"Retry-After": "7"}
    assert document == {"jobId": "job-1", "kind": "search", "status": "RUNNING",
                        "submittedAt": "2026-11-22T07:56:35Z", "finishedAt": None, "eventsUrl": EVENTS_URL}


@pytest.mark.parametrize("kind, output, result_url, result_expires_at", [
    ("search", {"jobId": "job-1", "kind": "search", "offerCount": 3, "expiresAt": "2026-11-22T08:26:40Z",
                "finishedAt": FINISHED_AT}, "/v1/searches/job-1/offers", "2026-11-22T08:26:40Z"),
    ("recognition", {"jobId": "job-1", "kind": "recognition", "labelCount": 2, "expiresAt": "2033-05-18T03:33:20Z",
                     "finishedAt": FINISHED_AT}, "/v1/recognitions/job-1/labels", "2033-05-18T03:33:20Z"),
    ("user", {"jobId": "job-1", "kind": "user", "userId": "u-42", "finishedAt": FINISHED_AT}, "/v1/users/u-42", None),
])
def test_succeeded_is_a_303_to_the_result_saying_until_when_it_is_kept(kind, output, result_url, result_expires_at):
    # Given a finished job whose output carries when it finished and its result's expiry (users are kept: none)
    # When its status is read
    result, document = status_of(describe("SUCCEEDED", kind, stopDate=1795334299.5, output=json.dumps(output)))

    # Then it redirects to the result and says, as recorded, when it finished and until when the result is kept
    assert result.status_override == 303
    assert result.header_overrides["Location"] == result_url
    assert document["resultUrl"] == result_url and document["finishedAt"] == FINISHED_AT
    assert document["resultExpiresAt"] == result_expires_at
    assert "error" not in document


def test_the_workflows_output_keeps_finished_at_under_finish_and_older_flat_outputs_still_read():
    # The Jobs workflow ends in a Task (StartDelivery), which cannot merge: finishedAt sits under `finish`
    nested = {"jobId": "job-1", "kind": "user", "userId": "u-42", "finish": {"finishedAt": FINISHED_AT}}
    _, document = status_of(describe("SUCCEEDED", "user", stopDate=1795334299.5, output=json.dumps(nested)))
    assert document["finishedAt"] == FINISHED_AT and document["resultUrl"] == "/v1/users/u-42"


@pytest.mark.parametrize("description", [
    describe("RUNNING", "user", {"callbackUrl": "https://hooks.example.com/x"}, stopDate=None),
    describe("SUCCEEDED", "user", {"callbackUrl": "https://hooks.example.com/x"},
             output=json.dumps({"jobId": "job-1", "kind": "user", "userId": "u 1", "finishedAt": FINISHED_AT})),
    describe("FAILED", "user", {"callbackUrl": "https://hooks.example.com/x"}, error="UserAlreadyExists",
             cause=report(lambda_cause("UserAlreadyExists", "email: already registered"))),
])
def test_a_job_with_a_callback_links_its_outcome_resource_whatever_its_status(description):
    # The outcome is delivered apart from the job (the Delivery workflow): the status only links it
    _, document = status_of(description)
    assert document["callback"] == {"statusUrl": "/v1/jobs/job-1/callback"}


def test_a_job_without_a_callback_has_no_callback_link():
    _, document = status_of(describe("RUNNING", stopDate=None))
    assert "callback" not in document


def test_a_validation_failure_names_the_field():
    cause = report(lambda_cause("ValidationError", "dropoffAt: must be after pickupAt (it's \"earlier\")"))
    result, document = status_of(describe("FAILED", error="ValidationError", cause=cause))
    assert result.status_override is None
    assert document["status"] == "FAILED" and document["finishedAt"] == FINISHED_AT
    assert document["error"] == {
        "type": "urn:stepgate:problem:validation-error", "title": "ValidationError", "status": 422,
        "detail": "dropoffAt: must be after pickupAt (it's \"earlier\")", "field": "dropoffAt",
    }


def test_a_taken_email_is_a_conflict_on_the_email_field():
    cause = report(lambda_cause("UserAlreadyExists", "email: already registered"))
    _, document = status_of(describe("FAILED", "user", error="UserAlreadyExists", cause=cause))
    assert document["error"]["type"] == "urn:stepgate:problem:user-already-exists"
    assert (document["error"]["status"], document["error"]["field"]) == (409, "email")


@pytest.mark.parametrize("error, slug, status", [
    ("ImageUnreadable", "image-unreadable", 422), ("SupplierUnavailable", "supplier-unavailable", 503),
    ("RekognitionThrottled", "rekognition-throttled", 503), ("UnknownJobKind", "unknown-job-kind", 422),
])
def test_each_workflow_error_has_its_problem_type(error, slug, status):
    _, document = status_of(describe("FAILED", error=error, cause=report(lambda_cause(error, "image: no"))))
    assert (document["error"]["type"], document["error"]["title"]) == (f"urn:stepgate:problem:{slug}", error)
    assert document["error"]["status"] == status


def test_a_failure_report_reads_its_finish_time_and_cause():
    cause = report(lambda_cause("ValidationError", "location: unknown"))
    _, document = status_of(describe("FAILED", error="ValidationError", cause=cause))
    assert document["error"]["field"] == "location" and document["finishedAt"] == FINISHED_AT


@pytest.mark.parametrize("error", ["States.TaskFailed", "KeyError"])
def test_other_errors_are_job_failed_with_the_cause_as_detail(error):
    _, document = status_of(describe("FAILED", error=error, cause=report("DynamoDB said: no")))
    assert document["error"] == {"type": "urn:stepgate:problem:job-failed", "title": "Job failed",
                                 "status": 500, "detail": "DynamoDB said: no"}


def test_a_failure_without_a_report_has_no_finish_time():
    # Given a run that failed outside the workflow's Catch (a States.Runtime error): a plain-text cause
    _, document = status_of(describe("FAILED", stopDate=1795334200, error="States.Runtime", cause="bad path: x"))

    # Then nothing recorded when it ended, and the status says so rather than computing it
    assert document["finishedAt"] is None and document["error"]["detail"] == "bad path: x"


def test_a_timed_out_job_has_an_error_and_no_finish_time():
    # Step Functions' TimeoutSeconds ends the run without running any state: nothing records the time.
    result, document = status_of(describe("TIMED_OUT", stopDate=1795334200))
    assert result.status_override is None and document["finishedAt"] is None
    assert document["error"] == {"type": "urn:stepgate:problem:job-timed-out", "title": "Job timed out",
                                 "status": 504, "detail": "The job did not finish within its time limit."}


def test_a_cancelled_job_finished_when_the_cancel_says():
    # Given an execution stopped by the cancel Lambda, with the cause it writes
    record = CancellationRecord("job-1", "search", "JobCancelled", "Cancelled by the client (request r-1).",
                                "2026-11-22T07:57:00Z", 0)
    description = describe("ABORTED", stopDate=1795334299, error="JobCancelled", cause=execution_cause(record))

    # When its status is read
    result, document = status_of(description)

    # Then it is ABORTED at the cancel's time, with the cancel's words as the detail
    assert result.status_override is None and document["finishedAt"] == "2026-11-22T07:57:00Z"
    assert document["error"] == {"type": "urn:stepgate:problem:job-cancelled", "title": "Job cancelled",
                                 "status": 409, "detail": "Cancelled by the client (request r-1)."}


def test_an_aborted_job_without_a_cause_still_explains_itself():
    _, document = status_of(describe("ABORTED"))
    assert document["finishedAt"] is None
    assert document["error"]["detail"] == "The job was cancelled before it finished."


@pytest.mark.parametrize("error_type", ["ExecutionDoesNotExist", "InvalidArn"])
def test_an_unknown_job_is_a_404_problem(error_type):
    result = render_response(PATH, "get", "400", {"__type": error_type, "message": "no"})
    assert result.status_override is None  # the integration response's 404
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:not-found"


def test_another_400_from_step_functions_is_an_integration_failure():
    result = render_response(PATH, "get", "400", {"__type": "AccessDeniedException", "message": "no"})
    assert result.status_override == 500
    assert json.loads(result.output)["type"] == "urn:stepgate:problem:integration-failure"


def test_a_job_cancelled_before_storing_its_result_reads_as_aborted():
    # Given an execution that ended in the ASL's Cancelled state (the tombstone beat StopExecution)
    description = describe("FAILED", error="JobCancelled",
                           cause=report("The job was cancelled before it could store its result."))

    # When its status is read
    result, document = status_of(description)

    # Then it reads as the cancel it was: ABORTED with the job-cancelled problem, no result URL
    assert result.status_override is None
    assert document["status"] == "ABORTED" and "resultUrl" not in document
    assert document["error"]["type"] == "urn:stepgate:problem:job-cancelled" and document["error"]["status"] == 409
    assert document["finishedAt"] == FINISHED_AT


STATUS_DESCRIPTIONS = {
    "running": describe("RUNNING"),
    "succeeded": describe("SUCCEEDED", output=json.dumps({"jobId": "job-1", "finishedAt": FINISHED_AT})),
    "failed": describe("FAILED", error="ValidationError", cause=report(lambda_cause("ValidationError", "x: y"))),
    "timed-out": describe("TIMED_OUT"),
    "aborted": describe("ABORTED", cause=report("Cancelled.")),
}


@pytest.mark.parametrize("description", STATUS_DESCRIPTIONS.values(), ids=STATUS_DESCRIPTIONS.keys())
def test_every_status_body_is_exactly_the_json_document(description):
    # 3b: nothing before or after the JSON, whatever the renderer does with directive-only lines
    output = render_response(PATH, "get", "default", description).output
    assert output.startswith("{") and output.endswith("}")
    json.loads(output)


def _parsed_map(template: str, name: str) -> dict:
    """The JSON a `#set($name = $util.parseJson('{...}'))` line of the template parses."""
    prefix = f"#set(${name} = $util.parseJson('"
    line = next(line for line in template.splitlines() if line.startswith(prefix))
    return json.loads(line[len(prefix):line.rindex("')")])


def test_the_status_template_and_the_callbacks_name_errors_alike():
    # One table, two readers: the status template's map literals and job_problems.py (callbacks) agree
    template = integration(PATH, "get")["responses"]["default"]["responseTemplates"]["application/json"]
    slugs, statuses = _parsed_map(template, "slugs"), _parsed_map(template, "statuses")
    assert {error: (slugs[error], int(statuses[error])) for error in slugs} == JOB_PROBLEM_TYPES
    for error in [*JOB_PROBLEM_TYPES, "States.TaskFailed", "KeyError"]:
        _, document = status_of(describe("FAILED", error=error, cause=report("x: y")))
        slug, title, status = job_problem(error)
        assert document["error"]["type"] == job_error(error, "x: y")["type"] == f"urn:stepgate:problem:{slug}"
        assert document["error"]["title"] == job_error(error, "x: y")["title"] == title
        assert document["error"]["status"] == status
    # And the whole problem of a field-bearing failure is the terminal event's (COMMON D1: same fields and values)
    for error in ["ValidationError", "UserAlreadyExists", "SupplierUnavailable", "States.Timeout"]:
        cause = lambda_cause(error, "email: is taken")
        _, document = status_of(describe("FAILED", error=error, cause=report(cause)))
        assert document["error"] == job_error(error, cause)
