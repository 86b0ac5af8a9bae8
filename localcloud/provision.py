"""Create a synthesized stack's resources in a local AWS (moto), as CloudFormation would.

Each supported resource type has a namer (its physical id, `Ref` and `Fn::GetAtt` values)
and, where it has local behaviour, a creator. Types with no local behaviour (IAM, log
groups, API deployments...) are accepted and listed with the reason; any other type stops
start-up with a message naming it, so nothing fails later at request time.
"""

from __future__ import annotations

import io
import json
import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from localcloud.assembly import Assembly
from localcloud.intrinsics import PARTITION, Resolver, UnsupportedTemplate, physical_name
from localcloud.lambda_runtime import FunctionSpec

log = logging.getLogger("localcloud.provision")

LOCAL_ROLE_NAME = "localcloud-execution-role"

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


@dataclass
class ProvisionedStack:
    """What the local cloud serves: functions to run, the state machines, the API body."""

    resolver: Resolver
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    buckets: dict[str, str] = field(default_factory=dict)
    state_machines: dict[str, str] = field(default_factory=dict)
    secrets: dict[str, str] = field(default_factory=dict)
    rest_api_body: dict[str, Any] | None = None
    stage_name: str | None = None
    ignored: dict[str, str] = field(default_factory=dict)

    def state_machine_arn(self, logical_prefix: str = "JobsStateMachine") -> str:
        matches = [arn for logical, arn in self.state_machines.items() if logical.startswith(logical_prefix)]
        if len(matches) != 1:
            raise KeyError(f"expected one state machine starting with {logical_prefix!r}, found {matches}")
        return matches[0]

    def table_name(self, logical_prefix: str) -> str:
        return _one(self.tables, logical_prefix, "table")

    def bucket_name(self, logical_prefix: str) -> str:
        return _one(self.buckets, logical_prefix, "bucket")

    def function(self, folder: str) -> FunctionSpec:
        """The function whose handler lives in functions/<folder>/."""
        matches = [spec for spec in self.functions.values() if spec.handler.startswith(f"{folder}.")]
        if len(matches) != 1:
            raise KeyError(f"expected one function with handler {folder}.*, found {len(matches)}")
        return matches[0]


def _one(mapping: dict[str, str], logical_prefix: str, kind: str) -> str:
    matches = [name for logical, name in mapping.items() if logical.startswith(logical_prefix)]
    if len(matches) != 1:
        raise KeyError(f"expected one {kind} starting with {logical_prefix!r}, found {matches}")
    return matches[0]


ClientFactory = Callable[[str], Any]


class Provisioner:
    def __init__(self, assembly: Assembly, clients: ClientFactory, region: str, account_id: str,
                 stack_name: str = "Stepgate"):
        self.assembly = assembly
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
            namer = NAMERS.get(resource["Type"], _name_generic)
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


# -- namers: physical ids, Ref and GetAtt values ---------------------------------------------

