"""`make capacity`'s command runs offline on a small sample and prints its tables."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_make_capacity_command_prints_costs_and_the_binding_quota(assembly):
    # Given the session's assembly and no AWS credentials that could reach AWS
    env = {**os.environ, "STEPGATE_CDK_OUT": str(assembly.directory), "AWS_ACCESS_KEY_ID": "local",
           "AWS_SECRET_ACCESS_KEY": "local", "RATE": "10", "MODE": "poll", "JOBS": "1"}
    # When the command `make capacity` runs is run on one job per kind
    done = subprocess.run([sys.executable, "-m", "bench.capacity"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    # Then it prints the measured figures, the cost table per kind and the quota met first
    assert done.returncode == 0, done.stderr[-3000:]
    out = done.stdout
    assert "Measured per job on the local cloud (1 jobs per kind" in out
    assert re.search(r"Standard transitions\s+6\s+6\s+6", out), out   # the transitions budget, measured
    totals = re.search(r"^  total\s+([\d,.]+)\s+([\d,.]+)\s+([\d,.]+)$", out, re.MULTILINE)
    assert totals and all(float(value.replace(",", "")) > 0 for value in totals.groups()), out
    assert "search: binds first at" in out and "DescribeExecution" in out
    assert "websocket" in out and "callback" in out
