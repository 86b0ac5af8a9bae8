"""A tiny handler the runtime tests drive: echo, env, sleep, raise, print."""

import os
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
    if action == "raise":
        raise SupplierUnavailable("location: supplier did not answer")
    if action == "exit":
        os._exit(3)
    return {
        "pid": os.getpid(),
        "count": _INVOCATIONS["count"],
        "greeting": os.environ.get("GREETING"),
        "endpoint": os.environ.get("AWS_ENDPOINT_URL"),
        "requestId": context.aws_request_id,
        "remainingMs": context.get_remaining_time_in_millis(),
    }
