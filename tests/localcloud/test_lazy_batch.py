"""moto's Batch models load when Batch is used, not at the local cloud's start (they import all of EC2 and ECS)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _python(code: str) -> str:
    """`code` in a fresh interpreter: one where nothing has imported moto.batch yet."""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_local_cloud_imports_without_batch_ec2_or_ecs():
    loaded = _python("import sys, localcloud.server; "
                     "print(sorted(m for m in ('moto.batch.models', 'moto.ec2', 'moto.ecs') if m in sys.modules))")

    assert loaded == "[]"


def test_batch_still_answers_once_asked_for():
    answer = _python(
        "import localcloud.moto_changes, boto3\n"
        "from moto import mock_aws\n"
        "from moto.batch.utils import JobStatus\n"
        "with mock_aws():\n"
        "    batch = boto3.client('batch', region_name='us-east-1')\n"
        "    print(batch.describe_compute_environments()['computeEnvironments'], JobStatus.SUCCEEDED.value)\n"
        "from moto.batch import batch_backends\n"
        "print(type(batch_backends).__name__)\n")

    assert answer.splitlines() == ["[] SUCCEEDED", "BackendDict"]
