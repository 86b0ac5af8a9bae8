"""The state directory: atomic writes, and a lock so two local clouds never share one.

Every file is written to a temporary name beside it and renamed over the old one: a process
killed mid-write (kill -9) leaves the previous version, never half a file. The rename needs no
fsync for that: the kernel keeps the written pages when the process dies; only a power cut
could lose them, which a local emulator does not promise to survive.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any


class StateDirectoryBusy(RuntimeError):
    """Another local cloud holds the state directory's lock."""


class StateDirectory:
    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self._lock_file = None
        self._written: dict[Path, str] = {}  # digest of what each file holds: unchanged state is not rewritten
        self._writing = threading.Lock()  # the digest must describe the write that landed last

    def lock(self) -> None:
        """Hold `<root>/lock` for the life of the process (the kernel releases it even after kill -9)."""
        self.root.mkdir(parents=True, exist_ok=True)
        handle = open(self.root / "lock", "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            handle.close()
            raise StateDirectoryBusy(
                f"LOCALCLOUD_STATE={self.root} is in use by local cloud pid {holder}; "
                "stop it or choose another directory") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._lock_file = handle

    def release(self) -> None:
        if self._lock_file is not None:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
            self._lock_file.close()
            self._lock_file = None

    def path(self, relative: str) -> Path:
        return self.root / relative

    def write_json(self, relative: str, document: Any) -> bool:
        """Write `document` atomically unless the file already holds it; True when written."""
        data = json.dumps(document, separators=(",", ":"), sort_keys=True).encode()
        return self.write_bytes(relative, data)

    def write_bytes(self, relative: str, data: bytes) -> bool:
        target = self.path(relative)
        digest = hashlib.sha256(data).hexdigest()
        with self._writing:
            if self._written.get(target) == digest:
                return False
            self._replace(target, data)
            self._written[target] = digest
        return True

    @staticmethod
    def _replace(target: Path, data: bytes) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def remember(self, relative: str) -> None:
        """Note what a file read at restore holds, so an unchanged save does not rewrite it."""
        target = self.path(relative)
        if target.is_file():
            self._written[target] = hashlib.sha256(target.read_bytes()).hexdigest()

    def read_json(self, relative: str) -> Any | None:
        target = self.path(relative)
        if not target.is_file():
            return None
        try:
            return json.loads(target.read_bytes())
        except ValueError as exc:  # hand-edited or foreign: say which file, and stop the start
            raise RuntimeError(f"{target} is not valid JSON ({exc}); fix or remove it") from None

    def delete(self, relative: str) -> None:
        target = self.path(relative)
        target.unlink(missing_ok=True)
        self._written.pop(target, None)

    def files(self, relative_dir: str, suffix: str = ".json") -> list[str]:
        folder = self.path(relative_dir)
        if not folder.is_dir():
            return []
        return sorted(str(p.relative_to(self.root)) for p in folder.rglob(f"*{suffix}")
                      if not p.name.startswith("."))
