"""Typed errors: every RFC 9457 problem the API answers becomes one of these, `field` kept."""

from __future__ import annotations

import dataclasses
from typing import Any

PROBLEM_PREFIX = "urn:stepgate:problem:"


@dataclasses.dataclass(frozen=True)
class Problem:
    """An RFC 9457 problem: an error response's body, or a failed job's `error`."""

    type: str
    title: str
    status: int
    detail: str = ""
    field: str | None = None
    raw: dict[str, Any] = dataclasses.field(default_factory=dict, repr=False, compare=False)

    @property
    def slug(self) -> str:
        """`validation-error` for `urn:stepgate:problem:validation-error`."""
        return self.type.removeprefix(PROBLEM_PREFIX)

    @classmethod
    def from_json(cls, body: dict[str, Any]) -> "Problem":
        return cls(type=str(body.get("type", "about:blank")), title=str(body.get("title", "")),
                   status=int(body.get("status") or 0), detail=str(body.get("detail") or ""),
                   field=body.get("field"), raw=body)

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        return f"{self.status} {self.slug}{where}: {self.detail or self.title}"


class StepgateError(Exception):
    """Anything the SDK raises."""


class StepgateConnectionError(StepgateError):
    """The API could not be reached (after the transport retries)."""


class JobStillRunning(StepgateError):
    """The job has not finished: `result()` of a running job."""


class WaitTimeout(JobStillRunning):
    """`wait(timeout=...)` ran out while the job was still running."""


class UnexpectedResponse(StepgateError):
    """An answer that is neither the contract's success nor a problem (e.g. the URL is not a Stepgate API)."""

    def __init__(self, message: str, status_code: int):
        super().__init__(message)
        self.status_code = status_code


class ProblemError(StepgateError):
    """An error answered as a problem; `problem` holds type, status, detail and field."""

    def __init__(self, problem: Problem, retry_after: float | None = None):
        super().__init__(str(problem))
        self.problem = problem
        self.retry_after = retry_after

    @property
    def field(self) -> str | None:
        return self.problem.field


class InvalidRequest(ProblemError):
    """400/413/415: the request breaks the contract (`field` names the culprit where the API knows it)."""


class AuthenticationError(ProblemError):
    """401/403: the API key is missing or wrong."""


class NotFound(ProblemError):
    """404: no such job, user, route, or a result that was purged."""


class Conflict(ProblemError):
    """409: e.g. cancelling a job that already finished."""


class IdempotencyConflict(Conflict):
    """409 idempotency-key-*: the key was used with another body, expired, or is in use by a racing request."""


class ResultExpired(ProblemError):
    """410 gone: the result existed, its retention is over."""


class Throttled(ProblemError):
    """429: rate limit, quota or too many running jobs; raised only once the retries are spent."""


class ServerError(ProblemError):
    """5xx integration failure, raised once the retries are spent."""


class JobFailed(ProblemError):
    """The job ended FAILED (or TIMED_OUT): `problem` is the job's `error`, `job` its status document."""

    def __init__(self, problem: Problem, job: Any = None):
        super().__init__(problem)
        self.job = job


class JobTimedOut(JobFailed):
    """TIMED_OUT: the workflow's own time limit, not the client's `wait` timeout."""


class JobCancelled(JobFailed):
    """ABORTED (cancelled), or the result of a cancelled job."""


_BY_SLUG: dict[str, type[ProblemError]] = {
    "job-cancelled": JobCancelled,
    "gone": ResultExpired,
    "throttled": Throttled,
    "idempotency-key-reused": IdempotencyConflict,
    "idempotency-key-expired": IdempotencyConflict,
    "idempotency-key-in-use": IdempotencyConflict,
}
_BY_STATUS: dict[int, type[ProblemError]] = {
    400: InvalidRequest, 413: InvalidRequest, 415: InvalidRequest, 401: AuthenticationError,
    403: AuthenticationError, 404: NotFound, 409: Conflict, 410: ResultExpired, 429: Throttled,
}


def error_for(problem: Problem, http_status: int, retry_after: float | None = None) -> ProblemError:
    """The typed error for a problem answered with `http_status`."""
    kind = _BY_SLUG.get(problem.slug) or _BY_STATUS.get(http_status)
    if kind is None:
        kind = ServerError if http_status >= 500 else ProblemError
    if issubclass(kind, JobFailed):
        return kind(problem)
    return kind(problem, retry_after)


def job_error_for(problem: Problem, status: str, job: Any) -> JobFailed:
    """The typed error of a job that ended FAILED, TIMED_OUT or ABORTED."""
    kind = {"ABORTED": JobCancelled, "TIMED_OUT": JobTimedOut}.get(status, JobFailed)
    return kind(problem, job)
