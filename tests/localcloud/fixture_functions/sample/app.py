"""A tiny handler the runtime tests drive: echo, env, sleep, spin (CPU), call the AWS endpoint, raise, print."""

import os
import sys
import time

_INVOCATIONS = {"count": 0}


class SupplierUnavailable(Exception):
    pass


def handler(event, context):
    _INVOCATIONS["count"] += 1
    action = event.get("action")
    print(f"handling {action}")
    if action == "sleep":
        time.sleep(event["seconds"])
    if action == "spin":  # CPU work: `seconds` of this process's own CPU time
        started = time.process_time()
        while time.process_time() - started < event["seconds"]:
            pass
    if action == "call_aws":
        import boto3  # a Lambda runtime ships boto3; the client goes to AWS_ENDPOINT_URL
        import botocore.exceptions

        try:
            boto3.client("sts").get_caller_identity()
        except botocore.exceptions.BotoCoreError:  # the test's endpoint answers slowly, not in AWS's shape
            pass
        except botocore.exceptions.ClientError:
            pass
    if action == "raise":
        raise SupplierUnavailable("location: supplier did not answer")
    if action == "exit":
        os._exit(3)
    if action == "clients":  # two sessions' clients of one service, as two handlers' modules would make them
        import boto3

        first, second = (boto3.session.Session().client("dynamodb", region_name="us-east-1") for _ in range(2))
        return {"sameModel": first.meta.service_model._service_description is second.meta.service_model._service_description,
                "putItem": first.meta.service_model.operation_model("PutItem").input_shape.required_members}
    if action == "where":  # what the process was given: folder, module path, environment, what was imported for it
        return {"cwd": os.getcwd(), "path": sys.path, "environment": sorted(os.environ),
                "imported": sorted(name for name in ("boto3", "pydantic", "aws_lambda_powertools") if name in sys.modules)}
    return {
        "pid": os.getpid(),
        "count": _INVOCATIONS["count"],
        "greeting": os.environ.get("GREETING"),
        "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
        "requestId": context.aws_request_id,
        "remainingMs": context.get_remaining_time_in_millis(),
    }
