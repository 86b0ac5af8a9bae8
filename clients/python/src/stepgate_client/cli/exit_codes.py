"""The CLI's exit codes (README, "Python SDK and CLI"): one per outcome a script may act on."""

from __future__ import annotations

from stepgate_client import errors

OK = 0
JOB_FAILED = 1          # the job ended FAILED or TIMED_OUT
INVALID_REQUEST = 2     # bad flags (click's usage errors) or a 400/413/415 problem
AUTHENTICATION = 3      # 401/403: missing or wrong API key
NOT_FOUND = 4           # 404: no such job, user or route
CONFLICT = 5            # 409: e.g. cancelling a finished job, an Idempotency-Key reused with another body
CANCELLED = 6           # the job was cancelled (ABORTED, or its result is job-cancelled)
EXPIRED = 7             # 410: the result's retention is over
THROTTLED = 8           # 429 after the retries
STILL_RUNNING = 9       # --timeout ran out while the job was still running, or `result` of a running job
UNREACHABLE = 10        # no answer, a 5xx after the retries, or an answer that is not Stepgate's
INTERRUPTED = 130       # Ctrl-C while waiting (the job goes on), as shells report SIGINT

# Most specific first: JobCancelled is a JobFailed, IdempotencyConflict a Conflict.
_BY_ERROR: list[tuple[type[Exception], int]] = [
    (errors.JobCancelled, CANCELLED), (errors.JobFailed, JOB_FAILED), (errors.InvalidRequest, INVALID_REQUEST),
    (errors.AuthenticationError, AUTHENTICATION), (errors.NotFound, NOT_FOUND), (errors.Conflict, CONFLICT),
    (errors.ResultExpired, EXPIRED), (errors.Throttled, THROTTLED), (errors.JobStillRunning, STILL_RUNNING),
]


def exit_code_for(error: Exception) -> int:
    return next((code for kind, code in _BY_ERROR if isinstance(error, kind)), UNREACHABLE)


def one_line(error: Exception, base_url: str) -> str:
    """The message the CLI prints for an error, on one line."""
    if isinstance(error, errors.AuthenticationError):
        return (f"{error} (the API key was refused: pass --api-key or set STEPGATE_API_KEY to the key "
                "`make run` printed)")
    if isinstance(error, errors.JobFailed) and error.job is not None:
        return f"job {error.job.job_id} {error.job.status}: {error}"
    if isinstance(error, errors.StepgateConnectionError):
        return f"{error} (is the API running at {base_url}? set --url or STEPGATE_URL)"
    return str(error).replace("\n", " ")
