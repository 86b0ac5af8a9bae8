"""Failures asked for over HTTP: LOCALCLOUD_FAULTS (transient, at a rate, retried by the ASL) and
LOCALCLOUD_JOBS_TEST_CASE (a Step Functions Local mock test case applied to API jobs)."""

import json
import os
import time

import boto3
import pytest
import requests

from localcloud.moto_changes.stepfunctions.faults import FaultSpecError, check_against_definition, parse_faults
from tests.local_cloud_process import ROOT, free_port, running_local_cloud

KEY = "faults-key"
SEARCH = {"location": "JFK", "pickupAt": "2030-01-01T10:00:00Z", "dropoffAt": "2030-01-03T10:00:00Z"}
JOBS_ASL = (ROOT / "statemachine" / "jobs.asl.json").read_text()


def test_a_fault_spec_names_task_states_rates_and_optional_errors():
    plan = parse_faults("SearchOffers:0.3, SaveOffers:1:DynamoDB.ThrottlingException", seed="7")
    check_against_definition(plan, JOBS_ASL)

    assert plan.faults["SearchOffers"].rate == 0.3 and plan.faults["SearchOffers"].error is None
    assert plan.faults["SaveOffers"].error == "DynamoDB.ThrottlingException"
    # the same (seed, job, state, attempt) always draws the same; rate 1 always fails, rate 0 never
    assert plan.fails("job-1", "SearchOffers", 0) == parse_faults("SearchOffers:0.3", seed="7").fails("job-1", "SearchOffers", 0)
    assert all(plan.fails(f"job-{n}", "SaveOffers", 0) for n in range(20))
    assert not any(parse_faults("SearchOffers:0", seed="7").fails(f"job-{n}", "SearchOffers", 0) for n in range(20))
    for bad in ("SearchOffers", "SearchOffers:lots", "SearchOffers:1.5", ":0.1"):
        with pytest.raises(FaultSpecError):
            parse_faults(bad)
    with pytest.raises(FaultSpecError, match="not a Task state.*SearchOffers"):
        check_against_definition(parse_faults("Succeeded:0.5"), JOBS_ASL)


def _cloud_env(**extra: str) -> tuple[dict[str, str], int, int]:
    api_port, aws_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(api_port), "AWS_PORT": str(aws_port), "WS_PORT": str(free_port()), "STEPGATE_API_KEY": KEY,
           "SFN_WAIT_TIME_SCALE": "0.01", **extra}
    env.pop("LOCALCLOUD_STATE", None)
    return env, api_port, aws_port


def _finished(api_port: int, status_url: str) -> requests.Response:
    deadline = time.monotonic() + 60
    while (status := requests.get(f"http://127.0.0.1:{api_port}{status_url}", headers={"x-api-key": KEY},
                                  allow_redirects=False, timeout=30)).status_code == 200 \
            and status.json()["status"] == "RUNNING":
        assert time.monotonic() < deadline, status.text
        time.sleep(0.05)
    return status


