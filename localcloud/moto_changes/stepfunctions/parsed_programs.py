"""Parsed ASL kept on disk, so a local cloud's start reads its definitions' programs instead of parsing them.

moto's ANTLR parser is pure Python: 80-200 ms of CPU for each of this stack's definitions.
Parsing the stack's four machines at provisioning was about half of the local cloud's start.
In one process each definition is parsed once (`caches.parsed_program`, shared by
CreateStateMachine's check and every execution); this module serves that parse.

- With a directory (`keep_on_disk`; the local cloud uses `.localcloud/cache/asl`), each parsed
  program is also pickled there, named by a hash of the definition, moto's version, Python's and
  our `LAYOUT`: a later start reads it in about a millisecond. A file that cannot be read is
  parsed again. Nothing in it outlives a change to any of the four: the name changes with them.
  A pickle runs code when read, so the folder is as trusted as the checkout's own `.pyc` files.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path
from typing import Any

import moto
from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

log = logging.getLogger(__name__)

_directory: Path | None = None
# Part of every file's name: raise it when a change of ours alters what moto's parser builds.
LAYOUT = 1


def keep_on_disk(directory: Path | None) -> None:
    """Keep parsed programs in `directory` from now on (None: in memory only)."""
    global _directory
    _directory = directory


def read_or_parse(definition: str) -> Any:
    """The evaluation component moto runs for `definition`; raises as moto's parser does for an invalid one."""
    directory = _directory
    if directory is None:
        return _parse(definition)
    path = directory / f"{_key(definition)}.pickle"
    program = _read(path)
    if program is None:
        program = _parse(definition)
        _write(path, program)
    return program


def _parse(definition: str) -> Any:
    return AmazonStateLanguageParser.parse(definition)[0]


def _key(definition: str) -> str:
    versions = (f"layout {LAYOUT}; moto {moto.__version__}; python {sys.version_info[0]}.{sys.version_info[1]}; "
                f"pickle {pickle.HIGHEST_PROTOCOL}\n")
    return hashlib.sha256((versions + definition).encode("utf-8")).hexdigest()


def _read(path: Path) -> Any | None:
    try:
        with path.open("rb") as file:
            return pickle.load(file)
    except FileNotFoundError:
        return None
    except Exception as exc:  # noqa: BLE001 - a damaged or foreign file costs a parse, never a failed start
        log.warning("parsing again: %s could not be read (%s)", path, exc)
        return None


def _write(path: Path, program: Any) -> None:
    part: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside and renamed: a concurrent reader (another cloud on the same project) sees all or nothing.
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False) as file:
            part = Path(file.name)
            pickle.dump(program, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)
    except Exception as exc:  # noqa: BLE001 - an unwritable cache costs the next start a parse, nothing more
        log.warning("parsed program not kept in %s: %s", path.parent, exc)
        if part is not None:
            part.unlink(missing_ok=True)
