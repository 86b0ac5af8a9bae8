"""Namers: each resource's physical id and its `Ref` / `Fn::GetAtt` values, as CloudFormation assigns them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from localcloud.provisioning.intrinsics import PARTITION, physical_name

if TYPE_CHECKING:
    from localcloud.provisioning.provisioner import Provisioner


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


def _name_websocket_api(p: Provisioner, logical: str, props: dict) -> None:
    api_id = physical_name(p.resolver.stack_name, logical)[-10:].lower()
    # ApiEndpoint is where clients connect: locally the WebSocket server, not wss://<id>.execute-api...
    p._set(logical, api_id, ApiId=api_id, ApiEndpoint=p.websocket_endpoint)


def name_generic(p: Provisioner, logical: str, props: dict) -> None:
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
    "AWS::ApiGateway::ApiKey": name_generic,
    "AWS::SecretsManager::Secret": _name_secret,
    "AWS::ApiGatewayV2::Api": _name_websocket_api,
    "AWS::ApiGatewayV2::Stage": _name_stage,
    "AWS::ApiGatewayV2::Route": name_generic,
    "AWS::ApiGatewayV2::Integration": name_generic,
    "AWS::ApiGatewayV2::IntegrationResponse": name_generic,
    "AWS::ApiGatewayV2::RouteResponse": name_generic,
}
