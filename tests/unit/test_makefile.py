"""The Makefile: `make help` lists every target, and no target passes by doing nothing."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _phony_targets() -> list[str]:
    makefile = (ROOT / "Makefile").read_text()
    return re.search(r"^\.PHONY:(.*)$", makefile, re.M).group(1).split()


def test_make_help_lists_every_target():
    shown = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    listed = re.findall(r"^  make (\S+)", shown, re.M)
    assert sorted(listed) == sorted(_phony_targets())


def test_every_target_has_a_recipe():
    # `make -n` prints what a target would run; "Nothing to be done" for a phony target reads as a pass.
    # `venv` alone may rightly have nothing to do: its stamp file says the pinned requirements are installed.
    for target in set(_phony_targets()) - {"venv"}:
        dry_run = subprocess.run(["make", "--no-print-directory", "-n", target], cwd=ROOT, capture_output=True, text=True)
        assert "Nothing to be done" not in dry_run.stdout + dry_run.stderr, target
        assert dry_run.returncode == 0, dry_run.stderr


def test_make_run_is_told_of_its_knobs():
    shown = subprocess.run(["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout

    for knob in ("SEARCH_LATENCY_MS", "STATUS_CACHE_SECONDS", "STEPGATE_STAGE", "STEPGATE_API_KEY"):
        assert knob in shown
