"""The JSON the console serves for real jobs: the real jobs.asl.json run by moto with the real handlers."""

import json
from datetime import datetime, timedelta, timezone

import boto3
import pytest
from botocore.stub import Stubber
from werkzeug.test import Client

from localcloud.console import ConsoleApp, ExecutionsReader
from localcloud.moto_changes.lambda_hook import ServiceFault
from localcloud.provisioning import PROJECT_ROOT
from localcloud.provisioning.in_process import local_jobs

STATES = json.loads((PROJECT_ROOT / "statemachine" / "jobs.asl.json").read_text())["States"]


@pytest.fixture(scope="module")
def jobs(assembly):
    with local_jobs(assembly, wait_time_scale=0.0) as local:
        yield local


@pytest.fixture
def console(jobs, tmp_path) -> Client:
    (tmp_path / "logs").mkdir()
    app = ConsoleApp(ExecutionsReader(jobs.client("stepfunctions")), jobs.state_machine_arn,
                     "http://127.0.0.1:9/v1", "unused-key", tmp_path / "logs", PROJECT_ROOT)
    return Client(app)


def _search(pickup_days=1, dropoff_days=3) -> dict:
    def day(n):
        return (datetime.now(timezone.utc) + timedelta(days=n)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"location": "JFK", "pickupAt": day(pickup_days), "dropoffAt": day(dropoff_days)}


def _page(console, job_id: str) -> dict:
    response = console.get(f"/_console/api/jobs/{job_id}")
    assert response.status_code == 200, response.text
    return response.json


def _statuses(page: dict) -> dict[str, str]:
    return {name: outcome["status"] for name, outcome in page["states"].items()}


def test_a_search_retried_twice_shows_the_retries_and_the_path_it_took(jobs, console):
    # Given the Lambda service throttles the search worker twice
    jobs.hook.inject_fault(jobs.stack.function("search_worker").name, ServiceFault(times=2))
    execution = jobs.start("search", _search())
    jobs.wait(execution)

    # When the console opens the job
    page = _page(console, execution.rsplit(":", 1)[1])

    # Then the path taken succeeded, SearchOffers after two retries, and the other kinds' states were not reached
    statuses = _statuses(page)
    assert page["execution"]["status"] == "SUCCEEDED"
    for name in ["ValidateJob", "AnnounceWorking", "RouteByKind", "SearchOffers", "SaveOffers", "StartDelivery"]:
        assert statuses[name] == "succeeded", name
    assert page["states"]["SearchOffers"]["retries"] == 2
    assert page["states"]["SaveOffers"]["retries"] == 0
    for name in ["DetectLabels", "CreateUser", "RecordFailure", "JobFailed"]:
        assert statuses[name] == "not-reached", name
    assert set(page["states"]) == set(STATES)
    # Each state's input and output are the history's: SearchOffers' output holds the priced offers
    assert json.loads(page["states"]["SearchOffers"]["output"])["work"]["summary"]["offerCount"] > 0
    assert page["execution"]["stateTransitions"] == 6


def test_a_rejected_search_shows_the_caught_error_and_the_failure_path(jobs, console):
    # Given a search whose drop-off is before its pick-up (ValidateJob raises ValidationError, caught)
    execution = jobs.start("search", _search(pickup_days=3, dropoff_days=1))
    jobs.wait(execution)

    page = _page(console, execution.rsplit(":", 1)[1])

    statuses = _statuses(page)
    assert page["execution"]["status"] == "FAILED" and page["execution"]["error"] == "ValidationError"
    assert statuses["ValidateJob"] == "caught"
    assert page["states"]["ValidateJob"]["error"] == "ValidationError"
    assert "dropoffAt" in page["states"]["ValidateJob"]["cause"]
    assert statuses["RouteByKind"] == statuses["SearchOffers"] == "not-reached"
    assert statuses["NoteFailureTime"] == statuses["RecordFailure"] == "succeeded"
    assert statuses["JobFailed"] == "failed"
    # The whole history is served, oldest first
    assert [e["type"] for e in page["events"]][:2] == ["ExecutionStarted", "TaskStateEntered"]
    assert page["events"][-1]["type"] == "ExecutionFailed"


