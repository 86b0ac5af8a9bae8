"""The Lambda functions: one shared asset, the contract's handlers and environment, traced and logged."""

from __future__ import annotations

from tests.infra.template_view import as_list

# docs/ARCHITECTURE.md, "Functions".
ENVIRONMENT = {
    "validate_job": {"UPLOADS_BUCKET_NAME", "MAX_IMAGE_BYTES"},
    "search_worker": {"SEARCH_LATENCY_MS", "RESULT_TTL_SECONDS"},
    "label_worker": {"RESULT_TTL_SECONDS"},
    "create_user": {"USERS_TABLE_NAME"},
    "offers_reader": {"OFFERS_TABLE_NAME", "RETRY_AFTER_SECONDS"},
    "describe_failure": set(),
    "deliver_callback": {"CALLBACK_SECRET_ARN"},
    "cancel_job": {"JOBS_STATE_MACHINE_ARN", "OFFERS_TABLE_NAME", "LABELS_TABLE_NAME", "USERS_TABLE_NAME",
                   "JOBS_TABLE_NAME", "CANCELLATION_RETENTION_SECONDS", "RETRY_AFTER_SECONDS",
                   "DELIVERY_STATE_MACHINE_ARN"},
}
COMMON = {"POWERTOOLS_SERVICE_NAME", "POWERTOOLS_METRICS_NAMESPACE", "LOG_LEVEL"}


def functions_by_folder(resources):
    return {f["Properties"]["Handler"].split(".")[0]: (name, f["Properties"])
            for name, f in resources.of_type("AWS::Lambda::Function").items()}


def test_one_function_per_contract_entry_with_its_handler_and_environment(resources):
    functions = functions_by_folder(resources)
    assert set(functions) == set(ENVIRONMENT)
    for folder, (_, props) in functions.items():
        assert props["Handler"] == f"{folder}.app.handler"
        assert set(props["Environment"]["Variables"]) == ENVIRONMENT[folder] | COMMON


def test_functions_share_one_asset_without_tests_or_bytecode(resources, assembly):
    keys = {props["Code"]["S3Key"] for _, props in functions_by_folder(resources).values()}
    assert len(keys) == 1
    asset = assembly.asset_dir_for_key(keys.pop())
    assert all((asset / folder / "app.py").is_file() for folder in ENVIRONMENT)
    shipped = {p.relative_to(asset).as_posix() for p in asset.rglob("*")}
    assert not [p for p in shipped if "__pycache__" in p or p.endswith(".pyc") or "/tests/" in f"/{p}"]


def test_runtime_layer_tracing_and_logs(resources):
    for folder, (_, props) in functions_by_folder(resources).items():
        assert props["Runtime"] == "python3.13", folder
        assert props["TracingConfig"] == {"Mode": "Active"}, folder
        [layer] = props["Layers"]
        parameter = resources.template["Parameters"][layer["Ref"]]
        assert parameter["Default"] == "/aws/service/powertools/python/x86_64/python3.13/latest"
        assert parameter["Type"] == "AWS::SSM::Parameter::Value<String>"
        assert "LogGroup" in props["LoggingConfig"], folder


def test_search_worker_outlasts_the_simulated_supplier_latency(resources, context):
    _, props = functions_by_folder(resources)["search_worker"]
    assert props["Timeout"] * 1000 > int(props["Environment"]["Variables"]["SEARCH_LATENCY_MS"])
    assert props["Environment"]["Variables"]["SEARCH_LATENCY_MS"] == str(context["searchLatencyMs"])


def test_each_function_has_its_own_role_without_managed_policies(resources):
    roles = [props["Role"]["Fn::GetAtt"][0] for _, props in functions_by_folder(resources).values()]
    assert len(set(roles)) == len(roles)
    for role in roles:
        assert "ManagedPolicyArns" not in resources.props(role)


def test_function_grants_match_what_each_function_does(resources):
    functions = functions_by_folder(resources)

    def actions(folder):
        role = functions[folder][1]["Role"]["Fn::GetAtt"][0]
        return {a for s in resources.statements_of_role(role) for a in as_list(s["Action"])
                if not a.startswith(("xray:", "logs:"))}

    assert actions("search_worker") == set()
    assert actions("offers_reader") == {"dynamodb:GetItem"}
    # GetItem: the email's owner, or a cancelled job's tombstone, after a refused transaction.
    assert actions("create_user") <= {"dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:ConditionCheckItem"}
    assert actions("label_worker") == {"rekognition:DetectLabels", "s3:GetObject"}
    assert actions("validate_job") <= {"s3:GetObject"}


def test_the_cancel_function_may_only_describe_and_stop_jobs_executions_write_the_guarded_tables_and_deliver(
        resources, state_machine):
    # Given the cancel_job function's role
    sm_id, _ = state_machine
    name, props = functions_by_folder(resources)["cancel_job"]
    role_id = props["Role"]["Fn::GetAtt"][0]
    statements = [s for s in resources.statements_of_role(role_id)
                  if not set(as_list(s["Action"])) <= {"xray:PutTraceSegments", "xray:PutTelemetryRecords",
                                                       "logs:CreateLogStream", "logs:PutLogEvents"}]
    by_action = {}
    for statement in statements:
        for action in as_list(statement["Action"]):
            by_action.setdefault(action, []).extend(as_list(statement["Resource"]))

    # Then it may describe/stop executions of the Jobs state machine only, put items, and start Delivery (the
    # ABORTED event for WebSocket subscribers), nothing else
    assert set(by_action) == {"states:DescribeExecution", "states:StopExecution", "dynamodb:PutItem",
                              "states:StartExecution"}
    assert by_action["states:StartExecution"] == [{"Ref": "DeliveryStateMachine"}]
    for action in ("states:DescribeExecution", "states:StopExecution"):
        [executions] = by_action[action]
        assert executions["Fn::Join"][1][-3:] == [":execution:", {"Fn::GetAtt": [sm_id, "Name"]}, ":*"]
    tables = {r["Fn::GetAtt"][0] for r in by_action["dynamodb:PutItem"] if "Fn::GetAtt" in r}
    assert tables == {"OffersTable", "LabelsTable", "UsersTable", "JobsTable"}


def test_the_callback_function_may_read_only_its_signing_secret(resources):
    # Given the deliver_callback function's role
    _, props = functions_by_folder(resources)["deliver_callback"]
    statements = resources.statements_of_role(props["Role"]["Fn::GetAtt"][0])
    secret_id, secret = resources.one("AWS::SecretsManager::Secret")

    # Then its only non-logging, non-tracing grant is reading that one secret, which the stack generates
    grants = [s for s in statements if not all(a.startswith(("xray:", "logs:")) for a in as_list(s["Action"]))]
    assert [set(as_list(s["Action"])) for s in grants] == [{"secretsmanager:GetSecretValue",
                                                            "secretsmanager:DescribeSecret"}]
    assert grants[0]["Resource"] == {"Ref": secret_id}
    assert props["Environment"]["Variables"]["CALLBACK_SECRET_ARN"] == {"Ref": secret_id}
    assert secret["Properties"]["GenerateSecretString"]["ExcludePunctuation"] is True
