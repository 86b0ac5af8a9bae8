"""`python -m localcloud run`, plus a count of the AWS API calls it served, written to $API_CALLS_FILE on Ctrl-C.

bench/polling_at_scale.py runs this to learn how many DescribeExecution calls reached Step Functions and how
many of those the quota refused; a client cannot tell a cache hit from a miss.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import sys
import threading
from collections import Counter
from pathlib import Path

from moto.core.responses import BaseResponse

_IAM_PREFIX = {"stepfunctions": "states"}


class ApiCallCounter:
    """Counts each AWS action served and, apart, those answered as throttled (ThrottlingException / 429)."""

    def __init__(self) -> None:
        self.calls: Counter = Counter()
        self.throttled: Counter = Counter()
        self._lock = threading.Lock()
        self._original = None

    def install(self) -> None:
        original = self._original = BaseResponse.call_action
        counter = self

        def call_action(response: BaseResponse):
            result = original(response)
            name = f"{_IAM_PREFIX.get(response.boto3_service_name, response.boto3_service_name)}:{response._get_action()}"
            body = result[2] if isinstance(result, tuple) and len(result) == 3 else ""
            refused = isinstance(body, str) and "ThrottlingException" in body or (
                isinstance(result, tuple) and result[0] == 429)
            with counter._lock:
                counter.calls[name] += 1
                if refused:
                    counter.throttled[name] += 1
            return result

        BaseResponse.call_action = call_action

    def uninstall(self) -> None:
        if self._original:
            BaseResponse.call_action = self._original


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(message)s", datefmt="%H:%M:%S")
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    from localcloud.provisioning.assembly import Assembly
    from localcloud.server import LocalCloud, LocalCloudSettings

    # The assembly the bench made current, as it is: another context would re-synthesize it (cache off).
    cloud = LocalCloud(Assembly.read(Path(os.environ["STEPGATE_CDK_OUT"])), LocalCloudSettings.from_environment())
    stopped = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stopped.set())
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    cloud.start()
    counter = ApiCallCounter()
    counter.install()  # after start: it wraps the quotas' own hook, so refused calls are counted too
    print(cloud.banner(), flush=True)
    stopped.wait()
    counter.uninstall()
    Path(os.environ["API_CALLS_FILE"]).write_text(json.dumps({"calls": counter.calls, "throttled": counter.throttled}))
    cloud.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
