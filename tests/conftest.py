"""Fixtures shared by every test layer."""

import os

import pytest

from localcloud.provisioning.assembly import Assembly, ensure_assembly

# Offline by construction: no test may reach a real AWS account.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="session")
def assembly() -> Assembly:
    """The synthesized cloud assembly, synthesized at most once (content-hashed, file-locked)."""
    return ensure_assembly()
