"""Least privilege, encryption, retention and data lifetimes in the synthesized template."""

from __future__ import annotations

from tests.infra.template_view import as_list

RESULT_TABLES = ("OffersTable", "LabelsTable", "JobsTable")


def test_no_allow_statement_has_a_wildcard_action(resources):
    for owner, statement in resources.policy_statements():
        if statement["Effect"] != "Allow":
            continue
        for action in as_list(statement["Action"]):
            assert "*" not in action, f"{owner}: wildcard action {action!r}"


def test_only_actions_without_resource_level_permissions_apply_to_every_resource(resources):
    # IAM authorises these on Resource "*" only (X-Ray, Rekognition, CloudWatch Logs vended delivery).
    resourceless = {
        "xray:PutTraceSegments", "xray:PutTelemetryRecords", "xray:GetSamplingRules", "xray:GetSamplingTargets",
        "rekognition:DetectLabels",
        "logs:CreateLogDelivery", "logs:GetLogDelivery", "logs:UpdateLogDelivery", "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries", "logs:PutResourcePolicy", "logs:DescribeResourcePolicies", "logs:DescribeLogGroups",
    }
    for owner, statement in resources.policy_statements():
        if statement["Effect"] == "Allow" and "*" in as_list(statement["Resource"]):
            extra = set(as_list(statement["Action"])) - resourceless
            assert not extra, f"{owner}: {sorted(extra)} on Resource *"


def test_result_tables_expire_items_and_users_are_recoverable(resources):
    # Results are purged a grace period after they expire (410 meanwhile); failure records at expiry.
    ttl_attributes = {"OffersTable": "purgeAt", "LabelsTable": "purgeAt", "JobsTable": "expiresAt"}
    # Users carry no purgeAt; only tombstones of cancelled create-user jobs do.
    assert resources.props("UsersTable")["TimeToLiveSpecification"] == {"AttributeName": "purgeAt", "Enabled": True}
    for name in RESULT_TABLES:
        props = resources.props(name)
        assert props["TimeToLiveSpecification"] == {"AttributeName": ttl_attributes[name], "Enabled": True}
        assert props["KeySchema"] == [{"AttributeName": "jobId", "KeyType": "HASH"}]
    users = resources.props("UsersTable")
    assert users["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert users["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert resources.all["UsersTable"]["DeletionPolicy"] == "Retain"


def test_tables_are_on_demand_and_encrypted(resources):
    for name, table in resources.of_type("AWS::DynamoDB::Table").items():
        assert table["Properties"]["BillingMode"] == "PAY_PER_REQUEST", name
        assert table["Properties"]["SSESpecification"]["SSEEnabled"] is True, name


def test_buckets_block_public_access_and_refuse_plain_http(resources):
    policies = {p["Properties"]["Bucket"]["Ref"]: p["Properties"]["PolicyDocument"]["Statement"]
                for p in resources.of_type("AWS::S3::BucketPolicy").values()}
    for name, bucket in resources.of_type("AWS::S3::Bucket").items():
        props = bucket["Properties"]
        assert props["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True
        }, name
        assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
        assert any(
            s["Effect"] == "Deny" and s["Condition"].get("Bool", {}).get("aws:SecureTransport") == "false"
            for s in policies[name]
        ), f"{name} accepts plain HTTP"


def test_uploads_expire_and_are_access_logged(resources, context):
    props = resources.props("UploadsBucket")
    rules = {r["Id"]: r for r in props["LifecycleConfiguration"]["Rules"]}
    assert rules["ExpireUploads"]["Prefix"] == "uploads/"
    assert rules["ExpireUploads"]["ExpirationInDays"] == context["uploadsExpireDays"]
    assert props["LoggingConfiguration"]["DestinationBucketName"] == {"Ref": "AccessLogsBucket"}


def test_every_log_group_has_a_retention(resources, context):
    for name, log_group in resources.of_type("AWS::Logs::LogGroup").items():
        assert log_group["Properties"]["RetentionInDays"] == context["logRetentionDays"], name
