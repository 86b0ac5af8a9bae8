"""Typed job errors. Each class name is the `errorType` the workflow's Retry/Catch match."""

from __future__ import annotations


class JobError(Exception):
    """A job failure whose message starts with the offending field when there is one."""

    def __init__(self, detail: str, field: str | None = None) -> None:
        self.field = field
        self.detail = detail
        super().__init__(f"{field}: {detail}" if field else detail)


class ValidationError(JobError):
    """The request breaks a business rule; the job fails without retry."""

    def __init__(self, field: str, detail: str) -> None:
        super().__init__(detail, field)


class SupplierUnavailable(JobError):
    """A supplier did not answer; transient, so the workflow retries."""


class ImageUnreadable(JobError):
    """The image object is corrupt, too large or not an image Rekognition accepts."""


class UserAlreadyExists(JobError):
    """Another user already owns the email address."""


class RekognitionThrottled(JobError):
    """Rekognition throttled the call; transient, so the workflow retries."""


class JobCancelled(JobError):
    """The job was cancelled: its result slot holds a tombstone, so no result may be written."""


class CallbackNotDelivered(JobError):
    """The receiver did not acknowledge the callback (non-2xx or unreachable); transient, so retried."""
