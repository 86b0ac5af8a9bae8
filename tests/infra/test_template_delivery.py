"""The Delivery state machine as deployed: statemachine/delivery.asl.json, EXPRESS, and only what it calls.

COMMON D1: Jobs starts it without waiting; its top state is a Parallel with one branch per channel.
"""

from __future__ import annotations

from tests.infra.template_view import PLACEHOLDER, as_list

SUBSTITUTION_KEYS = {"DeliverCallbackFunctionArn", "JobsTableName", "SubscriptionsTableName",
                     "TerminalEventRetentionSeconds", "WebSocketApiEndpoint", "WebSocketStageName"}


def test_delivery_is_express_with_the_definition_inline(delivery_machine, delivery_asl_text):
    _, resource = delivery_machine
    props = resource["Properties"]
    # EXPRESS: bills per request, not per transition, and its retries never hold a job's status.
    assert props["StateMachineType"] == "EXPRESS"
    assert props["DefinitionString"] == delivery_asl_text
    assert set(PLACEHOLDER.findall(delivery_asl_text)) == set(props["DefinitionSubstitutions"]) == SUBSTITUTION_KEYS


def test_the_top_state_is_a_parallel_with_a_callback_branch_that_fails_nothing(delivery_asl):
    top = delivery_asl["States"][delivery_asl["StartAt"]]
    assert top["Type"] == "Parallel" and top.get("End") is True
    [callback] = [b for b in top["Branches"] if b["StartAt"] == "CallbackRequested"]
    # A failing branch would fail the Parallel and stop the other channels: every task catches everything.
    for name, state in callback["States"].items():
        if state["Type"] == "Task":
            assert state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], name
        assert state["Type"] != "Fail", name


def test_the_callback_gets_one_more_attempt_than_its_retries_within_a_minute(delivery_asl):
    # The delivery Lambda returns (instead of raising) its failure on attempt `maxAttempts`:
    # the payload's maxAttempts must be the Retry's MaxAttempts + 1.
    [branch] = [b for b in delivery_asl["States"]["Channels"]["Branches"] if b["StartAt"] == "CallbackRequested"]
    state = branch["States"]["DeliverCallback"]
    [retrier] = [r for r in state["Retry"] if r["ErrorEquals"] == ["CallbackNotDelivered"]]
    assert state["Parameters"]["Payload"]["maxAttempts"] == retrier["MaxAttempts"] + 1 == 6
    waits = [min(retrier["IntervalSeconds"] * retrier["BackoffRate"] ** n, retrier.get("MaxDelaySeconds", 1e9))
             for n in range(retrier["MaxAttempts"])]
    assert waits == [1, 2, 4, 8, 16]


def test_role_invokes_the_delivery_function_updates_the_jobs_table_and_pushes_only(delivery_machine, resources):
    _, resource = delivery_machine
    substitutions = resource["Properties"]["DefinitionSubstitutions"]
    statements = resources.statements_of_role(resource["Properties"]["RoleArn"]["Fn::GetAtt"][0])
    by_action: dict[str, list] = {}
    for statement in statements:
        for action in as_list(statement["Action"]):
            by_action.setdefault(action, []).extend(as_list(statement["Resource"]))
    assert by_action["lambda:InvokeFunction"] == [substitutions["DeliverCallbackFunctionArn"]]
    assert by_action["dynamodb:UpdateItem"] == [{"Fn::GetAtt": [substitutions["JobsTableName"]["Ref"], "Arn"]}]
    # Push: the terminal event stored, the subscribers queried, gone ones deleted, posts to this API's connections
    subscriptions = {"Fn::GetAtt": [substitutions["SubscriptionsTableName"]["Ref"], "Arn"]}
    for action in ("dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem"):
        assert by_action[action] == [subscriptions], action
    assert by_action["execute-api:ManageConnections"][0]["Fn::Join"][1][-1] == "/v1/POST/@connections/*"
    assert {a for a in by_action if a.startswith(("lambda:", "dynamodb:", "states:", "execute-api:"))} == {
        "lambda:InvokeFunction", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:DeleteItem",
        "execute-api:ManageConnections"}


def test_the_push_branch_fails_nothing(delivery_asl):
    [push] = [b for b in delivery_asl["States"]["Channels"]["Branches"] if b["StartAt"] == "EventsListed"]

    def tasks(states):
        for name, state in states.items():
            assert state["Type"] != "Fail", name
            if state["Type"] == "Map":
                # a Map needs no Catch of its own when every task in it catches everything
                assert "Catch" not in state or state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], name
                yield from tasks(state["ItemProcessor"]["States"])
            elif state["Type"] == "Task":
                yield name, state

    for name, state in tasks(push["States"]):
        assert state["Catch"][-1]["ErrorEquals"] == ["States.ALL"], name


def test_logs_every_transition_without_the_event(delivery_machine, resources):
    props = delivery_machine[1]["Properties"]
    assert props["TracingConfiguration"] == {"Enabled": True}
    logging = props["LoggingConfiguration"]
    # The input holds the client's callbackUrl and job event; the job's own history keeps them.
    assert logging["Level"] == "ALL" and logging["IncludeExecutionData"] is False
    log_group = logging["Destinations"][0]["CloudWatchLogsLogGroup"]["LogGroupArn"]["Fn::GetAtt"][0]
    assert resources.props(log_group)["RetentionInDays"] > 0
