"""Create a synthesized stack's resources in a local AWS (moto), as CloudFormation would.

Each supported resource type has a namer (its physical id, `Ref` and `Fn::GetAtt` values,
namers.py) and, where it has local behaviour, a creator (creators.py). Types with no local
behaviour (IAM, log groups, API deployments...) are accepted and listed with the reason; any
other type stops start-up with a message naming it, so nothing fails later at request time.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from localcloud.provisioning.intrinsics import PARTITION, Resolver, UnsupportedTemplate
from localcloud.provisioning.assembly import Assembly
from localcloud.provisioning.creators import CREATORS
from localcloud.provisioning.namers import NAMERS, name_generic
from localcloud.provisioning.stack import ProvisionedStack

LOCAL_ROLE_NAME = "localcloud-execution-role"
# Where the local WebSocket server listens unless told otherwise (WS_PORT; localcloud/websocket).
DEFAULT_WEBSOCKET_ENDPOINT = "ws://127.0.0.1:3001"

# Accepted without local behaviour: the local cloud neither enforces IAM nor ships logs.
IGNORED_TYPES = {
    "AWS::CDK::Metadata": "CDK bookkeeping",
    "AWS::IAM::Role": "IAM is not enforced locally",
    "AWS::IAM::Policy": "IAM is not enforced locally",
    "AWS::IAM::ManagedPolicy": "IAM is not enforced locally",
    "AWS::Lambda::Permission": "IAM is not enforced locally",
    "AWS::S3::BucketPolicy": "bucket policies are not enforced locally",
    "AWS::Logs::LogGroup": "logs are printed by the local cloud",
    "AWS::ApiGateway::Account": "account-level logging settings",
    "AWS::ApiGateway::Deployment": "the local gateway serves the RestApi body directly",
    "AWS::ApiGateway::UsagePlan": "the local gateway checks the API key, not quotas",
    "AWS::ApiGateway::UsagePlanKey": "the local gateway checks the API key, not quotas",
    "AWS::CloudWatch::Alarm": "no metrics locally",
    "AWS::CloudWatch::Dashboard": "no metrics locally",
}


ClientFactory = Callable[[str], Any]


class Provisioner:
    def __init__(self, assembly: Assembly, clients: ClientFactory, region: str, account_id: str,
                 stack_name: str = "Stepgate", websocket_endpoint: str = DEFAULT_WEBSOCKET_ENDPOINT):
        self.assembly = assembly
        self.websocket_endpoint = websocket_endpoint
        self.clients = clients
        self.region = region
        self.account_id = account_id
        self.resources: dict[str, dict[str, Any]] = assembly.template.get("Resources", {})
        self.resolver = Resolver(assembly.template, region, account_id, stack_name)
        self.stack = ProvisionedStack(self.resolver)

    def check_supported(self) -> None:
        """Fail before creating anything if a resource type has no local counterpart."""
        unsupported = sorted({
            f"{logical} ({resource['Type']})"
            for logical, resource in self.resources.items()
            if resource["Type"] not in NAMERS and resource["Type"] not in IGNORED_TYPES
        })
        if unsupported:
            raise UnsupportedTemplate(
                "the local cloud cannot serve these resources: " + ", ".join(unsupported)
            )

    def provision(self) -> ProvisionedStack:
        self.check_supported()
        for logical, resource in self.resources.items():
            namer = NAMERS.get(resource["Type"], name_generic)
            namer(self, logical, resource.get("Properties", {}))
        self._ensure_local_role()
        for logical, resource in self.resources.items():
            kind = resource["Type"]
            if kind in IGNORED_TYPES:
                self.stack.ignored[logical] = IGNORED_TYPES[kind]
                continue
            if not self._condition_holds(resource):
                continue
            creator = CREATORS.get(kind)
            if creator:
                creator(self, logical, self.resolver.resolve(resource.get("Properties", {})))
        return self.stack

    def _condition_holds(self, resource: dict[str, Any]) -> bool:
        condition = resource.get("Condition")
        return condition is None or self.resolver.condition(condition)

    def arn(self, service: str, resource: str, region: str | None = None, account: str | None = None) -> str:
        region = self.region if region is None else region
        account = self.account_id if account is None else account
        return f"arn:{PARTITION}:{service}:{region}:{account}:{resource}"

    @property
    def local_role_arn(self) -> str:
        return f"arn:{PARTITION}:iam::{self.account_id}:role/{LOCAL_ROLE_NAME}"

    def _ensure_local_role(self) -> None:
        iam = self.clients("iam")
        try:
            iam.create_role(RoleName=LOCAL_ROLE_NAME, AssumeRolePolicyDocument=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                               "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]}}],
            }))
        except iam.exceptions.EntityAlreadyExistsException:
            pass

    def _set(self, logical: str, ref: Any, **attributes: Any) -> None:
        self.resolver.refs[logical] = ref
        for name, value in attributes.items():
            self.resolver.attributes[(logical, name)] = value
