"""`make test-deployed`'s entry point (tests/e2e/deployed.py), kept from rotting by `make test`.

The remote path runs here for real: the entry point is pointed at this session's local cloud by
STEPGATE_URL, as a user points it at a deployed stage. (Not collected under make test-deployed.)
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from tests.e2e.stage import KEY_ID_OUTPUT, NEEDS, URL_OUTPUT, StageNotFound, from_stack, resolve

ROOT = Path(__file__).resolve().parents[2]


def _entry_point(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.e2e.deployed", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _bare_environment(tmp_path: Path) -> dict[str, str]:
    """No STEPGATE_* and no AWS credentials anywhere boto3 looks (env, files, instance metadata)."""
    return {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials")}


def test_with_nothing_configured_it_says_in_one_line_what_it_needs(tmp_path):
    # Given no URL, no key and no AWS credentials
    started = time.monotonic()
    result = _entry_point(_bare_environment(tmp_path))

    # Then it exits non-zero at once, with exactly the one line (no traceback, no pytest run)
    assert result.returncode == 2
    assert result.stdout == "" and result.stderr == NEEDS + "\n"
    assert time.monotonic() - started < 20


def test_a_url_without_a_key_is_named_in_one_line(tmp_path):
    result = _entry_point({**_bare_environment(tmp_path), "STEPGATE_URL": "https://example.com/v1"})
    assert result.returncode == 2
    assert result.stderr == ("STEPGATE_URL is set but STEPGATE_API_KEY is not: set both, "
                             "or neither to read them from the deployed stack\n")


def test_the_stack_outputs_it_reads_are_in_the_synthesized_template(assembly):
    outputs = assembly.template["Outputs"]
    key_id = outputs[KEY_ID_OUTPUT]["Value"]["Ref"]
    assert assembly.template["Resources"][key_id]["Type"] == "AWS::ApiGateway::ApiKey"
    assert "execute-api" in json.dumps(outputs[URL_OUTPUT]["Value"])


# Outputs shaped as the deployed stack's (the values come in as parameters: moto does not create RestApis from CFN).
STACK_TEMPLATE = {
    "Parameters": {"Url": {"Type": "String"}, "KeyId": {"Type": "String"}},
    "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
    "Outputs": {URL_OUTPUT: {"Value": {"Ref": "Url"}}, KEY_ID_OUTPUT: {"Value": {"Ref": "KeyId"}}},
}


@mock_aws
def test_a_deployed_stack_gives_the_stage_url_and_the_keys_value():
    # Given a deployed stack whose outputs name the stage and the API key
    session = boto3.Session(region_name="eu-west-1")
    key = session.client("apigateway").create_api_key(name="stepgate", value="the-value-of-the-stage-key", enabled=True)
    url = "https://abc123.execute-api.eu-west-1.amazonaws.com/v1"
    session.client("cloudformation").create_stack(
        StackName="Stepgate", TemplateBody=json.dumps(STACK_TEMPLATE),
        Parameters=[{"ParameterKey": "Url", "ParameterValue": url + "/"},
                    {"ParameterKey": "KeyId", "ParameterValue": key["id"]}])

    # When the stage is resolved without STEPGATE_URL
    stage = resolve({}, session)

    # Then it is the stack's URL with the key's value, not its id
    assert (stage.url, stage.api_key) == (url, "the-value-of-the-stage-key")
    assert stage.source == "stack Stepgate in eu-west-1"


@mock_aws
def test_no_such_stack_is_one_line_saying_to_deploy():
    with pytest.raises(StageNotFound) as raised:
        from_stack("Stepgate", boto3.Session(region_name="eu-west-1"))
    message = str(raised.value)
    assert "\n" not in message and "stack Stepgate in eu-west-1" in message and "make deploy" in message


def test_the_entry_point_runs_the_contract_tests_against_a_stage_by_url(cloud, tmp_path):
    # Given the stage named by URL and key, as for a deployed stage (here: this session's local cloud)
    env = {**os.environ, "STEPGATE_URL": cloud.base_url, "STEPGATE_API_KEY": cloud.api_key}
    env.pop("STEPGATE_E2E_TARGET", None)
    chosen = ("test_search_flow_reaches_filterable_offers or test_a_wrong_api_key_is_a_403 "
              "or test_concurrent_retries_of_one_key_start_one_job or test_the_aws_endpoint_lists")

    # When the entry point runs a few contract tests
    result = _entry_point(env, "-k", chosen, "-p", "no:cacheprovider", "--basetemp", str(tmp_path / "run"))

    # Then the portable ones pass over HTTP, and the local-only ones are skipped with their reason
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert f"make test-deployed: {cloud.base_url} (from STEPGATE_URL)" in output
    assert "2 passed, 2 skipped" in output
    assert "local cloud only: reads executions through the local AWS endpoint" in output
    assert "local cloud only, from here on: executions are counted through the local AWS endpoint" in output
