"""Create-user jobs: a deterministic user id and email uniqueness."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from stepgate_jobs.errors import UserAlreadyExists
from stepgate_jobs.payloads import CreateUserTask

# Fixed namespace: the same job id must give the same user id in every deployment.
USER_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:stepgate:users")


@dataclass(frozen=True)
class User:
    user_id: str
    name: str
    email: str
    created_at: str

    def to_dict(self) -> dict:
        return {"userId": self.user_id, "name": self.name, "email": self.email, "createdAt": self.created_at}


class EmailTaken(Exception):
    """The store found the email already registered, to `owner_user_id`."""

    def __init__(self, owner_user_id: str | None) -> None:
        super().__init__(f"email owned by {owner_user_id}")
        self.owner_user_id = owner_user_id


class UserStore(Protocol):
    def insert(self, user: User) -> None:
        """Writes the user and its email record atomically; raises EmailTaken if the email exists."""


def user_id_for_job(job_id: str) -> str:
    """A retried task gets the same user id, which makes the create idempotent."""
    return str(uuid.uuid5(USER_ID_NAMESPACE, job_id))


def create_user(task: CreateUserTask, store: UserStore) -> User:
    # createdAt is the job's submission time, so a retry writes identical items.
    user = User(
        user_id=user_id_for_job(task.job_id),
        name=task.request.name,
        email=task.request.email,
        created_at=task.submitted_at,
    )
    try:
        store.insert(user)
    except EmailTaken as taken:
        if taken.owner_user_id != user.user_id:
            raise UserAlreadyExists("is already registered to another user", "email") from None
    return user
