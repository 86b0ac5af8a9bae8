"""Create-user domain: deterministic ids and idempotent retries."""

import uuid

import pytest

from stepgate_jobs.errors import UserAlreadyExists
from stepgate_jobs.payloads import CreateUserTask
from stepgate_jobs.users import EmailTaken, create_user, user_id_for_job


def task(job_id="job-1", email="ada@example.com"):
    return CreateUserTask.model_validate(
        {"jobId": job_id, "submittedAt": "2026-11-22T07:56:35Z", "request": {"name": "Ada", "email": email}}
    )


class InMemoryUsers:
    def __init__(self):
        self.owners: dict[str, str] = {}

    def insert(self, user):
        if user.email in self.owners:
            raise EmailTaken(self.owners[user.email])
        self.owners[user.email] = user.user_id


def test_user_id_is_a_uuid_determined_by_the_job_id():
    # Given the same job id twice and another id / Then ids repeat per job and differ between jobs
    assert user_id_for_job("job-1") == user_id_for_job("job-1") != user_id_for_job("job-2")
    assert uuid.UUID(user_id_for_job("job-1")).version == 5


def test_created_user_uses_submission_time():
    user = create_user(task(), InMemoryUsers())
    assert user.to_dict() == {"userId": user_id_for_job("job-1"), "name": "Ada", "email": "ada@example.com", "createdAt": "2026-11-22T07:56:35Z"}


def test_retried_job_is_idempotent():
    # Given a store that already holds this job's user
    store = InMemoryUsers()
    first = create_user(task(), store)
    # When the same job is retried / Then it succeeds with the same user
    assert create_user(task(), store) == first


def test_another_job_with_the_same_email_is_rejected_naming_email():
    store = InMemoryUsers()
    create_user(task("job-1"), store)
    with pytest.raises(UserAlreadyExists) as raised:
        create_user(task("job-2"), store)
    assert str(raised.value).startswith("email: ")
