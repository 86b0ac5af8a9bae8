"""The synthesized cloud assembly (`cdk.out`): synthesize when the sources changed, then read it.

The local cloud and the tests run what `cdk deploy` would deploy, so they start from the
same template. Synthesis is skipped when a content hash of every source that shapes the
template matches the one recorded beside the last assembly.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger("localcloud.assembly")

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STACK_NAME = "Stepgate"
HASH_FILE = ".stepgate-source-hash"
# Everything that can change the synthesized template or its assets.
SOURCES = ("app.py", "cdk.json", "stacks", "statemachine", "api", "functions", "requirements.txt")
IGNORED_PARTS = {"__pycache__", ".pytest_cache"}


class AssemblyError(RuntimeError):
    """Synthesis failed or the assembly is not what the local cloud can serve."""


def source_hash(root: Path = PROJECT_ROOT) -> str:
    digest = hashlib.sha256()
    for name in SOURCES:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if not file.is_file() or IGNORED_PARTS & set(file.parts) or file.suffix == ".pyc":
                continue
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Assembly:
    """One stack's template and where its file assets are on disk."""

    directory: Path
    template: dict[str, Any]
    asset_dirs: dict[str, Path]

    @classmethod
    def read(cls, directory: Path, stack_name: str = STACK_NAME) -> "Assembly":
        template_file = directory / f"{stack_name}.template.json"
        if not template_file.exists():
            raise AssemblyError(f"{template_file} is missing: run `make synth`")
        template = json.loads(template_file.read_text())
        return cls(directory, template, _asset_dirs(directory, stack_name))

    def asset_dir_for_key(self, object_key: str) -> Path:
        """The unpacked asset folder behind a Lambda `Code.S3Key`."""
        try:
            return self.asset_dirs[object_key]
        except KeyError:
            raise AssemblyError(f"no file asset in {self.directory} for S3 key {object_key!r}") from None


def _asset_dirs(directory: Path, stack_name: str) -> dict[str, Path]:
    manifest_file = directory / f"{stack_name}.assets.json"
    if not manifest_file.exists():
        return {}
    manifest = json.loads(manifest_file.read_text())
    dirs: dict[str, Path] = {}
    for asset in manifest.get("files", {}).values():
        source = directory / asset["source"]["path"]
        for destination in asset.get("destinations", {}).values():
            dirs[destination["objectKey"]] = source
    return dirs


def ensure_assembly(outdir: Path | None = None, root: Path = PROJECT_ROOT) -> Assembly:
    """Synthesize into `outdir` unless it already holds an assembly of the current sources.

    A file lock makes concurrent callers (pytest-xdist workers, `make run` beside `make
    test`) synthesize once and share the result.
    """
    outdir = Path(outdir or os.environ.get("STEPGATE_CDK_OUT") or root / "cdk.out")
    outdir.mkdir(parents=True, exist_ok=True)
    wanted = source_hash(root)
    with open(outdir / ".synth.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        recorded = outdir / HASH_FILE
        if recorded.exists() and recorded.read_text().strip() == wanted:
            log.info("cloud assembly %s is current; not re-synthesizing", outdir)
        else:
            synthesize(outdir, root)
            recorded.write_text(wanted)
    return Assembly.read(outdir)


def synthesize(outdir: Path, root: Path = PROJECT_ROOT) -> None:
    started = time.monotonic()
    log.info("synthesizing the CDK app into %s", outdir)
    env = {
        **os.environ,
        "CDK_OUTDIR": str(outdir),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
    }
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=root, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise AssemblyError(f"`python app.py` failed:\n{result.stdout}\n{result.stderr}")
    log.info("synthesized in %.1f s", time.monotonic() - started)
