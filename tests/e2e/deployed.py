"""`make test-deployed`: the HTTP contract tests (tests/e2e) against a deployed stage.

    python -m tests.e2e.deployed [pytest args]

The stage comes from STEPGATE_URL/STEPGATE_API_KEY or the deployed stack's outputs, resolved here,
before pytest: the test session itself never holds AWS credentials (tests/conftest.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.e2e.stage import DEPLOYED, TARGET_VARIABLE, StageNotFound, resolve

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str]) -> int:
    try:
        stage = resolve()
    except StageNotFound as reason:
        print(reason, file=sys.stderr)
        return 2
    print(f"make test-deployed: {stage.url} (from {stage.source})", flush=True)
    env = {**os.environ, TARGET_VARIABLE: DEPLOYED, "STEPGATE_URL": stage.url, "STEPGATE_API_KEY": stage.api_key}
    os.chdir(ROOT)
    os.execve(sys.executable, [sys.executable, "-m", "pytest", "tests/e2e", *argv], env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
