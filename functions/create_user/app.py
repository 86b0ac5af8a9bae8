"""CreateUser task: the user and its email-uniqueness record in one DynamoDB transaction."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from stepgate_jobs.dynamodb_users import DynamoDBUserStore
from stepgate_jobs.errors import JobCancelled, UserAlreadyExists
from stepgate_jobs.payloads import CreateUserTask, parse_payload
from stepgate_jobs.settings import UsersSettings
from stepgate_jobs.users import create_user

logger = Logger()
tracer = Tracer()
metrics = Metrics()


@logger.inject_lambda_context(correlation_id_path="jobId")
# The response holds the user's email; keep personal data out of traces.
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics
def handler(event: dict, context: LambdaContext) -> dict:
    task = parse_payload(CreateUserTask, event)
    store = DynamoDBUserStore(UsersSettings.from_environ().users_table_name)
    try:
        user = create_user(task, store)
    except UserAlreadyExists:
        metrics.add_metric(name="UserRejected", unit=MetricUnit.Count, value=1)
        raise
    except JobCancelled:
        metrics.add_metric(name="UserCancelled", unit=MetricUnit.Count, value=1)
        raise
    metrics.add_metric(name="UserCreated", unit=MetricUnit.Count, value=1)
    logger.info("user created", extra={"userId": user.user_id})
    return user.to_dict()
