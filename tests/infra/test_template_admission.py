"""The Admission state machine as deployed: statemachine/admission.asl.json, EXPRESS, and only what it needs."""

from __future__ import annotations

from tests.infra.template_view import PLACEHOLDER, as_list

# docs/ARCHITECTURE.md, "Admission substitutions".
SUBSTITUTION_KEYS = {"JobsStateMachineArn", "JobsExecutionArnPrefix", "IdempotencyTableName",
                     "IdempotencyKeyRetentionSeconds"}


def test_admission_is_express_with_the_definition_inline(admission_machine, admission_asl_text):
    _, resource = admission_machine
    props = resource["Properties"]
    # StartSyncExecution only runs EXPRESS state machines.
    assert props["StateMachineType"] == "EXPRESS"
    assert props["DefinitionString"] == admission_asl_text
    assert set(PLACEHOLDER.findall(admission_asl_text)) == set(props["DefinitionSubstitutions"]) == SUBSTITUTION_KEYS


def test_it_starts_and_describes_jobs_of_the_jobs_state_machine_only(admission_machine, state_machine):
    _, resource = admission_machine
    jobs_id, _ = state_machine
    substitutions = resource["Properties"]["DefinitionSubstitutions"]
    assert substitutions["JobsStateMachineArn"] == {"Ref": jobs_id}
    prefix = substitutions["JobsExecutionArnPrefix"]["Fn::Join"][1]
    assert prefix[-3:] == [":execution:", {"Fn::GetAtt": [jobs_id, "Name"]}, ":"]


def test_key_retention_follows_context(admission_machine, context):
    _, resource = admission_machine
    retention = resource["Properties"]["DefinitionSubstitutions"]["IdempotencyKeyRetentionSeconds"]
    assert retention == str(context["idempotencyKeyRetentionHours"] * 3600)


def test_role_is_confined_to_jobs_and_the_idempotency_table(admission_machine, state_machine, resources):
    _, resource = admission_machine
    jobs_id, _ = state_machine
    statements = resources.statements_of_role(resource["Properties"]["RoleArn"]["Fn::GetAtt"][0])
    by_action = {a: s for s in statements for a in as_list(s["Action"])}
    assert by_action["states:StartExecution"]["Resource"] == {"Ref": jobs_id}
    executions = by_action["states:DescribeExecution"]["Resource"]["Fn::Join"][1]
    assert executions[-3:] == [":execution:", {"Fn::GetAtt": [jobs_id, "Name"]}, ":*"]
    assert {a for a in by_action if a.startswith("states:")} == {"states:StartExecution", "states:DescribeExecution"}
    dynamodb = {a for a in by_action if a.startswith("dynamodb:")}
    assert dynamodb == {"dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"}
    assert all(by_action[a]["Resource"] == {"Fn::GetAtt": ["IdempotencyTable", "Arn"]} for a in dynamodb)


def test_idempotency_records_expire_and_are_encrypted(resources):
    table = resources.props("IdempotencyTable")
    assert table["TimeToLiveSpecification"] == {"AttributeName": "expiresAt", "Enabled": True}
    assert table["SSESpecification"]["SSEEnabled"] is True
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]


def test_logs_every_transition_without_request_bodies(admission_machine, resources):
    _, resource = admission_machine
    props = resource["Properties"]
    assert props["TracingConfiguration"] == {"Enabled": True}
    logging = props["LoggingConfiguration"]
    # The input is the request body (user emails): the job's own history keeps it, not this one.
    assert logging["Level"] == "ALL" and logging["IncludeExecutionData"] is False
    log_group = logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    assert resources.props(log_group)["RetentionInDays"] > 0
