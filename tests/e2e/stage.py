"""Which stage the HTTP contract tests target: a deployed one (`make test-deployed`) or the local cloud.

A deployed stage is named by `STEPGATE_URL` and `STEPGATE_API_KEY`, or found from the stack's
outputs (`ApiUrl`, `ApiKeyId`) with the caller's AWS credentials. This module is imported before
pytest starts (tests/e2e/deployed.py) and by the `cloud` fixture, so it reads only what it is given.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

# Set by tests/e2e/deployed.py for the pytest it runs; without it the tests start a local cloud.
TARGET_VARIABLE = "STEPGATE_E2E_TARGET"
DEPLOYED = "deployed"
STACK_NAME = "Stepgate"
URL_OUTPUT, KEY_ID_OUTPUT = "ApiUrl", "ApiKeyId"
NEEDS = ("make test-deployed needs STEPGATE_URL and STEPGATE_API_KEY, "
         "or AWS credentials for a deployed Stepgate stack")


class StageNotFound(Exception):
    """Why no deployed stage can be targeted, in one line."""


@dataclass(frozen=True)
class Stage:
    url: str
    api_key: str
    source: str


def targets_deployed(env: Mapping[str, str] = os.environ) -> bool:
    return env.get(TARGET_VARIABLE) == DEPLOYED


def from_environment(env: Mapping[str, str]) -> Stage | None:
    url, key = env.get("STEPGATE_URL", "").rstrip("/"), env.get("STEPGATE_API_KEY", "")
    if url and key:
        return Stage(url, key, "STEPGATE_URL")
    if url or key:
        given, missing = ("STEPGATE_URL", "STEPGATE_API_KEY") if url else ("STEPGATE_API_KEY", "STEPGATE_URL")
        raise StageNotFound(f"{given} is set but {missing} is not: set both, "
                            "or neither to read them from the deployed stack")
    return None


def from_stack(stack_name: str, session=None) -> Stage:
    """The stage URL and the key's value from the deployed stack (CloudFormation, then API Gateway)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    session = session or boto3.Session()
    if session.get_credentials() is None:
        raise StageNotFound(NEEDS)
    where = f"stack {stack_name} in {session.region_name or 'no region (set AWS_REGION)'}"
    # An unreachable endpoint should fail in seconds, not after botocore's 60 s connect timeout.
    config = Config(connect_timeout=10, read_timeout=30, retries={"max_attempts": 3})
    try:
        [stack] = session.client("cloudformation", config=config).describe_stacks(StackName=stack_name)["Stacks"]
        outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        if URL_OUTPUT not in outputs or KEY_ID_OUTPUT not in outputs:
            raise StageNotFound(f"{where} has no {URL_OUTPUT}/{KEY_ID_OUTPUT} outputs: is it a Stepgate stack?")
        key = session.client("apigateway", config=config).get_api_key(apiKey=outputs[KEY_ID_OUTPUT], includeValue=True)
    except (ClientError, BotoCoreError) as error:
        message = str(error).splitlines()[0]
        raise StageNotFound(f"no deployed Stepgate stage found ({where}: {message}); "
                            "run make deploy, or set STEPGATE_URL and STEPGATE_API_KEY") from None
    return Stage(outputs[URL_OUTPUT].rstrip("/"), key["value"], where)


def resolve(env: Mapping[str, str] = os.environ, session=None) -> Stage:
    """STEPGATE_URL/STEPGATE_API_KEY if set, else the outputs of the deployed stack."""
    return from_environment(env) or from_stack(env.get("STEPGATE_STACK_NAME") or STACK_NAME, session)