def test_executions_are_listed_newest_first_and_filtered_by_status(jobs, console):
    first = jobs.start("search", _search())
    jobs.wait(first)
    second = jobs.start("search", _search(pickup_days=3, dropoff_days=1))
    jobs.wait(second)

    listed = console.get("/_console/api/executions?limit=1000").json["executions"]
    names = [e["name"] for e in listed]
    assert names.index(second.rsplit(":", 1)[1]) < names.index(first.rsplit(":", 1)[1])
    failed = console.get("/_console/api/executions?status=FAILED&limit=1000").json["executions"]
    assert second.rsplit(":", 1)[1] in [e["name"] for e in failed]
    assert {e["status"] for e in failed} == {"FAILED"}


def test_the_graph_is_drawn_from_the_definition(console, jobs):
    execution = jobs.start("search", _search())
    jobs.wait(execution)
    graph = _page(console, execution.rsplit(":", 1)[1])["graph"]

    ids = {node["id"] for node in graph["nodes"]}
    assert ids == set(STATES) | {"__start__", "__end__"}
    edges = {(e["source"], e["target"], e["kind"]) for e in graph["edges"]}
    assert ("__start__", "ValidateJob", "next") in edges
    assert ("ValidateJob", "NoteFailureTime", "catch") in edges
    assert ("SaveOffers", "Cancelled", "catch") in edges
    assert ("JobFailed", "__end__", "next") in edges
    assert ("StartDelivery", "__end__", "next") in edges
    route = {e["label"]: e["target"] for e in graph["edges"] if e["source"] == "RouteByKind"}
    assert route == {'$.kind == "search"': "SearchOffers", '$.kind == "recognition"': "DetectLabels",
                     '$.kind == "user"': "CreateUser", "Default": "UnknownKind"}
    assert all(e["target"] in ids and e["source"] in ids for e in graph["edges"])


@pytest.mark.parametrize(("path", "status", "field"), [
    ("/_console/api/executions?status=DONE", 400, "status"),
    ("/_console/api/executions?limit=0", 400, "limit"),
    ("/_console/api/execution?arn=nonsense", 400, "arn"),
    ("/_console/api/jobs/no-such-job", 404, None),
    ("/_console/api/jobs/" + "x" * 81, 404, None),
])
def test_bad_requests_are_problems_naming_the_parameter(console, path, status, field):
    response = console.get(path)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json.get("field") == field and response.json["detail"]


def test_a_job_page_carries_its_lambda_log_file(jobs, console, tmp_path):
    execution = jobs.start("search", _search())
    jobs.wait(execution)
    job_id = execution.rsplit(":", 1)[1]
    (tmp_path / "logs" / f"{job_id}.log").write_text("--- search_worker request=r1 errored=False\npriced 6 offers\n")

    job = _page(console, job_id)["job"]

    assert job["jobId"] == job_id and "priced 6 offers" in job["logs"]["text"]
    # Nothing listens on the API URL given here: the status document says so instead of failing the page
    assert "failed" in job["statusDocument"]["error"]


def test_the_page_and_its_libraries_are_served_locally(console):
    page = console.get("/_console/jobs/some-job")
    assert page.status_code == 200 and "/_console/vendor/cytoscape.min.js" in page.text
    assert console.get("/_console/static/console.js").status_code == 200
    assert console.get("/_console/static/../app.py").status_code == 404
    assert console.get("/_console/vendor/other.js").status_code == 404


def test_a_throttled_step_functions_call_is_a_502_problem_saying_so(jobs, tmp_path):
    # Given Step Functions throttles ListExecutions (as LOCALCLOUD_AWS_QUOTAS may make it)
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    stubber = Stubber(sfn)
    stubber.add_client_error("list_executions", service_error_code="ThrottlingException",
                             service_message="Rate exceeded", http_status_code=400)
    console = Client(ConsoleApp(ExecutionsReader(sfn), jobs.state_machine_arn, "http://127.0.0.1:9/v1", "k",
                                tmp_path, PROJECT_ROOT))

    with stubber:
        response = console.get("/_console/api/executions")

    assert response.status_code == 502 and response.headers["Content-Type"] == "application/problem+json"
    assert response.json["detail"] == "Step Functions answered ThrottlingException: Rate exceeded"
