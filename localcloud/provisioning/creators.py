"""Creators: each resource type's local behaviour, created in moto from its resolved properties."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from localcloud.provisioning.intrinsics import UnsupportedTemplate
from localcloud.lambda_runtime import FunctionSpec
from localcloud.provisioning.generated_secrets import generate_secret_string

if TYPE_CHECKING:
    from localcloud.provisioning.provisioner import Provisioner


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
    p.stack.stage_properties = props  # the stage cache's settings: the local gateway honours them


def _create_websocket_api(p: Provisioner, logical: str, props: dict) -> None:
    if props.get("ProtocolType") != "WEBSOCKET":
        raise UnsupportedTemplate(f"{logical}: only WebSocket APIs (ApiGatewayV2) are served locally")
    api = p.stack.websocket_api(p.resolver.refs[logical])
    api.route_selection_expression = props["RouteSelectionExpression"]
    api.api_key_selection_expression = props.get("ApiKeySelectionExpression")


def _create_websocket_part(kind: str) -> Callable[[Provisioner, str, dict], None]:
    """Routes, integrations, their responses and the stage: kept as resolved, joined by the local server."""

    def create(p: Provisioner, logical: str, props: dict) -> None:
        api = p.stack.websocket_api(props["ApiId"])
        getattr(api, kind)[p.resolver.refs[logical]] = props

    return create


def _create_secret(p: Provisioner, logical: str, props: dict) -> None:
    name = p.resolver.attributes[(logical, "Id")]
    value = props.get("SecretString")
    if value is None:
        value = generate_secret_string(props.get("GenerateSecretString") or {})
    p.clients("secretsmanager").create_secret(Name=name, SecretString=value)
    p.stack.secrets[logical] = p.resolver.refs[logical]


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
    "AWS::ApiGatewayV2::Api": _create_websocket_api,
    "AWS::ApiGatewayV2::Route": _create_websocket_part("routes"),
    "AWS::ApiGatewayV2::Integration": _create_websocket_part("integrations"),
    "AWS::ApiGatewayV2::IntegrationResponse": _create_websocket_part("integration_responses"),
    "AWS::ApiGatewayV2::RouteResponse": _create_websocket_part("route_responses"),
    "AWS::ApiGatewayV2::Stage": _create_websocket_part("stages"),
}
