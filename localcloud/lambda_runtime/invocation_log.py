"""Each invocation's output kept per job in `.localcloud/logs/<jobId>.log`, with one line printed per invocation.

The file name comes from the event's job id only when it is a job id (the API's jobId pattern):
anything a client typed in a URL (NUL bytes, 300 characters, quotes, markup, line breaks) goes to
`no-job.log` and never reaches the file system as a name.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from localcloud.lambda_runtime.contract import FunctionSpec, Invocation

log = logging.getLogger("localcloud")

# The jobId path parameter's pattern in api/openapi.yaml (a test keeps the two equal).
JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
NO_JOB = "no-job"


def job_id_of(event: Any) -> str | None:
    """The job an event belongs to: a workflow task's `jobId`, or a proxy event's path parameter."""
    if not isinstance(event, dict):
        return None
    candidate = event.get("jobId") or (event.get("pathParameters") or {}).get("jobId")
    return candidate if isinstance(candidate, str) and JOB_ID.fullmatch(candidate) else None


class InvocationLog:
    def __init__(self, directory: Path, shown_relative_to: Path | None = None):
        self.directory = directory
        self.shown_relative_to = shown_relative_to

    def __call__(self, spec: FunctionSpec, invocation: Invocation, event: Any) -> None:
        job_id = job_id_of(event)
        log_file = self.directory / f"{job_id or NO_JOB}.log"
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            with open(log_file, "a") as logs:
                logs.write(f"--- {spec.name} request={invocation.request_id} errored={invocation.errored}\n{invocation.logs}")
        except OSError as error:  # keeping logs must never fail the invocation itself
            log.warning("could not keep the logs of %s request %s: %s", spec.name, invocation.request_id, error)
        outcome = f"error={invocation.error_type}" if invocation.errored else "ok"
        shown = log_file.relative_to(self.shown_relative_to) if self.shown_relative_to else log_file
        log.info("lambda=%s job=%s outcome=%s ms=%.0f logs=%s", spec.handler.split(".")[0], job_id or "-", outcome,
                 invocation.duration_ms, shown)