def _history(aws_port: int, job_id: str) -> list[dict]:
    sfn = boto3.client("stepfunctions", endpoint_url=f"http://127.0.0.1:{aws_port}", region_name="us-east-1",
                       aws_access_key_id="local", aws_secret_access_key="local")
    machine = next(m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"] if "Jobs" in m["name"])
    arn = machine.replace(":stateMachine:", ":execution:") + f":{job_id}"
    return sfn.get_execution_history(executionArn=arn, maxResults=1000)["events"]


def _attempts(history: list[dict], state: str) -> list[str]:
    """Each attempt's outcome inside `state`: the event that ended it (TaskFailed with its error, or TaskSucceeded)."""
    inside, outcomes = False, []
    for event in history:
        if "stateEnteredEventDetails" in event:
            inside = event["stateEnteredEventDetails"]["name"] == state
        elif inside and event["type"] == "TaskFailed":
            outcomes.append(event["taskFailedEventDetails"]["error"])
            assert "Injected by LOCALCLOUD_FAULTS" in event["taskFailedEventDetails"]["cause"]
        elif inside and event["type"] == "TaskSucceeded":
            outcomes.append("succeeded")
    return outcomes


@pytest.mark.e2e  # a local cloud over HTTP
def test_faults_asked_for_at_start_are_retried_to_success_with_the_real_workers_output(tmp_path):
    # Given a local cloud failing half of ValidateJob's and SearchOffers' attempts (seeded: these jobs replay alike)
    env, api_port, aws_port = _cloud_env(LOCALCLOUD_FAULTS="ValidateJob:0.5,SearchOffers:0.5",
                                         LOCALCLOUD_FAULTS_SEED="stepgate")
    with running_local_cloud(env, tmp_path / "run.log") as banner:
        assert "Faults       ValidateJob 0.5, SearchOffers 0.5 (seed stepgate)" in banner
        # When searches are submitted through the API (named by Idempotency-Key, so the draws are the same each run)
        status_urls = []
        for n in range(4):
            accepted = requests.post(f"http://127.0.0.1:{api_port}/v1/searches", json=SEARCH, timeout=30,
                                     headers={"x-api-key": KEY, "Idempotency-Key": f"faults-{n}"})
            assert accepted.status_code == 202, accepted.text
            status_urls.append(accepted.json()["statusUrl"])
        finished = [_finished(api_port, url) for url in status_urls]

        # Then every job succeeded and serves the real worker's offers
        assert [status.status_code for status in finished] == [303] * 4, [s.text for s in finished]
        for status in finished:
            offers = requests.get(f"http://127.0.0.1:{api_port}{status.headers['Location']}",
                                  headers={"x-api-key": KEY}, timeout=30).json()
            assert offers["offers"] and {"supplier", "totalPrice", "currency"} <= set(offers["offers"][0])
        # and the histories show the injected failures, each retried until an attempt ran the real task
        attempts = {(status.json()["jobId"], state): _attempts(_history(aws_port, status.json()["jobId"]), state)
                    for status in finished for state in ("ValidateJob", "SearchOffers")}
        assert all(outcomes[-1] == "succeeded" and set(outcomes[:-1]) <= {"Lambda.ServiceException"}
                   for outcomes in attempts.values()), attempts
        assert sum(len(outcomes) - 1 for outcomes in attempts.values()) >= 2, attempts


@pytest.mark.e2e  # a local cloud over HTTP
def test_a_mock_test_case_applies_to_jobs_submitted_through_the_api(tmp_path):
    # Given a test case whose suppliers are always down, applied to every job
    mock_file = tmp_path / "jobs.mock.json"
    mock_file.write_text(json.dumps({
        "StateMachines": {"Jobs": {"TestCases": {"SuppliersDown": {"SearchOffers": "SupplierDown"}}}},
        "MockedResponses": {"SupplierDown": {"0-4": {"Throw": {
            "Error": "SupplierUnavailable",
            "Cause": json.dumps({"errorType": "SupplierUnavailable", "errorMessage": "every supplier timed out"})}}}},
    }))
    env, api_port, aws_port = _cloud_env(SFN_MOCK_CONFIG=str(mock_file), LOCALCLOUD_JOBS_TEST_CASE="SuppliersDown")
    with running_local_cloud(env, tmp_path / "run.log") as banner:
        assert "every job runs mock test case SuppliersDown" in banner
        # When a search is submitted through the API
        accepted = requests.post(f"http://127.0.0.1:{api_port}/v1/searches", json=SEARCH, timeout=30,
                                 headers={"x-api-key": KEY})
        assert accepted.status_code == 202, accepted.text
        status = _finished(api_port, accepted.json()["statusUrl"])

        # Then the real validation ran, the mocked supplier failed five times and the job failed as it says
        document = status.json()
        assert document["status"] == "FAILED", document
        assert document["error"]["type"] == "urn:stepgate:problem:supplier-unavailable"
        assert document["error"]["detail"] == "every supplier timed out"
        history = _history(aws_port, document["jobId"])
        failed = [e for e in history if e["type"] == "TaskFailed"]
        assert len(failed) == 5 and {e["taskFailedEventDetails"]["error"] for e in failed} == {"SupplierUnavailable"}
