"""How a failed job's error reads as an RFC 9457 problem, in the status document and in callbacks.

The status template in api/openapi.yaml holds the same table as VTL map literals (it cannot import
this); tests/api/test_status_templates.py checks that the two agree.
"""

from __future__ import annotations

# The workflow's own errors (errors.py and the ASL): problem type slug and the problem's status.
JOB_PROBLEM_TYPES: dict[str, tuple[str, int]] = {
    "ValidationError": ("validation-error", 422),
    "ImageUnreadable": ("image-unreadable", 422),
    "UserAlreadyExists": ("user-already-exists", 409),
    "SupplierUnavailable": ("supplier-unavailable", 503),
    "RekognitionThrottled": ("rekognition-throttled", 503),
    "UnknownJobKind": ("unknown-job-kind", 422),
    # Not raised by the workflow: the local cloud ends a job this way when it stopped while the job ran.
    "JobInterrupted": ("job-interrupted", 503),
}
# Errors whose message starts with the offending field ("email: ...").
FIELD_ERRORS = frozenset({"ValidationError", "ImageUnreadable", "UserAlreadyExists", "UnknownJobKind"})
# States.*, Lambda.* and unexpected errors (a crash's Python exception name is no contract).
JOB_FAILED = ("job-failed", 500)
JOB_FAILED_TITLE = "Job failed"


def job_problem(error: str | None) -> tuple[str, str, int]:
    """(slug, title, status) for a failed job's error name."""
    if error in JOB_PROBLEM_TYPES:
        slug, status = JOB_PROBLEM_TYPES[error]
        return slug, error, status
    return JOB_FAILED[0], JOB_FAILED_TITLE, JOB_FAILED[1]
