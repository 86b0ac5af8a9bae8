"""Fixtures shared by every test layer."""

import os

import pytest

from localcloud.provisioning.assembly import PROJECT_ROOT, Assembly, ensure_assembly

# Offline by construction: no test may reach a real AWS account.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def assembly() -> Assembly:
    """The synthesized cloud assembly, synthesized at most once (content-hashed, file-locked)."""
    return ensure_assembly()


# The stage cache's TTL in the second assembly: long enough for a poll, a finished job and another poll.
STATUS_CACHE_SECONDS = 20


@pytest.fixture(scope="session")
def status_cache_assembly() -> Assembly:
    """The one extra synthesis of a session: `-c statusCacheSeconds=20` (the stage cache on)."""
    return ensure_assembly(PROJECT_ROOT / "cdk.out.status-cache", context={"statusCacheSeconds": str(STATUS_CACHE_SECONDS)})
