"""ValidateJob: applies the rules of the job's kind and returns the job with its request normalised."""

from __future__ import annotations

from stepgate_jobs.callbacks import validate_callback_url
from stepgate_jobs.errors import ValidationError
from stepgate_jobs.payloads import JobPayload
from stepgate_jobs.settings import ValidationSettings
from stepgate_jobs.timestamps import parse_aware_datetime
from stepgate_jobs.validation import ImageObjects, validate_recognition, validate_search, validate_user


def validate_job(job: JobPayload, settings: ValidationSettings, objects: ImageObjects) -> dict:
    if "callbackUrl" in job.request:
        # First: a failure callback is only ever sent to a URL that passed this check.
        validate_callback_url(job.request["callbackUrl"], settings.allow_loopback_callbacks)
    if job.kind == "search":
        submitted_at = parse_aware_datetime(job.submitted_at)
        if submitted_at is None:
            raise ValidationError("submittedAt", "must be an ISO 8601 date-time with a timezone")
        request = validate_search(job.request, submitted_at)
    elif job.kind == "recognition":
        request = validate_recognition(job.request, settings, objects)
    else:
        request = validate_user(job.request)
    return {
        "jobId": job.job_id,
        "kind": job.kind,
        "submittedAt": job.submitted_at,
        "submittedEpoch": job.submitted_epoch,
        "request": request,
        # Where the terminal event goes (null: nowhere); Jobs hands it to the Delivery workflow.
        "callbackUrl": job.request.get("callbackUrl"),
    }