def _name_table(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.resolve(props.get("TableName")) or physical_name(p.resolver.stack_name, logical, 255)
    arn = p.arn("dynamodb", f"table/{name}")
    p._set(logical, name, Arn=arn, StreamArn=f"{arn}/stream/local")


def _name_bucket(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.resolve(props.get("BucketName")) or physical_name(p.resolver.stack_name, logical, 63).lower()
    p._set(logical, name, Arn=f"arn:{PARTITION}:s3:::{name}", DomainName=f"{name}.s3.amazonaws.com",
           RegionalDomainName=f"{name}.s3.{p.region}.amazonaws.com")


def _name_function(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.resolve(props.get("FunctionName")) or physical_name(p.resolver.stack_name, logical, 64)
    p._set(logical, name, Arn=p.arn("lambda", f"function:{name}"))


def _name_state_machine(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.resolve(props.get("StateMachineName")) or physical_name(p.resolver.stack_name, logical, 80)
    arn = p.arn("states", f"stateMachine:{name}")
    p._set(logical, arn, Arn=arn, Name=name)


def _name_role(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.resolve(props.get("RoleName")) or physical_name(p.resolver.stack_name, logical, 64)
    p._set(logical, name, Arn=f"arn:{PARTITION}:iam::{p.account_id}:role/{name}", RoleId=f"AROA{logical[:16].upper()}")


def _name_log_group(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.resolve(props.get("LogGroupName")) or f"/local/{physical_name(p.resolver.stack_name, logical)}"
    p._set(logical, name, Arn=p.arn("logs", f"log-group:{name}:*"))


def _name_rest_api(p: Provisioner, logical: str, props: dict) -> None:
    api_id = physical_name(p.resolver.stack_name, logical)[-10:].lower()
    p._set(logical, api_id, RootResourceId=f"{api_id}root")


def _name_secret(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.resolve(props.get("Name")) or physical_name(p.resolver.stack_name, logical)
    p._set(logical, p.arn("secretsmanager", f"secret:{name}"), Id=name)


def _name_stage(p: Provisioner, logical: str, props: dict) -> None:
    p._set(logical, p.resolver.resolve(props.get("StageName")))


def _name_generic(p: Provisioner, logical: str, props: dict) -> None:
    p._set(logical, physical_name(p.resolver.stack_name, logical))


NAMERS: dict[str, Callable[[Provisioner, str, dict], None]] = {
    "AWS::DynamoDB::Table": _name_table,
    "AWS::S3::Bucket": _name_bucket,
    "AWS::Lambda::Function": _name_function,
    "AWS::StepFunctions::StateMachine": _name_state_machine,
    "AWS::IAM::Role": _name_role,
    "AWS::Logs::LogGroup": _name_log_group,
    "AWS::ApiGateway::RestApi": _name_rest_api,
    "AWS::ApiGateway::Stage": _name_stage,
    "AWS::ApiGateway::ApiKey": _name_generic,
    "AWS::SecretsManager::Secret": _name_secret,
}


# -- creators: local behaviour ---------------------------------------------------------------

def _create_table(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.refs[logical]
    request = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    if request["BillingMode"] == "PROVISIONED":
        request["ProvisionedThroughput"] = props.get(
            "ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5})
    for index_kind in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if props.get(index_kind):
            request[index_kind] = props[index_kind]
    dynamodb = p.clients("dynamodb")
    dynamodb.create_table(**request)
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    p.stack.tables[logical] = name


def _create_bucket(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.refs[logical]
    s3 = p.clients("s3")
    if p.region == "us-east-1":
        s3.create_bucket(Bucket=name)
    else:
        s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": p.region})
    p.stack.buckets[logical] = name


def _placeholder_zip() -> bytes:
    """moto wants a code package; the real code runs from the assembly's asset folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "Code runs from the cloud assembly's asset folder.\n")
    return buffer.getvalue()


def _create_function(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.refs[logical]
    code = props.get("Code", {})
    if "S3Key" not in code:
        raise UnsupportedTemplate(f"{logical}: only file-asset Lambda code (Code.S3Key) is served locally")
    if props.get("PackageType", "Zip") != "Zip":
        raise UnsupportedTemplate(f"{logical}: container-image Lambdas are not served locally")
    environment = {k: str(v) for k, v in props.get("Environment", {}).get("Variables", {}).items()}
    spec = FunctionSpec(
        name=name,
        code_dir=Path(p.assembly.asset_dir_for_key(code["S3Key"])),
        handler=props["Handler"],
        environment=environment,
        timeout_seconds=float(props.get("Timeout", 3)),
        memory_mb=int(props.get("MemorySize", 128)),
        region=p.region,
        account_id=p.account_id,
    )
    p.clients("lambda").create_function(
        FunctionName=name,
        Runtime=props.get("Runtime", "python3.13"),
        Role=p.local_role_arn,
        Handler=spec.handler,
        Code={"ZipFile": _placeholder_zip()},
        Timeout=int(spec.timeout_seconds),
        MemorySize=spec.memory_mb,
        Environment={"Variables": environment},
    )
    p.stack.functions[logical] = spec


def _create_state_machine(p: Provisioner, logical: str, props: dict) -> None:
    if "DefinitionString" not in props:
        raise UnsupportedTemplate(
            f"{logical}: the state machine definition must be inline (DefinitionString), "
            "not an S3 location")
    definition = props["DefinitionString"]
    substitutions = {k: str(v) for k, v in props.get("DefinitionSubstitutions", {}).items()}
    definition = re.sub(
        r"\$\{([^}]+)\}",
        lambda m: substitutions.get(m.group(1), m.group(0)),
        definition,
    )
    leftover = re.findall(r"\$\{([^}]+)\}", definition)
    if leftover:
        raise UnsupportedTemplate(f"{logical}: placeholders without a substitution: {leftover}")
    name = p.resolver.attributes[(logical, "Name")]
    kind = props.get("StateMachineType", "STANDARD")
    p.clients("stepfunctions").create_state_machine(
        name=name, definition=definition, roleArn=p.local_role_arn, type=kind)
    p.stack.state_machines[logical] = p.resolver.refs[logical]


def _create_rest_api(p: Provisioner, logical: str, props: dict) -> None:
    if "Body" not in props:
        raise UnsupportedTemplate(f"{logical}: the local gateway serves RestApis defined by an inline Body only")
    p.stack.rest_api_body = props["Body"]


def _create_stage(p: Provisioner, logical: str, props: dict) -> None:
    p.stack.stage_name = props["StageName"]


def _create_secret(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.attributes[(logical, "Id")]
    value = props.get("SecretString")
    if value is None:
        value = generate_secret_string(props.get("GenerateSecretString") or {})
    p.clients("secretsmanager").create_secret(Name=name, SecretString=value)
    p.stack.secrets[logical] = p.resolver.refs[logical]


# Secrets Manager's GetRandomPassword character classes.
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def generate_secret_string(spec: dict) -> str:
    """AWS::SecretsManager::Secret GenerateSecretString, as CloudFormation generates it."""
    import secrets
    import string

    classes = {
        "ExcludeLowercase": string.ascii_lowercase,
        "ExcludeUppercase": string.ascii_uppercase,
        "ExcludeNumbers": string.digits,
        "ExcludePunctuation": _PUNCTUATION,
    }
    excluded = set(spec.get("ExcludeCharacters") or "")
    pools = [
        "".join(c for c in chars if c not in excluded)
        for flag, chars in classes.items() if not _truthy(spec.get(flag))
    ]
    if _truthy(spec.get("IncludeSpace")):
        pools.append(" ")
    pools = [pool for pool in pools if pool]
    if not pools:
        raise UnsupportedTemplate("GenerateSecretString excludes every character")
    length = int(spec.get("PasswordLength", 32))
    alphabet = "".join(pools)
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(length))
        # RequireEachIncludedType defaults to true: one character of each included class at least.
        if not _truthy(spec.get("RequireEachIncludedType", True)) or length < len(pools) or all(
                any(c in pool for c in value) for pool in pools):
            break
    template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if template is None:
        return value
    if not key:
        raise UnsupportedTemplate("GenerateSecretString: SecretStringTemplate needs GenerateStringKey")
    document = json.loads(template)
    document[key] = value
    return json.dumps(document)


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def _create_nothing(p: Provisioner, logical: str, props: dict) -> None:
    """API keys come from STEPGATE_API_KEY or are generated by the local cloud."""


CREATORS: dict[str, Callable[[Provisioner, str, dict], None]] = {
    "AWS::DynamoDB::Table": _create_table,
    "AWS::S3::Bucket": _create_bucket,
    "AWS::Lambda::Function": _create_function,
    "AWS::StepFunctions::StateMachine": _create_state_machine,
    "AWS::ApiGateway::RestApi": _create_rest_api,
    "AWS::ApiGateway::Stage": _create_stage,
    "AWS::ApiGateway::ApiKey": _create_nothing,
    "AWS::SecretsManager::Secret": _create_secret,
}
