"""Tables and buckets: the job results, the users, the failure records and the uploads."""

from __future__ import annotations

from aws_cdk import CfnResource, Duration, RemovalPolicy
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

UPLOADS_PREFIX = "uploads/"
# Result items expire logically at `expiresAt` (readers answer 410) and are deleted by TTL at
# `purgeAt` = expiresAt + expiredResultGraceMinutes (readers answer 404 after that).
RESULT_TTL_ATTRIBUTE = "purgeAt"
RECORD_TTL_ATTRIBUTE = "expiresAt"


class Storage(Construct):
    """OffersTable, LabelsTable, UsersTable, JobsTable, IdempotencyTable, SubscriptionsTable and UploadsBucket (ARCHITECTURE.md)."""

    def __init__(self, scope: Construct, construct_id: str, *, uploads_expire_days: int) -> None:
        super().__init__(scope, construct_id)

        # Results are recomputable caches that expire after resultTtlMinutes: losing them is harmless.
        self.offers_table = self._table("OffersTable", "jobId", ttl=RESULT_TTL_ATTRIBUTE, backups=False,
                                        removal=RemovalPolicy.DESTROY)
        self.labels_table = self._table("LabelsTable", "jobId", ttl=RESULT_TTL_ATTRIBUTE, backups=False,
                                        removal=RemovalPolicy.DESTROY)
        self.jobs_table = self._table("JobsTable", "jobId", ttl=RECORD_TTL_ATTRIBUTE, backups=False,
                                      removal=RemovalPolicy.DESTROY)
        # Idempotency records: which request owns a key, until idempotencyKeyRetentionHours have passed.
        self.idempotency_table = self._table("IdempotencyTable", "pk", ttl=RECORD_TTL_ATTRIBUTE, backups=False,
                                             removal=RemovalPolicy.DESTROY)
        # Users are the only system of record: restorable and kept when the stack goes. Users never carry
        # purgeAt; only the tombstones of cancelled create-user jobs do, and TTL removes those.
        self.users_table = self._table("UsersTable", "pk", ttl=RESULT_TTL_ATTRIBUTE, backups=True, removal=RemovalPolicy.RETAIN)
        # WebSocket push: who listens to which job (2 h, API Gateway's connection limit), and each ended job's
        # terminal event under connectionId `$terminal` (kept as long as Step Functions keeps the execution).
        self.subscriptions_table = self._table("SubscriptionsTable", "jobId", sort_key="connectionId",
                                               ttl=RECORD_TTL_ATTRIBUTE, backups=False, removal=RemovalPolicy.DESTROY)

        self.access_logs_bucket = s3.Bucket(
            self,
            "AccessLogsBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            # Server access log delivery supports SSE-S3 only.
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            lifecycle_rules=[s3.LifecycleRule(id="ExpireAccessLogs", expiration=Duration.days(90))],
            # Audit evidence outlives the stack; the lifecycle rule empties it anyway.
            removal_policy=RemovalPolicy.RETAIN,
        )
        self.uploads_bucket = s3.Bucket(
            self,
            "UploadsBucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            minimum_tls_version=1.2,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            server_access_logs_bucket=self.access_logs_bucket,
            server_access_logs_prefix="uploads-bucket/",
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="ExpireUploads",
                    prefix=UPLOADS_PREFIX,
                    expiration=Duration.days(uploads_expire_days),
                ),
                s3.LifecycleRule(id="AbortIncompleteUploads", abort_incomplete_multipart_upload_after=Duration.days(1)),
            ],
            # Retained rather than auto-emptied: auto_delete_objects adds a Lambda with s3:DeleteObject*
            # on the bucket, and the lifecycle rule leaves an orphaned bucket empty within a day anyway.
            removal_policy=RemovalPolicy.RETAIN,
        )
        _pin_logical_id(self.uploads_bucket, "UploadsBucket")
        _pin_logical_id(self.access_logs_bucket, "AccessLogsBucket")

    def grant_uploads(self, grantee: iam.IGrantable, *actions: str) -> iam.Grant:
        """Object-level actions on `uploads/*` only (bucket.grant_* would add wildcard actions)."""
        return iam.Grant.add_to_principal(
            grantee=grantee,
            actions=list(actions),
            resource_arns=[self.uploads_bucket.arn_for_objects(f"{UPLOADS_PREFIX}*")],
        )

    def _table(self, name: str, key: str, *, ttl: str | None, backups: bool, removal: RemovalPolicy,
               sort_key: str | None = None) -> dynamodb.Table:
        table = dynamodb.Table(
            self,
            name,
            partition_key=dynamodb.Attribute(name=key, type=dynamodb.AttributeType.STRING),
            sort_key=dynamodb.Attribute(name=sort_key, type=dynamodb.AttributeType.STRING) if sort_key else None,
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            encryption=dynamodb.TableEncryption.AWS_MANAGED,
            time_to_live_attribute=ttl,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=backups
            ),
            deletion_protection=removal == RemovalPolicy.RETAIN,
            removal_policy=removal,
        )
        _pin_logical_id(table, name)
        return table


def _pin_logical_id(construct: Construct, logical_id: str) -> None:
    """Stateful resources keep the logical id ARCHITECTURE.md names, so refactoring the
    construct tree can never make CloudFormation replace (and empty) them."""
    resource = construct.node.default_child
    assert isinstance(resource, CfnResource)
    resource.override_logical_id(logical_id)
