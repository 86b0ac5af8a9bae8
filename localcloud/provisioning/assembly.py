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
# `make run`'s knobs: environment variables that override cdk.json's context for the local synth,
# as `cdk deploy -c key=value` would; the template stays what a deploy with them would get.
CONTEXT_FROM_ENVIRONMENT = {"STEPGATE_STAGE": "stageName", "SEARCH_LATENCY_MS": "searchLatencyMs",
                            "STATUS_CACHE_SECONDS": "statusCacheSeconds"}


class AssemblyError(RuntimeError):
    """Synthesis failed or the assembly is not what the local cloud can serve."""


def context_from_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The CDK context keys set through `CONTEXT_FROM_ENVIRONMENT` variables (empty ones ignored)."""
    environ = os.environ if environ is None else environ
    return {key: environ[variable] for variable, key in CONTEXT_FROM_ENVIRONMENT.items() if environ.get(variable)}


def source_hash(root: Path = PROJECT_ROOT, context: dict[str, str] | None = None) -> str:
    digest = hashlib.sha256()
    if context:  # an assembly synthesized with other context is another assembly
        digest.update(json.dumps(context, sort_keys=True).encode())
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


def is_current(outdir: Path, root: Path = PROJECT_ROOT, context: dict[str, str] | None = None) -> bool:
    """True when `outdir` holds an assembly of the current sources and context."""
    recorded = Path(outdir) / HASH_FILE
    return recorded.exists() and recorded.read_text().strip() == source_hash(root, context)


def ensure_assembly(outdir: Path | None = None, root: Path = PROJECT_ROOT,
                    context: dict[str, str] | None = None) -> Assembly:
    """Synthesize into `outdir` unless it already holds an assembly of the current sources and `context`.

    `context` overrides cdk.json's context keys (`-c key=value`). A file lock makes concurrent
    callers (pytest-xdist workers, `make run` beside `make test`) synthesize once and share the result.
    """
    outdir = Path(outdir or os.environ.get("STEPGATE_CDK_OUT") or root / "cdk.out")
    outdir.mkdir(parents=True, exist_ok=True)
    with open(outdir / ".synth.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if is_current(outdir, root, context):
            log.info("cloud assembly %s is current; not re-synthesizing", outdir)
        else:
            synthesize(outdir, root, context)
            (outdir / HASH_FILE).write_text(source_hash(root, context))
    return Assembly.read(outdir)


def synthesize(outdir: Path, root: Path = PROJECT_ROOT, context: dict[str, str] | None = None) -> None:
    started = time.monotonic()
    log.info("synthesizing the CDK app into %s%s", outdir, f" with context {context}" if context else "")
    env = {
        **os.environ,
        "CDK_OUTDIR": str(outdir),
        # How the CDK CLI hands `-c` context to an app; it overrides app.py's cdk.json defaults.
        "CDK_CONTEXT_JSON": json.dumps(context or {}),
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "JSII_SILENCE_WARNING_UNTESTED_NODE_VERSION": "1",
    }
    result = subprocess.run(
        [sys.executable, "app.py"], cwd=root, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise AssemblyError(f"`python app.py` failed:\n{result.stdout}\n{result.stderr}")
    log.info("synthesized in %.1f s", time.monotonic() - started)
