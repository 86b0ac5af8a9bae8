"""`LOCALCLOUD_STATE=<dir>`: the local cloud's state survives a stop (Ctrl-C) and a crash (kill -9).

Off unless set. A background thread saves tables, buckets, secrets, Standard executions with
their histories and the input of asynchronous Express runs while they run, every second (and once
more on stop), each file written atomically, only when what it holds changed; `state.json` records
when the process was last known alive. A lock keeps a second local cloud out of the directory.
At start, after the stack is provisioned, the saved state is put back (docs/ARCHITECTURE.md,
"Local cloud state"); one module per service.
"""

from __future__ import annotations

import datetime
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any, Callable

from moto.stepfunctions.parser import models as parser_models

from localcloud.persistence.dynamodb import DynamoDBState
from localcloud.persistence.express import UnfinishedExpressState
from localcloud.persistence.files import StateDirectory, StateDirectoryBusy
from localcloud.persistence.s3 import S3State
from localcloud.persistence.secretsmanager import SecretsState
from localcloud.persistence.stepfunctions import INTERRUPTED_ERROR, StandardExecutionsState

__all__ = ["INTERRUPTED_ERROR", "LocalState", "StateDirectoryBusy", "state_from_environment"]

log = logging.getLogger("localcloud.state")

ENVIRONMENT_VARIABLE = "LOCALCLOUD_STATE"
MANIFEST = "state.json"
FORMAT = 1
SAVE_INTERVAL_SECONDS = 1.0


def state_from_environment(root: Path) -> "LocalState | None":
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    if not value:
        return None
    path = Path(value)
    return LocalState(path if path.is_absolute() else root / path)


class LocalState:
    def __init__(self, directory: Path, interval: float = SAVE_INTERVAL_SECONDS):
        self.directory = StateDirectory(directory)
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._services: list[Any] = []
        self.interrupted: list[dict[str, Any]] = []  # records of the executions the restore ended as interrupted
        self.unfinished_express: list[dict[str, Any]] = []  # asynchronous Express runs cut short: to start again
        self._save_lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self.directory.root

    def open(self) -> None:
        """Take the lock and check the format: before anything is provisioned or served."""
        self.directory.lock()
        manifest = self.directory.read_json(MANIFEST)
        if manifest is not None and manifest.get("format") != FORMAT:
            self.directory.release()
            raise RuntimeError(f"{self.root} holds state format {manifest.get('format')}, this local cloud "
                               f"reads format {FORMAT}: remove the directory or point {ENVIRONMENT_VARIABLE} elsewhere")

    def api_key(self) -> str:
        """The API key a previous run made up, so clients keep working across a restart."""
        path = self.directory.path("api-key")
        if path.is_file():
            return path.read_text().strip()
        key = secrets.token_urlsafe(24)
        self.directory.write_bytes("api-key", key.encode())
        return key

    def restore(self, clients: Callable[[str], Any], account_id: str, region: str) -> str:
        """Put the saved state back into the provisioned cloud; returns a one-line summary for the banner.
        What to redo once the cloud serves is left in `interrupted` and `unfinished_express`."""
        executions = StandardExecutionsState(self.directory, account_id, region)
        tables = DynamoDBState(self.directory, account_id, region)
        buckets = S3State(self.directory, account_id)
        secret_values = SecretsState(self.directory, account_id, region)
        express = UnfinishedExpressState(self.directory, account_id, region)
        # Executions are saved first: a record read SUCCEEDED means the result it wrote is in the tables read next.
        self._services = [executions, express, tables, buckets, secret_values]
        manifest = self.directory.read_json(MANIFEST) or {}
        items = tables.restore(clients("dynamodb"))
        files = buckets.restore(clients("s3"))
        kept = secret_values.restore(clients("secretsmanager"))
        count, self.interrupted = executions.restore(manifest.get("savedAt"))
        self.unfinished_express = express.restore()
        interrupted = self.interrupted
        for record in interrupted:
            log.info("job=%s outcome=FAILED error=%s (running when the local cloud stopped)",
                     record["name"], INTERRUPTED_ERROR)
        self.save()  # at once: interrupted executions' final records, and state.json before anything can crash
        if not (items or files or count or manifest):
            return f"{self.root} (empty: saving from now on)"
        return (f"{self.root} (restored {items} items, {files} objects, {kept} secrets, {count} executions"
                f"{f', {len(interrupted)} interrupted' if interrupted else ''}"
                f"{f', {len(self.unfinished_express)} unfinished Express runs to redo' if self.unfinished_express else ''})")

    def start(self) -> None:
        self._save_each_start()
        self._thread = threading.Thread(target=self._run, daemon=True, name="state-saver")
        self._thread.start()

    def _save_each_start(self) -> None:
        """An execution's first record is written before StartExecution answers: once a client has its 202,
        a crash in the next second still leaves its job to report (as interrupted), its delivery to redo."""
        standard, express = self._services[0], self._services[1]
        started = self._wrapped_start = parser_models.StepFunctionsParserBackend.start_execution

        def start_and_save(backend, *args, **kwargs):
            execution = started(backend, *args, **kwargs)
            # The state machine's type: moto leaves every execution's own sm_type STANDARD.
            (standard if execution.state_machine.type == "STANDARD" else express).save_execution(execution)
            return execution

        parser_models.StepFunctionsParserBackend.start_execution = start_and_save

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.save()
            except Exception:  # noqa: BLE001 - a failed save is retried at the next tick
                log.warning("saving the local cloud state failed", exc_info=True)

    def save(self) -> None:
        with self._save_lock:
            for service in self._services:
                service.save()
            now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")
            self.directory.write_json(MANIFEST, {"format": FORMAT, "savedAt": now, "pid": os.getpid()})

    def stop(self) -> None:
        """The last save (executions still running are saved RUNNING: interrupted at the next start)."""
        self._stop.set()
        if self._thread is not None:
            parser_models.StepFunctionsParserBackend.start_execution = self._wrapped_start
            self._thread.join(timeout=10)
        try:
            if self._services:
                self.save()
        finally:
            self.directory.release()
