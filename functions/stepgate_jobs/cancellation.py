"""Cancelling a running job so that nothing it may have partly written is ever served.

Order matters: the tombstone is written first, and only where no result is stored yet (or where
a tombstone already is); the workflow's result writes are conditional on the absence of a
tombstone. So after a tombstone the job can never succeed, and a job whose result is already
stored can no longer be cancelled (409): status and result never disagree. Only then is the
execution stopped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Protocol

from stepgate_jobs.timestamps import epoch_to_iso_utc
from stepgate_jobs.users import user_id_for_job

JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
CANCEL_ERROR = "JobCancelled"


@dataclass(frozen=True)
class ExecutionSummary:
    status: str
    kind: str | None


@dataclass(frozen=True)
class Tombstone:
    """Takes the place of a job's result: offers/labels by jobId, a user by its deterministic userId."""

    job_id: str
    kind: str
    user_id: str | None
    cancelled_at: str
    purge_at: int


@dataclass(frozen=True)
class CancellationRecord:
    job_id: str
    kind: str
    error: str
    cause: str
    cancelled_at: str
    expires_at: int


class Executions(Protocol):
    def describe(self, job_id: str) -> ExecutionSummary | None: ...

    def stop(self, job_id: str, error: str, cause: str) -> None: ...


class CancellationStore(Protocol):
    def bury(self, tombstone: Tombstone) -> bool:
        """Writes the tombstone unless a result is already stored (then returns False)."""

    def record(self, record: CancellationRecord) -> None: ...


class JobNotFound(Exception):
    """No job with this id (unknown, or not a valid job id)."""


class JobAlreadyFinished(Exception):
    """The job ended, or has stored its result and is about to: too late to cancel."""


def cancel_job(job_id: str, executions: Executions, store: CancellationStore, now_epoch: int,
               retention_seconds: int, request_id: str) -> CancellationRecord:
    if not JOB_ID.fullmatch(job_id):
        raise JobNotFound("No job with this id.")  # the status endpoint's wording; never echo the raw id
    execution = executions.describe(job_id)
    if execution is None:
        raise JobNotFound("No job with this id.")  # the status endpoint's wording; never echo the raw id
    if execution.status != "RUNNING":
        raise JobAlreadyFinished(f"job {job_id} already finished: {execution.status}")
    kind = execution.kind or "unknown"
    cancelled_at = epoch_to_iso_utc(now_epoch)
    tombstone = Tombstone(job_id, kind, user_id_for_job(job_id) if kind == "user" else None, cancelled_at,
                          purge_at=now_epoch + retention_seconds)
    if not store.bury(tombstone):
        raise JobAlreadyFinished(f"job {job_id} has already stored its result")
    record = CancellationRecord(job_id, kind, CANCEL_ERROR, f"Cancelled by the client at {cancelled_at} (request {request_id}).",
                                cancelled_at, expires_at=now_epoch + retention_seconds)
    store.record(record)
    executions.stop(job_id, record.error, execution_cause(record))
    return record


def execution_cause(record: CancellationRecord) -> str:
    """The stopped execution's cause: the same {cause, finishedAt} report the workflow's own failures
    carry, so the status template reads when the job ended without date arithmetic."""
    return json.dumps({"cause": record.cause, "finishedAt": record.cancelled_at}, separators=(",", ":"))


def cancelled_event(record: CancellationRecord) -> dict:
    """The terminal event of a cancelled job (D1), as its status document shows it: ABORTED, job-cancelled."""
    return {"type": "terminal", "jobId": record.job_id, "kind": record.kind, "status": "ABORTED",
            "finishedAt": record.cancelled_at,
            "error": {"type": "urn:stepgate:problem:job-cancelled", "title": "Job cancelled", "status": 409,
                      "detail": record.cause}}
