"""Python SDK for Stepgate's asynchronous request/reply API (README, "Python SDK and CLI")."""

from stepgate_client.async_client import AsyncJob, AsyncStepgate
from stepgate_client.bodies import OfferFilters
from stepgate_client.client import Job, Stepgate
from stepgate_client.errors import (AuthenticationError, Conflict, IdempotencyConflict, InvalidRequest, JobCancelled,
                                    JobFailed, JobStillRunning, JobTimedOut, NotFound, Problem, ProblemError,
                                    ResultExpired, ServerError, StepgateConnectionError, StepgateError, Throttled,
                                    UnexpectedResponse, WaitTimeout)
from stepgate_client.models import Cancelled, ImageRef, JobStatus, Label, Labels, Offer, Offers, User
from stepgate_client.push import PushPolicy
from stepgate_client.retries import RetryPolicy

__all__ = [
    "AsyncJob", "AsyncStepgate", "AuthenticationError", "Cancelled", "Conflict", "IdempotencyConflict", "ImageRef",
    "InvalidRequest", "Job", "JobCancelled", "JobFailed", "JobStatus", "JobStillRunning", "JobTimedOut", "Label",
    "Labels", "NotFound", "Offer", "OfferFilters", "Offers", "Problem", "ProblemError", "PushPolicy", "ResultExpired",
    "RetryPolicy", "ServerError", "Stepgate", "StepgateConnectionError", "StepgateError", "Throttled", "UnexpectedResponse", "User",
    "WaitTimeout",
]
